"""Recruiter pages of the matching app besides the job desk: the dashboard, jobs for a resume,
blind review, rank-a-pile and the models page. Thin: parse, call a service, render."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from config.accounts import PREVIOUS_LOGIN
from config.exceptions import ApplicationError
from config.throttling import throttled
from matching.charts import line_chart_svg
from matching.models import DriftReport
from matching.selectors import models_overview, recruiter_dashboard
from matching.services import blind as blind_services
from matching.services import matching as match_services
from recruiting.models import Job, Resume
from recruiting.services import blind as resume_blind


def dashboard(request: HttpRequest) -> TemplateResponse:
    """A recruiter's day: the jobs they work on, what is new in the team's pool since their
    last visit, candidates waiting in each stage, and what failed."""
    since = parse_datetime(request.session.get(PREVIOUS_LOGIN) or "")
    context = recruiter_dashboard(user=request.user, since=since)
    context["new_latest"] = [
        resume_blind.resume_for_page(r, request.session) for r in context["new_latest"]
    ]
    return TemplateResponse(request, "matching/dashboard.html", context)


# The first results are explained up front; the others load when a recruiter opens them.
PAGE_EXPLAIN_TOP = 5


def safe_next(request: HttpRequest, *, referer: bool = False) -> str | None:
    """Where a form asked to go back to (or came from), if that is a page of this site."""
    candidates = [request.POST.get("next"), request.headers.get("Referer") if referer else None]
    for target in candidates:
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return target
    return None


@throttled("match", methods=None)  # the work of GET /api/v1/resumes/{id}/matches/
def resume_matches(request: HttpRequest, pk: int) -> TemplateResponse:
    resume = get_object_or_404(
        Resume.objects.visible_to(request.user).select_related("category"), pk=pk
    )
    context: dict = {
        "resume": resume_blind.resume_for_page(resume, request),
        **resume_blind.blind_context(request),
    }
    if not request.htmx:  # the whole candidate page around the matches
        context |= {
            "highlighted": resume_blind.highlighted_for_page(resume, request),
            **resume_blind.page_parts_for_page(resume, request),
        }
    try:
        page = match_services.jobs_for_resume(
            resume=resume,
            jobs=Job.objects.visible_to(request.user).open(),
            k=10,
            explain_top=PAGE_EXPLAIN_TOP,
        )
        context["page"] = blind_services.page_for_viewer(page, request)
    except ApplicationError as exc:
        context["error"] = exc.message
    template = "matching/resume_matches.html"
    return TemplateResponse(request, template + "#matches" if request.htmx else template, context)


@require_POST
def candidate_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Blind review: show one candidate's name and contacts to this recruiter (audited)."""
    resume = get_object_or_404(Resume.objects.visible_to(request.user), pk=pk)
    resume_blind.resume_reveal(resume=resume, actor=request.user, session=request.session)
    if request.htmx:
        shown = resume_blind.resume_for_page(resume, request)
        return TemplateResponse(request, "matching/_candidate.html", {"resume": shown})
    return redirect(safe_next(request) or reverse("matching:resume_matches", args=[resume.pk]))


@require_POST
def blind_review_toggle(request: HttpRequest) -> HttpResponse:
    """Switch blind review on or off for this recruiter, on the pages and in the API alike (it
    cannot be switched off when the site requires it)."""
    on = request.POST.get("blind") == "on"
    if not on and resume_blind.blind_review_required():
        messages.error(request, "Blind review is required on this site.")
    else:
        resume_blind.blind_review_set(user=request.user, on=on)
    return redirect(safe_next(request, referer=True) or "matching:dashboard")


def models_and_drift(request: HttpRequest) -> TemplateResponse:
    context = models_overview()
    context |= {
        "metrics_chart": line_chart_svg(context["metric_series"], title="Metrics by model version"),
        "drift_chart": line_chart_svg(context["drift_series"], title="Drift scores over time"),
    }
    return TemplateResponse(request, "matching/models.html", context)


def drift_report_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The Evidently HTML report of a data-drift check, for staff, as a download (it carries
    its own scripts, which must not run on this site's origin)."""
    if not request.user.is_staff:
        raise PermissionDenied
    report = get_object_or_404(DriftReport, pk=pk)
    path = Path(report.report_file) if report.report_file else None
    if (
        path is None
        or not path.is_file()
        or Path(settings.ARTIFACTS_DIR).resolve() not in path.resolve().parents
    ):
        raise Http404("This check has no report file.")
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=f"drift-report-{report.pk}.html"
    )
