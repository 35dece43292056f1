"""The ranking API's answers: their fields in the order clients read, and an OpenAPI schema that
types every one of them (no free-form object)."""

from __future__ import annotations

import numpy as np
import pytest
from rest_framework import serializers

from matching.serializers import (
    PlainSerializer,
    ScorePartsSerializer,
    SpanField,
    StringListField,
)
from mlcore.retrieval.scorer import PART_NAMES
from recruiting.services.jobs import job_create
from recruiting.services.resumes import resume_create_from_text

pytestmark = pytest.mark.django_db

RESUME = """Ada Example
ada@example.com

Summary
Backend engineer building Python and Django services with PostgreSQL.

Skills
Python, Django, PostgreSQL, Docker
"""


@pytest.fixture
def pair(recruiter, skills, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        resume, _ = resume_create_from_text(owner=recruiter, text=RESUME)
        job = job_create(
            owner=recruiter,
            title="Python Engineer",
            description="<p>You will build Django services on PostgreSQL.</p>"
            "<h3>Requirements</h3><ul><li>Python</li><li>Django</li></ul>"
            "<h3>Nice to have</h3><ul><li>Kubernetes</li></ul>",
        )
    return job, resume


def test_an_explained_result_has_its_fields_in_the_documented_order(api_client, pair):
    job, resume = pair
    body = api_client.get(f"/api/v1/jobs/{job.pk}/candidates/", {"k": 1}).json()
    assert list(body) == ["model_version", "total_candidates", "results"]
    result = body["results"][0]
    assert list(result) == [
        "job",
        "resume",
        "score",
        "parts",
        "similarity",
        "matched_required",
        "missing_required",
        "matched_nice",
        "missing_nice",
        "excluded_present",
        "explanation",
    ]
    assert result["job"] == {
        "id": job.pk,
        "title": "Python Engineer",
        "company": "",
        "location": "",
        "category": None,
    }
    assert result["resume"] == {"id": resume.pk, "name": "Ada Example", "category": None}
    assert list(result["parts"]) == list(PART_NAMES)
    explanation = result["explanation"]
    assert list(explanation) == [
        "score",
        "parts",
        "matched",
        "missing_required",
        "missing_nice",
        "sentence_pairs",
        "summary",
        "excluded_present",
        "not_in_taxonomy",
    ]
    assert list(explanation["matched"][0]) == [
        "skill",
        "requirement",
        "spans",
        "line",
        "in_taxonomy",
        "line_before",
        "line_match",
        "line_after",
    ]
    assert list(explanation["sentence_pairs"][0]) == [
        "resume_sentence",
        "resume_span",
        "job_sentence",
        "job_span",
        "similarity",
    ]


def test_a_result_past_those_explained_has_a_null_explanation(api_client, pair):
    job, _ = pair
    body = api_client.get(f"/api/v1/jobs/{job.pk}/candidates/", {"explain": "false"}).json()
    assert body["results"][0]["explanation"] is None


def test_a_ranking_against_free_text_answers_an_empty_job(api_client, pair):
    _, resume = pair
    response = api_client.post(
        "/api/v1/rank/",
        {
            "job": {"description": "Django services", "must_have": ["Django"]},
            "resume_ids": [resume.pk],
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["results"][0]["job"] == {}


def _resolve(schema: dict, components: dict) -> dict:
    """The component a property refers to, directly or (when nullable) through allOf."""
    if "allOf" in schema:
        (schema,) = schema["allOf"]
    ref = schema.get("$ref")
    return components[ref.rsplit("/", 1)[1]] if ref else schema


def _free_form_objects(name: str, components: dict) -> list[str]:
    """The paths below component ``name`` that are objects without declared properties."""
    found, seen = [], set()

    def walk(schema: dict, path: str) -> None:
        ref = (schema.get("allOf") or [schema])[0].get("$ref")
        if ref is not None:
            if ref in seen:
                return
            seen.add(ref)
        schema = _resolve(schema, components)
        if schema.get("type") == "object" and not schema.get("properties"):
            found.append(path)
        for key, prop in schema.get("properties", {}).items():
            walk(prop, f"{path}.{key}")
        if "items" in schema:
            walk(schema["items"], f"{path}[]")

    walk({"$ref": f"#/components/schemas/{name}"}, name)
    return found


def test_the_schema_types_every_field_of_the_ranking_and_explanation_answers(api_client):
    response = api_client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    components = response.json()["components"]["schemas"]
    for name in ("MatchPage", "MatchResult", "ClassifyResponse"):
        assert _free_form_objects(name, components) == [], name
    result = components["MatchResult"]["properties"]
    parts = _resolve(result["parts"], components)
    assert list(parts["properties"]) == list(PART_NAMES)
    assert all(p["type"] == "number" for p in parts["properties"].values())
    explanation = _resolve(result["explanation"], components)
    assert _resolve(explanation["properties"]["parts"], components) == parts
    matched = _resolve(explanation["properties"]["matched"]["items"], components)
    assert matched["properties"]["spans"]["items"] == {
        "type": "array",
        "items": {"type": "integer"},
        "maxItems": 2,
        "minItems": 2,
    }
    assert matched["properties"]["requirement"]["type"] == "string"
    # A free-text ranking has no job: its summary is {} and so has no required field.
    assert "required" not in _resolve(result["job"], components)
    assert set(components["ResumeSummary"]["required"]) == {"id", "name", "category"}


def test_score_parts_are_documented_in_the_order_of_the_scorer():
    assert tuple(ScorePartsSerializer().fields) == PART_NAMES


class _Point(PlainSerializer):
    x = serializers.IntegerField()
    label = serializers.CharField(allow_null=True)
    tags = StringListField()
    span = SpanField(allow_null=True)


def test_a_plain_serializer_reads_a_mapping_by_field_name_in_declared_order():
    data = {"span": (np.int64(3), 7), "tags": ("a", "b"), "label": None, "x": np.int32(2)}
    out = _Point(data).data
    assert list(out) == ["x", "label", "tags", "span"]
    assert out == {"x": 2, "label": None, "tags": ["a", "b"], "span": [3, 7]}
    assert type(out["x"]) is int and all(type(i) is int for i in out["span"])


def test_a_plain_serializer_refuses_a_mapping_that_lacks_a_field():
    with pytest.raises(KeyError):
        _Point({"x": 1}).data  # noqa: B018


def test_list_fields_document_their_items_and_write_them_as_plain_values():
    assert isinstance(StringListField().child, serializers.CharField)
    span = SpanField()
    assert isinstance(span.child, serializers.IntegerField)
    assert (span.min_length, span.max_length) == (2, 2)
    assert StringListField().to_representation(("a", "")) == ["a", ""]
    assert span.to_representation((np.int64(1), 4)) == [1, 4]
