"""REST API routes of the recruiting app (mounted under /api/v1/)."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from recruiting import apis

router = DefaultRouter()
router.register("categories", apis.CategoryViewSet, basename="category")
router.register("skills", apis.SkillViewSet, basename="skill")
router.register("resumes", apis.ResumeViewSet, basename="resume")
router.register("jobs", apis.JobViewSet, basename="job")
router.register("sources", apis.JobSourceViewSet, basename="source")
router.register("ingestion-runs", apis.IngestionRunViewSet, basename="ingestion-run")

urlpatterns = [path("", include(router.urls))]
