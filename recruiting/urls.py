"""Recruiter pages of the recruiting app."""

from django.urls import path

from recruiting import views

app_name = "recruiting"

urlpatterns = [
    path("jobs/", views.job_list, name="job_list"),
    path("jobs/new/", views.job_new, name="job_new"),
    path("jobs/<int:pk>/", views.job_detail, name="job_detail"),
    path("jobs/<int:pk>/edit/", views.job_edit, name="job_edit"),
    path("jobs/<int:pk>/close/", views.job_close, name="job_close"),
    path("jobs/<int:pk>/reopen/", views.job_reopen, name="job_reopen"),
    path("jobs/<int:pk>/requirements/", views.job_requirements, name="job_requirements"),
    path("jobs/<int:pk>/category/", views.job_category, name="job_category"),
    path("resumes/", views.resume_list, name="resume_list"),
    path("resumes/upload/", views.resume_upload, name="resume_upload"),
    path("resumes/<int:pk>/", views.resume_detail, name="resume_detail"),
    path("resumes/<int:pk>/file/", views.resume_file, name="resume_file"),
    path("resumes/<int:pk>/status/", views.resume_status, name="resume_status"),
    path("sources/", views.source_list, name="source_list"),
    path("sources/runs/<int:pk>/", views.ingestion_run_detail, name="run_detail"),
]
