"""Security properties of every page and endpoint: headers, no state change on GET, CSRF, login
throttling, session rotation, private files, hostile HTML, erasure that leaves no trace."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver

from recruiting.models import AuditEvent, Resume

pytestmark = pytest.mark.django_db

CANARY = "Zyxwvutsrq Canary"
RESUME = f"""{CANARY}
zyx.canary@example.com | +1 555 013 3713

Summary
Backend engineer building Python and Django services.

Skills
Python, Django, PostgreSQL
"""


def all_routes(resolver=None, prefix: str = "") -> list[str]:
    resolver = resolver or get_resolver()
    routes = []
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            routes += all_routes(entry, route)
        elif isinstance(entry, URLPattern):
            routes.append(route)
    return routes


@pytest.fixture
def world(staff, skills, categories, django_capture_on_commit_callbacks):
    from recruiting.services.jobs import job_create
    from recruiting.services.resumes import resume_create

    with django_capture_on_commit_callbacks(execute=True):
        resume, _ = resume_create(owner=staff, data=RESUME.encode(), filename="canary.txt")
        job = job_create(
            owner=staff,
            title="Python Engineer",
            description="<p>Build Django services.</p><h3>Requirements</h3><ul><li>Python</li></ul>",
        )
    return {"resume": resume, "job": job}


def concrete_urls(world) -> list[str]:
    """Every GET route with its parameters filled in from the fixtures."""
    ids = {"pk": world["job"].pk, "job_pk": world["job"].pk, "resume_pk": world["resume"].pk}
    urls = []
    for route in all_routes():
        if (
            route.startswith("admin/")
            or "(?P<format>" in route
            or "<drf_format_suffix" in route
            or route.startswith("^")
        ):
            continue
        path = route
        for name, value in ids.items():
            path = re.sub(rf"<(int:)?{name}>", str(value), path)
        path = re.sub(r"\(\?P<pk>[^)]*\)", str(world["job"].pk), path)
        if "<" in path or "(" in path or "\\" in path:
            continue
        path = "/" + path.replace("^", "").replace("$", "")
        if "/resumes/" in path and str(world["job"].pk) in path and "/jobs/" not in path:
            path = path.replace(str(world["job"].pk), str(world["resume"].pk))
        urls.append(path)
    return [
        *sorted(set(urls)),
        "/admin/",
        "/admin/recruiting/resume/",
        "/admin/matching/modelversion/",
    ]


def test_every_page_and_endpoint_sends_the_security_headers(staff_client, world):
    urls = concrete_urls(world)
    assert len(urls) > 25
    for url in urls:
        response = staff_client.get(url)
        assert response.status_code < 500, url
        csp = response.headers.get("Content-Security-Policy", "")
        assert "frame-ancestors 'none'" in csp, url
        assert "unsafe-eval" not in csp and "unsafe-inline" not in csp, url
        assert response.headers.get("X-Content-Type-Options") == "nosniff", url
        assert response.headers.get("Referrer-Policy"), url


def test_no_get_request_writes_to_the_database(staff_client, world):
    for url in concrete_urls(world):
        with CaptureQueriesContext(connection) as queries:
            staff_client.get(url)
        writes = [
            q["sql"] for q in queries if re.match(r"\s*(INSERT|UPDATE|DELETE)", q["sql"], re.I)
        ]
        # Downloading a candidate's file is recorded in the audit log, and only there.
        writes = [w for w in writes if "recruiting_auditevent" not in w]
        assert not writes, f"GET {url} wrote: {writes[:2]}"


def test_unsafe_requests_without_a_csrf_token_are_refused(staff, world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    job, resume = world["job"], world["resume"]
    response = client.post(
        f"/jobs/{job.pk}/candidates/{resume.pk}/feedback/",
        {"decision": "shortlist"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 403
    page = client.get(f"/jobs/{job.pk}/candidates/").content.decode()
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    response = client.post(
        f"/jobs/{job.pk}/candidates/{resume.pk}/feedback/",
        {"decision": "shortlist"},
        HTTP_HX_REQUEST="true",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 200


def test_repeated_failed_logins_lock_the_account_out_even_with_the_right_password(recruiter):
    client = Client()
    for _ in range(5):
        client.post("/accounts/login/", {"username": "rita", "password": "wrong"})
    response = client.post(
        "/accounts/login/", {"username": "rita", "password": "a-long-test-password-1"}
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_session_is_rotated_on_login_and_ended_on_logout(recruiter):
    client = Client()
    client.get("/accounts/login/")
    client.session.save()
    before = client.session.session_key
    client.post("/accounts/login/", {"username": "rita", "password": "a-long-test-password-1"})
    after = client.session.session_key
    assert after and after != before
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


def test_original_files_go_only_to_their_owner_as_an_attachment(
    world, staff_client, other_recruiter
):
    resume = world["resume"]
    response = staff_client.get(f"/resumes/{resume.pk}/file/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == RESUME.encode()
    assert AuditEvent.objects.filter(action="resume.file_downloaded", object_id=resume.pk).exists()
    other = Client()
    other.force_login(other_recruiter)
    assert other.get(f"/resumes/{resume.pk}/file/").status_code == 404
    assert Client().get(f"/resumes/{resume.pk}/file/").status_code == 302
    with pytest.raises(ValueError):
        resume.original_file.url  # noqa: B018 - private files have no public URL


def test_hostile_html_from_a_feed_is_neutralised_on_the_job_page(
    staff_client, skills, tmp_path, django_capture_on_commit_callbacks
):
    from recruiting.models import Job, JobSource
    from recruiting.services.ingestion import ingestion_run_now
    from recruiting.services.scheduling import source_save

    hostile = (
        '<p>Great job</p><script>alert(1)</script><img src=x onerror="alert(2)">'
        '<div hx-get="/api/v1/resumes/" hx-trigger="load">x</div><a href="javascript:alert(3)">click</a>'
    )
    (tmp_path / "jobs.json").write_text(
        json.dumps(
            [
                {
                    "id": "evil",
                    "title": "<b>Evil</b> job",
                    "company": "X",
                    "location": "",
                    "remote": False,
                    "description_html": hostile,
                    "url": "https://jobs.example.com/1",
                    "posted_at": None,
                    "category": "",
                }
            ]
        )
    )
    source = source_save(source=JobSource(name="Evil", kind="filedrop", url=str(tmp_path)))
    with django_capture_on_commit_callbacks(execute=True):
        ingestion_run_now(source=source)
    job = Job.objects.get(external_id="evil")
    body = staff_client.get(f"/jobs/{job.pk}/").content.decode()
    for bad in (
        "<script>alert",
        "onerror",
        'hx-trigger="load">x',
        "javascript:alert",
        "<b>Evil</b>",
    ):
        assert bad not in body, bad


def test_erasing_a_candidate_leaves_no_trace_of_the_canary(
    staff, world, django_capture_on_commit_callbacks, caplog, settings
):
    import uuid

    from django.core.management import call_command
    from rest_framework.test import APIClient

    from matching.services.store import store_get
    from recruiting.services.resumes import resume_create

    canary = f"Canary{uuid.uuid4().hex[:12]}"
    with django_capture_on_commit_callbacks(execute=True):
        resume, _ = resume_create(
            owner=staff, data=RESUME.replace(CANARY, canary).encode(), filename="c.txt"
        )
    api = APIClient()
    api.force_authenticate(staff)
    # Take it through every step: matching, explanation, feedback.
    assert api.get(f"/api/v1/jobs/{world['job'].pk}/candidates/").status_code == 200
    assert (
        api.post(
            "/api/v1/feedback/",
            {"job": world["job"].pk, "resume": resume.pk, "decision": "shortlist"},
            format="json",
        ).status_code
        == 201
    )
    assert store_get("resume").position(resume.pk) is not None
    stored_file = resume.original_file.path
    with django_capture_on_commit_callbacks(execute=True):
        assert api.delete(f"/api/v1/resumes/{resume.pk}/").status_code == 204

    assert not Resume.objects.filter(pk=resume.pk).exists()
    assert store_get("resume").position(resume.pk) is None
    dump = io.StringIO()
    call_command(
        "dumpdata", "--exclude", "contenttypes", "--exclude", "auth.permission", stdout=dump
    )
    assert canary not in dump.getvalue()
    for folder in (settings.PRIVATE_MEDIA_ROOT, settings.ARTIFACTS_DIR):
        for path in folder.rglob("*") if folder.exists() else []:
            if path.is_file():
                assert canary.encode() not in path.read_bytes(), path
    assert not __import__("pathlib").Path(stored_file).exists()
    assert canary not in caplog.text
    event = AuditEvent.objects.get(action="resume.erased", object_id=resume.pk)
    assert canary not in json.dumps(event.details)
    if settings.REDIS_URL:
        import redis

        keys = redis.Redis.from_url(settings.REDIS_URL)
        assert not any(canary.encode() in (keys.dump(k) or b"") for k in keys.scan_iter(count=1000))


def login(client, username, password="wrong", **headers):  # noqa: S107
    return client.post("/accounts/login/", {"username": username, "password": password}, **headers)


def test_failures_from_many_addresses_lock_the_account_too(recruiter):
    for n in range(5):
        login(Client(REMOTE_ADDR=f"203.0.113.{n}"), "rita")
    fresh = Client(REMOTE_ADDR="198.51.100.7")
    assert login(fresh, "rita", "a-long-test-password-1").status_code == 429
    assert "_auth_user_id" not in fresh.session


def test_one_address_trying_many_accounts_is_slowed_down(recruiter, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "login", "3/min")
    sprayer = Client(REMOTE_ADDR="203.0.113.9")
    statuses = [
        login(sprayer, f"user{n}", "Summer2026!", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code
        for n in range(5)
    ]
    assert statuses == [200, 200, 200, 429, 429]  # a forged X-Forwarded-For changes nothing
    refused = login(sprayer, "user9", "Summer2026!")
    assert int(refused["Retry-After"]) >= 1
    assert (
        login(Client(REMOTE_ADDR="198.51.100.7"), "rita", "a-long-test-password-1").status_code
        == 302
    )
    admin_login = sprayer.post("/admin/login/", {"username": "ada", "password": "x"})
    assert admin_login.status_code == 429


def test_without_a_trusted_proxy_a_client_cannot_claim_https(client, settings):
    response = client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response
    settings.SECURE_SSL_REDIRECT = True
    response = Client().get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 301  # plain HTTP, whatever the header claims
    assert response["Location"].startswith("https://")


def test_the_client_address_is_the_proxys_view_only_behind_a_trusted_proxy(rf, settings):
    from config.security import client_ip

    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.5"  # not what the client wrote further left
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "6.6.6.6"
