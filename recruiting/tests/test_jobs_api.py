"""Creating jobs through the API: an Idempotency-Key makes a client's retry safe."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from recruiting.models import Job

pytestmark = pytest.mark.django_db

BODY = {"title": "Python Engineer", "description": "<p>Django services.</p>"}


def post(api, key: str | None = None, body: dict = BODY):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return api.post("/api/v1/jobs/", body, format="json", **headers)


def test_without_a_key_each_post_creates_a_job(api_client, skills):
    assert post(api_client).status_code == 201
    assert post(api_client).status_code == 201
    assert Job.objects.count() == 2


def test_a_retry_with_the_same_key_returns_the_first_job(api_client, skills):
    first = post(api_client, "order-42")
    assert first.status_code == 201, first.content
    again = post(api_client, "order-42")
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Job.objects.count() == 1
    assert post(api_client, "order-43").status_code == 201
    assert Job.objects.count() == 2


def test_keys_belong_to_their_user(api_client, other_recruiter, skills):
    from rest_framework.test import APIClient

    other = APIClient()
    other.force_authenticate(other_recruiter)
    assert post(api_client, "same").status_code == 201
    assert post(other, "same").status_code == 201
    assert Job.objects.count() == 2


@pytest.mark.parametrize("key", ["", "x" * 101, "with space", "tab\there"])
def test_a_malformed_key_is_refused_with_a_400_naming_the_header(api_client, skills, key):
    response = post(api_client, key)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["message"]
    assert Job.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_two_racing_posts_with_one_key_make_one_job(recruiter, skills):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    from rest_framework.test import APIClient

    barrier = threading.Barrier(2)
    codes = []

    def send():
        api = APIClient()
        api.force_authenticate(recruiter)
        barrier.wait()
        codes.append(post(api, "race").status_code)
        connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [200, 201]
    assert Job.objects.filter(external_id="key:race").count() == 1
