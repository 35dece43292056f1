"""The one filter of jobs: the jobs page, GET /api/v1/jobs/ and the jobs a resume is matched
against (GET /api/v1/resumes/{id}/matches/) read their parameters with the same meaning."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django_filters import rest_framework as filters

from config.filters import UTCIsoDateTimeFilter
from recruiting.models import Job


class JobFilter(filters.FilterSet):
    q = filters.CharFilter(method="search", help_text="Words in the title, company or description.")
    category = filters.CharFilter(field_name="category__slug", help_text="A category slug.")
    skill = filters.CharFilter(
        field_name="job_skills__term",
        lookup_expr="iexact",
        distinct=True,
        help_text="A requirement of the job: a taxonomy skill or a free-text term.",
    )
    location = filters.CharFilter(
        method="near", max_length=200, help_text="Part of the location; remote jobs always match."
    )
    posted_after = UTCIsoDateTimeFilter(field_name="posted_at", lookup_expr="gte")
    posted_before = UTCIsoDateTimeFilter(field_name="posted_at", lookup_expr="lte")

    class Meta:
        model = Job
        fields = ["status", "remote", "source"]

    def search(self, jobs: QuerySet[Job], name: str, value: str) -> QuerySet[Job]:
        return jobs.filter(
            Q(title__icontains=value)
            | Q(company__icontains=value)
            | Q(description_text__icontains=value)
        )

    def near(self, jobs: QuerySet[Job], name: str, value: str) -> QuerySet[Job]:
        return jobs.filter(Q(location__icontains=value) | Q(remote=True))
