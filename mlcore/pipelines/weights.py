"""Stage `weights`: fit the score's two weightings on judged pairs and measure the ranking.

Judgements come from two places: recruiters' decisions, which the retrain task exports into
``data/feedback/queries.jsonl`` before it runs the pipeline (shortlisted or further = 1, rejected
= 0, with each pair's part values as the app scores it), and, when ``weights.labelled_sets`` is
on, the labelled ranking sets that scripts/export_ranking_sets.py exports into
``data/raw/ranking`` (that needs the embedding model and minutes). Each source is a group of equal
total weight, so a few hundred decisions count as much as a labelled set. With no judgement at
all the prior (params.yaml's ``match.weights``) stands.

Writes ``data/model/weights`` (an artifact: the fitted weights and how they were measured) and
returns its metrics: ``ranking_ndcg10`` is the mean nDCG@10 of the fitted weights on queries
they never saw (leave one group out, or K-fold inside a lone group), the ranking figure the
registry's gate compares between versions.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from mlcore.artifacts import ArtifactError, load_artifact, save_artifact
from mlcore.pipelines.common import MODEL_DIR, ROOT, run_stage, write_json
from mlcore.pipelines.rank_metrics import ndcg_at_k
from mlcore.pipelines.ranking import fit_queries, pair_table, taxonomy_from_fixture
from mlcore.pipelines.ranking_sets import LOADERS, SET_FILES
from mlcore.retrieval.fit import WEIGHT_NAMES, Query, WeightFitter, additive_scores
from mlcore.retrieval.keywords import KeywordModel
from mlcore.retrieval.scorer import MatchWeights, ScoreWeights

KIND = "match-weights"
FEEDBACK_FILE = ROOT / "data" / "feedback" / "queries.jsonl"
RANKING_DIR = ROOT / "data" / "raw" / "ranking"
WEIGHTS_DIR = MODEL_DIR / "weights"
FOLDS = 5
# Product floors: a recruiter's must-haves must move the ranking whatever the labels say.
DEFAULT_FLOORS = {"explicit": {"required": 0.10}, "extracted": {}}


def read_feedback(path: Path = FEEDBACK_FILE) -> dict[str, list[Query]]:
    """Recruiters' decisions as queries (one per job), split by the job's weighting."""
    out: dict[str, list[Query]] = {"extracted": [], "explicit": []}
    if not path.is_file():
        return out
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        values = np.array(
            [[np.nan if v is None else float(v) for v in pair] for pair in row["values"]],
            dtype=np.float64,
        )
        if values.ndim != 2 or values.shape[1] != len(WEIGHT_NAMES):
            continue  # written by another version of the parts: not comparable
        kind = "explicit" if row.get("explicit") else "extracted"
        out[kind].append(
            Query(values=values, relevance=np.asarray(row["labels"], float), group="feedback")
        )
    return out


def read_sets(params: dict) -> dict[str, list[Query]]:
    """The labelled sets as queries, when they were exported (needs the embedding model)."""
    out: dict[str, list[Query]] = {"extracted": [], "explicit": []}
    if not params.get("weights", {}).get("labelled_sets", False) or not RANKING_DIR.is_dir():
        return out
    # Imported here: embed pulls in scikit-learn, which the web process importing
    # ``load_weights`` would otherwise load at startup for nothing.
    from mlcore.pipelines.embed import embedder_from

    embedder = embedder_from(params)
    taxonomy = taxonomy_from_fixture(ROOT / "fixtures" / "skills.json")
    keywords = KeywordModel.load(ROOT / "data" / "reference" / "keywords")
    for name, files in SET_FILES.items():
        if not all((RANKING_DIR / f).is_file() for f in files):
            continue
        rset = LOADERS[name](RANKING_DIR)
        table = pair_table(rset, embedder=embedder, taxonomy=taxonomy, keyword_model=keywords)
        for kind in out:
            out[kind] += fit_queries(rset, table, explicit=kind == "explicit")
    return out


def _ndcg(query: Query, weights: ScoreWeights) -> float:
    judged = ~np.isnan(query.relevance)
    rel = query.relevance[judged]
    scores = additive_scores(query.values[judged], weights.normalised())
    return ndcg_at_k(rel - rel.min(), scores, k=10)


def held_out_ndcg(queries: list[Query], fitter: WeightFitter, seed: int = 0) -> float | None:
    """Mean nDCG@10 of fitted weights on queries they never saw: leave one group out when
    there are several groups, K-fold over the queries of a lone group."""
    if not queries:
        return None
    groups = sorted({q.group for q in queries})
    if len(groups) > 1:
        splits = [[k for k, q in enumerate(queries) if q.group == g] for g in groups]
    else:
        order = np.random.default_rng(seed).permutation(len(queries))
        splits = [list(fold) for fold in np.array_split(order, min(FOLDS, len(queries)))]
    scores = []
    for held in splits:
        held_set = set(held)
        train = [q for k, q in enumerate(queries) if k not in held_set]
        try:
            weights = fitter.fit(train).weights_
        except ValueError:
            weights = fitter.prior
        scores += [_ndcg(queries[k], weights) for k in held]
    scores = [s for s in scores if not np.isnan(s)]
    return round(float(np.mean(scores)), 4) if scores else None


def run(params: dict) -> dict:
    match = params.get("match", {})
    prior = MatchWeights.from_mapping(match.get("weights"))
    settings = params.get("weights", {})
    floors = {**DEFAULT_FLOORS, **settings.get("floors", {})}
    l2 = float(settings.get("l2", 0.2))
    feedback, sets = read_feedback(), read_sets(params)
    fitted, metrics = {}, {}
    for kind in ("extracted", "explicit"):
        queries = sets[kind] + feedback[kind]
        fitter = WeightFitter(prior=prior.for_job(kind == "explicit"), l2=l2, floors=floors[kind])
        try:
            fitted[kind] = fitter.fit(queries).weights_
            metrics[f"{kind}_pairs"] = fitter.n_pairs_
        except ValueError:  # nothing to learn from: the prior stands
            fitted[kind] = fitter.prior
            metrics[f"{kind}_pairs"] = 0
        metrics[f"{kind}_queries"] = len(queries)
        metrics[f"{kind}_feedback_queries"] = len(feedback[kind])
        metrics[f"{kind}_ndcg10"] = held_out_ndcg(queries, fitter)
    measured = [metrics[f"{k}_ndcg10"] for k in ("extracted", "explicit")]
    measured = [m for m in measured if m is not None]
    metrics["ranking_ndcg10"] = round(float(np.mean(measured)), 4) if measured else None
    weights = MatchWeights(**fitted)
    save_artifact(
        WEIGHTS_DIR,
        {"weights.json": json.dumps(weights.as_dict(), sort_keys=True).encode()},
        kind=KIND,
        params={"l2": l2, "floors": floors, "prior": prior.as_dict()},
        metrics=metrics,
        overwrite=True,
    )
    write_json(ROOT / "reports" / "weights.json", {"weights": weights.as_dict(), **metrics})
    return {"weights": weights.as_dict(), **metrics}


def load_weights(directory: str | Path) -> MatchWeights:
    """Fitted weights from a model folder's ``weights`` part, verified like every artifact."""
    _, files = load_artifact(Path(directory), kind=KIND)
    try:
        return MatchWeights.from_mapping(json.loads(files["weights.json"]))
    except (KeyError, ValueError, TypeError) as exc:
        raise ArtifactError(f"match weights in {directory} cannot be read: {exc}") from exc


def main(argv: list[str] | None = None) -> None:
    result = run_stage(__doc__, run, argv)
    queries = ", ".join(f"{kind} {result[f'{kind}_queries']}" for kind in ("extracted", "explicit"))
    print(f"ranking nDCG@10 held out: {result['ranking_ndcg10']}; queries {queries}")


if __name__ == "__main__":
    main()
