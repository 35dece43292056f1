"""Matching data: the model registry, the hiring pipeline (applications and their timeline),
recruiters' feedback on matches, drift reports and background runs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from recruiting.models import (
    Job,
    Resume,
    Run,
    RunQuerySet,
    Team,
    TeamScopedQuerySet,
    run_status_valid,
)


class ModelVersionQuerySet(models.QuerySet):
    def active(self) -> ModelVersionQuerySet:
        return self.filter(is_active=True)

    def current(self) -> ModelVersion | None:
        """The version that serves requests, if any (the database allows one at most)."""
        return self.active().first()


class ModelVersion(models.Model):
    class Status(models.TextChoices):
        CANDIDATE = "candidate", "Candidate (not yet gated)"
        ACTIVE = "active", "Active"
        RETIRED = "retired", "Retired (was active)"
        REJECTED = "rejected", "Rejected by the gate"
        BROKEN = "broken", "Artifact failed verification"

    version = models.CharField(max_length=100, unique=True)
    artifact_path = models.CharField(max_length=500)
    checksum = models.CharField(max_length=64, help_text="sha256 of the artifact manifest.")
    embedder_id = models.CharField(max_length=100, blank=True)
    params = models.JSONField(default=dict, blank=True)
    metrics = models.JSONField(default=dict, blank=True)
    manifest = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CANDIDATE)
    is_active = models.BooleanField(default=False)
    reason = models.TextField(blank=True, help_text="Why the gate accepted or refused it.")
    created_at = models.DateTimeField(auto_now_add=True)
    activated_at = models.DateTimeField(null=True, blank=True)

    objects = ModelVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="modelversion_one_active"
            ),
            models.CheckConstraint(
                condition=Q(is_active=False) | Q(status="active"), name="modelversion_active_status"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version}{' (active)' if self.is_active else ''}"


class MatchFeedback(models.Model):
    class Decision(models.TextChoices):
        SHORTLIST = "shortlist", "Shortlisted"
        REJECT = "reject", "Rejected"

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="feedback")
    resume = models.ForeignKey(Resume, on_delete=models.CASCADE, related_name="feedback")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    note = models.TextField(blank=True, max_length=2000)
    score = models.FloatField(null=True, blank=True, help_text="The match score the recruiter saw.")
    model_version = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["job", "resume", "user"], name="feedback_one_per_user_pair"
            ),
            models.CheckConstraint(
                condition=Q(decision__in=["shortlist", "reject"]), name="feedback_decision_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()}: resume {self.resume_id} for job {self.job_id}"


class Application(models.Model):
    """A candidate in a job's hiring pipeline: one per (job, resume), shared by the job's team.

    Every change is an ``ApplicationEvent`` (the timeline and the audit of stage changes); the
    stages a candidate reached are the ranking's training labels (``pipeline.labelled_pairs``).
    """

    class Stage(models.TextChoices):
        SOURCED = "sourced", "Sourced"
        SHORTLISTED = "shortlisted", "Shortlisted"
        CONTACTED = "contacted", "Contacted"
        INTERVIEWING = "interviewing", "Interviewing"
        OFFER = "offer", "Offer"
        HIRED = "hired", "Hired"
        REJECTED = "rejected", "Rejected"

    class RejectionReason(models.TextChoices):
        NOT_A_FIT = "not_a_fit", "Not a fit for this job"
        SKILLS = "skills", "Missing must-have skills"
        EXPERIENCE = "experience", "Not enough experience"
        WITHDREW = "withdrew", "Candidate withdrew"
        NO_RESPONSE = "no_response", "No response"
        OTHER = "other", "Other reason"

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="applications")
    resume = models.ForeignKey(Resume, on_delete=models.CASCADE, related_name="applications")
    stage = models.CharField(
        max_length=20, choices=Stage.choices, default=Stage.SOURCED, db_index=True
    )
    rejection_reason = models.CharField(max_length=20, choices=RejectionReason.choices, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    stage_changed_at = models.DateTimeField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-stage_changed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["job", "resume"], name="application_one_per_pair"),
            models.CheckConstraint(
                condition=Q(
                    stage__in=[
                        "sourced",
                        "shortlisted",
                        "contacted",
                        "interviewing",
                        "offer",
                        "hired",
                        "rejected",
                    ]
                ),
                name="application_stage_valid",
            ),
            # Rejected always with a reason; any other stage without one.
            models.CheckConstraint(
                condition=(Q(stage="rejected") & ~Q(rejection_reason=""))
                | (~Q(stage="rejected") & Q(rejection_reason="")),
                name="application_rejection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"resume {self.resume_id} for job {self.job_id}: {self.stage}"


class ApplicationEvent(models.Model):
    """One entry of an application's timeline: added, a stage change (from, to, reason) or a
    note. Stage changes are the audit trail; they are never edited or deleted: an undo is a
    stage change of its own that names the change it takes back (``undoes``)."""

    class Kind(models.TextChoices):
        CREATED = "created", "Added to the pipeline"
        STAGE = "stage", "Stage changed"
        NOTE = "note", "Note"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    from_stage = models.CharField(max_length=20, choices=Application.Stage.choices, blank=True)
    to_stage = models.CharField(max_length=20, choices=Application.Stage.choices, blank=True)
    rejection_reason = models.CharField(
        max_length=20, choices=Application.RejectionReason.choices, blank=True
    )
    note = models.TextField(blank=True, max_length=4000)
    # One undo per stage change; the undo itself cannot be undone (the move forward again is a
    # plain move).
    undoes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="undone_by"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["created", "stage", "note"]),
                name="applicationevent_kind_valid",
            ),
            models.CheckConstraint(
                condition=~Q(kind="stage") | ~Q(to_stage=""),
                name="applicationevent_stage_has_target",
            ),
            models.CheckConstraint(
                condition=Q(undoes__isnull=True) | Q(kind="stage"),
                name="applicationevent_undo_is_a_stage_change",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on application {self.application_id}"


class DriftReport(models.Model):
    class Kind(models.TextChoices):
        DATA = "data", "Data drift (Evidently)"
        CENTROID = "centroid", "Category centroid drift"
        SKILL = "skill", "Skill frequency drift"

    class Subject(models.TextChoices):
        JOBS = "jobs", "Job descriptions"
        RESUMES = "resumes", "Resumes"

    class Outcome(models.TextChoices):
        STABLE = "stable", "Stable"
        DRIFTED = "drifted", "Drifted"
        NOT_ENOUGH_DATA = "not_enough_data", "Not enough data yet"
        FAILED = "failed", "The check failed"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    subject = models.CharField(max_length=10, choices=Subject.choices, default=Subject.JOBS)
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    reference_size = models.PositiveIntegerField(default=0)
    window_size = models.PositiveIntegerField(default=0)
    score = models.FloatField(null=True, blank=True)
    threshold = models.FloatField(null=True, blank=True)
    drifted = models.BooleanField(default=False)
    # What the check found; "not enough data yet" is no verdict at all (a new installation).
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.FAILED)
    details = models.JSONField(default=dict, blank=True)
    report_file = models.CharField(max_length=500, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(window_end__gte=models.F("window_start")), name="drift_window_ordered"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["data", "centroid", "skill"]), name="drift_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(outcome="drifted", drifted=True)
                | (~Q(outcome="drifted") & Q(drifted=False)),
                name="drift_outcome_matches_drifted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.subject} ({self.get_outcome_display().lower()})"

    @property
    def has_verdict(self) -> bool:
        """A score and a threshold were computed (stable or drifted)."""
        return self.outcome in (self.Outcome.STABLE, self.Outcome.DRIFTED)


class RetrainRun(Run):
    """One run of the training pipeline and the gate, with progress, log tail and outcome."""

    trigger = models.CharField(
        max_length=20, default="manual", help_text="schedule, drift, manual, api"
    )
    stage = models.CharField(max_length=40, blank=True, help_text="The pipeline stage running now.")
    stages_done = models.PositiveIntegerField(default=0, help_text="Pipeline stages finished.")
    stages_total = models.PositiveIntegerField(default=0, help_text="Pipeline stages in all.")
    log_tail = models.TextField(blank=True)
    model_version = models.ForeignKey(
        ModelVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="retrain_runs"
    )

    class Meta(Run.Meta):
        constraints = [
            # Two retrains never overlap: the database allows one running run.
            models.UniqueConstraint(
                fields=["status"], condition=Q(status="running"), name="retrain_one_running"
            ),
            run_status_valid("retrain_status_valid"),
        ]

    def __str__(self) -> str:
        return f"retrain #{self.pk} ({self.status})"

    def lease_scope(self) -> dict:
        return {}


class PileRunQuerySet(RunQuerySet, TeamScopedQuerySet):
    pass


class PileRun(Run):
    """Ranking a pile of resumes against a job or a pasted description, in the background: the
    inputs, the progress (resumes read of all), and the ranked results (ids and scores only,
    names are looked up when shown, so blind review and erasure apply)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="pile_runs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    job = models.ForeignKey(
        Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="pile_runs"
    )
    title = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    must_have = models.JSONField(default=list, blank=True)
    nice_to_have = models.JSONField(default=list, blank=True)
    exclude = models.JSONField(default=list, blank=True)
    resume_ids = models.JSONField(default=list, blank=True)
    # Files refused at upload: [{"filename", "error"}] (they never became candidates).
    refused = models.JSONField(default=list, blank=True)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    stage = models.CharField(max_length=40, blank=True, help_text="What the run is doing now.")
    # [{"resume_id", "score", "parts", "matched_required", "missing_required", ...}], best first.
    results = models.JSONField(default=list, blank=True)
    # Candidates that could not be ranked: [{"resume_id", "reason"}].
    skipped = models.JSONField(default=list, blank=True)
    model_version = models.CharField(max_length=100, blank=True)

    objects = PileRunQuerySet.as_manager()

    class Meta(Run.Meta):
        constraints = [
            run_status_valid("pilerun_status_valid"),
            models.CheckConstraint(
                condition=Q(processed__lte=models.F("total")), name="pilerun_progress_bounded"
            ),
        ]

    def __str__(self) -> str:
        return f"pile run #{self.pk} ({self.status})"

    def lease_scope(self) -> dict:
        return {"pk": self.pk}  # rankings run side by side; a lease only guards this one

    @property
    def label(self) -> str:
        """What the pile was ranked against, in a few words."""
        if self.job_id:
            return self.job.title
        return self.title or (
            self.description[:60] + "…" if len(self.description) > 60 else self.description
        )
