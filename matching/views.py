"""Recruiter pages for matching: candidates for a job, jobs for a resume, explanations, feedback,
rank-a-pile with CSV export, and the model/drift page. Thin: parse, call a service, render."""

from __future__ import annotations

import csv
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from config.exceptions import ApplicationError
from config.throttling import throttled
from matching.forms import FeedbackForm, RankPileForm
from matching.models import DriftReport, MatchFeedback, ModelVersion
from matching.services import blind as blind_services
from matching.services import feedback as feedback_services
from matching.services import matching as match_services
from recruiting.models import Job, Resume
from recruiting.services import blind as resume_blind
from recruiting.services.resumes import resumes_upload


def dashboard(request: HttpRequest) -> TemplateResponse:
    from matching.selectors import dashboard_summary
    from recruiting.models import IngestionRun, JobSource

    context = {
        "open_jobs": Job.objects.visible_to(request.user).open().count(),
        "resumes": Resume.objects.visible_to(request.user).count(),
        # Sources and runs (feed URLs, their errors) are for admins, as in the API.
        "sources": JobSource.objects.count() if request.user.is_staff else 0,
        "runs": IngestionRun.objects.select_related("source")[:8] if request.user.is_staff else [],
        **dashboard_summary(),
    }
    return TemplateResponse(request, "matching/dashboard.html", context)


# The first results are explained up front; the others load when a recruiter opens them.
PAGE_EXPLAIN_TOP = 5


def _feedback_by_resume(user, job: Job) -> dict[int, str]:
    return dict(
        MatchFeedback.objects.filter(user=user, job=job).values_list("resume_id", "decision")
    )


def _safe_next(request: HttpRequest, *, referer: bool = False) -> str | None:
    """Where a form asked to go back to (or came from), if that is a page of this site."""
    candidates = [request.POST.get("next"), request.headers.get("Referer") if referer else None]
    for target in candidates:
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return target
    return None


def job_candidates(request: HttpRequest, pk: int) -> TemplateResponse:
    """The job page's ranked candidates (a partial under HTMX, a whole page without JavaScript)."""
    from recruiting import selectors as recruiting_selectors

    job = recruiting_selectors.job_for_desk(user=request.user, pk=pk)
    context = {
        **recruiting_selectors.job_desk_context(job=job, user=request.user),
        **resume_blind.blind_context(request),
    }
    try:
        page = match_services.candidates_for_job(
            job=job,
            resumes=Resume.objects.visible_to(request.user),
            k=20,
            explain_top=PAGE_EXPLAIN_TOP,
        )
        page = blind_services.page_for_viewer(page, request)
        decisions = _feedback_by_resume(request.user, job)
        context |= {
            "page": page,
            "rows": [(r, decisions.get(r.resume.pk, "")) for r in page.results],
        }
    except ApplicationError as exc:
        context["error"] = exc.message
    template = "matching/job_candidates.html"
    return TemplateResponse(
        request, template + "#candidates" if request.htmx else template, context
    )


@require_POST
def feedback_submit(request: HttpRequest, job_pk: int, resume_pk: int) -> TemplateResponse:
    job = get_object_or_404(Job.objects.visible_to(request.user), pk=job_pk)
    resume = get_object_or_404(Resume.objects.visible_to(request.user), pk=resume_pk)
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        raise ApplicationError("Choose shortlist or reject.", code="invalid")
    fb = feedback_services.feedback_record(
        user=request.user,
        job=job,
        resume=resume,
        decision=form.cleaned_data["decision"],
        note=form.cleaned_data["note"],
    )
    resume = resume_blind.resume_for_page(resume, request)
    if not request.htmx:
        messages.success(request, f"{resume.display_name}: {fb.get_decision_display().lower()}.")
        return redirect("matching:job_candidates", pk=job.pk)
    return TemplateResponse(
        request, "matching/_feedback.html", {"job": job, "resume": resume, "decision": fb.decision}
    )


def resume_matches(request: HttpRequest, pk: int) -> TemplateResponse:
    resume = get_object_or_404(
        Resume.objects.visible_to(request.user).select_related("category"), pk=pk
    )
    context: dict = {
        "resume": resume_blind.resume_for_page(resume, request),
        "highlighted": resume_blind.highlighted_for_page(resume, request),
        **resume_blind.blind_context(request),
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


def explanation(request: HttpRequest, job_pk: int, resume_pk: int) -> TemplateResponse:
    job = get_object_or_404(Job.objects.visible_to(request.user), pk=job_pk)
    resume = get_object_or_404(Resume.objects.visible_to(request.user), pk=resume_pk)
    result = blind_services.result_for_page(
        match_services.explain_pair(job=job, resume=resume), request
    )
    template = "matching/_explanation.html" if request.htmx else "matching/explanation_page.html"
    return TemplateResponse(
        request,
        template,
        {
            "r": result,
            "resume": result.resume,
            "open": True,
            **resume_blind.blind_context(request),
        },
    )


@require_POST
def candidate_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Blind review: show one candidate's name and contacts to this recruiter (audited)."""
    resume = get_object_or_404(Resume.objects.visible_to(request.user), pk=pk)
    resume_blind.resume_reveal(resume=resume, actor=request.user, session=request.session)
    if request.htmx:
        shown = resume_blind.resume_for_page(resume, request)
        return TemplateResponse(request, "matching/_candidate.html", {"resume": shown})
    return redirect(_safe_next(request) or reverse("matching:resume_matches", args=[resume.pk]))


@require_POST
def blind_review_toggle(request: HttpRequest) -> HttpResponse:
    """Switch blind review on or off for this recruiter, on the pages and in the API alike (it
    cannot be switched off when the site requires it)."""
    on = request.POST.get("blind") == "on"
    if not on and resume_blind.blind_review_required():
        messages.error(request, "Blind review is required on this site.")
    else:
        resume_blind.blind_review_set(user=request.user, on=on)
    return redirect(_safe_next(request, referer=True) or "matching:dashboard")


@require_http_methods(["GET", "POST"])
@throttled("upload")
def rank_pile(request: HttpRequest) -> HttpResponse:
    """Pick a job or paste a JD, drop many resumes, get a ranked table; `?format=csv` exports it."""
    form = RankPileForm(request.POST or None, request.FILES or None, user=request.user)
    context: dict = {"form": form, **resume_blind.blind_context(request)}
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        outcomes = resumes_upload(
            owner=request.user, files=[(f.name, f.read()) for f in cd["files"]]
        )
        ids = [o.resume.pk for o in outcomes if o.resume] + [r.pk for r in cd["resumes"]]
        # The pile is processed in this request so the table can be shown right away.
        from recruiting.services.resumes import resume_process

        for o in outcomes:
            if o.resume and o.resume.status in (Resume.Status.PENDING, Resume.Status.PROCESSING):
                resume_process(resume_id=o.resume.pk)
        resumes = (
            Resume.objects.visible_to(request.user).filter(pk__in=ids).select_related("category")
        )
        if cd["job"]:
            requirements = match_services.job_requirements(cd["job"])
        else:
            requirements = match_services.free_text_requirements(
                title=cd["title"],
                description=cd["description"],
                must_have=cd["must_have"],
                nice_to_have=cd["nice_to_have"],
                exclude=cd["exclude"],
            )
        page = match_services.rank_resumes(
            requirements=requirements, resumes=resumes, job=cd["job"], explain_top=50
        )
        page = blind_services.page_for_viewer(page, request)
        request.session["last_pile"] = {"ids": ids, "job": cd["job"].pk if cd["job"] else None}
        context |= {"page": page, "failed": [o for o in outcomes if o.resume is None]}
    elif request.GET.get("format") == "csv" and request.session.get("last_pile"):
        return _pile_csv(request)
    template = "matching/rank_pile.html"
    return TemplateResponse(
        request, template + "#results" if request.htmx and "page" in context else template, context
    )


def _pile_csv(request: HttpRequest) -> HttpResponse:
    pile = request.session["last_pile"]
    resumes = Resume.objects.visible_to(request.user).filter(pk__in=pile["ids"])
    job = (
        Job.objects.visible_to(request.user).filter(pk=pile["job"]).first() if pile["job"] else None
    )
    if job is None:
        raise ApplicationError(
            "CSV export needs a ranking against a saved job; pick a job.", code="no_job"
        )
    page = match_services.rank_resumes(
        requirements=match_services.job_requirements(job), resumes=resumes, job=job, explain_top=0
    )
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="ranking-job-{job.pk}.csv"'
    writer = csv.writer(response)
    parts = list(page.results[0].breakdown.parts) if page.results else []
    writer.writerow(
        ["rank", "resume_id", "candidate", "score", *parts, "matched_required", "missing_required"]
    )
    for i, r in enumerate(blind_services.page_for_viewer(page, request).results, start=1):
        b = r.breakdown
        writer.writerow(
            [
                i,
                r.resume.pk,
                _csv_safe(r.resume.display_name),
                b.total,
                *[b.parts[p] for p in parts],
                "; ".join(b.matched_required),
                "; ".join(b.missing_required),
            ]
        )
    return response


def _csv_safe(value: str) -> str:
    # A cell starting with = + - @ is run as a formula by spreadsheet programs.
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def models_and_drift(request: HttpRequest) -> TemplateResponse:
    from matching.charts import line_chart_svg

    versions = list(ModelVersion.objects.all()[:50])
    metric_keys = sorted(
        {k for v in versions for k, x in v.metrics.items() if isinstance(x, int | float)}
    )[:4]
    metric_series = {
        key: [
            (v.created_at, v.metrics[key])
            for v in reversed(versions)
            if isinstance(v.metrics.get(key), int | float)
        ]
        for key in metric_keys
    }
    reports = list(DriftReport.objects.all()[:200])
    drift_series = {
        kind: [
            (d.created_at, d.score)
            for d in reversed(reports)
            if d.kind == kind and d.score is not None
        ]
        for kind in DriftReport.Kind.values
    }
    context = {
        "versions": versions,
        "reports": reports[:30],
        "metrics_chart": line_chart_svg(metric_series, title="Metrics by model version"),
        "drift_chart": line_chart_svg(drift_series, title="Drift scores over time"),
    }
    return TemplateResponse(request, "matching/models.html", context)


def drift_report_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The Evidently HTML report of a data-drift check, for staff, as a download (it carries
    its own scripts, which must not run on this site's origin)."""
    from django.core.exceptions import PermissionDenied
    from django.http import FileResponse, Http404

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
