"""REST endpoints of the recruiting app: thin serializers over the same services as the pages."""

from __future__ import annotations

from django_filters import rest_framework as filters
from rest_framework import serializers, viewsets

from recruiting.models import Category, Job, Skill


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "slug", "name", "description"]


class SkillSerializer(serializers.ModelSerializer):
    class Meta:
        model = Skill
        fields = ["id", "name", "aliases", "kind", "source", "requires_context"]


class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Category.objects.all()
    serializer_class = CategorySerializer


class SkillViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Skill.objects.all()
    serializer_class = SkillSerializer
    filterset_fields = ["kind", "source"]


class JobFilter(filters.FilterSet):
    category = filters.CharFilter(field_name="category__slug")
    posted_after = filters.IsoDateTimeFilter(field_name="posted_at", lookup_expr="gte")
    posted_before = filters.IsoDateTimeFilter(field_name="posted_at", lookup_expr="lte")
    q = filters.CharFilter(field_name="title", lookup_expr="icontains")

    class Meta:
        model = Job
        fields = ["status", "remote", "source", "category"]


class JobSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True)

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
            "url",
            "posted_at",
            "closed_at",
            "source",
            "external_id",
        ]


class JobViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Job.objects.select_related("category")
    serializer_class = JobSerializer
    filterset_class = JobFilter
