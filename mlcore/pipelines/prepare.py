"""Stage `prepare`: clean, de-duplicate and split (stratified, grouped, fixed seed) each kind.

Identical texts (after whitespace and case folding) and rows of one group always land on the
same side of the split, so the test set never holds a copy of a training document. The held-out
jobs (exported only from the shared data) pass through unsplit, and no training or test text
may equal one of them.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from mlcore.pipelines.common import (
    KINDS,
    PREPARED_DIR,
    RAW_DIR,
    PipelineError,
    read_jsonl,
    run_stage,
    text_hash,
    write_json,
    write_jsonl,
)


def split_rows(
    rows: list[dict], *, test_size: float, seed: int, min_per_class: int
) -> tuple[list, list, dict]:
    """Drop empty texts, duplicates and rare classes; split groups per class with a fixed seed."""
    seen: set[str] = set()
    kept = []
    for row in rows:
        text = (row.get("text") or "").strip()
        label = row.get("label") or ""
        digest = text_hash(text)
        if not text or not label or digest in seen:
            continue
        seen.add(digest)
        kept.append({**row, "text": text, "group": row.get("group") or digest})
    counts = Counter(r["label"] for r in kept)
    rare = sorted(label for label, n in counts.items() if n < min_per_class)
    kept = [r for r in kept if r["label"] not in rare]
    if len({r["label"] for r in kept}) < 2:
        raise PipelineError(
            f"too little data to train: {len(kept)} usable documents in {len(set(counts) - set(rare))} "
            f"categories (need at least 2 categories with {min_per_class}+ documents each)."
        )
    rng = np.random.default_rng(seed)
    train, test = [], []
    by_label: dict[str, dict[str, list[dict]]] = {}
    for row in kept:
        by_label.setdefault(row["label"], {}).setdefault(row["group"], []).append(row)
    for label in sorted(by_label):
        groups = sorted(by_label[label])
        rng.shuffle(groups)
        n_test = max(1, round(len(groups) * test_size)) if len(groups) > 1 else 0
        for i, group in enumerate(groups):
            (test if i < n_test else train).extend(by_label[label][group])
    stats = {
        "documents": len(kept),
        "train": len(train),
        "test": len(test),
        "categories": len(by_label),
        "dropped_rare_categories": rare,
        "duplicates_dropped": len(rows) - len(kept),
    }
    return sorted(train, key=lambda r: r["id"]), sorted(test, key=lambda r: r["id"]), stats


def heldout_rows(rows: list[dict]) -> list[dict]:
    """The held-out jobs as they are (labels included, OTHER too), minus empty texts."""
    kept = [{**r, "text": (r.get("text") or "").strip()} for r in rows]
    return sorted((r for r in kept if r["text"] and r.get("label")), key=lambda r: r["id"])


def run(params: dict) -> dict:
    p = params.get("prepare", {})
    report = {}
    heldout_path = RAW_DIR / "jobs_heldout.jsonl"
    heldout = heldout_rows(list(read_jsonl(heldout_path))) if heldout_path.exists() else []
    heldout_hashes = {text_hash(r["text"]) for r in heldout}
    write_jsonl(PREPARED_DIR / "jobs_heldout.jsonl", heldout)
    report["jobs_heldout"] = {"documents": len(heldout)}
    for kind in KINDS:
        # A training text that is also a held-out posting would leak the test set.
        rows = [
            r
            for r in read_jsonl(RAW_DIR / f"{kind}.jsonl")
            if text_hash((r.get("text") or "").strip()) not in heldout_hashes
        ]
        train, test, stats = split_rows(
            rows,
            test_size=float(p.get("test_size", 0.2)),
            seed=int(p.get("seed", 42)),
            min_per_class=int(p.get("min_per_class", 2)),
        )
        write_jsonl(PREPARED_DIR / f"{kind}_train.jsonl", train)
        write_jsonl(PREPARED_DIR / f"{kind}_test.jsonl", test)
        report[kind] = stats
    write_json(PREPARED_DIR / "stats.json", report)
    return report


def main(argv: list[str] | None = None) -> None:
    for kind, stats in run_stage(__doc__, run, argv).items():
        if "train" not in stats:
            print(f"{kind}: {stats['documents']} documents")
            continue
        print(
            f"{kind}: {stats['train']} train / {stats['test']} test in {stats['categories']} categories"
        )


if __name__ == "__main__":
    main()
