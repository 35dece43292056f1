"""REST endpoints of the matching app: matches, candidates, ranking, explanations, the hiring
pipeline (applications, stage changes, notes), feedback, models."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from django_filters.utils import translate_validation
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from config.exceptions import ApplicationError
from config.filters import UTCIsoDateTimeFilter
from matching.models import Application, ApplicationEvent, MatchFeedback, ModelVersion
from matching.serializers import (
    ClassifyResponseSerializer,
    MatchPageSerializer,
    MatchResultSerializer,
)
from matching.services import blind as blind_services
from matching.services import feedback as feedback_services
from matching.services import matching as match_services
from matching.services import pipeline
from matching.services.classify import CLASSIFY_MAX_TOTAL_CHARS, classify_texts
from matching.services.registry import model_version_activate
from recruiting.filters import JobFilter
from recruiting.models import Job, Resume

MAX_ID = 2**63 - 1  # the largest id the database can hold


# The parameters the jobs a resume is matched against share with GET /api/v1/jobs/.
JOB_FILTERS = (
    "category",
    "remote",
    "source",
    "skill",
    "location",
    "posted_after",
    "posted_before",
)


class MatchQuerySerializer(serializers.Serializer):
    k = serializers.IntegerField(min_value=1, max_value=match_services.MAX_K, default=10)
    category = serializers.SlugField(required=False)
    open_only = serializers.BooleanField(required=False, default=True)
    remote = serializers.BooleanField(required=False, allow_null=True, default=None)
    source = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    skill = serializers.CharField(required=False, max_length=120)
    location = serializers.CharField(required=False, max_length=200)
    posted_after = serializers.DateTimeField(required=False)
    posted_before = serializers.DateTimeField(required=False)
    explain = serializers.BooleanField(required=False, default=True)


# One serializer for every page: its fields are deep-copied when a serializer first reads
# them, which cost each request about as much as writing the page. Writing holds no state.
_PAGE_SERIALIZER = MatchPageSerializer()


def page_data(page: match_services.MatchPage, request: Request) -> dict:
    # Blind review hides names and masks quoted resume lines here as on the pages.
    return _PAGE_SERIALIZER.to_representation(blind_services.page_for_viewer(page, request))


class MatchThrottleMixin:
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "match"


def filtered_jobs(params: dict, user):
    """The user's jobs that the match parameters let through, read by the one job filter."""
    values = {name: params.get(name) for name in JOB_FILTERS}
    values["status"] = Job.Status.OPEN if params["open_only"] else None
    job_filter = JobFilter(values, queryset=Job.objects.visible_to(user))
    if not job_filter.is_valid():
        raise translate_validation(job_filter.errors)
    return job_filter.qs


class ResumeMatchesView(MatchThrottleMixin, APIView):
    @extend_schema(
        parameters=[MatchQuerySerializer],
        responses={200: MatchPageSerializer},
        summary="Jobs for a resume",
        description="Ranked jobs with score parts and explanations.",
    )
    def get(self, request: Request, pk: int) -> Response:
        resume = get_object_or_404(Resume.objects.visible_to(request.user), pk=pk)
        params = MatchQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        p = params.validated_data
        page = match_services.jobs_for_resume(
            resume=resume,
            jobs=filtered_jobs(p, request.user),
            k=p["k"],
            explain_top=p["k"] if p["explain"] else 0,
        )
        return Response(page_data(page, request))


class CandidateQuerySerializer(serializers.Serializer):
    k = serializers.IntegerField(min_value=1, max_value=match_services.MAX_K, default=10)
    category = serializers.SlugField(required=False)
    skill = serializers.CharField(required=False, max_length=120)
    must_have = serializers.CharField(
        required=False, allow_blank=True, help_text="Comma-separated skills."
    )
    nice_to_have = serializers.CharField(
        required=False, allow_blank=True, help_text="Comma-separated skills."
    )
    exclude = serializers.CharField(
        required=False, allow_blank=True, help_text="Comma-separated skills."
    )
    explain = serializers.BooleanField(required=False, default=True)


def _split(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [v.strip() for v in value.split(",") if v.strip()]


class JobCandidatesView(MatchThrottleMixin, APIView):
    @extend_schema(
        parameters=[CandidateQuerySerializer],
        responses={200: MatchPageSerializer},
        summary="Candidates for a job",
    )
    def get(self, request: Request, pk: int) -> Response:
        job = get_object_or_404(Job.objects.visible_to(request.user), pk=pk)
        params = CandidateQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        p = params.validated_data
        scope = match_services.resume_scope(
            viewer=request.user, category_slug=p.get("category"), skill_name=p.get("skill")
        )
        page = match_services.candidates_for_job(
            job=job,
            scope=scope,
            k=p["k"],
            required=_split(p.get("must_have")),
            nice=_split(p.get("nice_to_have")),
            excluded=_split(p.get("exclude")),
            explain_top=p["k"] if p["explain"] else 0,
        )
        return Response(page_data(page, request))


class RankJobSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    description = serializers.CharField(
        max_length=200_000, required=False, allow_blank=True, default=""
    )
    must_have = serializers.ListField(
        child=serializers.CharField(max_length=120), default=list, max_length=50
    )
    nice_to_have = serializers.ListField(
        child=serializers.CharField(max_length=120), default=list, max_length=50
    )
    exclude = serializers.ListField(
        child=serializers.CharField(max_length=120), default=list, max_length=50
    )


class RankRequestSerializer(serializers.Serializer):
    job_id = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    job = RankJobSerializer(required=False)
    resume_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), min_length=1, max_length=500
    )

    def validate(self, attrs):
        if ("job_id" in attrs) == ("job" in attrs):
            raise serializers.ValidationError("Give exactly one of `job_id` or `job`.")
        return attrs


class RankView(MatchThrottleMixin, APIView):
    @extend_schema(
        request=RankRequestSerializer,
        responses={200: MatchPageSerializer},
        summary="Rank given resumes against a job or free-text requirements",
    )
    def post(self, request: Request) -> Response:
        data = RankRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        ids = list(dict.fromkeys(v["resume_ids"]))
        resumes = (
            Resume.objects.visible_to(request.user).filter(pk__in=ids).select_related("category")
        )
        found = set(resumes.values_list("id", flat=True))
        missing = [i for i in ids if i not in found]
        if missing:
            raise ApplicationError(
                f"Unknown resume id(s): {missing[:20]}.", code="unknown_resume", status=404
            )
        if "job_id" in v:
            job = get_object_or_404(Job.objects.visible_to(request.user), pk=v["job_id"])
            requirements = match_services.job_requirements(job)
        else:
            job = None
            j = v["job"]
            requirements = match_services.free_text_requirements(
                title=j["title"],
                description=j["description"],
                must_have=j["must_have"],
                nice_to_have=j["nice_to_have"],
                exclude=j["exclude"],
            )
        page = match_services.rank_resumes(
            requirements=requirements, resumes=resumes, job=job, explain_top=20
        )
        return Response(page_data(page, request))


class ClassifySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["resume", "job"])
    texts = serializers.ListField(
        child=serializers.CharField(max_length=CLASSIFY_MAX_TOTAL_CHARS),
        min_length=1,
        max_length=100,
        help_text=f"1 to 100 texts of at most {CLASSIFY_MAX_TOTAL_CHARS:,} characters together "
        "(CLASSIFY_MAX_TOTAL_CHARS); more is refused with a 400 (code `too_large`): send them in "
        "several requests.",
    )


class ClassifyView(MatchThrottleMixin, APIView):
    @extend_schema(
        request=ClassifySerializer,
        responses={200: ClassifyResponseSerializer},
        summary="Category and confidence per text",
        description=f"Up to 100 texts, at most {CLASSIFY_MAX_TOTAL_CHARS:,} characters in all "
        "(the model's work grows with them): a larger request is a 400 naming the limit.",
    )
    def post(self, request: Request) -> Response:
        data = ClassifySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        results = classify_texts(
            kind=data.validated_data["kind"], texts=data.validated_data["texts"]
        )
        return Response(ClassifyResponseSerializer({"results": results}).data)


class ExplainQuerySerializer(serializers.Serializer):
    job = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    resume = serializers.IntegerField(min_value=1, max_value=MAX_ID)


class ExplainView(MatchThrottleMixin, APIView):
    @extend_schema(
        parameters=[ExplainQuerySerializer],
        responses={200: MatchResultSerializer},
        summary="Explain one (job, resume) pair",
    )
    def get(self, request: Request) -> Response:
        params = ExplainQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        job = get_object_or_404(
            Job.objects.visible_to(request.user), pk=params.validated_data["job"]
        )
        resume = get_object_or_404(
            Resume.objects.visible_to(request.user), pk=params.validated_data["resume"]
        )
        result = match_services.explain_pair(job=job, resume=resume)
        return Response(MatchResultSerializer(blind_services.result_for_page(result, request)).data)


class FeedbackSerializer(serializers.ModelSerializer):
    class Meta:
        model = MatchFeedback
        fields = [
            "id",
            "job",
            "resume",
            "decision",
            "note",
            "score",
            "model_version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "score", "model_version", "created_at", "updated_at"]


class FeedbackViewSet(mixins.CreateModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Shortlist or reject a candidate for a job; one decision per recruiter and pair (updated in place)."""

    lookup_value_regex = r"\d+"
    serializer_class = FeedbackSerializer
    filterset_fields = ["job", "resume", "decision"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return MatchFeedback.objects.none()
        return MatchFeedback.objects.filter(user=self.request.user)

    def create(self, request: Request) -> Response:
        data = FeedbackSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        resume = get_object_or_404(Resume.objects.visible_to(request.user), pk=v["resume"].pk)
        job = get_object_or_404(Job.objects.visible_to(request.user), pk=v["job"].pk)
        fb = feedback_services.feedback_record(
            user=request.user,
            job=job,
            resume=resume,
            decision=v["decision"],
            note=v.get("note", ""),
        )
        return Response(FeedbackSerializer(fb).data, status=status.HTTP_201_CREATED)


# --- The hiring pipeline ---------------------------------------------------------------------


def _blank_or(choices, **kwargs) -> serializers.ChoiceField:
    """A read-only choice that may be empty: documented as the enum or "" (BlankEnum)."""
    return serializers.ChoiceField(choices=choices, allow_blank=True, read_only=True, **kwargs)


class ApplicationSerializer(serializers.ModelSerializer):
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    rejection_reason = _blank_or(
        Application.RejectionReason.choices, help_text="Empty unless rejected."
    )

    class Meta:
        model = Application
        fields = [
            "id",
            "job",
            "resume",
            "stage",
            "rejection_reason",
            "created_by",
            "stage_changed_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


def _rejection_reason() -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=Application.RejectionReason.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required when the stage is `rejected`.",
    )


def _stage_note() -> serializers.CharField:
    return serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class ApplicationCreateSerializer(serializers.Serializer):
    job = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    resume = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    stage = serializers.ChoiceField(choices=Application.Stage.choices, required=False)
    reason = _rejection_reason()
    note = _stage_note()


class ApplicationMoveSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Application.Stage.choices)
    reason = _rejection_reason()
    note = _stage_note()


class ApplicationUndoSerializer(serializers.Serializer):
    event = serializers.IntegerField(
        source="event_id",
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text="The stage change to undo, as last read; if the candidate was moved since, "
        "nothing is undone (409). Without it, the last stage change is undone.",
    )


class ApplicationNoteSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=4000)


class ApplicationEventSerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True)
    from_stage = _blank_or(Application.Stage.choices, help_text="Stage changes only.")
    to_stage = _blank_or(Application.Stage.choices, help_text="Stage changes only.")
    rejection_reason = _blank_or(Application.RejectionReason.choices)
    undoes = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="An undo: the stage change it takes back."
    )
    job = serializers.IntegerField(source="application.job_id", read_only=True)
    resume = serializers.IntegerField(source="application.resume_id", read_only=True)

    class Meta:
        model = ApplicationEvent
        fields = [
            "id",
            "application",
            "job",
            "resume",
            "kind",
            "from_stage",
            "to_stage",
            "rejection_reason",
            "note",
            "undoes",
            "actor",
            "created_at",
        ]
        read_only_fields = fields


def team_applications(user):
    return Application.objects.filter(job__in=Job.objects.visible_to(user)).select_related(
        "created_by"
    )


class ApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The team's hiring pipeline: one application per (job, candidate) with its stage. Add a
    candidate, move them (`move`), take the last move back (`undo`), write notes (`notes`) and
    read the timeline (`events`)."""

    lookup_value_regex = r"\d+"
    serializer_class = ApplicationSerializer
    filterset_fields = ["job", "resume", "stage"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Application.objects.none()
        return team_applications(self.request.user)

    def _pair(self, job_id: int, resume_id: int) -> tuple[Job, Resume]:
        user = self.request.user
        job = get_object_or_404(Job.objects.visible_to(user), pk=job_id)
        resume = get_object_or_404(Resume.objects.visible_to(user), pk=resume_id)
        return job, resume

    @extend_schema(
        request=ApplicationCreateSerializer,
        responses={201: ApplicationSerializer, 200: ApplicationSerializer},
        description="Add a candidate to a job's pipeline (as `sourced`, or at `stage`). A "
        "candidate already there is returned (200), moved to `stage` if one is given.",
    )
    def create(self, request: Request) -> Response:
        data = ApplicationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        job, resume = self._pair(v["job"], v["resume"])
        application, created = pipeline.application_get_or_create(
            job=job, resume=resume, actor=request.user
        )
        if v.get("stage"):
            application = pipeline.application_move(
                job=job,
                resume=resume,
                actor=request.user,
                stage=v["stage"],
                reason=v["reason"],
                note=v["note"],
            )
        elif v["note"]:
            pipeline.application_note_add(
                job=job, resume=resume, actor=request.user, text=v["note"]
            )
        return Response(
            ApplicationSerializer(application).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    def _act(self, request: Request, body: type[serializers.Serializer], service):
        """Validate the request body with ``body`` and hand it to ``service`` for this
        application's job and candidate, the recruiter acting."""
        application = self.get_object()
        data = body(data=request.data)
        data.is_valid(raise_exception=True)
        return service(
            job=application.job,
            resume=application.resume,
            actor=request.user,
            **data.validated_data,
        )

    @extend_schema(
        request=ApplicationMoveSerializer,
        responses={200: ApplicationSerializer},
        description="Move the candidate to another stage; `rejected` needs a `reason`. The "
        "change is recorded on the timeline (who, when, from, to, reason, note).",
    )
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk=None) -> Response:
        application = self._act(request, ApplicationMoveSerializer, pipeline.application_move)
        return Response(ApplicationSerializer(application).data)

    @extend_schema(
        request=ApplicationUndoSerializer,
        responses={200: ApplicationSerializer},
        description="Take back the candidate's last stage change: back to the stage (and "
        "rejection reason) before it, recorded on the timeline as a stage change that names "
        "the one it undoes (`undoes`). An undo is not undone in turn; with nothing to undo, or "
        "when `event` is no longer the last change, the answer is 409 and nothing changes.",
    )
    @action(detail=True, methods=["post"])
    def undo(self, request: Request, pk=None) -> Response:
        application = self._act(request, ApplicationUndoSerializer, pipeline.application_undo)
        return Response(ApplicationSerializer(application).data)

    @extend_schema(request=ApplicationNoteSerializer, responses={201: ApplicationEventSerializer})
    @action(detail=True, methods=["post"])
    def notes(self, request: Request, pk=None) -> Response:
        event = self._act(request, ApplicationNoteSerializer, pipeline.application_note_add)
        return Response(ApplicationEventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: ApplicationEventSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def events(self, request: Request, pk=None) -> Response:
        application = self.get_object()
        events = application.events.select_related("actor", "application")
        page = self.paginate_queryset(events)
        return self.get_paginated_response(ApplicationEventSerializer(page, many=True).data)


class ApplicationEventFilter(filters.FilterSet):
    job = filters.NumberFilter(field_name="application__job")
    resume = filters.NumberFilter(field_name="application__resume")
    since = UTCIsoDateTimeFilter(field_name="created_at", lookup_expr="gte")

    class Meta:
        model = ApplicationEvent
        fields = ["kind", "to_stage"]


class ApplicationEventViewSet(viewsets.ReadOnlyModelViewSet):
    """Every pipeline event of the team's jobs, newest first: the audit of stage changes
    (`?kind=stage`), filtered by job, candidate, target stage or time (`since`)."""

    lookup_value_regex = r"\d+"
    serializer_class = ApplicationEventSerializer
    filterset_class = ApplicationEventFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ApplicationEvent.objects.none()
        return ApplicationEvent.objects.filter(
            application__job__in=Job.objects.visible_to(self.request.user)
        ).select_related("actor", "application")


class ModelVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ModelVersion
        fields = [
            "id",
            "version",
            "status",
            "is_active",
            "embedder_id",
            "params",
            "metrics",
            "reason",
            "created_at",
            "activated_at",
        ]
        read_only_fields = fields


class ModelVersionViewSet(viewsets.ReadOnlyModelViewSet):
    """The model registry (admins): list versions, activate one or roll back to an earlier one."""

    lookup_value_regex = r"\d+"

    queryset = ModelVersion.objects.all()
    serializer_class = ModelVersionSerializer
    permission_classes = [permissions.IsAdminUser]

    @extend_schema(request=None, responses={200: ModelVersionSerializer})
    @action(detail=True, methods=["post"])
    def activate(self, request: Request, pk=None) -> Response:
        version = model_version_activate(version=self.get_object(), user=request.user)
        return Response(ModelVersionSerializer(version).data)
