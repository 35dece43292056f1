"""REST API routes of the matching app (mounted under /api/v1/)."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from matching import apis

router = DefaultRouter()
router.register("feedback", apis.FeedbackViewSet, basename="feedback")
router.register("applications", apis.ApplicationViewSet, basename="application")
router.register("application-events", apis.ApplicationEventViewSet, basename="application-event")
router.register("model-versions", apis.ModelVersionViewSet, basename="model-version")

urlpatterns = [
    path("resumes/<int:pk>/matches/", apis.ResumeMatchesView.as_view(), name="resume-matches"),
    path("jobs/<int:pk>/candidates/", apis.JobCandidatesView.as_view(), name="job-candidates"),
    path("rank/", apis.RankView.as_view(), name="rank"),
    path("classify/", apis.ClassifyView.as_view(), name="classify"),
    path("explain/", apis.ExplainView.as_view(), name="explain"),
    path("", include(router.urls)),
]
