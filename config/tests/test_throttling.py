"""Pages that upload resumes share the API's upload allowance: the form is no way around it."""

from __future__ import annotations

import pytest
from rest_framework.throttling import SimpleRateThrottle

from conftest import cache_clear

pytestmark = pytest.mark.django_db


@pytest.fixture
def upload_rate(monkeypatch):
    cache_clear()
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "upload", "3/min")
    yield
    cache_clear()


def page_upload(client, n: int):
    return client.post(
        "/resumes/upload/", {"text": f"Jane Doe\nPython developer number {n}", "name": ""}
    )


def test_the_upload_page_answers_429_past_the_upload_rate(recruiter_client, upload_rate):
    assert [page_upload(recruiter_client, n).status_code for n in range(3)] == [200] * 3
    refused = page_upload(recruiter_client, 3)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    assert "the limit is 3 per min" in refused.content.decode()
    assert recruiter_client.get("/resumes/upload/").status_code == 200  # reading is not counted


def test_pages_and_the_api_draw_on_one_allowance(recruiter, client, upload_rate):
    from rest_framework.test import APIClient

    client.force_login(recruiter)
    api = APIClient()
    api.force_authenticate(recruiter)
    assert [page_upload(client, n).status_code for n in range(2)] == [200, 200]
    assert api.post("/api/v1/resumes/", {"text": "Jane Doe\nGo"}, format="json").status_code == 201
    assert page_upload(client, 9).status_code == 429
    assert (
        api.post("/api/v1/resumes/", {"text": "Jane Doe\nRust"}, format="json").status_code == 429
    )


def test_the_rank_a_pile_page_is_throttled_like_the_upload_page(recruiter_client, upload_rate):
    for _ in range(3):
        recruiter_client.post("/rank/", {})
    assert recruiter_client.post("/rank/", {}).status_code == 429
