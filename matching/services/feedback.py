"""Recruiters' decisions on matches: shortlist or reject, one per recruiter and (job, resume)."""

from __future__ import annotations

from django.db import transaction

from matching.models import MatchFeedback
from recruiting.models import Job, Resume


@transaction.atomic
def feedback_record(
    *, user, job: Job, resume: Resume, decision: str, note: str = ""
) -> MatchFeedback:
    """Record (or change) a decision, with the score and model version the recruiter saw."""
    from config.exceptions import ApplicationError
    from matching.services import matching

    if decision not in MatchFeedback.Decision.values:
        raise ApplicationError(
            f"decision must be one of {', '.join(MatchFeedback.Decision.values)}."
        )
    try:
        seen = matching.explain_pair(job=job, resume=resume).breakdown.total
    except ApplicationError:
        seen = None  # not processed yet: the decision still counts
    fb, _ = MatchFeedback.objects.select_for_update().get_or_create(
        job=job, resume=resume, user=user, defaults={"decision": decision}
    )
    fb.decision = decision
    fb.note = note[:2000]
    fb.score = seen
    fb.model_version = matching.model_version_label()
    fb.full_clean()
    fb.save()
    return fb
