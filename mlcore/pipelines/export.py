"""Stage `export`: labelled resumes and jobs as JSON lines under data/raw/export/.

`data.source` picks the input: `demo` (the project's fixtures), `shared` (the public labelled
sets in ../shared/data: livecareer resumes and Google job postings, mapped to the project's
categories) or `snapshots` (what ingestion appended under data/raw/jobs/, plus the demo resumes).
"""

from __future__ import annotations

import argparse
import json
from html.parser import HTMLParser
from pathlib import Path

from mlcore.pipelines.common import RAW_DIR, ROOT, PipelineError, load_params, write_jsonl

_BLOCK_TAGS = {"p", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "div", "tr"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


def demo_rows(demo_dir: Path) -> tuple[list[dict], list[dict]]:
    jobs = [
        {
            "id": f"demo-job:{j['id']}",
            "text": f"{j['title']}\n{html_text(j['description_html'])}",
            "label": j.get("category", ""),
            "source": "demo",
        }
        for j in json.loads((demo_dir / "jobs.json").read_text(encoding="utf-8"))
    ]
    labels = json.loads((demo_dir / "resumes" / "labels.json").read_text(encoding="utf-8"))
    resumes = [
        {
            "id": f"demo-resume:{p.name}",
            "text": p.read_text(encoding="utf-8"),
            "label": labels.get(p.name, ""),
            "source": "demo",
        }
        for p in sorted((demo_dir / "resumes").glob("*.txt"))
    ]
    return resumes, jobs


def shared_rows(data_dir: Path) -> tuple[list[dict], list[dict]]:
    from mlcore.datasets import GOOGLE_TO_PROJECT, load_google_jobs, load_livecareer_resumes

    if not data_dir.is_dir():
        raise PipelineError(f"data.shared_dir {data_dir} does not exist.")
    resumes = [
        {
            "id": f"livecareer:{d.source_id}",
            "text": d.text,
            "label": d.label,
            "group": d.group_id,
            "source": "livecareer",
        }
        for d in load_livecareer_resumes(data_dir)
    ]
    jobs = [
        {
            "id": f"google:{d.source_id}",
            "text": d.text,
            "label": GOOGLE_TO_PROJECT[d.label],
            "group": d.group_id,
            "source": "google",
        }
        for d in load_google_jobs(data_dir)
    ]
    return resumes, jobs


def snapshot_rows(snapshots_dir: Path, demo_dir: Path) -> tuple[list[dict], list[dict]]:
    latest: dict[str, dict] = {}
    for path in sorted(snapshots_dir.rglob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                latest[f"{row['source']}:{row['external_id']}"] = row  # later partitions win
    jobs = [
        {
            "id": key,
            "text": f"{r['title']}\n{r['text']}",
            "label": r.get("category", ""),
            "source": r["source"],
        }
        for key, r in sorted(latest.items())
    ]
    resumes, _ = demo_rows(demo_dir)
    return resumes, jobs


def run(params: dict) -> dict[str, int]:
    data = params.get("data", {})
    source = data.get("source", "demo")
    demo_dir = ROOT / data.get("demo_dir", "fixtures/demo")
    if source == "demo":
        resumes, jobs = demo_rows(demo_dir)
    elif source == "shared":
        resumes, jobs = shared_rows((ROOT / data.get("shared_dir", "../shared/data")).resolve())
    elif source == "snapshots":
        resumes, jobs = snapshot_rows(ROOT / data.get("snapshots_dir", "data/raw/jobs"), demo_dir)
    else:
        raise PipelineError(f"data.source must be demo, shared or snapshots; got {source!r}.")
    return {
        "resumes": write_jsonl(RAW_DIR / "resumes.jsonl", resumes),
        "jobs": write_jsonl(RAW_DIR / "jobs.jsonl", jobs),
    }


def main(argv: list[str] | None = None) -> None:
    argparse.ArgumentParser(description=__doc__).parse_args(argv)
    counts = run(load_params())
    print(f"exported {counts['resumes']} resumes and {counts['jobs']} jobs to {RAW_DIR}")


if __name__ == "__main__":
    main()
