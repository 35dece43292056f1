"""The job desk's candidates: the ranking with each candidate's application, the candidates in
one stage, the stage counts, and in plain words whether the pool holds a strong match."""

from __future__ import annotations

from matching.models import Application
from matching.services import blind as blind_services
from matching.services import pipeline
from matching.services.matching import MatchPage, candidates_for_job, resume_scope
from recruiting.models import Job
from recruiting.services.blind import resume_for_page

# How many candidates the desk ranks, and how many of them are explained up front (the others
# load when a recruiter opens them).
RANKED = 20
EXPLAIN_TOP = 5

# Below this score, or covering fewer than half the must-haves, the best candidate is no strong
# match: recruiters should widen the search rather than work down the list.
STRONG_SCORE = 50.0


def weak_pool_message(page: MatchPage) -> str | None:
    """ "No strong match: the best candidate covers 0 of 9 must-haves", or None for a pool with
    a strong match (or no candidate at all, which the page says otherwise)."""
    if not page.results:
        return None
    best = page.results[0]
    must = len(best.breakdown.matched_required) + len(best.breakdown.missing_required)
    covered = max(len(r.breakdown.matched_required) for r in page.results)
    if must and covered * 2 < must:
        return (
            f"No strong match: the best candidate covers {covered} of {must} "
            f"must-have{'s' if must != 1 else ''}."
        )
    if best.score < STRONG_SCORE:
        return f"No strong match: the best candidate scores {best.score:.0f} of 100."
    return None


def desk_stage_tabs(*, job: Job) -> dict:
    """The pipeline's tabs with their counts, and how many candidates are decided."""
    counts = pipeline.stage_counts(job=job)
    return {
        "stage_tabs": [
            (stage.value, stage.label, counts[stage.value]) for stage in Application.Stage
        ],
        "decided_count": sum(counts[s] for s in pipeline.DECIDED),
    }


def desk_stage_rows(*, job: Job, stage: str, viewer) -> list[dict]:
    """The candidates in one pipeline stage, as ``viewer`` (a request or a session) may see
    them, each with its application and the stage change Undo would take back."""
    applications = list(pipeline.applications_in_stage(job=job, stage=stage))
    undo = pipeline.undoable_changes(applications)
    return [
        {"resume": resume_for_page(a.resume, viewer), "application": a, "undo": undo.get(a.pk)}
        for a in applications
    ]


def desk_ranking(*, job: Job, user, viewer, show_decided: bool = False) -> dict:
    """The job's ranked candidates from ``user``'s pool, as ``viewer`` may see them, each with
    its application and Undo; rejected and hired candidates are left out unless
    ``show_decided``. Raises ``ApplicationError`` when the job cannot be ranked."""
    scope = resume_scope(
        viewer=user,
        team_id=job.team_id,
        exclude=()
        if show_decided
        else pipeline.decided_resume_ids(job=job).values_list("resume_id", flat=True),
    )
    page = candidates_for_job(job=job, scope=scope, k=RANKED, explain_top=EXPLAIN_TOP)
    applications = pipeline.applications_by_resume(
        job=job, resume_ids=[r.resume.pk for r in page.results]
    )
    undo = pipeline.undoable_changes(applications.values())
    page = blind_services.page_for_viewer(page, viewer)
    return {
        "page": page,
        "weak_pool": weak_pool_message(page),
        "rows": [
            {
                "result": r,
                "resume": r.resume,
                "application": applications.get(r.resume.pk),
                "undo": undo.get(getattr(applications.get(r.resume.pk), "pk", 0)),
            }
            for r in page.results
        ],
    }
