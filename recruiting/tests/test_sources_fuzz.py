"""Property tests: any bytes / JSON fed to a parser give postings or a SourceError, nothing else."""

from __future__ import annotations

import contextlib
import csv
import io
import json
from xml.sax.saxutils import escape, quoteattr

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recruiting.sources import (
    FetchPolicy,
    NormalizedPosting,
    ParseResult,
    SourceConfig,
    SourceError,
    get_adapter,
)
from recruiting.sources.filedrop import parse_csv_file, parse_json_file

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
POLICY = FetchPolicy(max_postings=50)
CONFIGS = {
    "greenhouse": SourceConfig(kind="greenhouse", board_token="acme"),
    "lever": SourceConfig(kind="lever", board_token="acme"),
    "rss": SourceConfig(kind="rss", url="https://feeds.example.com/jobs.xml"),
    "json": SourceConfig(
        kind="json",
        url="https://feeds.example.com/jobs.json",
        field_map={
            "items": "data.jobs",
            "id": "id",
            "title": "title",
            "description": "body.html",
            "location": "loc.city",
            "url": "link",
            "date": "published",
            "company": "org.name",
            "remote": "remote",
            "category": "tags.0",
        },
    ),
    "filedrop": SourceConfig(kind="filedrop", url="/nonexistent"),
}

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=60),
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "javascript:alert(1)",
            "2025-01-06T09:00:00Z",
            "Remote",
            "1736150400000",
            "https://jobs.example.com/1",
            "\x00\ud800",
            "&lt;p&gt;escaped&lt;/p&gt;",
        ]
    ),
)
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)


def check(parse, body: bytes, kind: str) -> None:
    try:
        result = parse(body)
    except SourceError:
        return
    assert isinstance(result, ParseResult)
    for posting in result.postings:
        assert isinstance(posting, NormalizedPosting)
        assert posting.external_id and posting.title
        assert "<script" not in posting.description_html.lower()
        assert "\x00" not in posting.title + posting.description_text + posting.description_html
        assert len(posting.external_id) <= 200 and len(posting.title) <= 300
        assert (
            len(posting.url) <= 500 and len(posting.location) <= 200 and len(posting.company) <= 200
        )
        posting.title.encode("utf-8")  # no lone surrogates
        posting.description_html.encode("utf-8")
        assert posting.posted_at is None or posting.posted_at.utcoffset().total_seconds() == 0
    for error in result.errors:
        assert isinstance(error.message, str) and error.message


def parser_for(kind: str):
    adapter = get_adapter(kind)
    return lambda body: adapter.parse(body, CONFIGS[kind], POLICY)


# --------------------------------------------------------------------------- random bytes
@FUZZ
@given(st.binary(max_size=2000))
def test_fuzz_greenhouse_bytes(body):
    check(parser_for("greenhouse"), body, "greenhouse")


@FUZZ
@given(st.binary(max_size=2000))
def test_fuzz_lever_bytes(body):
    check(parser_for("lever"), body, "lever")


@FUZZ
@given(st.binary(max_size=2000))
def test_fuzz_rss_bytes(body):
    check(parser_for("rss"), body, "rss")


@FUZZ
@given(st.binary(max_size=2000))
def test_fuzz_json_bytes(body):
    check(parser_for("json"), body, "json")


@FUZZ
@given(st.binary(max_size=2000), st.sampled_from(["text/csv", "application/json"]))
def test_fuzz_filedrop_bytes(body, content_type):
    adapter = get_adapter("filedrop")
    check(
        lambda b: adapter.parse(b, CONFIGS["filedrop"], POLICY, content_type=content_type),
        body,
        "filedrop",
    )


# --------------------------------------------------------------------------- structured JSON
@FUZZ
@given(json_values)
def test_fuzz_any_json_document(doc):
    body = json.dumps(doc).encode()
    for kind in ("greenhouse", "lever", "json"):
        check(parser_for(kind), body, kind)
    check(lambda b: get_adapter("filedrop").parse(b, CONFIGS["filedrop"], POLICY), body, "filedrop")


greenhouse_job = st.fixed_dictionaries(
    {},
    optional={
        "id": scalars,
        "title": scalars,
        "content": st.one_of(scalars, json_values),
        "absolute_url": scalars,
        "location": st.one_of(scalars, st.fixed_dictionaries({"name": scalars})),
        "updated_at": scalars,
        "first_published": scalars,
        "company_name": scalars,
        "departments": st.one_of(
            scalars, st.lists(st.fixed_dictionaries({"name": scalars}), max_size=3)
        ),
        "offices": json_values,
    },
)


@FUZZ
@given(st.lists(st.one_of(greenhouse_job, json_values), max_size=8))
def test_fuzz_greenhouse_shaped(jobs):
    check(parser_for("greenhouse"), json.dumps({"jobs": jobs}).encode(), "greenhouse")


lever_posting = st.fixed_dictionaries(
    {},
    optional={
        "id": scalars,
        "text": scalars,
        "description": scalars,
        "descriptionPlain": scalars,
        "lists": st.one_of(
            scalars,
            st.lists(
                st.fixed_dictionaries({}, optional={"text": scalars, "content": scalars}),
                max_size=3,
            ),
        ),
        "additional": scalars,
        "categories": st.one_of(
            scalars,
            st.fixed_dictionaries(
                {},
                optional={
                    "location": scalars,
                    "team": scalars,
                    "commitment": scalars,
                    "allLocations": json_values,
                },
            ),
        ),
        "workplaceType": st.one_of(
            scalars, st.sampled_from(["remote", "onsite", "hybrid", "unspecified"])
        ),
        "createdAt": scalars,
        "hostedUrl": scalars,
    },
)


@FUZZ
@given(st.lists(st.one_of(lever_posting, json_values), max_size=8))
def test_fuzz_lever_shaped(postings):
    check(parser_for("lever"), json.dumps(postings).encode(), "lever")


generic_item = st.fixed_dictionaries(
    {},
    optional={
        "id": scalars,
        "title": scalars,
        "body": st.one_of(scalars, st.fixed_dictionaries({"html": scalars})),
        "loc": st.one_of(scalars, st.fixed_dictionaries({"city": st.one_of(scalars, json_values)})),
        "link": scalars,
        "published": scalars,
        "org": st.one_of(scalars, st.fixed_dictionaries({"name": scalars})),
        "remote": scalars,
        "tags": json_values,
    },
)


@FUZZ
@given(st.lists(st.one_of(generic_item, json_values), max_size=8))
def test_fuzz_generic_json_shaped(items):
    check(parser_for("json"), json.dumps({"data": {"jobs": items}}).encode(), "json")


@FUZZ
@given(
    st.dictionaries(
        st.sampled_from(
            ["items", "id", "title", "description", "location", "url", "date", "bogus"]
        ),
        st.one_of(st.text(max_size=12), st.none(), st.integers()),
        max_size=8,
    )
)
def test_fuzz_field_maps(field_map):
    config = SourceConfig(kind="json", url="https://x.example/", field_map=field_map)
    body = json.dumps(
        {"data": {"jobs": [{"id": 1, "title": "t", "body": {"html": "<p>x</p>"}}]}}
    ).encode()
    check(lambda b: get_adapter("json").parse(b, config, POLICY), body, "json")


# --------------------------------------------------------------------------- structured XML / CSV
_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["<script>x</script>", "<b onclick=x>b</b>", "&amp;", "]]>"]),
)


@FUZZ
@given(
    st.lists(
        st.tuples(
            _text,
            _text,
            _text,
            _text,
            st.sampled_from(["", "Mon, 06 Jan 2025 14:00:00 GMT", "garbage"]),
        ),
        max_size=6,
    ),
    st.booleans(),
)
def test_fuzz_rss_shaped(items, atom):
    if atom:
        entries = "".join(
            f"<entry><id>{escape(i)}</id><title>{escape(t)}</title><link href={quoteattr(link)}/>"
            f'<updated>{escape(d)}</updated><content type="html">{escape(desc)}</content></entry>'
            for i, t, desc, link, d in items
        )
        body = f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>{entries}</feed>'
    else:
        entries = "".join(
            f"<item><guid>{escape(i)}</guid><title>{escape(t)}</title><link>{escape(link)}</link>"
            f"<pubDate>{escape(d)}</pubDate><description>{escape(desc)}</description></item>"
            for i, t, desc, link, d in items
        )
        body = (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
            f"{entries}</channel></rss>"
        )
    check(parser_for("rss"), body.encode("utf-8", "surrogatepass"), "rss")


@FUZZ
@given(st.lists(st.lists(_text, min_size=0, max_size=10), max_size=6))
def test_fuzz_csv_rows(rows):
    header = "id,title,company,location,remote,description_html,url,posted_at,category"
    buf = io.StringIO()
    writer = csv.writer(buf)
    for row in rows:
        writer.writerow(row)
    body = (header + "\n" + buf.getvalue()).encode("utf-8", "surrogatepass")
    with contextlib.suppress(SourceError):
        parse_csv_file(body, "fuzz.csv")
    check(
        lambda b: get_adapter("filedrop").parse(
            b, CONFIGS["filedrop"], POLICY, content_type="text/csv"
        ),
        body,
        "x",
    )


@FUZZ
@given(json_values)
def test_fuzz_json_drop_file(doc):
    try:
        rows = parse_json_file(json.dumps(doc).encode(), "fuzz.json")
    except SourceError:
        return
    assert isinstance(rows, list)
