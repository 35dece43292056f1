"""The health check and who may reach what: only login and health are open to anonymous users."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_health_tells_anyone_the_status_and_nothing_else(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_health_reports_database_cache_broker_and_model_to_staff(staff_client, recruiter):
    response = staff_client.get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["cache"] == "ok"
    assert body["broker"].startswith("eager")
    assert body["model"]["status"] == "none"


def test_health_returns_503_when_the_database_is_down(client, monkeypatch):
    from config import health

    def broken() -> str:
        raise ConnectionError("database unreachable")

    monkeypatch.setattr(health, "_check_database", broken)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


@pytest.mark.parametrize("url", ["/", "/jobs/", "/resumes/", "/sources/", "/admin/"])
def test_anonymous_users_are_sent_to_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


@pytest.mark.parametrize("url", ["/api/v1/jobs/", "/api/v1/categories/", "/api/schema/"])
def test_anonymous_api_calls_are_refused_with_a_json_message(anon_api, url):
    response = anon_api.get(url, HTTP_ACCEPT="application/json")
    assert response.status_code in (401, 403)
    assert b"credentials were not provided" in response.content


def test_the_login_page_is_open_and_logging_in_leads_to_the_dashboard(client, recruiter):
    assert client.get(reverse("login")).status_code == 200
    response = client.post(
        reverse("login"), {"username": "rita", "password": "a-long-test-password-1"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("matching:dashboard")
    assert client.get(reverse("matching:dashboard")).status_code == 200


def test_a_wrong_password_is_refused_on_the_login_page(client, recruiter):
    response = client.post(reverse("login"), {"username": "rita", "password": "wrong"})
    assert response.status_code == 200
    assert b"didn&#x27;t match" in response.content or b"didn't match" in response.content


def test_logout_ends_the_session(recruiter_client):
    response = recruiter_client.post(reverse("logout"))
    assert response.status_code == 302
    assert recruiter_client.get(reverse("matching:dashboard")).status_code == 302


def test_token_authentication_works_for_the_api(recruiter, anon_api):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=recruiter)
    anon_api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert anon_api.get("/api/v1/jobs/").status_code == 200


@pytest.fixture
def failed_run(db):
    from recruiting.models import IngestionRun, JobSource

    source = JobSource.objects.create(
        name="Acme board", kind="rss", url="https://feeds.acme.example/private?token=s3cret"
    )
    return IngestionRun.objects.create(
        source=source,
        status="failed",
        message="503 from https://feeds.acme.example/private?token=s3cret",
    )


def test_sources_and_ingestion_runs_are_for_admins_on_the_pages_as_in_the_api(
    recruiter, staff, failed_run
):
    from django.test import Client

    recruiter_client, staff_client = Client(), Client()
    recruiter_client.force_login(recruiter)
    staff_client.force_login(staff)
    for url in ["/sources/", f"/sources/runs/{failed_run.pk}/"]:
        assert recruiter_client.get(url).status_code == 403, url
        assert recruiter_client.get(url, HTTP_HX_REQUEST="true").status_code == 403, url
        assert staff_client.get(url).status_code == 200, url
    dashboard = recruiter_client.get("/").content.decode()
    assert "s3cret" not in dashboard and "/sources/" not in dashboard
    assert (
        "feeds.acme.example" in staff_client.get(f"/sources/runs/{failed_run.pk}/").content.decode()
    )


def test_a_recruiter_gets_the_public_health_answer_too(recruiter_client):
    assert recruiter_client.get("/health/").json() == {"status": "ok"}


def test_the_site_icon_is_served_to_anyone_without_a_404(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/favicon.ico"
    page = client.get("/accounts/login/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg"' in page
