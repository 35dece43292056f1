"""Blind review: ranking pages, partials, CSV and API hide the candidate's name, contacts and
links until a recruiter reveals them, and every reveal is one audit event."""

from __future__ import annotations

import json
import os
import re

import pytest
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from recruiting.models import AuditEvent, Resume
from recruiting.services.blind import HIDDEN, text_masked
from recruiting.services.jobs import job_create
from recruiting.services.resumes import resume_create_from_text

pytestmark = pytest.mark.django_db

NAME = "Janelle Quorra"
EMAIL = "janelle.quorra@mailbox.example.org"
PHONE = "+1 (555) 013-3713"
LINK = "github.com/jquorra-dev"
RESUME = f"""JANELLE QUORRA
{EMAIL} | {PHONE} | {LINK}

Summary
Janelle Quorra ({EMAIL}, {PHONE}) builds Django services and Python APIs with PostgreSQL.

Experience
Backend Engineer, Acme, 2017 - 2023
- Quorra designed PostgreSQL schemas for the Django booking platform; code at https://{LINK}.

Skills
Python, Django, PostgreSQL, Docker
"""
# Every form in which the personal data could reach a page.
SECRETS = [NAME, "Janelle", "Quorra", "QUORRA", EMAIL, "janelle.quorra", "555", "3713", "jquorra"]


@pytest.fixture
def world(recruiter, skills, categories, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        resume, _ = resume_create_from_text(owner=recruiter, text=RESUME)
        job = job_create(
            owner=recruiter,
            title="Python Backend Engineer",
            description="<p>You will build Django services and Python APIs for our platform.</p>"
            "<p>You will design PostgreSQL schemas for the booking platform.</p>"
            "<h3>Requirements</h3><ul><li>Python</li><li>Django</li><li>PostgreSQL</li></ul>",
        )
    resume = Resume.objects.get(pk=resume.pk)
    # The parser found the personal data, so there is something to hide.
    assert resume.candidate_name == NAME
    assert resume.email == EMAIL
    assert resume.phone
    assert resume.links
    return {"resume": resume, "job": job}


@pytest.fixture
def blind(settings):
    settings.BLIND_REVIEW = True


# CSRF tokens (64 random letters and digits, in forms and in hx-headers), timestamps (their
# microseconds) and row ids (in JSON and in URLs) hold "555" or "3713" now and then; they are
# not the candidate's data.
_TOKEN = re.compile(r"[A-Za-z0-9]{32,}")
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?")
_ROW_ID = re.compile(r'"(?:id|pk|[a-z_]+_id)":\s*\d+|/\d+/')


def test_ids_timestamps_and_tokens_are_not_leaks_but_the_phone_is():
    assert leaks('{"id": 555, "created_at": "2026-12-05T18:44:55.555123Z"} /resumes/3713/') == []
    assert leaks("call (555) 013") == ["555"]


def leaks(text: str) -> list[str]:
    text = _ROW_ID.sub("", _TIMESTAMP.sub("", _TOKEN.sub("", text))).lower()
    return [s for s in SECRETS if s.lower() in text]


def rank_pile(client, world, capture) -> str:
    """Rank the candidate against the job on the rank-a-pile page; the run's page."""
    with capture(execute=True):
        response = client.post("/rank/", {"job": world["job"].pk, "resumes": [world["resume"].pk]})
    assert response.status_code == 302
    return response.url


def ranking_responses(client, world, capture) -> dict[str, str]:
    """Every ranking page, partial, export and API answer that shows this candidate, and the
    candidate list and detail pages, from which a hidden candidate could be looked up."""
    job, resume = world["job"], world["resume"]
    pile = rank_pile(client, world, capture)
    out = {
        "candidates page": client.get(f"/jobs/{job.pk}/candidates/"),
        "candidates partial": client.get(f"/jobs/{job.pk}/candidates/", HTTP_HX_REQUEST="true"),
        "explanation page": client.get(f"/jobs/{job.pk}/candidates/{resume.pk}/explanation/"),
        "explanation partial": client.get(
            f"/jobs/{job.pk}/candidates/{resume.pk}/explanation/", HTTP_HX_REQUEST="true"
        ),
        "resume matches page": client.get(f"/resumes/{resume.pk}/matches/"),
        "resume matches partial": client.get(
            f"/resumes/{resume.pk}/matches/", HTTP_HX_REQUEST="true"
        ),
        "resume list page": client.get("/resumes/"),
        "resume list partial": client.get("/resumes/", HTTP_HX_REQUEST="true"),
        "resume detail page": client.get(f"/resumes/{resume.pk}/"),
        "api resume": client.get(f"/api/v1/resumes/{resume.pk}/"),
        "api resume list": client.get("/api/v1/resumes/"),
        "rank pile page": client.get(pile),
        "rank pile csv": client.get(pile + "export.csv"),
        "candidate for the job page": client.get(f"/jobs/{job.pk}/candidates/{resume.pk}/"),
        "api candidates": client.get(f"/api/v1/jobs/{job.pk}/candidates/"),
        "api explain": client.get("/api/v1/explain/", {"job": job.pk, "resume": resume.pk}),
        "api resume matches": client.get(f"/api/v1/resumes/{resume.pk}/matches/"),
        "api rank": client.post(
            "/api/v1/rank/",
            {"job_id": job.pk, "resume_ids": [resume.pk]},
            content_type="application/json",
        ),
    }
    for name, response in out.items():
        assert response.status_code == 200, name
    return {name: response.content.decode() for name, response in out.items()}


def test_without_blind_review_the_ranking_pages_quote_the_personal_data(
    recruiter_client, world, django_capture_on_commit_callbacks
):
    # The control for the tests below: the same pages do show the data when not blind.
    bodies = ranking_responses(recruiter_client, world, django_capture_on_commit_callbacks)
    for name, body in bodies.items():
        assert NAME in body or NAME.upper() in body, name
    for name in ("candidates page", "explanation page", "explanation partial", "api explain"):
        assert EMAIL in bodies[name], name


def test_blind_ranking_pages_partials_csv_and_api_show_no_name_contact_or_link(
    recruiter_client, world, blind, django_capture_on_commit_callbacks
):
    bodies = ranking_responses(recruiter_client, world, django_capture_on_commit_callbacks)
    label = f"Candidate #{world['resume'].pk}"
    for name, body in bodies.items():
        assert not leaks(body), (name, leaks(body))
        # The two partials sit inside pages that carry the label; the API resource has no label
        # field (its name is empty).
        assert label in body or name in (
            "explanation partial",
            "resume matches partial",
            "api resume",
            "api resume list",
        ), name
    # The explanations are still there, with the quoted personal data masked.
    for name in ("candidates page", "explanation page", "explanation partial", "api explain"):
        assert HIDDEN in bodies[name], name
    assert "builds Django services" in bodies["explanation partial"]


def test_the_blind_resume_page_masks_the_text_and_offers_no_original_file(
    recruiter_client, world, blind
):
    body = recruiter_client.get(f"/resumes/{world['resume'].pk}/matches/").content.decode()
    assert not leaks(body)
    assert "Backend Engineer, Acme, 2017 - 2023" in body
    assert f"/resumes/{world['resume'].pk}/file/" not in body


def test_under_blind_review_the_candidate_search_finds_no_one_by_name_or_contact(
    recruiter_client, world, settings
):
    def found(q: str) -> bool:
        page = recruiter_client.get("/resumes/", {"q": q}, HTTP_HX_REQUEST="true")
        return f"/resumes/{world['resume'].pk}/" in page.content.decode()

    assert found("Quorra") and found("janelle.quorra@") and found("Booking Platform")
    settings.BLIND_REVIEW = True
    assert not found("Quorra")
    assert not found("janelle.quorra@")
    assert not found("013-3713")
    assert found("Booking Platform")  # the work itself is still searchable


def test_under_blind_review_a_search_for_a_handle_or_across_name_and_contact_finds_no_one(
    recruiter_client, world, settings
):
    def found(q: str) -> bool:
        page = recruiter_client.get("/resumes/", {"q": q}, HTTP_HX_REQUEST="true")
        return f"/resumes/{world['resume'].pk}/" in page.content.decode()

    probes = ["jquorra-dev", "github.com/jq", f"QUORRA\n{EMAIL[:12]}", f"{PHONE} | github"]
    assert all(found(q) for q in probes)  # without blind review they all find her
    settings.BLIND_REVIEW = True
    assert [q for q in probes if found(q)] == []
    assert found("PostgreSQL schemas")


def test_the_masked_text_follows_a_name_given_with_pasted_text(recruiter, skills):
    resume, _ = resume_create_from_text(
        owner=recruiter,
        text="Engineer, writes Go.\nZubeida Farrow-Okafor built it.",
        name="Zubeida Farrow-Okafor",
    )
    assert "Zubeida" not in Resume.objects.get(pk=resume.pk).blind_text


def test_the_migration_masks_the_resumes_stored_before_it(world):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("recruiting.migrations.0009_resume_blind_text")
    Resume.objects.update(blind_text="")
    migration.mask_existing(apps, None)
    masked = Resume.objects.get(pk=world["resume"].pk).blind_text
    assert "Booking Platform".lower() in masked.lower()
    assert leaks(masked) == []


def test_under_blind_review_the_original_file_needs_a_reveal_first(
    recruiter_client, recruiter, skills, blind, django_capture_on_commit_callbacks
):
    from recruiting.services.resumes import resume_create

    with django_capture_on_commit_callbacks(execute=True):
        resume, _ = resume_create(owner=recruiter, data=RESUME.encode(), filename="janelle.txt")
    file_url = f"/resumes/{resume.pk}/file/"
    page = recruiter_client.get(f"/resumes/{resume.pk}/").content.decode()
    assert not leaks(page)
    assert file_url not in page
    assert recruiter_client.get(file_url).status_code == 403
    assert not AuditEvent.objects.filter(action="resume.file_downloaded").exists()
    # The detail page's own reveal button works without JavaScript and comes back to it.
    response = recruiter_client.post(
        f"/resumes/{resume.pk}/reveal/", {"next": f"/resumes/{resume.pk}/"}
    )
    assert response["Location"] == f"/resumes/{resume.pk}/"
    page = recruiter_client.get(f"/resumes/{resume.pk}/").content.decode()
    assert NAME.upper() in page.upper() and file_url in page
    download = recruiter_client.get(file_url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == RESUME.encode()


def test_revealing_records_one_audit_event_without_personal_data_and_shows_the_name(
    recruiter_client, recruiter, world, blind, django_capture_on_commit_callbacks
):
    job, resume = world["job"], world["resume"]
    response = recruiter_client.post(f"/resumes/{resume.pk}/reveal/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    assert NAME in body and EMAIL in body
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.object_type, event.object_id) == (
        "resume.revealed",
        recruiter,
        "resume",
        resume.pk,
    )
    assert not leaks(json.dumps(event.details) + str(event))
    # A second click is the same reveal, not a second one.
    recruiter_client.post(f"/resumes/{resume.pk}/reveal/", HTTP_HX_REQUEST="true")
    assert AuditEvent.objects.count() == 1
    page = recruiter_client.get(f"/jobs/{job.pk}/candidates/").content.decode()
    assert NAME in page and EMAIL in page
    pile = rank_pile(recruiter_client, world, django_capture_on_commit_callbacks)
    assert NAME in recruiter_client.get(pile).content.decode()
    assert NAME in recruiter_client.get(pile + "export.csv").content.decode()


def test_the_reveal_button_works_without_javascript(recruiter_client, world, blind):
    job, resume = world["job"], world["resume"]
    page = recruiter_client.get(f"/jobs/{job.pk}/candidates/").content.decode()
    assert f'action="/resumes/{resume.pk}/reveal/"' in page
    response = recruiter_client.post(
        f"/resumes/{resume.pk}/reveal/", {"next": f"/jobs/{job.pk}/candidates/"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/jobs/{job.pk}/candidates/"
    assert NAME in recruiter_client.get(response["Location"]).content.decode()
    assert AuditEvent.objects.filter(action="resume.revealed").count() == 1


def test_the_reveal_never_redirects_off_site(recruiter_client, world, blind):
    resume = world["resume"]
    response = recruiter_client.post(
        f"/resumes/{resume.pk}/reveal/", {"next": "https://evil.example.com/"}
    )
    assert response["Location"] == f"/resumes/{resume.pk}/matches/"


def test_a_get_does_not_reveal(recruiter_client, world, blind):
    resume = world["resume"]
    assert recruiter_client.get(f"/resumes/{resume.pk}/reveal/").status_code == 405
    assert not AuditEvent.objects.exists()
    page = recruiter_client.get(f"/jobs/{world['job'].pk}/candidates/").content.decode()
    assert not leaks(page)


def test_another_recruiter_or_an_anonymous_visitor_cannot_reveal(world, other_recruiter, blind):
    resume = world["resume"]
    other = Client()
    other.force_login(other_recruiter)
    assert other.post(f"/resumes/{resume.pk}/reveal/", HTTP_HX_REQUEST="true").status_code == 404
    response = Client().post(f"/resumes/{resume.pk}/reveal/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not AuditEvent.objects.exists()


def test_revealing_needs_a_csrf_token(recruiter, world, blind):
    client = Client(enforce_csrf_checks=True)
    client.force_login(recruiter)
    resume = world["resume"]
    assert client.post(f"/resumes/{resume.pk}/reveal/", HTTP_HX_REQUEST="true").status_code == 403
    assert not AuditEvent.objects.exists()
    page = client.get(f"/jobs/{world['job'].pk}/candidates/").content.decode()
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    response = client.post(
        f"/resumes/{resume.pk}/reveal/", HTTP_HX_REQUEST="true", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 200
    assert AuditEvent.objects.count() == 1


def test_a_reveal_lasts_for_the_session_only(recruiter, world, blind):
    client = Client()
    client.force_login(recruiter)
    client.post(f"/resumes/{world['resume'].pk}/reveal/")
    client.post("/accounts/logout/")
    client.force_login(recruiter)
    page = client.get(f"/jobs/{world['job'].pk}/candidates/").content.decode()
    assert not leaks(page)


def test_a_recruiter_can_switch_blind_review_on_and_off_for_the_session(recruiter_client, world):
    url = f"/jobs/{world['job'].pk}/candidates/"
    assert NAME in recruiter_client.get(url).content.decode()
    response = recruiter_client.post("/blind-review/", {"blind": "on", "next": url})
    assert response["Location"] == url
    assert not leaks(recruiter_client.get(url).content.decode())
    recruiter_client.post("/blind-review/", {"blind": "off", "next": url})
    assert NAME in recruiter_client.get(url).content.decode()


def test_when_the_site_requires_blind_review_it_cannot_be_switched_off(
    recruiter_client, world, blind
):
    url = f"/jobs/{world['job'].pk}/candidates/"
    recruiter_client.post("/blind-review/", {"blind": "off", "next": url})
    assert not leaks(recruiter_client.get(url).content.decode())


def test_masking_hides_contacts_and_name_parts_but_keeps_dates_and_skills(world):
    masked = text_masked(
        "Quorra, J. - reach janelle@x.example.com or 0044 20 7946 0958; www.quorra.dev; "
        "Django 2017 - 2023, 12 05 2019",
        world["resume"],
    )
    assert "Quorra" not in masked and "janelle@" not in masked and "7946" not in masked
    assert "quorra.dev" not in masked
    assert "Django 2017 - 2023, 12 05 2019" in masked


def test_masking_catches_contacts_cut_by_an_ellipsis_and_at_the_highlight_edges(world):
    from matching.services.blind import explanation_masked

    resume = world["resume"]
    assert "555" not in text_masked("call +1 (555) 0…", resume)
    assert "mailbox" not in text_masked("write to janelle.quorra@mailbox.e…", resume)
    explanation = {
        "summary": "",
        "matched": [
            {
                "skill": "Go",
                "line_before": "mail janelle.quorra@mail",
                "line_match": "box",
                "line_after": ".example.org about Go",
            }
        ],
    }
    item = explanation_masked(explanation, resume)["matched"][0]
    assert not leaks(item["line_before"] + item["line_match"] + item["line_after"])
    assert item["line_before"] == "mail " and item["line_match"] == HIDDEN
    assert item["line_after"] == " about Go"


def _cut_literals_before(text: str, literals: list[str]) -> list[tuple[int, int]]:
    """_cut_literals as it was: each start of each literal compared at each ellipsis (quadratic
    in a literal's length). The reference its masks must equal."""
    spans = []
    for cut in (m.start() for m in re.finditer("…", text)):
        for literal in literals:
            for k in range(len(literal) - 1, 2, -1):
                if text[max(0, cut - k) : cut].lower() == literal[:k].lower():
                    spans.append((cut - k, cut))
                    break
    return spans


def _merged(spans):
    """The spans as pii_spans merges them: what is masked."""
    out: list[list[int]] = []
    for start, end in sorted(s for s in spans if s[0] < s[1]):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return out


@settings(
    max_examples=300,
    deadline=None,
    derandomize=os.environ.get("CI") == "true",
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    text=st.text(alphabet="aAb.@ …", max_size=40),
    literals=st.lists(st.text(alphabet="aAb.@ ", max_size=8), max_size=4),
)
@example(text="write to janelle.quorra@mailbox.e…", literals=[EMAIL, "", PHONE])
@example(text="aab…aaab…", literals=["aaaa", "aab.", "b…"])
@example(text="…abab…", literals=["ababa", "bab@"])
@example(text="baaa…", literals=["baaa", "abbbb"])  # a whole literal is no start of it
@example(text="abaaba…", literals=["abaaaba"])  # the start "aba" after a failed "abaaa"
def test_contacts_cut_by_an_ellipsis_are_masked_as_by_the_start_by_start_search(text, literals):
    from recruiting.services.blind import _cut_literals

    assert _merged(_cut_literals(text, literals)) == _merged(_cut_literals_before(text, literals))


def test_quotes_cutting_a_literal_of_300000_characters_are_found_in_one_pass():
    """Each ellipsis compared every start of every literal: ~1e11 character steps a quote for a
    link this long (links are kept up to 2,048 characters now; the search holds for any)."""
    from recruiting.services.blind import _cut_literals

    link = "quorra.example/" + "portfolio-" * 30_000
    first = "Janelle keeps her work at " + link[:60] + "…"
    text = first + " and at " + link[:100_000].upper() + "…"
    assert _cut_literals(text, ["", link, "PHONE"]) == [
        (len(first) - 61, len(first) - 1),
        (len(text) - 100_001, len(text) - 1),
    ]


def test_a_link_of_300000_characters_stored_before_the_limit_is_masked_by_the_link_pattern(world):
    """Links are kept up to 2,048 characters; one stored before cost every masked string its
    length (escaped for the pattern, lowered for the ellipses), minutes an explained page."""
    from matching.services.blind import explanation_masked

    resume = world["resume"]
    resume.links = ["https://quorra.example/" + "portfolio-" * 30_000, *resume.links]
    explanation = {
        "summary": f"Strongest overlap: 'Janelle keeps her work at {resume.links[0][:60]}…' ↔ 'Go'.",
        "matched": [],
    }
    masked = explanation_masked(explanation, resume)
    assert masked["summary"] == f"Strongest overlap: '{HIDDEN} keeps her work at {HIDDEN}' ↔ 'Go'."


def test_a_text_of_600000_ellipses_is_masked_in_one_pass(world):
    """Each ellipsis tried each start of each literal: a 1.8 MB resume of "ab…", minutes to
    mask at upload and on each blind page view."""
    resume = world["resume"]
    text = f"call {PHONE[:8]}…" + "ab…" * 600_000 + f"mail {EMAIL[:18]}…"
    masked = text_masked(text, resume)
    assert masked == f"call {HIDDEN}…" + "ab…" * 600_000 + f"mail {HIDDEN}…"


def test_a_hidden_candidate_exposes_no_personal_attribute_to_templates(world):
    from recruiting.services.blind import BlindResume

    hidden = BlindResume(world["resume"])
    exposed = [
        hidden.display_name,
        str(hidden),
        hidden.candidate_name,
        hidden.email,
        hidden.phone,
        *hidden.links,
        hidden.original_filename,
        hidden.text,
        json.dumps(hidden.sections),
        hidden.get_absolute_url(),
    ]
    assert not leaks(" ".join(exposed))
    assert not hidden.original_file
    revealed = BlindResume(world["resume"], revealed=True)
    assert (revealed.candidate_name, revealed.email, revealed.links) == (
        NAME,
        EMAIL,
        world["resume"].links,
    )


def test_a_recruiters_choice_of_blind_review_holds_for_their_token_api_calls(
    recruiter, recruiter_client, world
):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=recruiter).key}")
    resume, job = world["resume"], world["job"]
    urls = [
        f"/api/v1/resumes/{resume.pk}/",
        "/api/v1/resumes/",
        f"/api/v1/jobs/{job.pk}/candidates/",
        f"/api/v1/explain/?job={job.pk}&resume={resume.pk}",
    ]
    assert all(NAME in api.get(url).content.decode() for url in urls)
    recruiter_client.post("/blind-review/", {"blind": "on"})  # chosen on a page
    for url in urls:
        response = api.get(url)
        assert response.status_code == 200, url
        assert leaks(response.content.decode()) == [], url
    recruiter_client.post("/blind-review/", {"blind": "off"})
    assert NAME in api.get(urls[0]).content.decode()
