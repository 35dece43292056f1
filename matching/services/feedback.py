"""Recruiters' decisions on matches through the old feedback endpoint: shortlist or reject, one
per recruiter and (job, resume). Each decision also moves the candidate's application in the
team's pipeline (matching.services.pipeline), where every decision is read as a training label
(``pipeline.labelled_pairs``)."""

from __future__ import annotations

from django.db import transaction

from config.exceptions import ApplicationError
from matching.models import Application, MatchFeedback
from matching.services import matching, pipeline
from recruiting.models import Job, Resume

# A shortlist never moves a candidate back from a later stage (already contacted, say).
_PAST_SHORTLIST = {
    Application.Stage.CONTACTED,
    Application.Stage.INTERVIEWING,
    Application.Stage.OFFER,
    Application.Stage.HIRED,
}


@transaction.atomic
def feedback_record(
    *, user, job: Job, resume: Resume, decision: str, note: str = ""
) -> MatchFeedback:
    """Record (or change) a decision, with the score and model version the recruiter saw, and
    move the application: shortlist -> shortlisted (unless it is further already), reject ->
    rejected as "not a fit"."""
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
    current = Application.objects.filter(job=job, resume=resume).values_list("stage", flat=True)
    if decision == MatchFeedback.Decision.REJECT:
        pipeline.application_move(
            job=job,
            resume=resume,
            actor=user,
            stage=Application.Stage.REJECTED,
            reason=Application.RejectionReason.NOT_A_FIT,
            note=note,
        )
    elif current.first() not in _PAST_SHORTLIST:
        pipeline.application_move(
            job=job, resume=resume, actor=user, stage=Application.Stage.SHORTLISTED, note=note
        )
    return fb
