"""Skill search for autocomplete: prefix, word prefix and fuzzy matches, best first."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def search(api_client, q: str, **params) -> list[dict]:
    response = api_client.get("/api/v1/skills/", {"q": q, **params})
    assert response.status_code == 200
    return response.json()["results"]


def test_a_prefix_finds_names_and_aliases_shortest_first(api_client, skills):
    assert [h["name"] for h in search(api_client, "java")][:2] == ["Java", "JavaScript"]
    hit = search(api_client, "postg")[0]
    assert (hit["name"], hit["how"]) == ("PostgreSQL", "prefix")
    hit = search(api_client, "golang")[0]
    assert {k: hit[k] for k in ("name", "kind", "matched", "how", "score")} == {
        "name": "Go",
        "kind": "technical",
        "matched": "Golang",
        "how": "exact",
        "score": 100.0,
    }
    assert isinstance(hit["id"], int) and hit["aliases"] == ["Golang"]


def test_a_word_inside_a_name_and_a_typo_are_found(api_client, skills):
    assert search(api_client, "learning")[0]["name"] == "Machine Learning"
    hit = search(api_client, "kubernets")[0]
    assert (hit["name"], hit["how"]) == ("Kubernetes", "fuzzy")


def test_an_unknown_term_answers_an_empty_list_not_an_error(api_client, skills):
    assert search(api_client, "zeekscript") == []


def test_the_query_and_limit_are_bounded(api_client, skills):
    assert len(search(api_client, "s", limit=2)) <= 2
    too_long = api_client.get("/api/v1/skills/", {"q": "x" * 121})
    assert too_long.status_code == 400 and "q" in too_long.json()["fields"]
    assert api_client.get("/api/v1/skills/", {"q": "py", "limit": 0}).status_code == 400


def test_without_q_the_taxonomy_is_listed_page_by_page(api_client, skills):
    body = api_client.get("/api/v1/skills/").json()
    assert body["count"] == len(skills) and "results" in body
    assert body["results"][0]["how"] is None


def test_a_search_answers_one_page_in_the_list_format(api_client, skills):
    body = api_client.get("/api/v1/skills/", {"q": "py"}).json()
    assert body["count"] == len(body["results"]) and body["next"] is None


def test_anonymous_clients_cannot_search(anon_api, skills):
    assert anon_api.get("/api/v1/skills/", {"q": "py"}).status_code in (401, 403)


def test_a_typo_in_any_word_of_a_longer_name_is_found(api_client, skills):
    hit = search(api_client, "machne learning")[0]
    assert (hit["name"], hit["how"]) == ("Machine Learning", "fuzzy")
    assert search(api_client, "lerning")[0]["name"] == "Machine Learning"
