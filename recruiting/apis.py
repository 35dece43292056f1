"""REST endpoints of the recruiting app: thin serializers over the same services as the pages."""

from __future__ import annotations

import re

from django.db import transaction
from django.db.models import Prefetch
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from config.exceptions import ApplicationError
from config.parsers import BoundedJSONParser
from config.uploads import request_files
from recruiting.filters import JobFilter
from recruiting.models import Category, IngestionRun, Job, JobSkill, JobSource, Resume, Skill
from recruiting.services import blind
from recruiting.services import jobs as job_services
from recruiting.services import resumes as resume_services
from recruiting.services.erasure import resumes_erase
from recruiting.services.ingestion import ingestion_enqueue
from recruiting.services.scheduling import source_save
from recruiting.services.sources import source_delete
from recruiting.services.taxonomy import skills_search
from recruiting.services.teams import same_team


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "slug", "name", "description"]


class SkillSerializer(serializers.ModelSerializer):
    # Filled only when the list is a search (?q=): why this skill answers the query.
    matched = serializers.SerializerMethodField(
        help_text="Search only: the name or alias that matched the query."
    )
    how = serializers.SerializerMethodField(help_text="Search only: exact, prefix, word or fuzzy.")
    score = serializers.SerializerMethodField(help_text="Search only: 0-100, higher is closer.")

    class Meta:
        model = Skill
        fields = [
            "id",
            "name",
            "aliases",
            "kind",
            "source",
            "requires_context",
            "matched",
            "how",
            "score",
        ]

    def _hit(self, skill: Skill):
        return (self.context.get("hits") or {}).get(skill.name)

    def get_matched(self, skill: Skill) -> str | None:
        hit = self._hit(skill)
        return hit.matched if hit else None

    def get_how(self, skill: Skill) -> str | None:
        hit = self._hit(skill)
        return hit.how if hit else None

    def get_score(self, skill: Skill) -> float | None:
        hit = self._hit(skill)
        return hit.score if hit else None


class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = r"\d+"
    queryset = Category.objects.all()
    serializer_class = CategorySerializer


class SkillSearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        max_length=120,
        help_text="Search names and aliases by prefix, word prefix or fuzzy match (autocomplete).",
    )
    limit = serializers.IntegerField(required=False, min_value=1, max_value=50, default=20)


class SkillViewSet(viewsets.ReadOnlyModelViewSet):
    """The skills taxonomy. With ``?q=`` the list is a search for autocomplete, best match first."""

    lookup_value_regex = r"\d+"
    queryset = Skill.objects.all()
    serializer_class = SkillSerializer
    filterset_fields = ["kind", "source"]

    @extend_schema(
        parameters=[SkillSearchQuerySerializer],
        description="Without `q`: the taxonomy, paginated. With `q`: one page of up to `limit` "
        "matches, best first, each with `matched`, `how` and `score`; an empty page is not an "
        "error, since requirements also accept terms the taxonomy does not know.",
    )
    def list(self, request: Request, *args, **kwargs) -> Response:
        params = SkillSearchQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        query = params.validated_data.get("q")
        if query is None:
            return super().list(request, *args, **kwargs)
        hits = skills_search(query=query, limit=params.validated_data["limit"])
        by_name = {s.name: s for s in Skill.objects.filter(name__in=[h.name for h in hits])}
        found = [by_name[h.name] for h in hits if h.name in by_name]
        data = SkillSerializer(found, many=True, context={"hits": {h.name: h for h in hits}}).data
        return Response({"count": len(data), "next": None, "previous": None, "results": data})


# --- Resumes ---------------------------------------------------------------------------------


class ResumeSkillSerializer(serializers.Serializer):
    name = serializers.CharField(source="skill.name")
    spans = serializers.ListField(child=serializers.ListField(child=serializers.IntegerField()))


class ResumeSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    skills = ResumeSkillSerializer(source="resume_skills", many=True, read_only=True)

    class Meta:
        model = Resume
        fields = [
            "id",
            "candidate_name",
            "email",
            "phone",
            "links",
            "status",
            "error",
            "warnings",
            "file_kind",
            "original_filename",
            "category",
            "category_confidence",
            "years_experience",
            "sections",
            "skills",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ResumeDetailSerializer(ResumeSerializer):
    class Meta(ResumeSerializer.Meta):
        fields = [*ResumeSerializer.Meta.fields, "text"]
        read_only_fields = fields


class ResumeTextSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=2_000_000, trim_whitespace=False)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)


class UploadResultSerializer(serializers.Serializer):  # one file of an upload
    filename = serializers.CharField()
    id = serializers.IntegerField(allow_null=True)
    created = serializers.BooleanField()
    status = serializers.CharField(allow_blank=True)
    error = serializers.CharField(allow_blank=True)
    code = serializers.CharField(allow_blank=True)


class ResumeViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Candidates: upload files or text, list, read and erase. Recruiters see their own."""

    lookup_value_regex = r"\d+"
    parser_classes = [MultiPartParser, FormParser, BoundedJSONParser]
    filterset_fields = ["status"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Resume.objects.none()
        return (
            Resume.objects.visible_to(self.request.user)
            .select_related("category")
            .prefetch_related("resume_skills__skill")
        )

    def get_serializer_class(self):
        return ResumeDetailSerializer if self.action == "retrieve" else ResumeSerializer

    def get_serializer(self, *args, **kwargs):
        """Under blind review (the site setting, or the recruiter's own choice) a candidate
        not yet revealed is read without name, contacts, links, file name and sections, and
        with the personal data masked in the text, as on the pages."""
        if args and self.action in ("list", "retrieve"):
            if kwargs.get("many"):
                shown = [blind.resume_for_page(r, self.request) for r in args[0]]
            else:
                shown = blind.resume_for_page(args[0], self.request)
            args = (shown, *args[1:])
        return super().get_serializer(*args, **kwargs)

    def get_throttles(self):
        if self.action == "create":
            self.throttle_scope = "upload"
            return [ScopedRateThrottle()]
        return super().get_throttles()

    @extend_schema(
        request={
            "multipart/form-data": inline_serializer(
                "ResumeUpload", {"file": serializers.ListField(child=serializers.FileField())}
            ),
            "application/json": ResumeTextSerializer,
        },
        responses={
            201: inline_serializer(
                "UploadResponse", {"results": UploadResultSerializer(many=True)}
            ),
            200: inline_serializer(
                "UploadExisting", {"results": UploadResultSerializer(many=True)}
            ),
            400: OpenApiResponse(description="Every file refused"),
        },
        description="Upload one or many files (`file`, repeated) or JSON `{text, name}`. The same file twice "
        "returns the existing resume. One bad file is reported and the others go in: a file over "
        "UPLOAD_MAX_BYTES (`too_large`), and the files left once the request's "
        "UPLOAD_REQUEST_PARSE_SECONDS is spent (`parse_budget`: send them again) among them.",
    )
    def create(self, request: Request) -> Response:
        if request.content_type and request.content_type.startswith("application/json"):
            data = ResumeTextSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            resume, created = resume_services.resume_create_from_text(
                owner=request.user,
                text=data.validated_data["text"],
                name=data.validated_data.get("name", ""),
            )
            outcomes = [
                resume_services.UploadOutcome(filename="pasted.txt", resume=resume, created=created)
            ]
        else:
            files = request_files(request).getlist("file")
            if not files:
                raise ApplicationError(
                    "Send one or more files in the `file` field, or JSON with `text`.",
                    code="no_file",
                    extra={"fields": {"file": ["Required."]}},
                )
            outcomes = resume_services.resumes_upload(owner=request.user, files=files)
        results = [
            {
                "filename": o.filename,
                "id": o.resume.pk if o.resume else None,
                "created": o.created,
                "status": o.resume.status if o.resume else "",
                "error": o.error,
                "code": o.code,
            }
            for o in outcomes
        ]
        if all(o.resume is None for o in outcomes):
            first = outcomes[0]
            return Response(
                {"message": first.error, "code": first.code, "results": results},
                status=status.HTTP_400_BAD_REQUEST,
            )
        code = status.HTTP_201_CREATED if any(o.created for o in outcomes) else status.HTTP_200_OK
        return Response({"results": results}, status=code)

    def perform_destroy(self, instance: Resume) -> None:
        resumes_erase(resumes=[instance], actor=self.request.user, via="api")


# --- Jobs ------------------------------------------------------------------------------------


class JobSkillSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    in_taxonomy = serializers.BooleanField(
        read_only=True, help_text="False for a free-text term the skills taxonomy does not know."
    )

    class Meta:
        model = JobSkill
        fields = ["name", "requirement", "origin", "in_taxonomy"]


class JobSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    url = serializers.CharField(read_only=True, help_text="The posting's page, or empty.")
    skills = JobSkillSerializer(source="job_skills", many=True, read_only=True)

    class Meta:
        model = Job
        fields = [
            "id",
            "title",
            "company",
            "location",
            "remote",
            "status",
            "category",
            "category_confidence",
            "category_manual",
            "url",
            "posted_at",
            "closed_at",
            "source",
            "external_id",
            "years_required",
            "skills",
            "description_text",
            "description_html",
        ]
        read_only_fields = fields


def term_list(**kwargs) -> serializers.ListField:
    """A list of requirement terms: taxonomy skills or free text, up to 120 characters each."""
    return serializers.ListField(
        child=serializers.CharField(max_length=120),
        max_length=50,
        help_text="Skills or free-text terms; terms the taxonomy does not know are matched "
        "lexically and shown as not in taxonomy.",
        **kwargs,
    )


class JobWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    description = serializers.CharField(max_length=200_000)
    company = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    location = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    remote = serializers.BooleanField(required=False, default=False)
    url = serializers.URLField(max_length=500, required=False, allow_blank=True, default="")
    must_have = term_list(required=False, default=list)
    nice_to_have = term_list(required=False, default=list)
    exclude = term_list(required=False, default=list)
    category = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Category.objects.all(),
        allow_null=True,
        required=False,
        help_text="A category slug chosen by the recruiter: the classifier never replaces it. "
        "null hands the job back to the classifier. Board postings accept this field alone.",
    )


class JobSkillsWriteSerializer(serializers.Serializer):
    # Sources: the service's names for the three lists.
    must_have = term_list(source="required")
    nice_to_have = term_list(required=False, default=list, source="nice")
    exclude = term_list(required=False, default=list, source="excluded")


class CanEditJob(permissions.BasePermission):
    message = "Only the team that owns this job (or staff) may change it."

    def has_object_permission(self, request, view, obj: Job) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return bool(request.user.is_staff or same_team(request.user, obj))


IDEMPOTENCY_HEADER = "Idempotency-Key"
IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,100}")


class JobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The team's jobs: from its sources and those its recruiters create; filters: status,
    remote, category, skill, dates. Another team's job is a 404."""

    lookup_value_regex = r"\d+"
    serializer_class = JobSerializer
    filterset_class = JobFilter
    permission_classes = [permissions.IsAuthenticated, CanEditJob]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Job.objects.none()
        return (
            Job.objects.visible_to(self.request.user)
            .select_related("category")
            .prefetch_related(Prefetch("job_skills", queryset=JobSkill.objects.for_matching()))
        )

    @extend_schema(
        request=JobWriteSerializer,
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                str,
                OpenApiParameter.HEADER,
                required=False,
                description="Makes a retry safe: the same key from the same user returns the job "
                "created the first time (200) instead of a second one. 1-100 visible ASCII "
                "characters.",
            )
        ],
        responses={
            201: JobSerializer,
            200: OpenApiResponse(JobSerializer, description="Created earlier with the same key."),
        },
    )
    def create(self, request: Request) -> Response:
        key = request.headers.get(IDEMPOTENCY_HEADER)
        if key is not None and not IDEMPOTENCY_KEY.fullmatch(key):
            raise ApplicationError(
                f"{IDEMPOTENCY_HEADER} must be 1-100 visible ASCII characters.",
                code="invalid",
                extra={"fields": {IDEMPOTENCY_HEADER: ["1-100 visible ASCII characters."]}},
            )
        data = JobWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        category = fields.pop("category", None)
        if key is None:
            job, created = job_services.job_create(owner=request.user, **fields), True
        else:
            job, created = job_services.job_create_once(
                owner=request.user, idempotency_key=key, **fields
            )
        if created and category is not None:
            job_services.job_category_update(job=job, actor=request.user, category=category)
        return Response(
            JobSerializer(self.get_queryset().get(pk=job.pk)).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(request=JobWriteSerializer, responses={200: JobSerializer})
    def partial_update(self, request: Request, pk=None) -> Response:
        job = self.get_object()
        data = JobWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        has_category = "category" in fields
        category = fields.pop("category", None)
        if fields or not has_category:
            job = job_services.job_update(job=job, actor=request.user, **fields)
        if has_category:
            job = job_services.job_category_update(job=job, actor=request.user, category=category)
        return Response(JobSerializer(self.get_queryset().get(pk=job.pk)).data)

    @extend_schema(request=None, responses={200: JobSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk=None) -> Response:
        job = job_services.job_close(job=self.get_object(), actor=request.user)
        return Response(JobSerializer(self.get_queryset().get(pk=job.pk)).data)

    @extend_schema(request=None, responses={200: JobSerializer})
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk=None) -> Response:
        job = job_services.job_reopen(job=self.get_object(), actor=request.user)
        return Response(JobSerializer(self.get_queryset().get(pk=job.pk)).data)

    @extend_schema(request=JobSkillsWriteSerializer, responses={200: JobSerializer})
    @action(detail=True, methods=["put"], url_path="skills")
    def set_skills(self, request: Request, pk=None) -> Response:
        """Replace the must-have / nice-to-have / excluded terms (the owning team or staff)."""
        job = self.get_object()
        data = JobSkillsWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job_services.job_requirements_update(job=job, actor=request.user, **data.validated_data)
        return Response(JobSerializer(self.get_queryset().get(pk=job.pk)).data)


# --- Sources and ingestion runs (admins) --------------------------------------------------------


class JobSourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = JobSource
        fields = [
            "id",
            "name",
            "team",
            "kind",
            "url",
            "board_token",
            "field_map",
            "schedule",
            "enabled",
            "last_run_at",
            "last_run_state",
        ]
        read_only_fields = ["last_run_at", "last_run_state"]
        # Without a team a source (and its postings) belongs to the default team.
        extra_kwargs = {"team": {"required": False}}


class IngestionRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = IngestionRun
        fields = [
            "id",
            "source",
            "status",
            "trigger",
            "started_at",
            "finished_at",
            "total",
            "processed",
            "created",
            "updated",
            "unchanged",
            "closed",
            "failed",
            "errors",
            "message",
            "created_at",
        ]
        read_only_fields = fields


class JobSourceViewSet(viewsets.ModelViewSet):
    """Job sources and their crontab schedules (admins only); `run` queues an ingestion now."""

    lookup_value_regex = r"\d+"

    queryset = JobSource.objects.all()
    serializer_class = JobSourceSerializer
    permission_classes = [permissions.IsAdminUser]

    def perform_create(self, serializer) -> None:
        serializer.instance = source_save(source=JobSource(**serializer.validated_data))

    def perform_update(self, serializer) -> None:
        source = serializer.instance
        for key, value in serializer.validated_data.items():
            setattr(source, key, value)
        serializer.instance = source_save(source=source)

    def perform_destroy(self, instance: JobSource) -> None:
        source_delete(source=instance)

    @extend_schema(request=None, responses={202: IngestionRunSerializer})
    @action(detail=True, methods=["post"])
    def run(self, request: Request, pk=None) -> Response:
        with transaction.atomic():
            run = ingestion_enqueue(source=self.get_object(), trigger="api")
        run.refresh_from_db()
        return Response(IngestionRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class IngestionRunViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = r"\d+"
    queryset = IngestionRun.objects.select_related("source")
    serializer_class = IngestionRunSerializer
    permission_classes = [permissions.IsAdminUser]
    filterset_fields = ["source", "status"]
