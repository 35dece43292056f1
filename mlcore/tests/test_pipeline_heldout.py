"""The pipeline on a held-out job set: prepare keeps it apart (and out of training), train
fits the shipped models on all the data, evaluate scores the held-out postings beside the
TF-IDF baseline. Runs the stages as `dvc repro` does, on a small synthetic export."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]

WORDS = {
    "healthcare": "patient nurse ward clinical care medication bedside hospital",
    "accountant": "ledger reconciliation audit tax invoices accounts payable closing",
    "chef": "kitchen menu cooking sous chef plating food prep restaurant",
}


def text(category: str, i: int, title: str) -> str:
    words = WORDS[category].split()
    body = " ".join(words[(i + k) % len(words)] for k in range(12))
    return f"{title} {i}\n{body} case {i}."


def write_jsonl(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))


def run_stage(root: Path, stage: str) -> str:
    env = {**os.environ, "RR_PIPELINE_ROOT": str(root), "PYTHONPATH": str(REPO_ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", f"mlcore.pipelines.{stage}"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_heldout_jobs_are_kept_apart_scored_beside_the_baseline_and_never_trained_on(tmp_path):
    params = yaml.safe_load((REPO_ROOT / "params.yaml").read_text())
    params["embed"]["model"] = "hashing"
    params["train"]["job_training"] = "jobs"
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(params))
    raw = tmp_path / "data" / "raw" / "export"
    resumes = [
        {"id": f"r{c}{i}", "text": text(c, i, f"{c} resume"), "label": c}
        for c in WORDS
        for i in range(8)
    ]
    jobs = [
        {"id": f"j{c}{i}", "text": text(c, i, f"{c} job"), "label": c}
        for c in WORDS
        for i in range(8)
    ]
    heldout = [
        {"id": f"h{c}{i}", "text": text(c, 100 + i, f"{c} posting"), "label": c}
        for c in WORDS
        for i in range(3)
    ]
    heldout.append(
        {"id": "h-other", "text": "Truck driver\nroutes and deliveries", "label": "other"}
    )
    heldout.append({**jobs[0], "id": "h-copy"})  # a training text labelled again: a leak
    write_jsonl(raw / "resumes.jsonl", resumes)
    write_jsonl(raw / "jobs.jsonl", jobs)
    write_jsonl(raw / "jobs_heldout.jsonl", heldout)

    for stage in ("prepare", "embed", "train"):
        run_stage(tmp_path, stage)
    printed = run_stage(tmp_path, "evaluate")

    prepared = tmp_path / "data" / "prepared"
    trained_on = {
        json.loads(line)["text"]
        for split in ("train", "test")
        for line in (prepared / f"jobs_{split}.jsonl").read_text().splitlines()
    }
    assert jobs[0]["text"] not in trained_on  # the held-out copy wins
    assert len((prepared / "jobs_heldout.jsonl").read_text().splitlines()) == len(heldout)
    metrics = json.loads((tmp_path / "reports" / "metrics.json").read_text())["job"]
    assert metrics["heldout_test"] == 3 * 3 + 1  # OTHER left out of the scores
    for key in ("heldout_strict_accuracy", "heldout_baseline_accuracy", "heldout_coverage"):
        assert 0 <= metrics[key] <= 1
    assert "held-out postings" in printed and "TF-IDF + LinearSVC" in printed
    bundle = json.loads((tmp_path / "data" / "model" / "bundle" / "manifest.json").read_text())
    assert "job_heldout_macro_f1" in bundle["metrics"]
