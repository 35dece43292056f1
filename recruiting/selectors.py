"""Read helpers for pages and the API: filtered querysets built from validated filter values."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from recruiting.models import Job, Resume


def job_list(*, filters: dict) -> QuerySet[Job]:
    qs = Job.objects.select_related("category", "source")
    if q := filters.get("q"):
        qs = qs.filter(Q(title__icontains=q) | Q(company__icontains=q) | Q(description_text__icontains=q))
    if category := filters.get("category"):
        qs = qs.in_category(category)
    if status := filters.get("status"):
        qs = qs.filter(status=status)
    if filters.get("remote"):
        qs = qs.remote()
    if source := filters.get("source"):
        qs = qs.filter(source=source)
    return qs


def resume_list(*, user, filters: dict) -> QuerySet[Resume]:
    qs = Resume.objects.visible_to(user).select_related("category")
    if q := filters.get("q"):
        qs = qs.filter(Q(candidate_name__icontains=q) | Q(text__icontains=q))
    if category := filters.get("category"):
        qs = qs.in_category(category)
    if status := filters.get("status"):
        qs = qs.filter(status=status)
    return qs
