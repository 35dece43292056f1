"""One posting reads as the same text on every path: ingestion, a recruiter's paste, a file
upload and the training export, so what a model learns from is what it later reads."""

from __future__ import annotations

import html
import json

from mlcore.pipelines.export import demo_rows
from mlcore.text import html_to_text
from recruiting.parsing import parse_resume
from recruiting.sources import FetchPolicy, SourceConfig, get_adapter
from recruiting.sources.sanitize import description_to_html

TITLE = "Backend Engineer"
# A Greenhouse "content" field before Greenhouse escapes it: lists, entities, <br>, a script.
POSTING = """<div class="content-intro"><p><strong>Northwind</strong> builds R&amp;D
tools&nbsp;for labs.</p></div>
<h2>What you&#39;ll do</h2>
<ul>
  <li>Design APIs in <em>Python</em> &amp; Django</li>
  <li><p>Own services end&ndash;to&ndash;end</p></li>
</ul>
<p>Salary: $120k&nbsp;&ndash;&nbsp;$150k<br>Location: Berlin</p>
<script>track("view")</script><style>.x { color: red }</style>
<table><tr><td>Team</td><td>Platform</td></tr></table>"""

TEXT = (
    "Northwind builds R&D tools for labs.\n"
    "What you'll do\n"
    "Design APIs in Python & Django\n"
    "Own services end–to–end\n"
    "Salary: $120k – $150k\n"
    "Location: Berlin\n"
    "Team Platform"
)


def test_a_posting_reads_the_same_through_ingestion_a_paste_an_upload_and_the_export(tmp_path):
    board = {"jobs": [{"id": 1, "title": TITLE, "content": html.escape(POSTING)}]}
    greenhouse = get_adapter("greenhouse").parse(
        json.dumps(board).encode(), SourceConfig(kind="greenhouse", board_token="nw"), FetchPolicy()
    )
    assert greenhouse.postings[0].description_text == TEXT

    drop = [{"id": 1, "title": TITLE, "description_html": POSTING}]
    filedrop = get_adapter("filedrop").parse(
        json.dumps(drop).encode(), SourceConfig(kind="filedrop", url="."), FetchPolicy()
    )
    assert filedrop.postings[0].description_text == TEXT

    # What job_create stores for a description a recruiter pastes.
    assert html_to_text(description_to_html(POSTING)) == TEXT

    (tmp_path / "resumes").mkdir()
    (tmp_path / "resumes" / "labels.json").write_text("{}")
    (tmp_path / "jobs.json").write_text(json.dumps([{"id": 1, **drop[0]}]))
    _, jobs = demo_rows(tmp_path)
    assert jobs[0]["text"] == f"{TITLE}\n{TEXT}"

    # An uploaded .html file: the same lines, laid out as a page (bullets, blank lines).
    uploaded = parse_resume(POSTING.encode(), "posting.html").text
    assert "\n• Design APIs in Python & Django\n" in uploaded
    lines = [line.removeprefix("• ") for line in uploaded.splitlines() if line]
    assert "\n".join(lines) == TEXT
