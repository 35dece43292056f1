"""The lexical channel: an exact rare term brings its document into the candidate pool even when
the dense ranking leaves it out, both for jobs-for-a-resume and for candidates-for-a-job."""

from __future__ import annotations

import numpy as np
import pytest

from matching.services import matching
from matching.services.store import lexical_get, store_get, store_sync
from mlcore.retrieval.fusion import reciprocal_rank_fusion
from recruiting.models import Resume
from recruiting.services.erasure import resumes_erase
from recruiting.services.jobs import job_create
from recruiting.services.resumes import resume_create_from_text

pytestmark = pytest.mark.django_db

FILLER = (
    "We partner with stakeholders across the business to deliver quarterly reporting, "
    "planning and process improvement for our customers and teams. "
)
RARE = "Zeekscript"  # a network-monitoring language no distractor mentions

RESUME = f"""Dana Analyst

Summary
{FILLER * 6}

Experience
Analyst, Initech, 2018 - Present
- Wrote {RARE} detection rules and Python tooling.

Skills
Python, {RARE}
"""


@pytest.fixture
def pile(recruiter, skills, django_capture_on_commit_callbacks, monkeypatch):
    # A pool of 5, so that it is decided by retrieval, not by the scorer.
    params = {**matching.match_params(), "candidates": 5}
    monkeypatch.setattr(matching, "match_params", lambda: params)
    with django_capture_on_commit_callbacks(execute=True):
        distractors = [
            job_create(
                owner=recruiter,
                title=f"Business Analyst {i}",
                description=f"<p>{FILLER * 3}</p><h3>Requirements</h3><ul><li>Java</li>"
                "<li>Spring Boot</li></ul>",
            )
            for i in range(12)
        ]
        rare = job_create(
            owner=recruiter,
            title="Detection Engineer",
            description=f"<p>Own our {RARE} sensors and alerting.</p><h3>Requirements</h3>"
            "<ul><li>Python</li></ul>",
        )
        resume = resume_create_from_text(owner=recruiter, text=RESUME)[0]
    return {"distractors": distractors, "rare": rare, "resume": Resume.objects.get(pk=resume.pk)}


@pytest.fixture
def pools(monkeypatch):
    """The candidate pools (document ids) the matching service hands to the scorer, in order."""
    seen = []
    original = matching._pool_rows

    def spy(kind, store, vector, text, mask):
        rows = original(kind, store, vector, text, mask)
        seen.append(store.ids_of(rows))
        return rows

    monkeypatch.setattr(matching, "_pool_rows", spy)
    return seen


EVERYONE = matching.ResumeScope(teams=None)


def test_a_rare_exact_term_brings_its_job_into_the_pool(pile, pools, settings):
    from recruiting.models import Job

    resume, rare = pile["resume"], pile["rare"]
    settings.MATCH_LEXICAL_CHANNEL = False
    matching.jobs_for_resume(resume=resume, jobs=Job.objects.all(), k=1)
    assert len(pools[-1]) == 5 and rare.pk not in pools[-1]  # the embedding alone loses it

    settings.MATCH_LEXICAL_CHANNEL = True
    matching.jobs_for_resume(resume=resume, jobs=Job.objects.all(), k=1)
    assert len(pools[-1]) == 5 and rare.pk in pools[-1]


def test_a_rare_exact_term_brings_its_candidate_into_the_pool(
    pile, pools, recruiter, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(12):
            resume_create_from_text(
                owner=recruiter,
                text=f"Person {i}\n\nSummary\nDetection engineer: I own sensors and alerting.\n\n"
                "Skills\nPython\n",
            )
    rare_job, resume = pile["rare"], pile["resume"]
    settings.MATCH_LEXICAL_CHANNEL = False
    matching.candidates_for_job(job=rare_job, scope=EVERYONE, k=1)
    assert len(pools[-1]) == 5 and resume.pk not in pools[-1]

    settings.MATCH_LEXICAL_CHANNEL = True
    page = matching.candidates_for_job(job=rare_job, scope=EVERYONE, k=1)
    assert len(pools[-1]) == 5 and resume.pk in pools[-1]
    assert page.results[0].resume.pk in pools[-1]


def test_the_pool_is_the_reciprocal_rank_fusion_of_both_rankings(pile):
    rare = pile["rare"]
    store = store_get("job")
    allowed = np.zeros(len(store), dtype=bool)
    allowed[store.positions([rare.pk, *(j.pk for j in pile["distractors"])])] = True
    vector = store.columns["vectors"][store.position(pile["distractors"][0].pk)]
    dense = store.search(vector, 5, allowed).tolist()
    lexical = matching._lexical_rows("job", RARE, 5, allowed)
    assert store.ids_of(lexical) == [rare.pk]
    fused = [row for row, _ in reciprocal_rank_fusion([dense, lexical])][:5]
    assert matching._pool_rows("job", store, vector, RARE, allowed).tolist() == fused


def test_the_lexical_side_forgets_an_erased_resume_and_never_returns_what_is_not_allowed(
    pile, recruiter, django_capture_on_commit_callbacks
):
    resume = pile["resume"]
    store = store_get("resume")
    everyone = np.ones(len(store), dtype=bool)
    assert store.ids_of(matching._lexical_rows("resume", RARE, 5, everyone)) == [resume.pk]
    jobs = store_get("job")
    distractors = np.zeros(len(jobs), dtype=bool)
    distractors[jobs.positions([j.pk for j in pile["distractors"]])] = True
    assert matching._lexical_rows("job", RARE, 5, distractors) == []
    with django_capture_on_commit_callbacks(execute=True):
        resumes_erase(resumes=[resume], actor=recruiter, via="api")
    # Forgotten at once: the store no longer holds the candidate, and the BM25 index was
    # rebuilt without the erased text.
    store = store_get("resume")
    assert matching._lexical_rows("resume", RARE, 5, np.ones(len(store), dtype=bool)) == []
    index, _ = lexical_get("resume")
    assert not index.scores(RARE).any()


def test_a_damaged_stored_vector_is_skipped_not_a_crash(pile, recruiter):
    from recruiting.models import Job, ResumeEmbedding

    resume = pile["resume"]
    ResumeEmbedding.objects.filter(resume=resume).update(vector=b"\x00" * 10)
    store_sync("resume", full=True)
    page = matching.candidates_for_job(job=pile["rare"], scope=EVERYONE, k=5)
    assert resume.pk not in [r.resume.pk for r in page.results]
    with pytest.raises(matching.ApplicationError, match="damaged"):
        matching.jobs_for_resume(resume=resume, jobs=Job.objects.all())
