"""The hiring pipeline: a candidate's application to a job moves through stages (sourced ->
shortlisted -> contacted -> interviewing -> offer -> hired, or rejected with a reason), with
notes and a timeline; every stage change is an event (an undo too, naming the change it takes
back), and the stages candidates reached are the ranking's training labels
(:func:`labelled_pairs`, the one place to read them)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import NamedTuple

from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet
from django.utils import timezone

from config.exceptions import ApplicationError
from matching.models import Application, ApplicationEvent
from recruiting.models import Job, Resume, user_team_id

Stage = Application.Stage
Reason = Application.RejectionReason

# The way forward: one click moves a candidate to the next stage.
FORWARD = [Stage.SOURCED, Stage.SHORTLISTED, Stage.CONTACTED, Stage.INTERVIEWING, Stage.OFFER]
NEXT_STAGE = dict(zip(FORWARD, [*FORWARD[1:], Stage.HIRED], strict=True))
# What the one-click button says for each move forward.
NEXT_MOVES = {
    stage: (NEXT_STAGE[stage].value, label)
    for stage, label in zip(
        FORWARD,
        ["Shortlist", "Mark contacted", "Invite to interview", "Make an offer", "Mark hired"],
        strict=True,
    )
}
# Stages whose candidates leave a job's default ranking: decided, nothing more to look at.
DECIDED = (Stage.REJECTED, Stage.HIRED)
# Training labels: a recruiter moved the candidate forward (1) or turned them down (0). A
# candidate who withdrew says nothing about the match, so that rejection is left out.
POSITIVE = (Stage.SHORTLISTED, Stage.CONTACTED, Stage.INTERVIEWING, Stage.OFFER, Stage.HIRED)
NOT_A_LABEL = (Reason.WITHDREW,)


class LabelledPair(NamedTuple):
    job_id: int
    resume_id: int
    label: int  # 1 moved forward, 0 rejected


def _check_access(*, job: Job, resume: Resume, actor) -> None:
    """The job and the candidate are in one team, the actor's (staff work in every team)."""
    if job.team_id != resume.team_id:
        raise ApplicationError(
            "This candidate is not in the pool of the job's team.", code="other_team"
        )
    if actor is not None and not actor.is_staff and user_team_id(actor) != job.team_id:
        raise ApplicationError("No such job.", code="not_found", status=404)


def _event(application: Application, *, actor, kind: str, **fields) -> ApplicationEvent:
    event = ApplicationEvent(application=application, actor=actor, kind=kind, **fields)
    event.full_clean()
    event.save()
    return event


@transaction.atomic
def application_get_or_create(*, job: Job, resume: Resume, actor) -> tuple[Application, bool]:
    """The candidate's application to the job, added as "sourced" if it is not there yet."""
    _check_access(job=job, resume=resume, actor=actor)
    existing = Application.objects.filter(job=job, resume=resume).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            application = Application.objects.create(
                job=job, resume=resume, created_by=actor, stage_changed_at=timezone.now()
            )
    except IntegrityError:  # a colleague added them in the same instant
        return Application.objects.get(job=job, resume=resume), False
    _event(application, actor=actor, kind=ApplicationEvent.Kind.CREATED)
    return application, True


@transaction.atomic
def application_move(
    *, job: Job, resume: Resume, actor, stage: str, reason: str = "", note: str = ""
) -> Application:
    """Move the candidate to ``stage`` (added to the pipeline first if needed). Rejecting needs
    a reason; moving to the stage it is in changes nothing. Recorded on the timeline with who,
    when, from, to, reason and an optional note."""
    if stage not in Stage.values:
        raise ApplicationError(
            f"stage must be one of {', '.join(Stage.values)}.",
            code="invalid_stage",
            extra={"fields": {"stage": ["Unknown stage."]}},
        )
    if stage == Stage.REJECTED and reason not in Reason.values:
        raise ApplicationError(
            "Say why the candidate is rejected.",
            code="reason_required",
            extra={"fields": {"reason": [f"One of {', '.join(Reason.values)}."]}},
        )
    reason = reason if stage == Stage.REJECTED else ""
    application, _ = application_get_or_create(job=job, resume=resume, actor=actor)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.stage == stage and application.rejection_reason == reason:
        if note.strip():
            application_note_add(job=job, resume=resume, actor=actor, text=note)
        return application
    return _change_stage(application, actor=actor, stage=stage, reason=reason, note=note)


def _change_stage(
    application: Application,
    *,
    actor,
    stage: str,
    reason: str,
    note: str = "",
    undoes: ApplicationEvent | None = None,
) -> Application:
    _event(
        application,
        actor=actor,
        kind=ApplicationEvent.Kind.STAGE,
        from_stage=application.stage,
        to_stage=stage,
        rejection_reason=reason,
        note=note.strip()[:4000],
        undoes=undoes,
    )
    application.stage = stage
    application.rejection_reason = reason
    application.stage_changed_at = timezone.now()
    application.full_clean()
    application.save()
    return application


def _stage_changes(applications) -> QuerySet[ApplicationEvent]:
    return ApplicationEvent.objects.filter(
        application__in=applications, kind=ApplicationEvent.Kind.STAGE
    ).order_by("-created_at", "-id")


def undoable_change(application: Application) -> ApplicationEvent | None:
    """The stage change "Undo" takes back: the application's last one, unless that was an
    undo (or there is none)."""
    last = _stage_changes([application.pk]).first()
    if last is None or last.undoes_id is not None or not last.from_stage:
        return None
    return last


def undoable_changes(applications: Iterable[Application]) -> dict[int, ApplicationEvent]:
    """:func:`undoable_change` for many applications at once, by application id."""
    last: dict[int, ApplicationEvent] = {}
    for event in _stage_changes([a.pk for a in applications]):
        last.setdefault(event.application_id, event)
    return {app_id: e for app_id, e in last.items() if e.undoes_id is None and e.from_stage}


@transaction.atomic
def application_undo(
    *, job: Job, resume: Resume, actor, event_id: int | None = None
) -> Application:
    """Take back the candidate's last stage change: back to the stage (and rejection reason)
    before it, recorded as a stage change of its own that names the one it undoes. An undo is
    not undone in turn. ``event_id`` is the change the recruiter saw: if the candidate was
    moved since, nothing is undone (their colleague's move is not taken back by mistake)."""
    _check_access(job=job, resume=resume, actor=actor)
    application = Application.objects.select_for_update().filter(job=job, resume=resume).first()
    last = undoable_change(application) if application is not None else None
    if last is None:
        raise ApplicationError(
            "There is no stage change to undo.", code="nothing_to_undo", status=409
        )
    if event_id is not None and event_id != last.pk:
        raise ApplicationError(
            f"The candidate was moved since (now {application.get_stage_display().lower()}); "
            "nothing was undone.",
            code="moved_since",
            status=409,
        )
    reason = ""
    if last.from_stage == Stage.REJECTED:
        # The reason they were rejected for: the one of the change that rejected them.
        before = _stage_changes([application.pk]).filter(
            to_stage=Stage.REJECTED, created_at__lte=last.created_at, id__lt=last.pk
        )
        reason = before.values_list("rejection_reason", flat=True).first() or Reason.OTHER
    return _change_stage(
        application, actor=actor, stage=last.from_stage, reason=reason, undoes=last
    )


@transaction.atomic
def application_note_add(*, job: Job, resume: Resume, actor, text: str) -> ApplicationEvent:
    """A note on the candidate's application (added to the pipeline first if needed)."""
    text = text.strip()
    if not text:
        raise ApplicationError(
            "The note is empty.", code="empty", extra={"fields": {"text": ["Write a note."]}}
        )
    if len(text) > 4000:
        raise ApplicationError(
            "A note holds at most 4,000 characters.",
            code="too_long",
            extra={"fields": {"text": ["At most 4,000 characters."]}},
        )
    application, _ = application_get_or_create(job=job, resume=resume, actor=actor)
    return _event(application, actor=actor, kind=ApplicationEvent.Kind.NOTE, note=text)


def stage_counts(*, job: Job) -> dict[str, int]:
    """How many of the job's candidates are in each stage (every stage present, 0 included)."""
    counts = dict(
        Application.objects.filter(job=job)
        .values_list("stage")
        .annotate(n=Count("id"))
        .values_list("stage", "n")
    )
    return {stage: counts.get(stage, 0) for stage in Stage.values}


def applications_by_resume(*, job: Job, resume_ids: Iterable[int]) -> dict[int, Application]:
    return {
        a.resume_id: a for a in Application.objects.filter(job=job, resume_id__in=list(resume_ids))
    }


def decided_resume_ids(*, job: Job) -> QuerySet:
    """The candidates the default ranking leaves out: rejected or hired for this job."""
    return Application.objects.filter(job=job, stage__in=DECIDED).values("resume_id")


def applications_in_stage(*, job: Job, stage: str) -> QuerySet[Application]:
    return (
        Application.objects.filter(job=job, stage=stage)
        .select_related("resume", "resume__category")
        .order_by("-stage_changed_at", "-id")
    )


def waiting_by_stage(*, user) -> list[tuple[str, str, int]]:
    """Candidates waiting in each open stage across the open jobs of the user's team:
    (stage, label, count) in pipeline order."""
    apps = Application.objects.filter(job__status=Job.Status.OPEN)
    if not user.is_staff:
        apps = apps.filter(job__team_id=user_team_id(user))
    counts = dict(apps.values_list("stage").annotate(n=Count("id")).values_list("stage", "n"))
    return [(stage.value, stage.label, counts.get(stage, 0)) for stage in FORWARD]


def labelled_pairs(
    *, since: datetime | None = None, team_id: int | None = None
) -> list[LabelledPair]:
    """Every (job, resume) a recruiter decided on, labelled 1 (shortlisted or further: the
    candidate fits) or 0 (rejected for any reason but withdrawal), from the applications'
    current stages. ``since`` keeps the decisions made at or after a time. Sorted by ids."""
    apps = Application.objects.exclude(stage=Stage.SOURCED).exclude(
        stage=Stage.REJECTED, rejection_reason__in=NOT_A_LABEL
    )
    if since is not None:
        apps = apps.filter(stage_changed_at__gte=since)
    if team_id is not None:
        apps = apps.filter(job__team_id=team_id)
    return [
        LabelledPair(job_id, resume_id, 0 if stage == Stage.REJECTED else 1)
        for job_id, resume_id, stage in apps.order_by("job_id", "resume_id").values_list(
            "job_id", "resume_id", "stage"
        )
    ]
