"""Django admin for the recruiting models: list columns, search, filters, read-only computed fields."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html

from recruiting import models
from recruiting.forms import JobSourceAdminForm
from recruiting.services.blind import resume_blind_text
from recruiting.services.erasure import resumes_erase
from recruiting.services.ingestion import ingestion_enqueue
from recruiting.services.scheduling import source_next_run, source_save
from recruiting.services.sources import source_delete


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows that only the application writes (runs, the audit log, the model registry): every
    field is shown read-only, and none is added by hand."""

    def get_readonly_fields(self, request, obj=None) -> list[str]:
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


def count_column(relation: str, description: str):
    """A list column: how many ``relation`` rows each object has (``CountsAdmin`` counts them
    in its query, so the column sorts)."""

    @admin.display(ordering=f"n_{relation}", description=description)
    def column(self, obj) -> int:
        return getattr(obj, f"n_{relation}")

    return column


class CountsAdmin(admin.ModelAdmin):
    """Counts the ``counted`` relations of each row in the list's one query."""

    counted: tuple[str, ...] = ()

    def get_queryset(self, request):
        counts = {f"n_{relation}": Count(relation, distinct=True) for relation in self.counted}
        return super().get_queryset(request).annotate(**counts)


class TeamMembershipInline(admin.TabularInline):
    model = models.TeamMembership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(models.Team)
class TeamAdmin(CountsAdmin):
    """Teams and their members: a recruiter belongs to one team and works its pool."""

    list_display = ["name", "is_default", "member_count", "resume_count", "job_count"]
    search_fields = ["name"]
    inlines = [TeamMembershipInline]
    counted = ("memberships", "resumes", "jobs")
    member_count = count_column("memberships", "members")
    resume_count = count_column("resumes", "candidates")
    job_count = count_column("jobs", "jobs")


@admin.register(models.TeamMembership)
class TeamMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "team", "created_at"]
    list_filter = ["team"]
    search_fields = ["user__username", "team__name"]
    autocomplete_fields = ["user", "team"]
    list_select_related = ["user", "team"]


@admin.register(models.Category)
class CategoryAdmin(CountsAdmin):
    list_display = ["name", "slug", "resume_count", "job_count"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    counted = ("resumes", "jobs")
    resume_count = count_column("resumes", "resumes")
    job_count = count_column("jobs", "jobs")


@admin.register(models.Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "source", "requires_context", "alias_list"]
    list_filter = ["kind", "source", "requires_context"]
    search_fields = ["name", "aliases"]

    @admin.display(description="aliases")
    def alias_list(self, obj) -> str:
        return ", ".join(obj.aliases[:6]) + (" …" if len(obj.aliases) > 6 else "")


class ResumeSkillInline(admin.TabularInline):
    model = models.ResumeSkill
    extra = 0
    raw_id_fields = ["skill"]
    readonly_fields = ["spans"]


@admin.register(models.Resume)
class ResumeAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "display_name",
        "team",
        "owner",
        "status",
        "category",
        "confidence",
        "created_at",
    ]
    list_filter = ["team", "status", "category", "file_kind", "created_at"]
    search_fields = ["candidate_name", "email", "original_filename", "sha256"]
    raw_id_fields = ["owner"]
    # The file has no URL (private storage): the form shows a link to the app's download view,
    # which checks access, honours blind review and writes the audit event.
    exclude = ["original_file", "blind_text"]
    readonly_fields = [
        "file_download",
        "sha256",
        "file_kind",
        "file_size",
        "content_hash",
        "steps",
        "warnings",
        "error",
        "years_experience",
        "created_at",
        "updated_at",
    ]
    inlines = [ResumeSkillInline]
    list_select_related = ["owner", "category", "team"]

    @admin.display(description="confidence")
    def confidence(self, obj) -> str:
        return "—" if obj.category_confidence is None else f"{obj.category_confidence:.2f}"

    @admin.display(description="original file")
    def file_download(self, obj) -> str:
        if obj is None or not obj.pk or not obj.original_file:
            return "—"
        return format_html(
            '<a href="{}">Download (recorded in the audit log)</a>',
            reverse("recruiting:resume_file", args=[obj.pk]),
        )

    def save_model(self, request, obj, form, change) -> None:
        obj.blind_text = resume_blind_text(obj)  # an edited name or contact is masked too
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj) -> None:
        resumes_erase(resumes=[obj], actor=request.user, via="admin")

    def delete_queryset(self, request, queryset) -> None:
        resumes_erase(resumes=queryset, actor=request.user, via="admin")


class JobSkillInline(admin.TabularInline):
    model = models.JobSkill
    extra = 0
    fields = ["skill", "term", "requirement", "origin", "key", "spans"]
    raw_id_fields = ["skill"]
    readonly_fields = ["key", "spans"]


@admin.register(models.Job)
class JobAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "company",
        "team",
        "location",
        "remote",
        "status",
        "category",
        "source",
        "posted_at",
    ]
    list_filter = ["team", "status", "remote", "category", "source"]
    search_fields = ["title", "company", "location", "external_id"]
    date_hierarchy = "posted_at"
    readonly_fields = ["content_hash", "created_at", "updated_at", "rendered_description"]
    exclude = ["description_html"]
    inlines = [JobSkillInline]
    list_select_related = ["category", "source", "team"]

    @admin.display(description="description (sanitised)")
    def rendered_description(self, obj) -> str:
        # description_html was sanitised on the way in; format_html keeps the escape contract visible.
        return format_html("<div>{}</div>", obj.description_text[:4000])


@admin.register(models.JobSource)
class JobSourceAdmin(admin.ModelAdmin):
    form = JobSourceAdminForm
    list_display = [
        "name",
        "team",
        "kind",
        "enabled",
        "schedule",
        "last_run_at",
        "last_run_state",
        "next_run",
    ]
    list_filter = ["team", "kind", "enabled", "last_run_state"]
    search_fields = ["name", "url", "board_token"]
    readonly_fields = [
        "last_run_at",
        "last_run_state",
        "etag",
        "last_modified",
        "periodic_task",
        "next_run",
    ]
    actions = ["run_now"]

    @admin.display(description="next run")
    def next_run(self, obj) -> str:
        when = source_next_run(source=obj)
        return when.strftime("%Y-%m-%d %H:%M UTC") if when else "—"

    def save_model(self, request, obj, form, change) -> None:
        source_save(source=obj)

    def delete_model(self, request, obj) -> None:
        source_delete(source=obj)

    def delete_queryset(self, request, queryset) -> None:
        for source in queryset:
            source_delete(source=source)

    @admin.action(description="Run now")
    def run_now(self, request, queryset) -> None:
        for source in queryset:
            ingestion_enqueue(source=source, trigger="manual")
        self.message_user(request, f"Queued {queryset.count()} source(s).", messages.SUCCESS)


@admin.register(models.IngestionRun)
class IngestionRunAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "source",
        "status",
        "trigger",
        "started_at",
        "finished_at",
        "created",
        "updated",
        "unchanged",
        "closed",
        "failed",
    ]
    list_filter = ["status", "source", "trigger"]


@admin.register(models.ResumeEmbedding, models.JobEmbedding)
class EmbeddingAdmin(admin.ModelAdmin):
    list_display = ["id", "model_id", "dim", "created_at"]
    list_filter = ["model_id"]
    exclude = ["vector", "chunks"]
    readonly_fields = ["model_id", "dim", "content_hash", "chunk_spans", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(models.ResumeSkill)
class ResumeSkillAdmin(admin.ModelAdmin):
    list_display = ["resume", "skill", "evidence_count"]
    list_filter = ["skill__kind"]
    search_fields = ["skill__name"]
    raw_id_fields = ["resume", "skill"]
    list_select_related = ["resume", "skill"]

    @admin.display(description="evidence spans")
    def evidence_count(self, obj) -> int:
        return len(obj.spans)


@admin.register(models.JobSkill)
class JobSkillAdmin(admin.ModelAdmin):
    list_display = ["job", "term", "skill", "requirement", "origin"]
    list_filter = ["requirement", "origin", "skill__kind"]
    search_fields = ["term", "skill__name", "job__title"]
    readonly_fields = ["key"]
    raw_id_fields = ["job", "skill"]
    list_select_related = ["job", "skill"]


@admin.register(models.AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "action", "object_type", "object_id", "actor"]
    list_filter = ["action", "object_type"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(models.UserPreference)
class UserPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "blind_review", "updated_at"]
    list_filter = ["blind_review"]
    raw_id_fields = ["user"]
