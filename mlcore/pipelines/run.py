"""Every stage of the pipeline in order, in this process, with `data` parameters overridden:
what `make train DATA=../shared/data` runs to train on the public labelled sets without editing
params.yaml (then `manage.py retrain --no-repro` registers the bundle through the gate).

    python -m mlcore.pipelines.run --source shared --shared-dir ../shared/data
"""

from __future__ import annotations

import argparse
import copy
import time

from mlcore.pipelines import embed, evaluate, export, prepare, train
from mlcore.pipelines.common import load_params

STAGES = (
    ("export", export.run),
    ("prepare", prepare.run),
    ("embed", embed.run),
    ("train", train.run),
    ("evaluate", evaluate.run),
)


def run(params: dict, *, source: str, shared_dir: str | None = None) -> dict:
    """Run the stages with ``data.source`` (and ``data.shared_dir``) replaced; returns the
    evaluation metrics."""
    params = copy.deepcopy(params)
    params.setdefault("data", {})["source"] = source
    if shared_dir:
        params["data"]["shared_dir"] = shared_dir
    out: dict = {}
    for name, stage in STAGES:
        started = time.monotonic()
        out[name] = stage(params)
        print(f"stage {name}: done in {time.monotonic() - started:.0f} s", flush=True)
    return out["evaluate"]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--source", default="shared", choices=("demo", "shared", "snapshots"))
    ap.add_argument("--shared-dir", default=None, help="the shared data folder (data.shared_dir)")
    args = ap.parse_args(argv)
    evaluate.print_metrics(run(load_params(), source=args.source, shared_dir=args.shared_dir))


if __name__ == "__main__":
    main()
