"""Category classifiers on the public sets: the project classifier against TF-IDF + LinearSVC.

    python bench/eval_classifiers.py --data-dir ../shared/data
        [--variants [--variant-set view-embeddings]] [--check-mapping] [--embedder hashing]

One stratified 80/20 split per task (seed 0), the baseline trained on the same split in the same
run; every choice (weights, C, threshold) is made by cross-validation on the training split only.
Reports: reports/classifiers/<task>.json. Embeddings are cached in .cache/embeddings/ (model id +
text sha256, npz), so only the first run pays for them (~1 h for the resumes on 2 busy cores).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402
from sklearn.svm import LinearSVC  # noqa: E402

from mlcore.classifiers import (  # noqa: E402
    CategoryClassifier,
    coverage_curve,
    tfidf_svm_baseline,
    view_vectors,
)
from mlcore.classifiers.calibration import fit_temperature, softmax  # noqa: E402
from mlcore.classifiers.features import TfidfBlocks, text_views  # noqa: E402
from mlcore.datasets import (  # noqa: E402
    GOOGLE_TO_PROJECT,
    LabelledText,
    load_google_jobs,
    load_livecareer_resumes,
)
from mlcore.embeddings.text import has_words  # noqa: E402

TASKS = ("resumes", "resumes-no-title", "jobs", "jobs-mapped")
DEFAULT_TASKS = ("resumes", "resumes-no-title", "jobs")


# -- data --------------------------------------------------------------------------------------
def load_task(task: str, data_dir: Path) -> list[LabelledText]:
    """The records of a task, one per group (re-posts and identical texts kept once)."""
    if task == "resumes":
        data = load_livecareer_resumes(data_dir)
    elif task == "resumes-no-title":
        data = load_livecareer_resumes(data_dir, drop_first_line=True)
    elif task == "jobs":
        data = load_google_jobs(data_dir)
    elif task == "jobs-mapped":
        data = [
            LabelledText(d.text, GOOGLE_TO_PROJECT[d.label], d.group_id, d.source_id)
            for d in load_google_jobs(data_dir)
        ]
    else:
        raise SystemExit(f"unknown task {task!r}; choose from {', '.join(TASKS)}")
    seen: set[str] = set()
    out = []
    for d in data:
        if d.group_id in seen or not has_words(d.text):
            continue
        seen.add(d.group_id)
        out.append(d)
    return out


def split_indices(labels: Sequence[str], *, test_size: float, seed: int) -> tuple[list, list]:
    """Stratified train/test indices; a category with a single record stays in training."""
    rng = np.random.default_rng(seed)
    by_label: dict[str, list[int]] = defaultdict(list)
    for i, lab in enumerate(labels):
        by_label[lab].append(i)
    train, test = [], []
    for lab in sorted(by_label):
        idx = np.array(by_label[lab])
        rng.shuffle(idx)
        n_test = round(len(idx) * test_size) if len(idx) > 1 else 0
        n_test = min(max(n_test, 1 if len(idx) > 1 else 0), len(idx) - 1)
        test.extend(idx[:n_test].tolist())
        train.extend(idx[n_test:].tolist())
    return sorted(train), sorted(test)


# -- embeddings --------------------------------------------------------------------------------
def make_embedder(name: str, cache_dir: Path):
    """The embedder behind a disk cache keyed by model id + text sha256."""
    from mlcore.embeddings import get_embedder
    from mlcore.embeddings.cache import CachedEmbedder, EmbeddingCache

    return CachedEmbedder(get_embedder(name), EmbeddingCache(cache_dir), cache_short_texts=True)


def embed_documents(embedder, texts: Sequence[str], *, label: str, batch: int = 64) -> np.ndarray:
    """Document vectors, encoded in batches so an interrupted run keeps what it finished."""
    out = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    t0 = time.perf_counter()
    for start in range(0, len(texts), batch):
        docs = embedder.encode_documents(list(texts[start : start + batch]))
        out[start : start + len(docs)] = np.stack([d.vector for d in docs])
        if embedder.encoded and start // batch % 5 == 0:
            print(f"  [{label}] embedded {start + len(docs)}/{len(texts)}", flush=True)
    print(
        f"  [{label}] {len(texts)} documents: {embedder.hits} cached so far, "
        f"{time.perf_counter() - t0:.1f} s",
        flush=True,
    )
    return out


def embedding_blocks(embedder, texts: Sequence[str], *, label: str) -> dict[str, np.ndarray]:
    """Document, title-line and recent-role embeddings of every text (all cached)."""
    views = text_views(texts)
    return {
        "document": embed_documents(embedder, texts, label=label),
        "title": view_vectors(embedder, views["title"]),
        "role": view_vectors(embedder, views["role"]),
    }


def take(blocks: dict[str, np.ndarray] | None, rows) -> dict[str, np.ndarray] | None:
    return None if blocks is None else {k: v[rows] for k, v in blocks.items()}


# -- metrics -----------------------------------------------------------------------------------
def scores(y_true: Sequence[str], y_pred: Sequence[str], labels: Sequence[str]) -> dict:
    """Accuracy, macro-F1 (over the categories in the test split) and the confusion matrix."""
    present = sorted(set(y_true))
    return {
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "macro_f1": float(
            f1_score(y_true, y_pred, labels=present, average="macro", zero_division=0)
        ),
        "per_class_f1": dict(
            zip(
                present,
                (
                    float(x)
                    for x in f1_score(y_true, y_pred, labels=present, average=None, zero_division=0)
                ),
                strict=True,
            )
        ),
        "confusion": {
            "labels": list(labels),
            "matrix": confusion_matrix(y_true, y_pred, labels=list(labels)).tolist(),
        },
    }


def calibration_figures(proba: np.ndarray, classes, y_true: Sequence[str]) -> dict:
    """Log-loss and expected calibration error (15 equal-width confidence bins) on the test."""
    index = {c: i for i, c in enumerate(classes)}
    p_true = np.array([proba[i, index[y]] if y in index else 0.0 for i, y in enumerate(y_true)])
    conf = proba.max(axis=1)
    correct = np.asarray(classes)[proba.argmax(axis=1)] == np.asarray(y_true)
    bins = np.minimum((conf * 15).astype(int), 14)
    ece = sum(
        abs(conf[bins == b].mean() - correct[bins == b].mean()) * (bins == b).mean()
        for b in range(15)
        if (bins == b).any()
    )
    return {
        "log_loss": float(-np.mean(np.log(np.clip(p_true, 1e-12, None)))),
        "ece": float(ece),
    }


# -- the variant study (cross-validation on the training split) --------------------------------
@dataclass(frozen=True)
class Variant:
    """A feature/model configuration compared by 5-fold CV on the training split."""

    name: str
    weights: dict  # view -> weight; "emb" -> embedding weight
    model: str = "svm"
    C: float = 1.0
    ensemble: bool = False  # average calibrated probabilities of TF-IDF and embedding models


def _linear(model: str, C: float, seed: int):
    if model == "svm":
        return LinearSVC(C=C, random_state=seed)
    return LogisticRegression(C=C, max_iter=3000, random_state=seed)


def _decision(est, X, n_classes: int) -> np.ndarray:
    """Scores in columns 0..n_classes-1; a category absent from the fold's training scores -inf."""
    s = est.decision_function(X)
    s = np.column_stack([-s, s]) if s.ndim == 1 else s
    out = np.full((X.shape[0], n_classes), -np.inf)
    out[:, est.classes_] = s
    return out


class FoldFeatures:
    """TF-IDF blocks of each view fitted on one fold's training part, and the dense blocks.

    ``dense`` maps a weight key to per-text vectors: "emb" the document embedding, "temb" and
    "remb" the embeddings of the title line and of the most recent role.
    """

    def __init__(self, texts: Sequence[str], dense: dict[str, np.ndarray], train, held):
        self.blocks = {}
        for view in ("body", "title", "role"):
            blk = TfidfBlocks({view: 1.0})
            tr = blk.fit_transform([texts[i] for i in train])
            te = blk.transform([texts[i] for i in held])
            self.blocks[view] = (tr, te)
        self.dense = {k: (v[train], v[held]) for k, v in dense.items()}

    def matrices(self, weights: dict) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        parts_tr, parts_te = [], []
        for view, (tr, te) in self.blocks.items():
            w = weights.get(view, 0.0)
            if w and tr.shape[1]:
                parts_tr.append(tr * w)
                parts_te.append(te * w)
        for key, (tr, te) in self.dense.items():
            w = weights.get(key, 0.0)
            if w:
                parts_tr.append(sp.csr_matrix(tr * w))
                parts_te.append(sp.csr_matrix(te * w))
        return sp.hstack(parts_tr, format="csr"), sp.hstack(parts_te, format="csr")


def variant_scores(
    v: Variant, ff: FoldFeatures, y_tr: np.ndarray, n_classes: int, seed: int
) -> np.ndarray:
    """Decision scores (or log-probabilities for ensembles) of one variant on one fold."""
    if not v.ensemble:
        Xtr, Xte = ff.matrices(v.weights)
        return _decision(_linear(v.model, v.C, seed).fit(Xtr, y_tr), Xte, n_classes)
    # Ensemble: TF-IDF views with the SVM, the embedding alone with logistic regression, each
    # calibrated by a temperature fitted on the fold's training part (inner 3-fold), averaged.
    text_w = {k: w for k, w in v.weights.items() if k != "emb"}
    probs = []
    for weights, model, C in ((text_w, "svm", v.C), ({"emb": 1.0}, "logreg", 10.0)):
        Xtr, Xte = ff.matrices(weights)
        inner = np.zeros((Xtr.shape[0], n_classes))
        for a, b in StratifiedKFold(3, shuffle=True, random_state=seed).split(Xtr, y_tr):
            est = _linear(model, C, seed).fit(Xtr[a], y_tr[a])
            # A category missing from the inner fold gets a very low (finite) score.
            inner[b] = np.maximum(_decision(est, Xtr[b], n_classes), -1e3)
        t = fit_temperature(inner, y_tr)
        est = _linear(model, C, seed).fit(Xtr, y_tr)
        probs.append(softmax(np.maximum(_decision(est, Xte, n_classes), -1e3), t))
    return np.log(np.maximum(np.mean(probs, axis=0), 1e-300))


def run_variants(
    texts: list[str],
    y: np.ndarray,
    dense: dict[str, np.ndarray],
    train: list[int],
    test: list[int],
    variants: list[Variant],
    seed: int,
) -> dict[str, dict]:
    """Per variant: 5-fold CV figures on the training split (the ones used to choose) and, for
    information only, the figures of the variant trained on the split and scored on the test."""
    train_arr = np.asarray(train)
    folds = [
        (train_arr[a], train_arr[b])
        for a, b in StratifiedKFold(5, shuffle=True, random_state=seed).split(train, y[train])
    ]
    n_classes = int(y.max()) + 1
    cv_pred = {v.name: np.zeros(len(y), dtype=int) for v in variants}
    test_pred = {}
    for k, (tr, te) in enumerate([*folds, (train_arr, np.asarray(test))]):
        ff = FoldFeatures(texts, dense, tr, te)
        for v in variants:
            pred = np.argmax(variant_scores(v, ff, y[tr], n_classes, seed), axis=1)
            if k < len(folds):
                cv_pred[v.name][te] = pred
            else:
                test_pred[v.name] = pred
        print(f"  variants: fit {k + 1}/{len(folds) + 1} done", flush=True)

    def figures(y_true: np.ndarray, pred: np.ndarray) -> tuple[float, float]:
        present = np.unique(y_true)
        f1 = f1_score(y_true, pred, labels=present, average="macro", zero_division=0)
        return float(accuracy_score(y_true, pred)), float(f1)

    out = {}
    for v in variants:
        cv_acc, cv_f1 = figures(y[train], cv_pred[v.name][train])
        te_acc, te_f1 = figures(y[test], test_pred[v.name])
        out[v.name] = {
            "cv_accuracy": cv_acc,
            "cv_macro_f1": cv_f1,
            "test_accuracy": te_acc,
            "test_macro_f1": te_f1,
        }
    return out


# The CategoryClassifier defaults, as variant weights.
DEFAULT_WEIGHTS = {"body": 1.0, "title": 0.5, "role": 1.0, "emb": 1.0, "temb": 0.25, "remb": 1.0}


def standard_variants(with_emb: bool) -> list[Variant]:
    """The configurations the issue asks about, and the default's neighbours."""
    views = {"body": 1.0, "title": 0.5, "role": 1.0}
    vs = [
        Variant("tfidf-body svm (= baseline features)", {"body": 1.0}),
        Variant("tfidf body+title", {"body": 1.0, "title": 0.5}),
        Variant("tfidf body+role", {"body": 1.0, "role": 1.0}),
        Variant("tfidf body+title+role", views),
    ]
    if with_emb:
        vs += [
            Variant("document embedding only, logreg C=10", {"emb": 1.0}, model="logreg", C=10.0),
            Variant("tfidf body + document embedding", {"body": 1.0, "emb": 1.0}),
            Variant("tfidf views + document embedding", {**views, "emb": 1.0}),
            Variant("ensemble: mean p(tfidf views svm), p(embedding logreg)", views, ensemble=True),
            Variant("DEFAULT: tfidf views + document/title/role embeddings", DEFAULT_WEIGHTS),
            Variant("default features, logreg C=10", DEFAULT_WEIGHTS, model="logreg", C=10.0),
            Variant("default features, svm C=0.5", DEFAULT_WEIGHTS, C=0.5),
            Variant("default features, svm C=2", DEFAULT_WEIGHTS, C=2.0),
        ]
    return vs


def view_embedding_variants(with_emb: bool) -> list[Variant]:
    """A grid over the weights of the title and role embeddings (needs embeddings)."""
    if not with_emb:
        raise SystemExit("the view-embedding variants need an embedder")
    tr = {"body": 1.0, "title": 0.5, "role": 1.0}
    vs = [Variant("no view embeddings, e=1", {**tr, "emb": 1.0})]
    for e in (0.5, 1.0):
        for te in (0.25, 0.5, 1.0):
            for re_ in (0.25, 0.5, 1.0):
                weights = {**tr, "emb": e, "temb": te, "remb": re_}
                vs.append(Variant(f"e={e} temb={te} remb={re_}", weights))
    return vs


VARIANT_SETS = {"standard": standard_variants, "view-embeddings": view_embedding_variants}


# -- main --------------------------------------------------------------------------------------
def evaluate_task(task: str, args, embedder) -> dict:
    data = load_task(task, args.data_dir)
    texts = [d.text for d in data]
    labels = [d.label for d in data]
    train, test = split_indices(labels, test_size=args.test_size, seed=args.seed)
    tr_texts, te_texts = [texts[i] for i in train], [texts[i] for i in test]
    tr_y, te_y = [labels[i] for i in train], [labels[i] for i in test]
    all_labels = sorted(set(labels))
    print(
        f"[{task}] {len(data)} records, {len(all_labels)} categories: "
        f"{len(train)} train / {len(test)} test"
    )

    emb = None if embedder is None else embedding_blocks(embedder, texts, label=task)

    t0 = time.perf_counter()
    base = tfidf_svm_baseline(random_state=args.seed).fit(tr_texts, tr_y)
    base_fit = time.perf_counter() - t0
    base_scores = scores(te_y, list(base.predict(te_texts)), all_labels)

    params = dict(args.params)
    if emb is None:
        params["use_embeddings"] = False
    clf = CategoryClassifier(embedder=embedder, random_state=args.seed, **params)
    t0 = time.perf_counter()
    clf.fit(tr_texts, tr_y, embeddings=take(emb, train))
    fit_s = time.perf_counter() - t0
    proba = clf.predict_proba(te_texts, embeddings=take(emb, test))
    top = clf.classes_[proba.argmax(axis=1)]
    conf = proba.max(axis=1)
    project_scores = scores(te_y, list(top), all_labels)
    correct = top == np.asarray(te_y)
    answered = conf >= clf.threshold_
    curve = coverage_curve(conf, correct, thresholds=np.round(np.arange(0.0, 1.0, 0.1), 2))
    project_scores.update(
        threshold=clf.threshold_,
        temperature=clf.temperature_,
        coverage=float(answered.mean()),
        answered_accuracy=float(correct[answered].mean()) if answered.any() else None,
        cv_coverage=clf.cv_coverage_,
        cv_answered_accuracy=clf.cv_answered_accuracy_,
        coverage_curve=[p.__dict__ for p in curve],
        fit_seconds=round(fit_s, 2),
        **calibration_figures(proba, clf.classes_, te_y),
    )
    report = {
        "task": task,
        "seed": args.seed,
        "n_train": len(train),
        "n_test": len(test),
        "categories": all_labels,
        "train_counts": dict(Counter(tr_y)),
        "embedder": getattr(embedder, "model_id", None),
        "baseline": {
            "name": "tfidf(1-2, min_df=2, sublinear) + LinearSVC(C=1)",
            **base_scores,
            "fit_seconds": round(base_fit, 2),
        },
        "project": {"params": clf._saved_params(), **project_scores},
    }
    if args.variants:
        y_all = np.unique(labels, return_inverse=True)[1]
        dense = {}
        if emb is not None:
            dense = {"emb": emb["document"], "temb": emb["title"], "remb": emb["role"]}
        vs = VARIANT_SETS[args.variant_set](emb is not None)
        cv = run_variants(texts, y_all, dense, train, test, vs, args.seed)
        report["variants"] = cv
        best = max(cv, key=lambda k: cv[k]["cv_macro_f1"])
        print(f"  best variant by CV on train: {best} ({cv[best]['cv_macro_f1']:.4f})")
    return report


def check_mapping(args, embedder) -> dict:
    """How a resume classifier (trained on all resumes) files each Google job family."""
    resumes = load_task("resumes", args.data_dir)
    jobs = load_task("jobs", args.data_dir)
    params = dict(args.params)
    emb_r = emb_j = None
    if embedder is not None:
        emb_r = embedding_blocks(embedder, [d.text for d in resumes], label="resumes")
        emb_j = embedding_blocks(embedder, [d.text for d in jobs], label="jobs")
    else:
        params["use_embeddings"] = False
    clf = CategoryClassifier(embedder=embedder, random_state=args.seed, **params).fit(
        [d.text for d in resumes], [d.label for d in resumes], embeddings=emb_r
    )
    proba = clf.predict_proba([d.text for d in jobs], embeddings=emb_j)
    votes: dict[str, Counter] = defaultdict(Counter)
    for d, row in zip(jobs, proba, strict=True):
        votes[d.label][str(clf.classes_[row.argmax()])] += 1
    overall = Counter()
    for counter in votes.values():
        overall.update(counter)
    n_all = sum(overall.values())
    # Resumes and postings are written differently, so a few categories collect votes from every
    # family (a domain shift); lift = a category's share among a family's votes over its share
    # among all votes shows which category a family is specifically drawn to.
    out = {}
    for fam in sorted(votes, key=lambda f: -sum(votes[f].values())):
        n = sum(votes[fam].values())
        lift = {c: (k / n) / (overall[c] / n_all) for c, k in votes[fam].items()}
        mapped = GOOGLE_TO_PROJECT[fam]
        best_lift = max(lift, key=lambda c: (votes[fam][c] >= 2, lift[c]))
        out[fam] = {
            "mapped_to": mapped,
            "postings": n,
            "share_voting_mapped": votes[fam][mapped] / n,
            "lift_mapped": lift.get(mapped, 0.0),
            "highest_lift": [best_lift, lift[best_lift]],
            "votes": dict(votes[fam].most_common()),
        }
        print(
            f"  {fam:34s} n={n:3d} -> {mapped:22s} votes {votes[fam][mapped] / n:4.0%} "
            f"lift {lift.get(mapped, 0.0):4.1f} | highest lift: {best_lift} {lift[best_lift]:.1f}"
        )
    return out


def print_table(reports: list[dict]) -> None:
    """Baseline and project side by side, with the difference in points."""
    cols = [
        ("task", 18), ("n_test", 6), ("base acc", 8), ("base F1", 8), ("proj acc", 8),
        ("proj F1", 8), ("dF1 pts", 7), ("dAcc pts", 8), ("thr", 5), ("answered", 8),
        ("acc@ans", 7),
    ]  # fmt: skip
    head = " ".join(f"{name:>{w}s}" for name, w in cols)
    print(head)
    print("-" * len(head))
    for r in reports:
        b, p = r["baseline"], r["project"]
        cells = [
            f"{r['task']:>18s}",
            f"{r['n_test']:6d}",
            f"{b['accuracy']:8.4f}",
            f"{b['macro_f1']:8.4f}",
            f"{p['accuracy']:8.4f}",
            f"{p['macro_f1']:8.4f}",
            f"{100 * (p['macro_f1'] - b['macro_f1']):+7.1f}",
            f"{100 * (p['accuracy'] - b['accuracy']):+8.1f}",
            f"{p['threshold']:5.2f}",
            f"{p['coverage']:8.1%}",
            f"{(p['answered_accuracy'] or float('nan')):7.4f}",
        ]
        print(" ".join(cells))


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--data-dir", type=Path, default=REPO_ROOT.parent / "shared" / "data")
    ap.add_argument("--out", type=Path, default=REPO_ROOT / "reports" / "classifiers")
    ap.add_argument("--cache", type=Path, default=REPO_ROOT / ".cache" / "embeddings")
    ap.add_argument("--embedder", default="minilm", choices=("minilm", "hashing", "none"))
    ap.add_argument("--tasks", default=",".join(DEFAULT_TASKS))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--test-size", type=float, default=0.2)
    ap.add_argument(
        "--params", type=json.loads, default={}, help="CategoryClassifier params as JSON"
    )
    ap.add_argument("--variants", action="store_true", help="also compare variants by CV on train")
    ap.add_argument("--variant-set", choices=sorted(VARIANT_SETS), default="standard")
    ap.add_argument(
        "--check-mapping", action="store_true", help="resume classifier votes on Google families"
    )
    args = ap.parse_args(argv)
    # Job families rarer than the CV folds (2 postings) are expected; say it once, not per fold.
    warnings.filterwarnings("ignore", "The least populated class", UserWarning)

    if not args.data_dir.is_dir():
        raise SystemExit(f"data folder {args.data_dir} not found (pass --data-dir ../shared/data)")
    embedder = None if args.embedder == "none" else make_embedder(args.embedder, args.cache)
    args.out.mkdir(parents=True, exist_ok=True)
    if args.check_mapping:
        result = check_mapping(args, embedder)
        (args.out / "google_mapping_check.json").write_text(json.dumps(result, indent=2))
        return 0
    reports = []
    for task in args.tasks.split(","):
        report = evaluate_task(task.strip(), args, embedder)
        (args.out / f"{report['task']}.json").write_text(json.dumps(report, indent=2))
        reports.append(report)
    print()
    print_table(reports)
    for r in reports:
        p = r["project"]
        curve = " ".join(
            f"{c['threshold']:.1f}:{c['coverage']:.0%}/{c['accuracy']:.2f}"
            for c in p["coverage_curve"]
        )
        print(f"{r['task']} coverage/accuracy by threshold: {curve}")
        print(
            f"{r['task']} calibration on the test split: ECE {p['ece']:.3f}, "
            f"log-loss {p['log_loss']:.3f} (temperature {p['temperature']:.3f}); "
            f"fit {p['fit_seconds']:.0f} s with the out-of-fold calibration"
        )
        if "variants" in r:
            print(f"{r['task']} variants: 5-fold CV on the training split (chooses) | test split")
            print(f"    {'cv F1':>6s} {'cv acc':>6s} | {'test F1':>7s} {'test acc':>8s}  variant")
            for name, v in sorted(r["variants"].items(), key=lambda kv: -kv[1]["cv_macro_f1"]):
                print(
                    f"    {v['cv_macro_f1']:6.4f} {v['cv_accuracy']:6.4f} | "
                    f"{v['test_macro_f1']:7.4f} {v['test_accuracy']:8.4f}  {name}"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
