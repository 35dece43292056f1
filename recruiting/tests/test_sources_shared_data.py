"""Real postings (LinkedIn sample, shared data) served as a generic JSON feed.

The feed is built at test time from ``linkedin_postings_sample500/postings_sample.csv``
(columns per its PROVENANCE.md: job_id, company_name, title, description, location,
remote_allowed, job_posting_url, listed_time (epoch ms), ...), served by the local fixture
server and read back through the ``json`` adapter.
"""

from __future__ import annotations

import csv
import html
import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from recruiting.sources import FetchPolicy, SourceConfig, fetch_postings
from recruiting.sources.sanitize import clean_field
from recruiting.tests.feedserver import FeedServer

REPO_ROOT = Path(__file__).resolve().parents[2]
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff]")


def _words(text: str) -> str:
    """Entity-decoded text with invisible characters removed and whitespace collapsed."""
    return " ".join(_INVISIBLE.sub("", html.unescape(text)).split())


def _shared_csv() -> Path:
    candidates = []
    if os.environ.get("SHARED_DATA_DIR"):
        candidates.append(Path(os.environ["SHARED_DATA_DIR"]))
    candidates.append(REPO_ROOT.parent / "shared" / "data")
    for base in candidates:
        path = base / "linkedin_postings_sample500" / "postings_sample.csv"
        if path.is_file():
            return path
    pytest.skip(
        "shared data missing: linkedin_postings_sample500/postings_sample.csv not found under "
        + " or ".join(str(c) for c in candidates)
    )


@pytest.mark.shared_data
def test_linkedin_sample_served_as_generic_json_feed():
    with _shared_csv().open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) >= 100

    jobs = [
        {
            "job_id": row["job_id"],
            "title": row["title"],
            "company": {"name": row["company_name"]},
            "text": {"description": row["description"]},
            "where": {"city": row["location"]},
            "links": {"posting": row["job_posting_url"]},
            "listed": row["listed_time"],
            "remote_allowed": row["remote_allowed"],
        }
        for row in rows
    ]
    field_map = {
        "items": "result.jobs",
        "id": "job_id",
        "title": "title",
        "description": "text.description",
        "company": "company.name",
        "location": "where.city",
        "url": "links.posting",
        "date": "listed",
        "remote": "remote_allowed",
    }
    valid = [r for r in rows if r["job_id"].strip() and r["title"].strip()]

    with FeedServer() as server:
        url = server.add_route("linkedin", json.dumps({"result": {"jobs": jobs}}).encode())
        result = fetch_postings(
            SourceConfig(kind="json", url=url, field_map=field_map),
            FetchPolicy(allow_private=True, read_timeout=10, sleep=lambda s: None),
        )

    assert result.errors == ()
    assert len(result.postings) == len(valid)
    by_id = {p.external_id: p for p in result.postings}
    assert set(by_id) == {r["job_id"].strip() for r in valid}
    for row in valid:
        posting = by_id[row["job_id"].strip()]
        assert posting.title == clean_field(row["title"], max_len=300)
        assert posting.company == clean_field(row["company_name"], max_len=200)
        assert posting.location == clean_field(row["location"], max_len=200)
        assert posting.description_text, row["job_id"]
        assert _words(row["description"])[:40] in _words(posting.description_text), row["job_id"]
        if row["remote_allowed"] == "1.0":
            assert posting.remote is True
        if row["job_posting_url"].startswith("https://"):
            assert posting.url == row["job_posting_url"]
        if row["listed_time"]:
            expected = datetime.fromtimestamp(float(row["listed_time"]) / 1000, tz=UTC)
            assert posting.posted_at == expected
        assert "<script" not in posting.description_html.lower()
