"""The API's JSON bodies: nesting and size are bounded, and a refusal is a 400 naming the limit."""

from __future__ import annotations

import json

import pytest

from config.parsers import MAX_JSON_DEPTH, json_depth

pytestmark = pytest.mark.django_db


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_json_nested_far_past_the_interpreters_recursion_limit_is_a_400_naming_the_limit(
    api_client,
):
    response = api_client.post(
        "/api/v1/jobs/", data=nested(100_000), content_type="application/json"
    )
    assert response.status_code == 400
    assert f"the limit is {MAX_JSON_DEPTH}" in response.json()["message"]


def test_json_nested_just_past_the_limit_is_refused_and_at_the_limit_is_read(api_client):
    too_deep = {"title": "x", "description": "y", "extra": json.loads(nested(MAX_JSON_DEPTH))}
    response = api_client.post("/api/v1/jobs/", data=too_deep, format="json")
    assert response.status_code == 400
    assert f"the limit is {MAX_JSON_DEPTH}" in response.json()["message"]

    deep_enough = {**too_deep, "extra": json.loads(nested(MAX_JSON_DEPTH - 1))}
    assert api_client.post("/api/v1/jobs/", data=deep_enough, format="json").status_code == 201


def test_a_deep_resume_text_upload_is_refused_too(api_client):
    response = api_client.post(
        "/api/v1/resumes/", data='{"text": ' + nested(50_000) + "}", content_type="application/json"
    )
    assert response.status_code == 400
    assert f"the limit is {MAX_JSON_DEPTH}" in response.json()["message"]


def test_json_depth_counts_arrays_and_objects_without_recursing():
    assert json_depth(1) == 0
    assert json_depth({"a": [1, {"b": []}]}) == 4
    deep: list = []
    for _ in range(4999):
        deep = [deep]
    assert json_depth(deep) == 5000


def test_a_filter_value_the_database_cannot_hold_is_a_400_not_a_500(api_client):
    # Python accepts a UTC offset up to 24 h, PostgreSQL up to 15:59 (SQLite does not check).
    query = {"posted_before": "0296-10-07T14:27:31.985375-18:24"}
    response = api_client.get("/api/v1/jobs/", query)
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert "out of the range" in response.json()["message"]
