"""The job desk's candidates: the ranking (decided candidates left out unless asked for), the
pipeline by stage, one-click stage moves and Undo, a candidate's page for a job (stage, notes,
timeline, explanation), and the old shortlist/reject buttons. Thin: parse, call a service,
render."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from config.exceptions import ApplicationError
from config.throttling import throttled
from matching.forms import FeedbackForm, NoteForm, StageMoveForm, StageUndoForm
from matching.models import Application, ApplicationEvent
from matching.services import blind as blind_services
from matching.services import feedback as feedback_services
from matching.services import matching as match_services
from matching.services import pipeline
from matching.services.desk import desk_ranking, desk_stage_rows, desk_stage_tabs
from matching.views.pages import safe_next
from recruiting import selectors as recruiting_selectors
from recruiting.models import Job, Resume
from recruiting.services import blind as resume_blind


def _job(request: HttpRequest, pk: int) -> Job:
    return get_object_or_404(Job.objects.visible_to(request.user), pk=pk)


def _pair(request: HttpRequest, job_pk: int, resume_pk: int) -> tuple[Job, Resume]:
    job = _job(request, job_pk)
    resume = get_object_or_404(
        Resume.objects.visible_to(request.user).filter(team_id=job.team_id), pk=resume_pk
    )
    return job, resume


@throttled("match", methods=None)  # the work of GET /api/v1/jobs/{id}/candidates/
def job_candidates(request: HttpRequest, pk: int) -> TemplateResponse:
    """The job page's candidates: ranked (rejected and hired ones left out unless
    ``?show=decided``), or the candidates in one pipeline stage (``?stage=``). A partial under
    HTMX, the whole job page without JavaScript."""
    job = recruiting_selectors.job_for_desk(user=request.user, pk=pk)
    stage = request.GET.get("stage", "")
    stage = stage if stage in Application.Stage.values else ""
    show_decided = request.GET.get("show") == "decided"
    context = {
        **recruiting_selectors.job_desk_context(job=job, user=request.user),
        **resume_blind.blind_context(request),
        **desk_stage_tabs(job=job),
        "stage": stage,
        "stage_label": Application.Stage(stage).label if stage else "",
        "show_decided": show_decided,
        "reasons": Application.RejectionReason.choices,
    }
    if stage:
        context["rows"] = desk_stage_rows(job=job, stage=stage, viewer=request)
    else:
        try:
            context |= desk_ranking(
                job=job, user=request.user, viewer=request, show_decided=show_decided
            )
        except ApplicationError as exc:
            context["error"] = exc.message
    template = "matching/job_candidates.html"
    return TemplateResponse(
        request, template + "#candidates" if request.htmx else template, context
    )


def _stage_context(request, job: Job, resume: Resume, place: str) -> dict:
    application = Application.objects.filter(job=job, resume=resume).first()
    return {
        "job": job,
        "resume": resume_blind.resume_for_page(resume, request),
        "application": application,
        "undo": pipeline.undoable_change(application) if application else None,
        "reasons": Application.RejectionReason.choices,
        "place": place,
    }


@require_POST
def application_move(request: HttpRequest, job_pk: int, resume_pk: int) -> HttpResponse:
    """One click moves a candidate to a stage (rejecting needs a reason). Under HTMX the stage
    control comes back in place (focus stays on it) with the stage counts."""
    job, resume = _pair(request, job_pk, resume_pk)
    form = StageMoveForm(request.POST)
    if not form.is_valid():
        error = " ".join(form.errors.get("stage", ["Choose a stage."]))
        return _stage_response(request, job, resume, error=error, status=400)
    try:
        # The form's fields are the move's: stage, reason, note.
        pipeline.application_move(job=job, resume=resume, actor=request.user, **form.cleaned_data)
    except ApplicationError as exc:
        return _stage_response(request, job, resume, error=exc.message, status=exc.status)
    return _stage_response(request, job, resume)


@require_POST
def application_undo(request: HttpRequest, job_pk: int, resume_pk: int) -> HttpResponse:
    """Undo takes back the candidate's last stage change (the one the page showed, ``event``),
    answered like a move: the stage control in place, the counts and the timeline."""
    job, resume = _pair(request, job_pk, resume_pk)
    form = StageUndoForm(request.POST)
    if not form.is_valid():
        return _stage_response(request, job, resume, error="Reload the page to undo.", status=400)
    try:
        pipeline.application_undo(
            job=job, resume=resume, actor=request.user, event_id=form.cleaned_data["event"]
        )
    except ApplicationError as exc:
        return _stage_response(request, job, resume, error=exc.message, status=exc.status)
    return _stage_response(request, job, resume)


def _stage_response(
    request: HttpRequest, job: Job, resume: Resume, *, error: str = "", status: int = 200
) -> HttpResponse:
    """After a move or an undo: the stage control under HTMX (with the stage counts on the job
    page, the timeline on the candidate's), else back to the page with the error as a message."""
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect(
            safe_next(request) or reverse("matching:candidate_for_job", args=[job.pk, resume.pk])
        )
    place = request.POST.get("place", "row")
    context = _stage_context(request, job, resume, place)
    if error:
        context["move_error"] = error
    if place == "row":
        tab = request.POST.get("tab", "")
        context |= {**desk_stage_tabs(job=job), "oob_tabs": True, "stage": tab}
    if place == "pair":
        context["events"] = _timeline(job, resume)
    return TemplateResponse(request, "matching/_stage.html", context, status=status)


def _timeline(job: Job, resume: Resume) -> list[ApplicationEvent]:
    return list(
        ApplicationEvent.objects.filter(application__job=job, application__resume=resume)
        .select_related("actor")
        .order_by("-created_at", "-id")[:100]
    )


def candidate_for_job(request: HttpRequest, job_pk: int, resume_pk: int) -> TemplateResponse:
    """A candidate for one job: stage (with every move), notes and timeline, explanation."""
    job, resume = _pair(request, job_pk, resume_pk)
    context = {
        **_stage_context(request, job, resume, "pair"),
        **resume_blind.blind_context(request),
        "events": _timeline(job, resume),
        "note_form": NoteForm(),
        "stages": Application.Stage.choices,
    }
    return TemplateResponse(request, "matching/candidate_for_job.html", context)


@require_POST
def application_note(request: HttpRequest, job_pk: int, resume_pk: int) -> HttpResponse:
    """Add a note to the candidate's application; the timeline comes back with it on top."""
    job, resume = _pair(request, job_pk, resume_pk)
    form = NoteForm(request.POST)
    status = 200
    if form.is_valid():
        try:
            pipeline.application_note_add(
                job=job, resume=resume, actor=request.user, text=form.cleaned_data["text"]
            )
        except ApplicationError as exc:
            form.add_service_error(exc)
    if form.errors:
        status = 400
    elif not request.htmx:
        messages.success(request, "Note added.")
        return redirect("matching:candidate_for_job", job.pk, resume.pk)
    else:
        form = NoteForm()
    context = {
        **_stage_context(request, job, resume, "pair"),
        "events": _timeline(job, resume),
        "note_form": form,
        "note_saved": status == 200,
    }
    template = "matching/candidate_for_job.html"
    return TemplateResponse(
        request, template + "#notes" if request.htmx else template, context, status=status
    )


@require_POST
def feedback_submit(request: HttpRequest, job_pk: int, resume_pk: int) -> HttpResponse:
    """The first shortlist/reject buttons, kept for old links and forms: the decision is
    recorded and moves the candidate's application (see feedback_record)."""
    job, resume = _pair(request, job_pk, resume_pk)
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
    if not request.htmx:
        shown = resume_blind.resume_for_page(resume, request)
        messages.success(request, f"{shown.display_name}: {fb.get_decision_display().lower()}.")
        return redirect("matching:job_candidates", pk=job.pk)
    return TemplateResponse(
        request, "matching/_stage.html", _stage_context(request, job, resume, "row")
    )


@throttled("match", methods=None)  # the work of GET /api/v1/explain/
def explanation(request: HttpRequest, job_pk: int, resume_pk: int) -> TemplateResponse:
    job, resume = _pair(request, job_pk, resume_pk)
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
