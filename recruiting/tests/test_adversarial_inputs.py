"""Adversarial inputs through every text path: long runs of one character, deep nesting, huge
numbers of lines, tag soup and PDFs heavy with text operators, sent through the same interfaces
a client uses (the resume API and page, the jobs API) and through the text functions underneath.

Each request must answer 4xx or succeed, within a bounded multiple of the CPU time a normal
request of the same kind takes in the same test, in bounded memory, and a refusal stores
nothing. No number of seconds is asserted: only ratios, which hold on a slow or busy machine.
The hostile files themselves (bombs, XXE, lying sizes) are in ``test_parsing_hostile``; here a few
of them go through the API to show that a refusal leaves no row and no file behind.
"""

from __future__ import annotations

import gc
import io
import json
import os
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

from recruiting.models import Job, Resume
from recruiting.tests import parsing_files as files

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
# A request may cost this many times a normal one. The inputs are ~100x a normal resume and
# every step is linear, so the fixed cost of a request (auth, rows, embedding) keeps the ratio
# below (10-50x measured); a quadratic step on 300,000 characters costs minutes, thousands of
# times more.
COST_BOUND = 100
# How far one request may raise the peak RSS of the process: a 300,000-character text is 0.3-1.2 MB
# as a str; the PDF that took a worker to 2.2 GB would be far over.
MEMORY_BOUND = 200 * MB
PRINT_COSTS = bool(os.environ.get("PRINT_COSTS"))

NORMAL_RESUME = """Zoë Example
zoe@example.com | +1 555 010 2030 | linkedin.com/in/jane-example

Summary
Backend engineer who builds Python and Django services on PostgreSQL.

Experience
Senior Backend Engineer, Acme Corp, Jan 2019 - Present
- Built Django REST APIs serving two million requests a day.
- Moved deployment to Docker and Kubernetes.

Backend Developer, Initech, 2015 - 2018
- Wrote Python data pipelines and SQL reports for a café chain in Zürich.

Education
BSc Computer Science, 2011 - 2015

Skills
Python, Django, PostgreSQL, Docker, Kubernetes, Go
"""

NORMAL_JOB_HTML = """<h2>About the role</h2><p>We build the payments platform.</p>
<h3>Requirements</h3><ul><li>5+ years of Python and Django</li><li>PostgreSQL, Docker</li>
<li>Kubernetes in production</li></ul><h3>Nice to have</h3><ul><li>Go</li><li>AWS</li></ul>
<h3>Benefits</h3><p>Health insurance, a learning budget and a café in Zürich.</p>"""

# Long runs of one short pattern: the shapes that made regular expressions and parsers retry.
RUN = 300_000
RUNS = {
    "letters": "a" * RUN,
    "hyphen line ends": "-\n" * (RUN // 2),
    "word hyphen line ends": "ab-\n" * (RUN // 4),
    "accented letters": "é" * RUN,
    "CJK": "漢" * RUN,
    "emoji": "\U0001f600" * (RUN // 2),
    "zero-width spaces": "\u200b" * RUN,
    # Combining marks of two classes, alternating: Unicode normalisation sorts each run of them.
    "combining marks": "\u0301\u0316" * (RUN // 2),
    "spaced capitals": "S " * (RUN // 2),
    "blank lines": "\n" * RUN,
    "bullets": "• \n" * (RUN // 3),
    "digits and dashes": "2019 - " * (RUN // 7),
    "at signs and dots": "a@b." * (RUN // 4),
}
# Huge numbers of lines: plausible resume lines, and lines of one letter.
LINES = {
    "10k resume lines": "Python, Django and SQL on Linux\n" * 10_000,
    "150k one-letter lines": "x\n" * 150_000,
}


@dataclass
class Cost:
    cpu: float
    rss_growth: int
    value: object


def peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def measure(fn: Callable[[], object]) -> Cost:
    """CPU time of one call and how far it raised the process's peak RSS (which sees C
    allocations too). Not traced by tracemalloc: tracing slows Python loops several times more
    than C code, which would skew the ratio between two calls. The garbage collector is paused,
    as in ``costs.cpu_seconds``: its passes over the test process's heap are no cost of the call."""
    before = peak_rss()
    enabled = gc.isenabled()
    gc.disable()
    try:
        start = time.process_time()
        value = fn()
        cpu = time.process_time() - start
    finally:
        if enabled:
            gc.enable()
    return Cost(cpu, max(0, peak_rss() - before), value)


def normal_cost(fn: Callable[[], object], *, repeat: int = 3) -> float:
    """The least CPU time of a few normal calls: the least disturbed by the rest of the machine."""
    fn()  # lazy imports and caches belong to no request
    return min(measure(fn).cpu for _ in range(repeat))


def bounded(fn: Callable[[], object], normal: float, *, bound: float = COST_BOUND) -> object:
    """Run one adversarial call and assert its cost against a normal call's. When it answers
    4xx, assert that it left no resume row and no file behind. (Timed once: a second call could
    find the first one's resume or cached embedding and cost nothing.)"""
    files_before, resumes_before = stored_files(), Resume.objects.count()
    cost = measure(fn)
    ratio = cost.cpu / max(normal, 1e-3)
    if PRINT_COSTS:
        print(
            f"COST {ratio:.1f}x {cost.cpu:.3f}s normal {normal:.4f}s rss +{cost.rss_growth / MB:.1f} MB"
        )
    assert ratio <= bound, f"{cost.cpu:.3f}s CPU is {ratio:.0f}x a normal call ({normal:.4f}s)"
    assert cost.rss_growth < MEMORY_BOUND, f"peak RSS grew {cost.rss_growth / MB:.0f} MB"
    status = getattr(cost.value, "status_code", 200)
    assert status < 500, getattr(cost.value, "content", b"")[:300]
    if 400 <= status < 500:
        assert Resume.objects.count() == resumes_before
        assert stored_files() == files_before
    return cost.value


def stored_files() -> set[Path]:
    roots = {Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)}
    return {p for root in roots if root.exists() for p in root.rglob("*") if p.is_file()}


def _named(name: str, data: bytes) -> io.BytesIO:
    buf = io.BytesIO(data)
    buf.name = name
    return buf


def post_text(api, text: str):
    return api.post("/api/v1/resumes/", {"text": text}, format="json")


def post_file(api, name: str, data: bytes):
    return api.post("/api/v1/resumes/", {"file": [_named(name, data)]}, format="multipart")


def post_page(client, name: str, data: bytes):
    return client.post(
        "/resumes/upload/", {"files": [_named(name, data)]}, HTTP_X_UPLOAD_FRAGMENT="1"
    )


def answered(response) -> int:
    assert response.status_code < 500, response.content[:300]
    return response.status_code


def erase_resumes() -> None:
    # A normal call creates a resume; the next one must create again, not find a duplicate.
    Resume.objects.all().delete()


# --- resumes: pasted text, and files of every kind, through the API and the page -----------------


def as_html(text: str) -> bytes:
    return f"<html><body><p>{text}</p></body></html>".encode()


def as_pdf(text: str) -> bytes:
    # One line a page would be many pages; a page of many lines stays one page.
    lines = text.splitlines() or [text]
    return files.text_pdf([line[:200] for line in lines[:50]])


FILE_KINDS = {
    "txt": lambda text: text.encode(),
    "html": as_html,
    "docx": lambda text: files.make_docx([text]),
}


def _normal_then(call, make_normal):
    def normal():
        answered(call(make_normal()))
        erase_resumes()

    return normal


@pytest.mark.parametrize("shape", RUNS)
def test_a_long_run_of_one_character_pasted_as_a_resume_is_answered_in_bounded_cost(
    api_client, skills, shape
):
    normal = normal_cost(_normal_then(lambda t: post_text(api_client, t), lambda: NORMAL_RESUME))
    response = bounded(lambda: post_text(api_client, RUNS[shape]), normal)
    answered(response)


@pytest.mark.parametrize("kind", FILE_KINDS)
@pytest.mark.parametrize("shape", ["letters", "hyphen line ends", "combining marks", "emoji"])
def test_a_long_run_of_one_character_uploaded_as_a_file_is_answered_in_bounded_cost(
    api_client, skills, shape, kind
):
    make = FILE_KINDS[kind]
    normal = normal_cost(
        _normal_then(lambda d: post_file(api_client, f"cv.{kind}", d), lambda: make(NORMAL_RESUME))
    )
    data = make(RUNS[shape])
    response = bounded(lambda: post_file(api_client, f"cv.{kind}", data), normal)
    answered(response)


@pytest.mark.parametrize("lines", LINES)
@pytest.mark.parametrize("kind", ["txt", "html"])
def test_a_resume_of_a_huge_number_of_lines_is_answered_in_bounded_cost(
    api_client, skills, kind, lines
):
    make = FILE_KINDS[kind]
    normal = normal_cost(
        _normal_then(lambda d: post_file(api_client, f"cv.{kind}", d), lambda: make(NORMAL_RESUME))
    )
    data = make(LINES[lines])
    response = bounded(lambda: post_file(api_client, f"cv.{kind}", data), normal)
    answered(response)


@pytest.mark.parametrize("shape", ["letters", "combining marks", "blank lines"])
def test_the_upload_page_answers_a_long_run_of_one_character_in_bounded_cost(
    recruiter_client, skills, shape
):
    normal = normal_cost(
        _normal_then(lambda d: post_page(recruiter_client, "cv.txt", d), NORMAL_RESUME.encode)
    )
    data = RUNS[shape].encode()
    response = bounded(lambda: post_page(recruiter_client, "cv.txt", data), normal)
    answered(response)


# --- tag soup and deep nesting -------------------------------------------------------------------

TAG_SOUP = {
    "100k nested divs": "<div>" * 100_000,
    "100k nested list items": "<ul><li>" * 50_000,
    "100k unclosed bold": "<b>x" * 100_000,
    "100k unterminated tags": "<a " * 100_000,
    "100k unterminated comments": "<!--" * 100_000,
    "100k nested tables": "<table><tr><td>" * 30_000,
    "100k entities": "&amp;" * 100_000,
    "100k closing tags": "</p>" * 100_000,
}


@pytest.mark.parametrize("shape", TAG_SOUP)
def test_an_html_resume_of_tag_soup_is_answered_in_bounded_cost(api_client, skills, shape):
    normal = normal_cost(
        _normal_then(lambda d: post_file(api_client, "cv.html", d), lambda: as_html(NORMAL_RESUME))
    )
    data = ("<html><body>" + TAG_SOUP[shape] + NORMAL_RESUME).encode()
    response = bounded(lambda: post_file(api_client, "cv.html", data), normal)
    answered(response)


def post_job(api, description: str):
    return api.post(
        "/api/v1/jobs/", {"title": "Engineer", "description": description}, format="json"
    )


# Descriptions may be 200,000 characters: the runs are cut to fit, so they are processed.
JOB_LIMIT = 200_000


@pytest.mark.parametrize(
    "description",
    [pytest.param(soup[:JOB_LIMIT], id=shape) for shape, soup in TAG_SOUP.items()]
    + [
        pytest.param("<p>" + RUNS[shape][: JOB_LIMIT - 10] + "</p>", id=shape)
        for shape in ["letters", "hyphen line ends", "combining marks", "blank lines", "bullets"]
    ]
    + [
        # One sentence naming a skill 25,000 times: each mention re-read the whole sentence.
        pytest.param("<p>" + "Python, " * 24_000 + "</p>", id="one sentence of skills"),
        pytest.param("<p>" + "Python. " * 24_000 + "</p>", id="many sentences of skills"),
        pytest.param("<h3>Requirements</h3><ul>" + "<li>Python</li>" * 2_500 + "</ul>", id="list"),
        pytest.param("<p>" + RUNS["letters"] + "</p>", id="over the length limit"),
    ],
)
def test_a_job_description_of_tag_soup_or_a_long_run_is_answered_in_bounded_cost(
    api_client, skills, description
):
    def normal():
        answered(post_job(api_client, NORMAL_JOB_HTML))

    baseline = normal_cost(normal)
    jobs = Job.objects.count()
    response = bounded(lambda: post_job(api_client, description), baseline)
    if answered(response) >= 400:
        assert Job.objects.count() == jobs


def nested_json(depth: int) -> bytes:
    return ('{"text": ' + "[" * depth + "]" * depth + "}").encode()


@pytest.mark.parametrize("url", ["/api/v1/resumes/", "/api/v1/jobs/"])
@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_deeply_nested_json_is_a_400_in_bounded_cost(api_client, skills, url, depth):
    def send(body: bytes):
        return api_client.post(url, body, content_type="application/json")

    normal = normal_cost(
        _normal_then(
            lambda body: send(body),
            lambda: json.dumps({"text": NORMAL_RESUME, "title": "E", "description": "Python"}),
        )
    )
    response = bounded(lambda: send(nested_json(depth)), normal)
    assert response.status_code == 400


# --- PDFs heavy with text operators ----------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: files.make_pdf([files.text_operators(15 * MB)]), id="15 MB of Tj"),
        pytest.param(
            lambda: files.make_pdf([b"BT /F1 1 Tf 72 700 Td (" + b"a" * 300_000 + b") Tj ET"]),
            id="one string of 300k characters",
        ),
        pytest.param(
            lambda: files.make_pdf([files.text_operators(400 * 1024)] * 8),
            id="8 pages of 400 KB of Tj",
        ),
        pytest.param(lambda: files.form_pages_pdf(form_bytes=1 * MB, draws=8, pages=4), id="forms"),
        pytest.param(lambda: files.content_bomb_pdf(inflated_mb=300), id="300 MB content stream"),
    ],
)
def test_a_pdf_heavy_with_text_operators_is_refused_in_bounded_cost_and_stores_nothing(
    api_client, skills, make
):
    normal = normal_cost(
        _normal_then(lambda d: post_file(api_client, "cv.pdf", d), lambda: as_pdf(NORMAL_RESUME))
    )
    data = make()
    response = bounded(lambda: post_file(api_client, "cv.pdf", data), normal)
    assert response.status_code == 400
    assert response.json()["code"] == "stream_bomb"


def many_lines_pdf(pages: int) -> bytes:
    lines = [(72, 740 - 14 * i, f"Python and Django, line {i}") for i in range(50)]
    return files.make_pdf([files.text_content(lines)] * pages)


def test_a_pdf_of_many_short_text_operators_under_the_limits_is_read_in_bounded_cost(
    api_client, skills
):
    normal = normal_cost(
        _normal_then(lambda d: post_file(api_client, "cv.pdf", d), lambda: as_pdf(NORMAL_RESUME))
    )
    response = bounded(lambda: post_file(api_client, "cv.pdf", many_lines_pdf(10)), normal)
    assert answered(response) == 201


@pytest.mark.parametrize(
    "make, name",
    [
        (lambda: files.zip_bomb_docx(200), "cv.docx"),
        (files.billion_laughs_docx, "cv.docx"),
        (files.xxe_docx, "cv.docx"),
        (lambda: files.many_pages_pdf(10_000), "cv.pdf"),
        (lambda: files.content_bomb_pdf(300, nested=True), "cv.pdf"),
        (lambda: b"%PDF-1.7\n" + b"0" * 64, "cv.docx"),
    ],
    ids=["zip bomb", "billion laughs", "xxe", "page bomb", "nested compression", "wrong type"],
)
def test_a_hostile_file_through_the_api_is_a_400_in_bounded_cost_and_stores_nothing(
    api_client, skills, make, name
):
    normal = normal_cost(
        _normal_then(
            lambda d: post_file(api_client, "cv.docx", d), lambda: files.make_docx([NORMAL_RESUME])
        )
    )
    data = make()
    response = bounded(lambda: post_file(api_client, name, data), normal)
    assert response.status_code == 400


# --- cost in proportion to length: the same shape at n and 4n ------------------------------------

# 4x the input costs ~4x when every step is linear (less: a request has a fixed cost), ~16x when
# one step is quadratic.
GROWTH_BOUND = 8


def growth(call: Callable[[object], object], make: Callable[[int], object], n: int) -> float:
    """How many times more CPU ``call(make(4 * n))`` takes than ``call(make(n))``; each call must
    do its work afresh (no duplicate, no cached result). A ratio over the bound is measured once
    more, since one disturbed call can read high; a quadratic step reads high every time."""
    small, large = make(n), make(4 * n)
    call(small)  # lazy imports and caches
    base = min(measure(lambda: call(small)).cpu for _ in range(2))
    ratio = measure(lambda: call(large)).cpu / max(base, 1e-3)
    if ratio > GROWTH_BOUND:
        ratio = min(ratio, measure(lambda: call(large)).cpu / max(base, 1e-3))
    if PRINT_COSTS:
        print(f"GROWTH {ratio:.1f}x base {base:.4f}s")
    return ratio


def repeated(unit: str) -> Callable[[int], str]:
    return lambda n: unit * (n // len(unit))


@pytest.mark.parametrize(
    "unit", ["a", "-\n", "ab-\n", "\u0301\u0316", "SQL, ", "SQL. ", "2019 - ", "Skills\n"]
)
def test_a_pasted_resume_costs_time_in_proportion_to_its_length(api_client, skills, unit):
    def call(text: str) -> None:
        answered(post_text(api_client, "Zoë Example\n" + text))
        erase_resumes()

    assert growth(call, repeated(unit), 50_000) <= GROWTH_BOUND


@pytest.mark.parametrize(
    "unit",
    ["Python, ", "SQL. ", "\u0301\u0316", "<div>", "<ul><li>", "<b>x", "<a ", "About us<br>\n"],
)
def test_a_job_description_costs_time_in_proportion_to_its_length(api_client, skills, unit):
    calls = iter(range(1_000_000))

    def call(description: str) -> None:
        # Each description differs, so no cached embedding makes a later call cheaper.
        answered(post_job(api_client, f"<p>Opening {next(calls)}</p>{description}"))

    assert growth(call, repeated(unit), 40_000) <= GROWTH_BOUND


SOUP_UNITS = ["<div>", "<b>x", "<ul><li>", "<table><tr><td>", "&amp;", "<p>SQL, ", "<a ", "\u0301"]


@pytest.mark.parametrize("unit", SOUP_UNITS)
def test_job_board_html_is_sanitised_and_read_in_time_in_proportion_to_its_length(unit):
    from mlcore import jobtext
    from recruiting.sources.sanitize import clean_field, description_to_html, html_to_text

    def read(value: str) -> None:
        text = html_to_text(description_to_html(value))
        jobtext.sections(text)
        clean_field(value, max_len=300)

    assert growth(read, repeated(unit), 100_000) <= GROWTH_BOUND


def test_a_pdf_costs_time_in_proportion_to_its_pages(api_client, skills):
    def call(pages: int) -> None:
        answered(post_file(api_client, "cv.pdf", many_lines_pdf(pages)))
        erase_resumes()

    assert growth(call, lambda n: n, 3) <= GROWTH_BOUND


def feed_posting(i: int, description: str) -> dict:
    return {
        "id": f"p{i}",
        "title": f"Engineer {i}",
        "company": "Acme",
        "description_html": description,
    }


@pytest.mark.parametrize(
    "description",
    [
        pytest.param(TAG_SOUP["100k nested list items"], id="nested list items"),
        pytest.param(TAG_SOUP["100k unclosed bold"], id="unclosed bold"),
        pytest.param(TAG_SOUP["100k unterminated tags"], id="unterminated tags"),
        pytest.param("<p>" + RUNS["combining marks"] + "</p>", id="combining marks"),
        pytest.param("<p>" + "Python, " * 25_000 + "</p>", id="one sentence of skills"),
        pytest.param("<p>" + "SQL. " * 40_000 + "</p>", id="many sentences of skills"),
    ],
)
def test_a_job_board_posting_of_tag_soup_or_a_long_run_is_ingested_in_bounded_cost(
    tmp_path, skills, django_capture_on_commit_callbacks, description
):
    from recruiting.models import IngestionRun, JobSource
    from recruiting.services.ingestion import ingestion_run_now
    from recruiting.services.scheduling import source_save

    folder = tmp_path / "drop"
    folder.mkdir()
    source = source_save(source=JobSource(name="Feed", kind="filedrop", url=str(folder)))
    postings = iter(range(1_000_000))

    def ingest(text: str) -> IngestionRun:
        # A new posting each time: the run creates, sanitises, reads and embeds it.
        (folder / "jobs.json").write_text(json.dumps([feed_posting(next(postings), text)]))
        with django_capture_on_commit_callbacks(execute=True):
            return ingestion_run_now(source=source, trigger="test")

    normal = normal_cost(lambda: ingest(NORMAL_JOB_HTML))
    run = bounded(lambda: ingest(description), normal)
    assert run.status == IngestionRun.Status.SUCCEEDED, run.message
    assert run.created + run.failed == 1
