"""Recruiter pages for jobs, candidates and sources: parse input, call one selector or service, render."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods, require_POST

from config.exceptions import ApplicationError
from config.throttling import throttled
from config.uploads import request_files
from recruiting import selectors
from recruiting.forms import (
    JobCategoryForm,
    JobFilterForm,
    JobForm,
    RequirementsForm,
    ResumeFilterForm,
    ResumeUploadForm,
)
from recruiting.models import AuditEvent, IngestionRun, JobSource, Resume, ResumeSkill
from recruiting.services import blind
from recruiting.services import jobs as job_services
from recruiting.services import resumes as resume_services
from recruiting.services.teams import job_edit_check

PAGE_SIZE = 25


def job_list(request: HttpRequest) -> TemplateResponse:
    form = JobFilterForm(request.GET or None, user=request.user)
    chosen = form.cleaned_data if form.is_valid() else {}
    filters = {
        "q": chosen.get("q"),
        "category": chosen["category"].slug if chosen.get("category") else None,
        "status": chosen.get("status"),
        "remote": True if chosen.get("remote") else None,  # "Remote only"; unticked, any job
        "source": chosen["source"].pk if chosen.get("source") else None,
    }
    page = Paginator(selectors.job_list(user=request.user, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    template = "recruiting/job_list.html"
    if request.htmx:
        template += "#results"
    return TemplateResponse(request, template, {"form": form, "page_obj": page})


def job_detail(request: HttpRequest, pk: int) -> TemplateResponse:
    """The recruiter's desk for one job: requirements (editable in place), candidates ranked
    and by stage (loaded from the matching app), the description."""
    job = selectors.job_for_desk(user=request.user, pk=pk)
    context = selectors.job_desk_context(job=job, user=request.user)
    return TemplateResponse(request, "recruiting/job_detail.html", context)


@require_http_methods(["GET", "POST"])
def job_requirements(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a job's must-have, nice-to-have and excluded terms in place. Saving answers the
    requirements block and an event that makes the candidates re-rank where they are; an error
    answers the form with the message next to its field and every input kept."""
    job = selectors.job_for_desk(user=request.user, pk=pk)
    job_edit_check(job=job, user=request.user)
    if request.method == "GET":
        form = RequirementsForm.for_job(job)
        context = {**selectors.job_desk_context(job=job, user=request.user), "form": form}
        template = "recruiting/job_detail.html"
        return TemplateResponse(
            request, template + "#requirements" if request.htmx else template, context
        )
    form = RequirementsForm(request.POST)
    if form.is_valid():
        try:
            job_services.job_requirements_update(
                job=job,
                actor=request.user,
                required=form.cleaned_data["must_have"],
                nice=form.cleaned_data["nice_to_have"],
                excluded=form.cleaned_data["exclude"],
            )
        except ApplicationError as exc:
            form.add_service_error(exc)
    if form.errors:
        context = {**selectors.job_desk_context(job=job, user=request.user), "form": form}
        template = "recruiting/job_detail.html"
        return TemplateResponse(
            request, template + "#requirements" if request.htmx else template, context, status=400
        )
    if not request.htmx:
        messages.success(request, "Requirements saved; the candidates are ranked again.")
        return redirect(job)
    job = selectors.job_for_desk(user=request.user, pk=pk)
    context = {**selectors.job_desk_context(job=job, user=request.user), "saved": True}
    response = TemplateResponse(request, "recruiting/job_detail.html#requirements", context)
    response["HX-Trigger"] = "requirements-changed"
    return response


@require_http_methods(["GET", "POST"])
def job_category(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose a job's category in place (the team that owns the job). Saving answers the
    category block; a category chosen here is never replaced by the classifier."""
    job = selectors.job_for_desk(user=request.user, pk=pk)
    job_edit_check(job=job, user=request.user)
    template = "recruiting/job_detail.html"
    partial = template + "#category" if request.htmx else template
    form = (
        JobCategoryForm(request.POST) if request.method == "POST" else JobCategoryForm.for_job(job)
    )
    if request.method == "GET" or not form.is_valid():
        context = {**selectors.job_desk_context(job=job, user=request.user), "category_form": form}
        return TemplateResponse(request, partial, context, status=400 if form.errors else 200)
    job_services.job_category_update(
        job=job, actor=request.user, category=form.cleaned_data["category"]
    )
    if not request.htmx:
        messages.success(request, "Category saved.")
        return redirect(job)
    job = selectors.job_for_desk(user=request.user, pk=pk)
    context = {**selectors.job_desk_context(job=job, user=request.user), "category_saved": True}
    return TemplateResponse(request, partial, context)


@require_http_methods(["GET", "POST"])
def job_new(request: HttpRequest) -> HttpResponse:
    """Write a job for the team; its requirements are read from the description unless given."""
    form = JobForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = job_services.job_create(owner=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, f"“{job.title}” is open; its candidates are ranked below.")
            return redirect(job)
    status = 400 if form.errors else 200
    return TemplateResponse(request, "recruiting/job_form.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def job_edit(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.job_for_desk(user=request.user, pk=pk)
    job_edit_check(job=job, user=request.user)
    form = JobForm.for_job(job, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            job_services.job_update(job=job, actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, "Job saved.")
            return redirect(job)
    status = 400 if form.errors else 200
    return TemplateResponse(
        request, "recruiting/job_form.html", {"form": form, "job": job}, status=status
    )


@require_POST
def job_close(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.job_for_desk(user=request.user, pk=pk)
    job_services.job_close(job=job, actor=request.user)
    messages.success(request, "Job closed: it no longer appears among open jobs.")
    return redirect(job)


@require_POST
def job_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.job_for_desk(user=request.user, pk=pk)
    job_services.job_reopen(job=job, actor=request.user)
    messages.success(request, "Job reopened.")
    return redirect(job)


def resume_list(request: HttpRequest) -> TemplateResponse:
    form = ResumeFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.resume_list(
        user=request.user, filters=filters, blind=blind.blind_review_on(request)
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    counts = selectors.resume_skill_counts([r.pk for r in rows])
    for r in rows:
        r.n_skills = counts.get(r.pk, 0)
    page.object_list = [blind.resume_for_page(r, request) for r in rows]
    template = "recruiting/resume_list.html"
    if request.htmx:
        template += "#results"
    return TemplateResponse(
        request,
        template,
        {"form": form, "page_obj": page, **blind.blind_context(request)},
    )


@require_http_methods(["GET", "POST"])
@throttled("upload")
def resume_upload(request: HttpRequest) -> TemplateResponse:
    """Upload one or many files, or paste text. JavaScript sends one request per file (progress)."""
    form = ResumeUploadForm(request.POST or None, request_files(request) or None)
    outcomes = []
    status = 200
    if request.method == "POST" and form.is_valid():
        outcomes = resume_services.resumes_upload(
            owner=request.user, files=form.cleaned_data["files"]
        )
        if form.cleaned_data["text"]:
            try:
                resume, created = resume_services.resume_create_from_text(
                    owner=request.user,
                    text=form.cleaned_data["text"],
                    name=form.cleaned_data["name"],
                )
                outcomes.append(
                    resume_services.UploadOutcome(
                        filename="pasted text", resume=resume, created=created
                    )
                )
            except ApplicationError as exc:
                outcomes.append(
                    resume_services.UploadOutcome(
                        filename="pasted text",
                        resume=None,
                        created=False,
                        error=exc.message,
                        code=exc.code,
                    )
                )
        if outcomes and all(o.resume is None for o in outcomes):
            status = 400
    elif request.method == "POST":
        status = 400
    template = "recruiting/resume_upload.html"
    if request.htmx or request.headers.get("X-Upload-Fragment"):
        template += "#outcomes"
    return TemplateResponse(request, template, {"form": form, "outcomes": outcomes}, status=status)


def resume_detail(request: HttpRequest, pk: int) -> TemplateResponse:
    """A candidate: contact card, the resume's sections, skills with the lines that prove them,
    the jobs they fit (loaded from the matching app) and the full text."""
    resume = get_object_or_404(
        Resume.objects.visible_to(request.user)
        .select_related("category", "owner")
        .prefetch_related(
            Prefetch(
                "resume_skills",
                queryset=ResumeSkill.objects.select_related("skill").order_by("skill__name"),
            )
        ),
        pk=pk,
    )
    context = {
        "resume": blind.resume_for_page(resume, request),
        "highlighted": blind.highlighted_for_page(resume, request),
        **blind.page_parts_for_page(resume, request),
        **blind.blind_context(request),
    }
    return TemplateResponse(request, "recruiting/resume_detail.html", context)


WAITING = (Resume.Status.PENDING, Resume.Status.PROCESSING)


def resume_status(request: HttpRequest, pk: int) -> TemplateResponse:
    """A resume's processing status, polled by pages until it is ready or failed (then 286
    stops the polling; ``?then=reload`` reloads the page to show what processing found)."""
    resume = get_object_or_404(Resume.objects.visible_to(request.user), pk=pk)
    then = request.GET.get("then", "")
    response = TemplateResponse(
        request,
        "recruiting/_resume_status.html",
        {"resume": blind.resume_for_page(resume, request), "then": then},
    )
    if resume.status not in WAITING:
        response.status_code = 286
        if then == "reload":
            response["HX-Refresh"] = "true"
    return response


def staff_only(view):
    """Admins only, as in the API: sources and runs show feed URLs and their errors."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not request.user.is_staff:
            raise PermissionDenied("Job sources and ingestion runs are for admins.")
        return view(request, *args, **kwargs)

    return wrapped


@staff_only
def source_list(request: HttpRequest) -> TemplateResponse:
    sources = JobSource.objects.select_related("team")
    runs = IngestionRun.objects.select_related("source")[:20]
    return TemplateResponse(
        request, "recruiting/source_list.html", {"sources": sources, "runs": runs}
    )


@staff_only
def ingestion_run_detail(request: HttpRequest, pk: int) -> TemplateResponse:
    run = get_object_or_404(IngestionRun.objects.select_related("source"), pk=pk)
    if request.htmx:
        response = TemplateResponse(request, "recruiting/run_detail.html#progress", {"run": run})
        if run.is_finished:
            response.status_code = 286  # htmx stops polling on 286
        return response
    return TemplateResponse(request, "recruiting/run_detail.html", {"run": run})


def resume_file(request: HttpRequest, pk: int) -> FileResponse:
    """The original upload, to its owner or staff only, always as a download (never rendered)."""
    resume = get_object_or_404(Resume.objects.visible_to(request.user), pk=pk)
    if not resume.original_file:
        raise Http404("This resume has no stored file.")
    if not blind.file_may_be_sent(resume, request):
        raise PermissionDenied("Blind review is on: reveal the candidate before opening the file.")
    AuditEvent.objects.create(
        actor=request.user,
        action=AuditEvent.Action.FILE_DOWNLOADED,
        object_type="resume",
        object_id=resume.pk,
    )
    name = f"resume-{resume.pk}.{resume.file_kind or 'bin'}"
    return FileResponse(
        resume.original_file.open("rb"),
        as_attachment=True,
        filename=name,
        content_type="application/octet-stream",
    )
