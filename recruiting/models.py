"""Recruiting data: teams, categories, the skills taxonomy, resumes, jobs, job sources and
ingestion runs.

Writes go through `recruiting.services`; models hold fields, constraints and read helpers only.
"""

from __future__ import annotations

import uuid
from typing import NamedTuple

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse

from mlcore.terms import term_key


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Indexed: the document stores ask for the latest change at most once a second per process.
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        abstract = True


class TeamQuerySet(models.QuerySet):
    def default(self) -> Team:
        """The team of every user who belongs to no team (created on first use if missing)."""
        team = self.filter(is_default=True).first()
        if team is not None:
            return team
        try:
            with transaction.atomic():
                return self.create(name=DEFAULT_TEAM_NAME, is_default=True)
        except IntegrityError:  # created meanwhile by another request
            return self.get(is_default=True)


DEFAULT_TEAM_NAME = "Default team"


class Team(TimeStampedModel):
    """Recruiters who share one pool: every member sees and works the team's candidates, jobs
    and job sources; other teams see none of it."""

    name = models.CharField(max_length=100, unique=True)
    is_default = models.BooleanField(
        default=False, help_text="Users who belong to no team work in the default team."
    )

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="team_one_default"
            )
        ]

    def __str__(self) -> str:
        return self.name


class TeamMembership(TimeStampedModel):
    """A recruiter's team: one per user (a user without one works in the default team)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_membership"
    )
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")

    class Meta:
        ordering = ["team", "user"]

    def __str__(self) -> str:
        return f"{self.user} in {self.team}"


def user_team_id(user) -> int | None:
    """The id of the team ``user`` works in (their membership, else the default team); None for
    an anonymous user. Remembered on the user object for the rest of the request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    cached = getattr(user, "_team_id", None)
    if cached is None:
        cached = (
            TeamMembership.objects.filter(user_id=user.pk).values_list("team_id", flat=True).first()
        ) or Team.objects.default().pk
        user._team_id = cached
    return cached


def default_team_id() -> int:
    """Rows created without a team (the admin, scripts, a one-team installation) go to the
    default team."""
    return Team.objects.default().pk


class TeamScopedQuerySet(models.QuerySet):
    """Rows that belong to a team: staff see every team's, a recruiter their team's."""

    def of_team(self, team) -> models.QuerySet:
        return self.filter(team=team)

    def visible_to(self, user) -> models.QuerySet:
        if getattr(user, "is_staff", False):
            return self.all()
        return self.filter(team_id=user_team_id(user))


class PrivateStorage(FileSystemStorage):
    """Files with no URL at all: views stream them to the users allowed to see them."""

    def url(self, name: str) -> str:
        raise ValueError("private files have no URL; stream them through a view")


def private_storage() -> FileSystemStorage:
    """Resume files live outside every public URL; views stream them to allowed users."""
    return PrivateStorage(location=settings.PRIVATE_MEDIA_ROOT)


def resume_upload_path(instance: Resume, filename: str) -> str:
    # The stored name never contains the user's file name: it can hold PII or path tricks.
    return f"resumes/{instance.sha256[:2]}/{instance.sha256}/{uuid.uuid4().hex}"


class Category(models.Model):
    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class SkillQuerySet(models.QuerySet):
    def named(self, names) -> SkillQuerySet:
        lowered = [n.lower() for n in names]
        return self.annotate(name_lower=Lower("name")).filter(name_lower__in=lowered)


class Skill(models.Model):
    class Kind(models.TextChoices):
        TECHNICAL = "technical", "Technical"
        TOOL = "tool", "Tool"
        SOFT = "soft", "Soft / transversal"
        LANGUAGE = "language", "Language"
        CERTIFICATION = "certification", "Certification"
        DOMAIN = "domain", "Domain knowledge"

    class Source(models.TextChoices):
        ONET = "onet", "O*NET"
        ESCO = "esco", "ESCO"
        PROJECT = "project", "Project"
        USER = "user", "Added by a user"

    name = models.CharField(max_length=120)
    aliases = models.JSONField(default=list, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.TECHNICAL)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.PROJECT)
    # One-letter or common-word names (R, Go, Swift) count only in a skills list or section.
    requires_context = models.BooleanField(default=False)

    objects = SkillQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="skill_name_unique_ci"),
            models.CheckConstraint(
                condition=Q(
                    kind__in=["technical", "tool", "soft", "language", "certification", "domain"]
                ),
                name="skill_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class EmbeddingFields(models.Model):
    """A document's vector stored as float32 bytes, so an index rebuild never re-encodes."""

    model_id = models.CharField(max_length=100)
    dim = models.PositiveIntegerField()
    content_hash = models.CharField(max_length=64)
    vector = models.BinaryField()
    chunks = models.BinaryField(blank=True, default=b"")
    chunk_spans = models.JSONField(default=list, blank=True)
    keywords = models.BinaryField(
        blank=True, default=b"", help_text="Weighted words of the text (the keyword score part)."
    )
    keywords_model = models.CharField(
        max_length=64, blank=True, help_text="Fingerprint of the keyword model that made them."
    )
    # The sentences an explanation may quote, encoded once here so that no request runs the
    # model on the text (mlcore.embeddings.codec: int8, 196 bytes a sentence).
    sentences = models.BinaryField(blank=True, default=b"")
    sentence_spans = models.JSONField(default=list, blank=True)
    sentences_codec = models.CharField(
        max_length=64, blank=True, help_text="Fingerprint of the sentence codec that made them."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def as_array(self) -> np.ndarray:
        return np.frombuffer(bytes(self.vector), dtype=np.float32).reshape(self.dim)

    def chunk_array(self) -> np.ndarray:
        data = bytes(self.chunks)
        return np.frombuffer(data, dtype=np.float32).reshape(-1, self.dim)


class ResumeQuerySet(TeamScopedQuerySet):
    def ready(self) -> ResumeQuerySet:
        return self.filter(status=Resume.Status.READY)

    def in_category(self, category) -> ResumeQuerySet:
        return self.filter(category=category)


class Resume(TimeStampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be processed"
        PROCESSING = "processing", "Processing"
        READY = "ready", "Ready"
        NEEDS_OCR = "needs_ocr", "Needs OCR (no text layer)"
        FAILED = "failed", "Failed"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="resumes"
    )
    # The team whose pool the candidate is in: every member sees and ranks them.
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="resumes", default=default_team_id
    )
    # The sha256 of the uploaded bytes (or of pasted text): the same file twice is one resume.
    sha256 = models.CharField(max_length=64)
    original_file = models.FileField(
        storage=private_storage, upload_to=resume_upload_path, blank=True, max_length=300
    )
    original_filename = models.CharField(max_length=255, blank=True)
    file_kind = models.CharField(max_length=10, blank=True)
    file_size = models.PositiveBigIntegerField(default=0)

    # PII lives in these fields only, so erasure and blind review know where it is.
    candidate_name = models.CharField(max_length=200, blank=True)
    email = models.CharField(max_length=254, blank=True)
    phone = models.CharField(max_length=64, blank=True)
    links = models.JSONField(default=list, blank=True)

    text = models.TextField(blank=True)
    # The text with the name, contacts and links replaced by "[hidden]": what a search under
    # blind review reads, so it cannot tell who is behind a handle or an address.
    blind_text = models.TextField(blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    sections = models.JSONField(default=list, blank=True)
    years_experience = models.FloatField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    # Each processing step records how it went: {"parse": "ok", "skills": "ok", ...}.
    steps = models.JSONField(default=dict, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)

    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="resumes"
    )
    category_confidence = models.FloatField(null=True, blank=True)
    skills = models.ManyToManyField(Skill, through="ResumeSkill", related_name="resumes")
    # Set when the retention command removed the personal data; the row is then never matched.
    anonymised_at = models.DateTimeField(null=True, blank=True, db_index=True)

    objects = ResumeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # A file uploaded again by its owner is the same resume (the race of a double
            # submit); a teammate's copy is found by the upload service (team, sha256).
            models.UniqueConstraint(
                fields=["team", "owner", "sha256"], name="resume_unique_file_per_owner_team"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "processing", "ready", "needs_ocr", "failed"]),
                name="resume_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(category_confidence__isnull=True)
                | Q(category_confidence__gte=0, category_confidence__lte=1),
                name="resume_category_confidence_range",
            ),
        ]
        indexes = [
            # A team's list, newest first, read from the index: without it every page sorts
            # all of the team's rows (half a second at 100k resumes, more for later pages).
            models.Index(fields=["team", "-created_at", "-id"], name="resume_team_newest"),
            # The dashboard's "failed lately" count, without reading every row of the team.
            models.Index(fields=["team", "status", "updated_at"], name="resume_team_status"),
        ]

    def __str__(self) -> str:
        # Never the candidate's name: str() ends up in the admin log and other records that
        # outlive an erasure. Pages show display_name (or the blind view's).
        return f"Resume #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("recruiting:resume_detail", args=[self.pk])

    @property
    def display_name(self) -> str:
        return self.candidate_name or f"Candidate #{self.pk}"


class ResumeSkill(models.Model):
    resume = models.ForeignKey(Resume, on_delete=models.CASCADE, related_name="resume_skills")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="resume_skills")
    # [[start, end], ...]: character offsets into Resume.text that prove the skill.
    spans = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["resume", "skill"], name="resume_skill_unique")
        ]

    def __str__(self) -> str:
        return f"{self.resume_id}: {self.skill}"


class ResumeEmbedding(EmbeddingFields):
    resume = models.ForeignKey(Resume, on_delete=models.CASCADE, related_name="embeddings")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["resume", "model_id"], name="resume_embedding_unique_model"
            )
        ]

    def __str__(self) -> str:
        return f"resume {self.resume_id} @ {self.model_id}"


class JobSource(TimeStampedModel):
    class Kind(models.TextChoices):
        GREENHOUSE = "greenhouse", "Greenhouse job board"
        LEVER = "lever", "Lever postings"
        RSS = "rss", "RSS / Atom feed"
        JSON = "json", "JSON feed (field map)"
        FILEDROP = "filedrop", "File drop folder (CSV/JSON)"

    class RunState(models.TextChoices):
        NEVER = "never", "Never run"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped"

    name = models.CharField(max_length=100, unique=True)
    # Its postings belong to this team.
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="sources", default=default_team_id
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    url = models.CharField(
        max_length=500, blank=True, help_text="Feed URL, API base URL or drop folder."
    )
    board_token = models.CharField(
        max_length=100, blank=True, help_text="Greenhouse board token or Lever site."
    )
    field_map = models.JSONField(
        default=dict, blank=True, help_text="JSON feeds: dotted paths per field."
    )
    schedule = models.CharField(
        max_length=100,
        default="0 */6 * * *",
        help_text="Crontab: minute hour day-of-month month day-of-week.",
    )
    enabled = models.BooleanField(default=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_run_state = models.CharField(
        max_length=20, choices=RunState.choices, default=RunState.NEVER
    )
    etag = models.CharField(max_length=300, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    periodic_task = models.OneToOneField(
        "django_celery_beat.PeriodicTask",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = TeamScopedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["greenhouse", "lever", "rss", "json", "filedrop"]),
                name="jobsource_kind_valid",
            )
        ]

    def __str__(self) -> str:
        return self.name


class JobQuerySet(TeamScopedQuerySet):
    def open(self) -> JobQuerySet:
        return self.filter(status=Job.Status.OPEN)

    def in_category(self, category) -> JobQuerySet:
        return self.filter(category=category)

    def remote(self) -> JobQuerySet:
        return self.filter(remote=True)


class Job(TimeStampedModel):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    source = models.ForeignKey(
        JobSource, null=True, blank=True, on_delete=models.PROTECT, related_name="jobs"
    )
    external_id = models.CharField(max_length=200, default="", blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="jobs",
    )
    # The team that works the job: its creator's, or the team that owns the job's source.
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="jobs", default=default_team_id
    )
    title = models.CharField(max_length=300)
    company = models.CharField(max_length=200, blank=True)
    location = models.CharField(max_length=200, blank=True)
    remote = models.BooleanField(default=False)
    description_text = models.TextField(blank=True)
    description_html = models.TextField(blank=True, help_text="Sanitised HTML, safe to display.")
    url = models.URLField(max_length=500, blank=True)
    posted_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    content_hash = models.CharField(max_length=64, blank=True)
    years_required = models.FloatField(null=True, blank=True)
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs"
    )
    category_confidence = models.FloatField(null=True, blank=True)
    # A recruiter chose the category: the classifier never changes it again.
    category_manual = models.BooleanField(default=False)
    skills = models.ManyToManyField(Skill, through="JobSkill", related_name="jobs")

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-posted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=Q(source__isnull=False),
                name="job_unique_source_external_id",
            ),
            # Jobs recruiters create carry a random external id, or "key:<Idempotency-Key>" when
            # the client sent one: the same key twice is one job.
            models.UniqueConstraint(
                fields=["owner", "external_id"],
                condition=Q(source__isnull=True, owner__isnull=False),
                name="job_unique_owner_external_id",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "closed"]), name="job_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True)
                | Q(status="closed", closed_at__isnull=False),
                name="job_closed_at_matches_status",
            ),
            models.CheckConstraint(
                condition=Q(category_confidence__isnull=True)
                | Q(category_confidence__gte=0, category_confidence__lte=1),
                name="job_category_confidence_range",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "category"]),
            models.Index(fields=["posted_at"]),
            # The jobs a resume is matched against (a team's open jobs) as ids, from the
            # index alone: 7.5 against 2.5 ms for 2,000 jobs on SQLite.
            models.Index(fields=["team", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.title} — {self.company}" if self.company else self.title

    def get_absolute_url(self) -> str:
        return reverse("recruiting:job_detail", args=[self.pk])


class MatchingTerm(NamedTuple):
    """One requirement of a job as scoring reads it (``JobSkill.objects.matching_terms()``)."""

    job_id: int
    name: str  # as JobSkill.name gives it
    skill_id: int | None  # None for a free-text term
    requirement: str
    origin: str


class JobSkillQuerySet(models.QuerySet):
    def for_matching(self):
        return self.select_related("skill").order_by("requirement", "id")

    def matching_terms(self) -> list[MatchingTerm]:
        """The requirements in the order of :meth:`for_matching`, as plain tuples: scoring
        reads these five values only, and
        building model instances (with the spans' and the skill's aliases' JSON decoded) was
        a quarter of a jobs-for-a-resume call (bench_match.py profile).

        The skills' names come from a second query by primary key: joined, PostgreSQL hashed
        the whole taxonomy (12,889 skills) for the ~250 requirements of 15 jobs, 4.3 ms of a
        call against 0.4 ms for the requirements alone."""
        rows = list(
            self.order_by("requirement", "id").values_list(
                "job_id", "skill_id", "term", "requirement", "origin"
            )
        )
        ids = {row[1] for row in rows if row[1] is not None}
        names = dict(Skill.objects.filter(id__in=ids).values_list("id", "name")) if ids else {}
        return [
            MatchingTerm(job_id, names.get(skill_id, term), skill_id, requirement, origin)
            for job_id, skill_id, term, requirement, origin in rows
        ]


class JobSkill(models.Model):
    """One requirement of a job: a taxonomy skill, or a free-text term the taxonomy does not know
    ("month-end close"), matched lexically in resumes and shown as "not in taxonomy"."""

    class Requirement(models.TextChoices):
        REQUIRED = "required", "Must have"
        NICE = "nice", "Nice to have"
        EXCLUDED = "excluded", "Excluded"

    class Origin(models.TextChoices):
        EXTRACTED = "extracted", "Found in the description"
        RECRUITER = "recruiter", "Set by a recruiter"

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="job_skills")
    skill = models.ForeignKey(
        Skill, on_delete=models.SET_NULL, null=True, blank=True, related_name="job_skills"
    )
    term = models.CharField(
        max_length=120, help_text="The skill's name, or the recruiter's words for a free-text term."
    )
    key = models.CharField(
        max_length=120, help_text="Case-, spacing- and plural-folded term: one per job."
    )
    requirement = models.CharField(
        max_length=10, choices=Requirement.choices, default=Requirement.REQUIRED
    )
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.EXTRACTED)
    spans = models.JSONField(default=list, blank=True)

    objects = JobSkillQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "key"], name="job_requirement_key_unique"),
            models.CheckConstraint(
                condition=Q(requirement__in=["required", "nice", "excluded"]),
                name="jobskill_requirement_valid",
            ),
            models.CheckConstraint(condition=~Q(key=""), name="jobskill_key_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.job_id}: {self.name} ({self.requirement})"

    def clean(self) -> None:
        # An admin may pick a skill or type a term: the key follows whichever names it.
        if self.skill_id and not self.term:
            self.term = self.skill.name
        self.key = term_key(self.term)[:120]
        if not self.key:
            raise ValidationError({"term": "A requirement needs a letter or digit."})

    @property
    def name(self) -> str:
        """The taxonomy's current name for a skill, else the free-text term."""
        return self.skill.name if self.skill_id else self.term

    @property
    def in_taxonomy(self) -> bool:
        return self.skill_id is not None


class JobEmbedding(EmbeddingFields):
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="embeddings")
    # One float16 vector per requirement name (the score's "related" part), in this order.
    requirement_names = models.JSONField(default=list, blank=True)
    requirement_vectors = models.BinaryField(blank=True, default=b"")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "model_id"], name="job_embedding_unique_model")
        ]

    def __str__(self) -> str:
        return f"job {self.job_id} @ {self.model_id}"


def _lapsed(now) -> Q:
    """Running runs whose worker is gone: the lease has passed (rows from before leases have
    none)."""
    return Q(status=Run.Status.RUNNING) & (
        Q(lease_expires_at__lt=now) | Q(lease_expires_at__isnull=True)
    )


class RunQuerySet(models.QuerySet):
    def lapsed(self, now) -> RunQuerySet:
        return self.filter(_lapsed(now))

    def claimable(self, now) -> RunQuerySet:
        """Runs a worker may claim: queued, or lapsed (taken over)."""
        return self.filter(Q(status=Run.Status.QUEUED) | _lapsed(now))

    def lost(self, now, *, queued_before) -> RunQuerySet:
        """Runs whose task was lost: queued and never started since before ``queued_before``,
        queued for a retry that is overdue (its lease has passed), or lapsed."""
        queued = Q(status=Run.Status.QUEUED)
        return self.filter(
            (queued & Q(started_at__isnull=True, created_at__lt=queued_before))
            | (queued & Q(lease_expires_at__lt=now))
            | _lapsed(now)
        )


class Run(models.Model):
    """A long job recorded as a row, for ingestion and retraining alike: queued -> running ->
    succeeded | failed, or skipped when another run held its place. A worker claims a run with
    a conditional update and holds it with a lease that it renews while it works; once the lease
    has passed, the worker is gone (killed, or stopped at the time limit) and the run is taken
    over. ``recruiting.services.runs`` holds that lifecycle for every kind of run."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped (another run was in progress)"

    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    message = models.TextField(blank=True)
    # Running: the worker renews it; past it, the run is taken over. Queued for a retry: past
    # it, the retry message was lost and the run is sent again.
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(
        default=0, help_text="How many times a worker claimed the run."
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = RunQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    def lease_scope(self) -> dict:
        """The runs that may not run beside this one, as filter arguments."""
        raise NotImplementedError

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.SUCCEEDED, self.Status.FAILED, self.Status.SKIPPED}


def run_status_valid(name: str) -> models.CheckConstraint:
    """The check every table of runs carries: the status is one of ``Run.Status``."""
    return models.CheckConstraint(condition=Q(status__in=Run.Status.values), name=name)


class IngestionRun(Run):
    source = models.ForeignKey(JobSource, on_delete=models.CASCADE, related_name="runs")
    trigger = models.CharField(
        max_length=20, default="schedule", help_text="schedule, manual, command, api"
    )
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)

    class Meta(Run.Meta):
        constraints = [
            # The database, not a Python check, guarantees one running run per source.
            models.UniqueConstraint(
                fields=["source"],
                condition=Q(status="running"),
                name="ingestionrun_one_running_per_source",
            ),
            run_status_valid("ingestionrun_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.source} run #{self.pk} ({self.status})"

    def lease_scope(self) -> dict:
        return {"source_id": self.source_id}


class UserPreference(models.Model):
    """A recruiter's own settings, whatever the interface: pages and token API calls alike."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    # Names, contacts and links hidden until a reveal (the site may require it for everyone).
    blind_review = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"preferences of user #{self.user_id}"


class AuditEvent(models.Model):
    """Who did what to which record: never any personal data, only ids, the action and (for
    requirement edits) the job's lists before and after."""

    class Action(models.TextChoices):
        ERASED = "resume.erased", "Candidate erased"
        ANONYMISED = "resume.anonymised", "Candidate anonymised (retention)"
        FILE_DOWNLOADED = "resume.file_downloaded", "Original file downloaded"
        REVEALED = "resume.revealed", "Candidate revealed (blind review)"
        REQUIREMENTS_CHANGED = "job.requirements_changed", "Job requirements changed"
        CATEGORY_CHANGED = "job.category_changed", "Job category changed"

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=40, choices=Action.choices)
    object_type = models.CharField(max_length=40)
    object_id = models.BigIntegerField()
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type} #{self.object_id}"
