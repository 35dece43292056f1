"""Rank a pile: the form (files and/or candidates from the pool, a job or a pasted description),
the run's progress (polled until done), its results, explanations and the CSV export."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from config.exceptions import ApplicationError
from config.throttling import throttled
from config.uploads import request_files
from matching.forms import RankPileForm
from matching.models import PileRun
from matching.services import blind as blind_services
from matching.services.pile import pile_explain, pile_results, pile_results_csv, pile_run_start
from recruiting.models import Resume, user_team_id
from recruiting.services import blind as resume_blind

TEMPLATE = "matching/rank_pile.html"


def _runs(request: HttpRequest):
    return PileRun.objects.visible_to(request.user).select_related("job", "created_by")


@require_http_methods(["GET", "POST"])
@throttled("upload")
def rank_pile(request: HttpRequest) -> HttpResponse:
    """Start a ranking. Under HTMX a wrong input answers only the error messages, placed next
    to their fields, so the form keeps everything (chosen files included); the run's progress
    comes back in place of the results."""
    form = RankPileForm(
        request.POST or None, request_files(request) or None, user=request.user, viewer=request
    )
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            run = pile_run_start(
                user=request.user,
                job=cd["job"],
                title=cd["title"],
                description=cd["description"],
                must_have=cd["must_have"],
                nice_to_have=cd["nice_to_have"],
                exclude=cd["exclude"],
                files=cd["files"],
                resumes=cd["resumes"],
                whole_pool=cd["whole_pool"],
            )
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            if not request.htmx:
                return redirect("matching:pile_run", pk=run.pk)
            context = {"form": form, **_run_context(request, run)}
            return TemplateResponse(request, TEMPLATE + "#started", context)
    context = {
        "form": form,
        "recent": _runs(request).filter(team_id=user_team_id(request.user))[:8],
        **resume_blind.blind_context(request),
    }
    if request.method == "POST":
        template = TEMPLATE + "#refused" if request.htmx else TEMPLATE
        return TemplateResponse(request, template, context, status=400)
    return TemplateResponse(request, TEMPLATE, context)


def _run_context(request: HttpRequest, run: PileRun) -> dict:
    return {
        "run": run,
        **pile_results(run=run, viewer=request),
        **resume_blind.blind_context(request),
    }


def pile_run(request: HttpRequest, pk: int) -> TemplateResponse:
    """One ranking: its progress while it runs (htmx polls this; 286 stops the polling), then
    its results."""
    run = get_object_or_404(_runs(request), pk=pk)
    context = _run_context(request, run)
    if request.htmx:
        response = TemplateResponse(request, TEMPLATE + "#run", context)
        if run.is_finished:
            response.status_code = 286
        return response
    return TemplateResponse(request, "matching/pile_run.html", context)


@throttled("match", methods=None)
def pile_run_explain(request: HttpRequest, pk: int, resume_pk: int) -> TemplateResponse:
    run = get_object_or_404(_runs(request), pk=pk)
    resume = get_object_or_404(
        Resume.objects.visible_to(request.user).filter(team_id=run.team_id), pk=resume_pk
    )
    result = blind_services.result_for_page(pile_explain(run=run, resume=resume), request)
    return TemplateResponse(
        request,
        "matching/_explanation.html" if request.htmx else "matching/explanation_page.html",
        {
            "r": result,
            "resume": result.resume,
            "open": True,
            "pile": run,
            **resume_blind.blind_context(request),
        },
    )


def pile_run_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The ranked table as CSV, for a saved job or a pasted description alike."""
    run = get_object_or_404(_runs(request), pk=pk)
    response = HttpResponse(pile_results_csv(run=run, viewer=request), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="ranking-{run.pk}.csv"'
    return response
