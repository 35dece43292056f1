"""Shared helpers of the pipeline stages: parameters, paths, JSON and JSON-lines files."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import yaml

from mlcore.artifacts import write_atomic

ROOT = Path(os.environ.get("RR_PIPELINE_ROOT", Path(__file__).resolve().parents[2]))
PARAMS_FILE = ROOT / "params.yaml"

RAW_DIR = ROOT / "data" / "raw" / "export"
PREPARED_DIR = ROOT / "data" / "prepared"
EMBEDDINGS_DIR = ROOT / "data" / "embeddings"
MODEL_DIR = ROOT / "data" / "model"
REPORTS_DIR = ROOT / "reports"
CACHE_DIR = ROOT / ".cache" / "embeddings"
KINDS = ("resumes", "jobs")


class PipelineError(RuntimeError):
    """A stage cannot run: the message says why (too little data, a missing input, ...)."""


def load_params(path: Path = PARAMS_FILE) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


def run_stage(doc: str | None, run: Callable[[dict], Any], argv: list[str] | None) -> Any:
    """A stage's ``main()`` before it prints: the command line takes no arguments (``--help``
    prints ``doc``), and the stage runs on params.yaml."""
    argparse.ArgumentParser(description=doc).parse_args(argv)
    return run(load_params())


def write_jsonl(path: Path, rows: Iterable[dict]) -> int:
    lines = [json.dumps(r, ensure_ascii=False, sort_keys=True) for r in rows]
    write_atomic(path, ("\n".join(lines) + ("\n" if lines else "")).encode("utf-8"))
    return len(lines)


def read_jsonl(path: Path) -> Iterator[dict]:
    if not path.exists():
        raise PipelineError(
            f"{path} is missing: run the earlier pipeline stages first (dvc repro)."
        )
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def write_json(path: Path, data: Any) -> None:
    write_atomic(
        path,
        (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8"),
    )


def text_hash(text: str) -> str:
    return hashlib.sha256(" ".join(text.split()).lower().encode("utf-8")).hexdigest()
