"""REST API routes of the recruiting app (mounted under /api/v1/)."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from recruiting import apis

router = DefaultRouter()
router.register("categories", apis.CategoryViewSet, basename="category")
router.register("skills", apis.SkillViewSet, basename="skill")
router.register("jobs", apis.JobViewSet, basename="job")

urlpatterns = [path("", include(router.urls))]
