"""Recruiter pages of the matching app."""

from django.urls import path

from matching import views

app_name = "matching"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("jobs/<int:pk>/candidates/", views.job_candidates, name="job_candidates"),
    path(
        "jobs/<int:job_pk>/candidates/<int:resume_pk>/",
        views.candidate_for_job,
        name="candidate_for_job",
    ),
    path(
        "jobs/<int:job_pk>/candidates/<int:resume_pk>/stage/",
        views.application_move,
        name="application_move",
    ),
    path(
        "jobs/<int:job_pk>/candidates/<int:resume_pk>/stage/undo/",
        views.application_undo,
        name="application_undo",
    ),
    path(
        "jobs/<int:job_pk>/candidates/<int:resume_pk>/notes/",
        views.application_note,
        name="application_note",
    ),
    path(
        "jobs/<int:job_pk>/candidates/<int:resume_pk>/feedback/",
        views.feedback_submit,
        name="feedback",
    ),
    path(
        "jobs/<int:job_pk>/candidates/<int:resume_pk>/explanation/",
        views.explanation,
        name="explanation",
    ),
    path("resumes/<int:pk>/matches/", views.resume_matches, name="resume_matches"),
    path("resumes/<int:pk>/reveal/", views.candidate_reveal, name="candidate_reveal"),
    path("blind-review/", views.blind_review_toggle, name="blind_review"),
    path("rank/", views.rank_pile, name="rank_pile"),
    path("rank/runs/<int:pk>/", views.pile_run, name="pile_run"),
    path("rank/runs/<int:pk>/export.csv", views.pile_run_csv, name="pile_run_csv"),
    path(
        "rank/runs/<int:pk>/candidates/<int:resume_pk>/explanation/",
        views.pile_run_explain,
        name="pile_run_explain",
    ),
    path("models/", views.models_and_drift, name="models"),
    path("models/drift/<int:pk>/report/", views.drift_report_file, name="drift_report"),
]
