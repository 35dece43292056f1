"""Source adapters end to end against the local fixture server (and a temp drop folder)."""

from __future__ import annotations

import copy
import dataclasses
import json
import re
import shutil
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest

from recruiting.sources import (
    FetchPolicy,
    FetchResult,
    NormalizedPosting,
    SourceConfig,
    SourceError,
    TransientSourceError,
    fetch_postings,
    get_adapter,
    registered_kinds,
)
from recruiting.sources.base import content_hash, detect_remote, parse_datetime
from recruiting.tests.feedserver import FEEDS_DIR, FeedServer

GENERIC_MAP = {
    "items": "data.jobs",
    "id": "id",
    "title": "title",
    "description": "body.html",
    "location": "loc.city",
    "url": "link",
    "date": "published",
    "company": "org.name",
    "remote": "remote",
    "category": "category",
}
ALLOWED_TAGS = {"p", "br", "ul", "ol", "li", "strong", "em", "b", "i", "h2", "h3", "h4", "a"}
FORBIDDEN = (
    "<script",
    "onerror",
    "onclick",
    "onmouseover",
    "onload",
    "hx-",
    "javascript:",
    "style=",
    "<iframe",
    "<img",
    "<svg",
    "<form",
    "<input",
    "<div",
    "<span",
)


@pytest.fixture(scope="module")
def server():
    with FeedServer() as srv:
        yield srv


def policy(**overrides) -> FetchPolicy:
    values = {
        "connect_timeout": 2,
        "read_timeout": 5,
        "allow_private": True,
        "sleep": lambda s: None,
    }
    values.update(overrides)
    return FetchPolicy(**values)


class _TagAudit(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag {tag}")
        for name, value in attrs:
            if tag == "a" and name == "href":
                if not re.match(r"^(https?:|mailto:)", value or "", re.IGNORECASE):
                    self.problems.append(f"href {value}")
            elif tag == "a" and name == "rel":
                if value != "noopener noreferrer nofollow":
                    self.problems.append(f"rel {value}")
            else:
                self.problems.append(f"attribute {name} on {tag}")


def assert_safe_html(fragment: str) -> None:
    lowered = fragment.lower()
    for needle in FORBIDDEN:
        assert needle not in lowered, f"{needle!r} survived sanitising: {fragment[:300]}"
    audit = _TagAudit()
    audit.feed(fragment)
    audit.close()
    assert not audit.problems, audit.problems


def assert_well_formed(result: FetchResult) -> None:
    for posting in result.postings:
        assert isinstance(posting, NormalizedPosting)
        assert posting.external_id and posting.title
        assert_safe_html(posting.description_html)
        assert "&amp;" not in posting.description_text
        assert posting.posted_at is None or posting.posted_at.tzinfo is UTC
        assert re.fullmatch(r"[0-9a-f]{64}", posting.content_hash)
        assert posting.url == "" or posting.url.startswith(("http://", "https://"))
        assert isinstance(posting.remote, bool)
        with pytest.raises(dataclasses.FrozenInstanceError):
            posting.title = "changed"  # type: ignore[misc]


def by_id(result: FetchResult) -> dict[str, NormalizedPosting]:
    return {p.external_id: p for p in result.postings}


def test_all_kinds_are_registered():
    assert registered_kinds() == ("filedrop", "greenhouse", "json", "lever", "rss")


def test_unknown_kind_is_a_source_error():
    with pytest.raises(SourceError, match="unknown source kind"):
        fetch_postings(SourceConfig(kind="workday", url="https://example.com"))


# --------------------------------------------------------------------------- Greenhouse
def test_greenhouse_board(server):
    result = fetch_postings(
        SourceConfig(kind="greenhouse", url=server.base_url, board_token="northwind"), policy()
    )
    assert len(result.postings) == 6 and result.errors == ()
    assert result.complete_listing and not result.not_modified
    assert result.etag and result.last_modified
    assert_well_formed(result)
    job = by_id(result)["4012001"]
    assert job.title == "Senior Backend Engineer (Python/Django)"
    assert job.company == "Northwind Analytics"
    assert job.location == "Remote - United States" and job.remote is True
    assert job.url == "https://boards.greenhouse.io/northwind/jobs/4012001"
    assert job.posted_at == datetime(2025, 1, 6, 14, 0, tzinfo=UTC)  # first_published, in UTC
    assert job.raw_category == "Engineering"
    # content was HTML-escaped: it is unescaped before sanitising, entities decoded in text
    assert job.description_html.startswith("<h2>About the role</h2><p>")
    assert "<strong>senior backend engineer</strong>" in job.description_html
    assert "$165,000 – $195,000" in job.description_text
    assert "About the role\nNorthwind Analytics builds" in job.description_text
    # layout soup (div/span/table/h1) becomes paragraphs and lines
    scientist = by_id(result)["4012002"]
    assert "<span" not in scientist.description_html and "<div" not in scientist.description_html
    assert "Responsibilities\nBuild and validate" in scientist.description_text
    assert by_id(result)["4012003"].description_html.startswith("<h2>Product Designer</h2>")
    assert by_id(result)["4012003"].posted_at == datetime(
        2025, 1, 9, 17, 0, tzinfo=UTC
    )  # updated_at
    assert "On-call 1 week in 6, paid" in by_id(result)["4012004"].description_text


def test_greenhouse_hostile_posting_is_neutralised(server):
    result = fetch_postings(
        SourceConfig(kind="greenhouse", url=server.base_url, board_token="northwind"), policy()
    )
    hostile = by_id(result)["4012006"]
    assert_safe_html(hostile.description_html)
    assert "Loading team details" in hostile.description_text  # the text of the hx- div is kept
    assert "attacker" not in hostile.description_html
    assert "document.cookie" not in hostile.description_text  # script *content* is dropped
    assert (
        '<a href="mailto:jobs@example.com" rel="noopener noreferrer nofollow">'
        in hostile.description_html
    )


def test_greenhouse_not_modified(server):
    cfg = SourceConfig(kind="greenhouse", url=server.base_url, board_token="northwind")
    first = fetch_postings(cfg, policy())
    again = fetch_postings(
        dataclasses.replace(cfg, etag=first.etag, last_modified=first.last_modified), policy()
    )
    assert again.not_modified and again.postings == () and not again.complete_listing
    assert again.etag == first.etag and again.last_modified == first.last_modified


def test_greenhouse_unknown_board_is_a_404_source_error(server):
    with pytest.raises(SourceError, match="404") as info:
        fetch_postings(
            SourceConfig(kind="greenhouse", url=server.base_url, board_token="nope"), policy()
        )
    assert not isinstance(info.value, TransientSourceError)


@pytest.mark.parametrize("token", ["", "a/b", "../etc", "x" * 101, "with space"])
def test_greenhouse_bad_board_token(token):
    with pytest.raises(SourceError, match="board_token"):
        fetch_postings(SourceConfig(kind="greenhouse", board_token=token), policy())


def test_greenhouse_default_endpoint_is_public_api():
    adapter = get_adapter("greenhouse")
    url = adapter.endpoint(SourceConfig(kind="greenhouse", board_token="acme"))
    assert url == "https://boards-api.greenhouse.io/v1/boards/acme/jobs?content=true"


def test_greenhouse_malformed_posting_is_recorded_and_skipped():
    doc = json.loads((FEEDS_DIR / "greenhouse_jobs.json").read_text())
    doc["jobs"][1]["title"] = ""  # missing title
    doc["jobs"][2]["location"] = {"name": ["not", "text"]}  # odd but survivable
    doc["jobs"].append(copy.deepcopy(doc["jobs"][0]))  # duplicate id
    wordless = copy.deepcopy(doc["jobs"][0])  # nothing to embed: it could never be matched
    wordless.update(id=4019999, title="!!!", content="<p>--- ***</p>")
    doc["jobs"].append(wordless)
    cfg = SourceConfig(kind="greenhouse", board_token="northwind")
    result = get_adapter("greenhouse").parse(json.dumps(doc).encode(), cfg, policy())
    ids = {p.external_id for p in result.postings}
    assert "4012002" not in ids and "4019999" not in ids and len(result.postings) == 5
    messages = {e.external_id: e.message for e in result.errors}
    assert "missing title" in messages["4012002"]
    assert "no letters or digits" in messages["4019999"]
    assert "duplicate" in messages["4012001"]
    assert by_id(result)["4012003"].location == ""  # type: ignore[arg-type]


def test_greenhouse_item_without_id_makes_listing_incomplete():
    doc = json.loads((FEEDS_DIR / "greenhouse_jobs.json").read_text())
    doc["jobs"].append("not an object")
    adapter = get_adapter("greenhouse")
    cfg = SourceConfig(kind="greenhouse", board_token="northwind")
    parsed = adapter.parse(json.dumps(doc).encode(), cfg, policy())
    assert len(parsed.postings) == 6 and parsed.errors[0].external_id is None
    assert adapter.finish(cfg, parsed).complete_listing is False
    # errors tied to an id keep the listing complete (the ingester must not close those ids)
    doc["jobs"][-1] = {"id": 99, "title": ""}
    parsed = adapter.parse(json.dumps(doc).encode(), cfg, policy())
    assert parsed.errors[0].external_id == "99"
    assert adapter.finish(cfg, parsed).complete_listing is True


@pytest.mark.parametrize("body", [b"", b"null", b"[]", b'{"jobs": {}}', b"<html>oops</html>"])
def test_greenhouse_wrong_shape_is_a_source_error(body):
    with pytest.raises(SourceError, match="greenhouse"):
        get_adapter("greenhouse").parse(
            body, SourceConfig(kind="greenhouse", board_token="x"), policy()
        )


# --------------------------------------------------------------------------- Lever
def test_lever_postings(server):
    result = fetch_postings(
        SourceConfig(kind="lever", url=server.base_url, board_token="ridgeline"), policy()
    )
    assert len(result.postings) == 6 and result.errors == () and result.complete_listing
    assert_well_formed(result)
    postings = by_id(result)
    nurse = postings["5f1c2a8e-1d44-4b7a-9c1e-2a6b1f0c9d01"]
    assert nurse.title == "Registered Nurse - Telehealth"
    assert nurse.company == "ridgeline"  # no company in Lever data: the site name
    assert nurse.remote is True  # workplaceType remote
    assert nurse.posted_at == datetime(2025, 1, 6, 8, 0, tzinfo=UTC)  # createdAt ms epoch
    assert nurse.raw_category == "Clinical"
    assert nurse.url == "https://jobs.lever.co/ridgeline/5f1c2a8e-1d44-4b7a-9c1e-2a6b1f0c9d01"
    assert "<h3>Requirements</h3><ul><li>Active RN license" in nurse.description_html
    assert "Pay: $41–$48/hour." in nurse.description_text  # additional
    # hybrid/onsite are explicit "not remote" even if the text said otherwise
    assert postings["5f1c2a8e-1d44-4b7a-9c1e-2a6b1f0c9d03"].remote is False
    # unspecified workplaceType: text decides ("Work from home" in the title)
    assert postings["5f1c2a8e-1d44-4b7a-9c1e-2a6b1f0c9d05"].remote is True
    assert postings["5f1c2a8e-1d44-4b7a-9c1e-2a6b1f0c9d04"].remote is False
    # description missing: descriptionPlain is used
    coordinator = postings["5f1c2a8e-1d44-4b7a-9c1e-2a6b1f0c9d04"]
    assert coordinator.description_text.startswith("Coordinate referrals")


def test_lever_company_override(server):
    cfg = SourceConfig(
        kind="lever", url=server.base_url, board_token="ridgeline", company="Ridgeline Health"
    )
    result = fetch_postings(cfg, policy())
    assert {p.company for p in result.postings} == {"Ridgeline Health"}


def test_lever_hostile_posting_is_neutralised(server):
    result = fetch_postings(
        SourceConfig(kind="lever", url=server.base_url, board_token="ridgeline"), policy()
    )
    hostile = by_id(result)["5f1c2a8e-1d44-4b7a-9c1e-2a6b1f0c9d06"]
    assert_safe_html(hostile.description_html)
    assert "Hands-on with GA4 and Braze" in hostile.description_text
    assert "401(k)" in hostile.description_text


def test_lever_unknown_site_and_api_error(server):
    with pytest.raises(SourceError, match="404"):
        fetch_postings(
            SourceConfig(kind="lever", url=server.base_url, board_token="nobody"), policy()
        )
    with pytest.raises(SourceError, match="Document not found"):
        get_adapter("lever").parse(
            b'{"ok": false, "error": "Document not found"}',
            SourceConfig(kind="lever", board_token="x"),
            policy(),
        )


def test_lever_default_endpoint_is_public_api():
    url = get_adapter("lever").endpoint(SourceConfig(kind="lever", board_token="acme"))
    assert url == "https://api.lever.co/v0/postings/acme?mode=json"


def test_board_apis_read_a_configured_base_and_name_the_token_and_item_in_errors():
    lever = get_adapter("lever")
    eu = SourceConfig(kind="lever", board_token="acme", url="https://api.eu.lever.co/")
    assert lever.endpoint(eu) == "https://api.eu.lever.co/v0/postings/acme?mode=json"
    with pytest.raises(SourceError, match=r"^lever: board_token \(the Lever site name\) is"):
        lever.validate(SourceConfig(kind="lever", board_token="../x"))
    parsed = lever.parse(b'[{"id": "a"}, 1]', SourceConfig(kind="lever", board_token="x"), policy())
    assert [e.message for e in parsed.errors] == [
        "lever posting #0: missing title",
        "lever posting #1: posting is not a JSON object",
    ]


# --------------------------------------------------------------------------- RSS / Atom
def test_rss_feed(server):
    result = fetch_postings(
        SourceConfig(kind="rss", url=server.url("/feeds/jobs_rss.xml")), policy()
    )
    assert len(result.postings) == 6 and result.errors == ()
    assert result.complete_listing is False  # a feed is a window
    assert_well_formed(result)
    nurse = by_id(result)["hch-3301"]
    assert nurse.company == "Harbor Community Health"
    assert nurse.location == "Providence, RI"
    assert nurse.posted_at == datetime(2025, 1, 6, 14, 0, tzinfo=UTC)
    assert nurse.raw_category == "Nursing"
    assert nurse.url == "https://careers.harborhealth.example/jobs/hch-3301"
    assert by_id(result)["hch-3304"].remote is True  # "Remote (New England)"
    # plain-text description keeps its paragraphs and lines
    hygienist = by_id(result)["hch-3303"]
    assert hygienist.description_html.startswith("<p>Provide preventive dental care")
    assert "Requirements: RI dental hygiene license" in hygienist.description_text.splitlines()[1]
    # markup newlines are whitespace, not line breaks
    assert "outreach or social services" in by_id(result)["hch-3302"].description_text
    assert by_id(result)["hch-3306"].title == "Grants & Development Coordinator"
    assert_safe_html(by_id(result)["hch-3306"].description_html)


def test_atom_feed(server):
    result = fetch_postings(
        SourceConfig(kind="rss", url=server.url("/feeds/jobs_atom.xml")), policy()
    )
    assert len(result.postings) == 5 and result.errors == ()
    assert_well_formed(result)
    first = by_id(result)["tag:quillfeather.example,2025:jobs/qf-701"]
    assert first.company == "Quillfeather Robotics Careers"  # feed title fallback
    assert first.location == "Pittsburgh, PA"
    assert first.posted_at == datetime(2025, 1, 3, 14, 0, tzinfo=UTC)
    assert "<li>ROS 2, Nav2, MoveIt</li>" in first.description_html
    xhtml = by_id(result)["tag:quillfeather.example,2025:jobs/qf-702"]
    assert "<li>CAN bus, SPI, I2C</li>" in xhtml.description_html
    hostile = by_id(result)["tag:quillfeather.example,2025:jobs/qf-705"]
    assert_safe_html(hostile.description_html)
    assert "GD&T" in hostile.description_text


def test_feed_company_from_config(server):
    cfg = SourceConfig(
        kind="rss", url=server.url("/feeds/jobs_atom.xml"), company="Quillfeather Robotics"
    )
    assert {p.company for p in fetch_postings(cfg, policy()).postings} == {"Quillfeather Robotics"}


def test_feed_not_modified(server):
    cfg = SourceConfig(kind="rss", url=server.url("/feeds/jobs_rss.xml"))
    first = fetch_postings(cfg, policy())
    again = fetch_postings(dataclasses.replace(cfg, etag=first.etag), policy())
    assert again.not_modified and again.postings == ()


def test_garbage_feed_is_a_source_error(server):
    with pytest.raises(SourceError, match="rss"):
        fetch_postings(
            SourceConfig(kind="rss", url=server.url("/garbage?type=application/rss%2Bxml")),
            policy(),
        )


@pytest.mark.parametrize(
    "body",
    [
        b"<html><body><h1>Careers</h1></body></html>",
        b"<?xml version='1.0'?><rss><channel><title>x",
        b"\x00\xff\xfe",
    ],
)
def test_not_a_feed_is_a_source_error(body):
    with pytest.raises(SourceError, match="rss"):
        get_adapter("rss").parse(body, SourceConfig(kind="rss", url="https://x.example/"), policy())


def test_truncated_feed_with_entries_is_used():
    body = (FEEDS_DIR / "jobs_rss.xml").read_bytes()
    cut = body[: body.index(b'<guid isPermaLink="false">hch-3303')]
    parsed = get_adapter("rss").parse(
        cut, SourceConfig(kind="rss", url="https://x.example/"), policy()
    )
    assert [p.external_id for p in parsed.postings][:2] == ["hch-3301", "hch-3302"]


def test_empty_but_valid_feed_is_fine():
    body = (
        b"<?xml version='1.0'?><rss version='2.0'><channel><title>No jobs</title></channel></rss>"
    )
    parsed = get_adapter("rss").parse(
        body, SourceConfig(kind="rss", url="https://x.example/"), policy()
    )
    assert parsed.postings == () and parsed.errors == ()


def test_feedparser_never_fetches_by_itself(monkeypatch):
    """A body that *is* a URL must be parsed as (bad) content, not fetched."""
    import feedparser.http

    def boom(*args, **kwargs):
        raise AssertionError("feedparser tried to fetch")

    monkeypatch.setattr(feedparser.http, "get", boom)
    with pytest.raises(SourceError):
        get_adapter("rss").parse(
            b"http://169.254.169.254/latest/", SourceConfig(kind="rss", url="https://x/"), policy()
        )


def test_feed_external_entities_are_not_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    body = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>'
        '<rss version="2.0"><channel><title>t</title><item><guid>1</guid><title>Job &xxe;</title>'
        "<description>d</description></item></channel></rss>"
    ).encode()
    parsed = get_adapter("rss").parse(body, SourceConfig(kind="rss", url="https://x/"), policy())
    assert all("TOP-SECRET" not in p.title + p.description_text for p in parsed.postings)


# --------------------------------------------------------------------------- generic JSON
def test_generic_json_feed(server):
    cfg = SourceConfig(
        kind="json", url=server.url("/feeds/jobs_generic.json"), field_map=GENERIC_MAP
    )
    result = fetch_postings(cfg, policy())
    assert len(result.postings) == 6 and result.errors == ()
    assert result.complete_listing is False
    assert_well_formed(result)
    postings = by_id(result)
    assert postings["HV-2025-001"].company == "Harvest Valley Builders"
    assert postings["HV-2025-001"].location == "Fresno, CA"
    assert postings["HV-2025-001"].raw_category == "Construction"
    assert postings["HV-2025-002"].posted_at == datetime(2025, 1, 7, 23, 30, tzinfo=UTC)  # RFC 2822
    assert postings["HV-2025-003"].posted_at == datetime(2025, 1, 9, tzinfo=UTC)  # epoch seconds
    assert postings["HV-2025-004"].posted_at == datetime(2025, 1, 10, tzinfo=UTC)  # epoch ms
    assert postings["HV-2025-005"].posted_at == datetime(2025, 1, 9, tzinfo=UTC)  # date only
    assert postings["HV-2025-003"].remote is True  # location "Remote"
    assert postings["HV-2025-001"].remote is False  # explicit false
    # plain text description -> paragraphs and line breaks
    payroll = postings["HV-2025-003"]
    assert payroll.description_html.startswith("<p>Run weekly certified payroll")
    assert "<br>- 3+ years of multi-state payroll" in payroll.description_html
    # a javascript: posting URL is dropped, the description sanitised
    assert postings["HV-2025-006"].url == ""
    assert_safe_html(postings["HV-2025-006"].description_html)


def test_generic_json_complete_listing_override(server):
    cfg = SourceConfig(
        kind="json",
        url=server.url("/feeds/jobs_generic.json"),
        field_map=GENERIC_MAP,
        complete_listing=True,
    )
    assert fetch_postings(cfg, policy()).complete_listing is True


@pytest.mark.parametrize("missing", ["id", "title", "description"])
def test_generic_json_missing_required_mapping_names_the_field(missing):
    field_map = {k: v for k, v in GENERIC_MAP.items() if k != missing}
    with pytest.raises(SourceError, match=f'"{missing}"'):
        fetch_postings(
            SourceConfig(kind="json", url="https://jobs.example.com/feed.json", field_map=field_map)
        )


def test_generic_json_bad_field_maps():
    with pytest.raises(SourceError, match="unknown field_map key"):
        fetch_postings(
            SourceConfig(
                kind="json", url="https://x.example/", field_map={**GENERIC_MAP, "salary": "pay"}
            )
        )
    with pytest.raises(SourceError, match="empty path segment"):
        fetch_postings(
            SourceConfig(
                kind="json", url="https://x.example/", field_map={**GENERIC_MAP, "url": "a..b"}
            )
        )
    with pytest.raises(SourceError, match="field_map"):
        fetch_postings(SourceConfig(kind="json", url="https://x.example/", field_map=["id"]))  # type: ignore[arg-type]


def test_generic_json_items_path_must_be_a_list(server):
    cfg = SourceConfig(
        kind="json",
        url=server.url("/feeds/jobs_generic.json"),
        field_map={**GENERIC_MAP, "items": "data.count"},
    )
    with pytest.raises(SourceError, match=r"data\.count is not a list"):
        fetch_postings(cfg, policy())


def test_generic_json_root_list_and_list_indexes():
    body = json.dumps(
        [
            {
                "ref": 7,
                "name": "Cook",
                "text": "Prep and line cooking.",
                "places": [{"city": "Reno"}, {"city": "Elko"}],
            },
            {"ref": 8, "name": "", "text": "no title"},
            {"ref": None, "name": "No id", "text": "x"},
            {"ref": 9, "name": "Dishwasher", "text": "Evenings.", "places": []},
        ]
    ).encode()
    field_map = {"id": "ref", "title": "name", "description": "text", "location": "places.0.city"}
    parsed = get_adapter("json").parse(
        body, SourceConfig(kind="json", url="https://x/", field_map=field_map), policy()
    )
    assert [p.external_id for p in parsed.postings] == ["7", "9"]
    assert parsed.postings[0].location == "Reno" and parsed.postings[1].location == ""
    assert [e.external_id for e in parsed.errors] == ["8", None]
    assert "missing title" in parsed.errors[0].message and "missing id" in parsed.errors[1].message


def test_garbage_json_is_a_source_error(server):
    cfg = SourceConfig(kind="json", url=server.url("/garbage"), field_map=GENERIC_MAP)
    with pytest.raises(SourceError, match="not valid JSON"):
        fetch_postings(cfg, policy())


def test_json_http_errors_surface(server):
    with pytest.raises(SourceError, match="404"):
        fetch_postings(
            SourceConfig(kind="json", url=server.url("/status/404"), field_map=GENERIC_MAP),
            policy(),
        )
    with pytest.raises(TransientSourceError, match="503"):
        fetch_postings(
            SourceConfig(kind="json", url=server.url("/status/503"), field_map=GENERIC_MAP),
            policy(max_retries=1),
        )
    result = fetch_postings(
        SourceConfig(
            kind="json", url=server.url("/flaky/json/jobs_generic.json"), field_map=GENERIC_MAP
        ),
        policy(),
    )
    assert len(result.postings) == 6


def test_adapters_refuse_private_urls_without_allow_private(server):
    with pytest.raises(SourceError, match="refusing"):
        fetch_postings(
            SourceConfig(kind="rss", url=server.url("/feeds/jobs_rss.xml")),
            FetchPolicy(max_retries=0),
        )
    with pytest.raises(SourceError, match="refusing"):
        fetch_postings(
            SourceConfig(kind="greenhouse", url="http://169.254.169.254", board_token="x"),
            FetchPolicy(max_retries=0),
        )


# --------------------------------------------------------------------------- file drop
def test_filedrop_folder():
    result = fetch_postings(
        SourceConfig(kind="filedrop", url=str(FEEDS_DIR / "filedrop")), policy()
    )
    assert len(result.postings) == 8 and result.errors == ()
    assert result.complete_listing is True
    assert result.etag
    assert_well_formed(result)
    postings = by_id(result)
    assert list(postings)[:4] == ["ML-1001", "ML-1002", "ML-1003", "ML-1004"]  # sorted file order
    assert postings["ML-1003"].remote is True
    assert postings["ML-2003"].remote is True  # empty flag, "Anywhere in the US"
    assert postings["ML-2001"].remote is False
    assert postings["ML-2001"].posted_at == datetime(2025, 1, 10, tzinfo=UTC)
    assert postings["ML-2003"].posted_at == datetime(2025, 1, 11, tzinfo=UTC)  # epoch in CSV
    assert postings["ML-2001"].description_text.startswith("Classify imports under the HTS")
    assert (
        "Requirements:\nLicensed Customs Broker preferred" in postings["ML-2001"].description_text
    )
    assert postings["ML-2002"].description_text.endswith("Shift: Sunday–Thursday, 10pm–6:30am.")
    assert_safe_html(postings["ML-2004"].description_html)


def test_filedrop_bad_file_is_an_error_not_a_crash(tmp_path):
    for source in (FEEDS_DIR / "filedrop").iterdir():
        shutil.copy(source, tmp_path / source.name)
    (tmp_path / "a_broken.json").write_text('[{"id": "X1", "title": "half a file"')
    (tmp_path / "b_wrong_shape.json").write_text('{"id": "X2"}')
    (tmp_path / "c_no_title_column.csv").write_text("id,name\n1,Cook\n")
    (tmp_path / "d_rows.csv").write_text("id,title,remote\nR1,Baker,yes\n,No id,\nR3,,\n")
    (tmp_path / ".~lock.postings.csv#").write_text("junk")
    (tmp_path / "notes.txt").write_text("ignored")
    (tmp_path / "subdir.json").mkdir()
    result = fetch_postings(SourceConfig(kind="filedrop", url=str(tmp_path)), policy())
    assert len(result.postings) == 9  # 8 good fixtures + R1
    assert by_id(result)["R1"].remote is True
    file_errors = [e.message for e in result.errors if e.external_id is None]
    assert any(m.startswith("a_broken.json") for m in file_errors)
    assert any(m.startswith("b_wrong_shape.json") for m in file_errors)
    assert any(m.startswith("c_no_title_column.csv") and "title" in m for m in file_errors)
    assert any("d_rows.csv line 3" in m and "missing id" in m for m in file_errors)
    assert [e.external_id for e in result.errors if e.external_id] == ["R3"]
    assert result.complete_listing is False  # unreadable files: nothing may be closed


def test_filedrop_size_limit(tmp_path):
    (tmp_path / "big.json").write_text(
        json.dumps([{"id": "1", "title": "t", "description_html": "x" * 5000}])
    )
    result = fetch_postings(
        SourceConfig(kind="filedrop", url=str(tmp_path)), policy(max_bytes=1000)
    )
    assert result.postings == () and "max_bytes" in result.errors[0].message


def test_filedrop_not_modified_until_a_file_changes(tmp_path):
    shutil.copy(FEEDS_DIR / "filedrop" / "postings_batch1.json", tmp_path / "p.json")
    cfg = SourceConfig(kind="filedrop", url=str(tmp_path))
    first = fetch_postings(cfg, policy())
    assert len(first.postings) == 4
    again = fetch_postings(dataclasses.replace(cfg, etag=first.etag), policy())
    assert again.not_modified and again.postings == ()
    (tmp_path / "q.csv").write_text("id,title\nN1,Night Auditor\n")
    changed = fetch_postings(dataclasses.replace(cfg, etag=first.etag), policy())
    assert not changed.not_modified and len(changed.postings) == 5


@pytest.mark.parametrize("url", ["", "/definitely/not/here", __file__])
def test_filedrop_bad_folder(url):
    with pytest.raises(SourceError, match="filedrop"):
        fetch_postings(SourceConfig(kind="filedrop", url=url), policy())


def test_filedrop_cp1252_csv(tmp_path):
    (tmp_path / "win.csv").write_bytes(
        "id,title,location\n1,Caf\xe9 Manager,Montr\xe9al\n".encode("cp1252")
    )
    result = fetch_postings(SourceConfig(kind="filedrop", url=str(tmp_path)), policy())
    assert result.postings[0].title == "Café Manager" and result.postings[0].location == "Montréal"


# --------------------------------------------------------------------------- normalisation helpers
def test_content_hash_covers_matching_fields_only():
    base = {
        "title": "Cook",
        "company": "Diner",
        "location": "Reno",
        "remote": False,
        "description_text": "Grill",
        "url": "https://d.example/1",
    }
    h = content_hash(**base)
    assert h == content_hash(**base)
    for key, value in [
        ("title", "Chef"),
        ("remote", True),
        ("description_text", "Grill!"),
        ("url", ""),
    ]:
        assert content_hash(**{**base, key: value}) != h


def test_content_hash_is_stable_across_fetches(server):
    cfg = SourceConfig(kind="greenhouse", url=server.base_url, board_token="northwind")
    a = {p.external_id: p.content_hash for p in fetch_postings(cfg, policy()).postings}
    b = {p.external_id: p.content_hash for p in fetch_postings(cfg, policy()).postings}
    assert a == b and len(set(a.values())) == 6


@pytest.mark.parametrize(
    ("explicit", "texts", "expected"),
    [
        (None, ("Remote",), True),
        (None, ("Anywhere in Canada",), True),
        (None, ("Berlin", "Data Engineer (Work from home)"), True),
        (None, ("Austin, TX", "Remote Sensing Analyst"), False),
        (None, ("Austin, TX", "Engineer"), False),
        ("true", ("Austin, TX",), True),
        (False, ("Remote",), False),
        ("hybrid", ("Remote",), False),
        ("", ("Remote - US",), True),
    ],
)
def test_detect_remote(explicit, texts, expected):
    assert detect_remote(explicit, *texts) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-01-06T09:00:00-05:00", datetime(2025, 1, 6, 14, tzinfo=UTC)),
        ("2025-01-06T09:00:00Z", datetime(2025, 1, 6, 9, tzinfo=UTC)),
        ("2025-01-06", datetime(2025, 1, 6, tzinfo=UTC)),
        ("Mon, 06 Jan 2025 14:00:00 GMT", datetime(2025, 1, 6, 14, tzinfo=UTC)),
        (1736150400000, datetime(2025, 1, 6, 8, tzinfo=UTC)),
        (1736150400, datetime(2025, 1, 6, 8, tzinfo=UTC)),
        ("1736150400000.0", datetime(2025, 1, 6, 8, tzinfo=UTC)),
        ("", None),
        ("yesterday", None),
        (float("nan"), None),
        (10**30, None),
        (True, None),
        ([2025], None),
    ],
)
def test_parse_datetime(value, expected):
    assert parse_datetime(value) == expected
