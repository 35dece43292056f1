"""Rank a pile: resumes uploaded now and/or candidates already in the team's pool, ranked against
a saved job (its requirements, or lists given for this ranking only) or a pasted description.

Starting a run checks every input before anything is stored, stores the files, records a
``PileRun`` and queues it; the run reads the new resumes one by one (progress on the row), then
ranks and stores the results, which pages poll and the CSV export reads (each candidate as
the viewer may see them under blind review).
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Sequence

from django.db import transaction

from config.celery import task_named
from config.exceptions import ApplicationError
from matching.models import PileRun
from matching.services import matching as match_services
from recruiting.models import Job, Resume, user_team_id
from recruiting.services.blind import resume_for_page
from recruiting.services.jobs import job_text_has_words
from recruiting.services.requirements import terms_resolve
from recruiting.services.resumes import UploadedFileLike, resume_process, resumes_upload
from recruiting.services.runs import run_claim, run_finish, run_lease, runs_recover

logger = logging.getLogger(__name__)

MAX_PILE = 500


def _fields_error(message: str, **fields: str) -> ApplicationError:
    return ApplicationError(
        message, code="invalid", extra={"fields": {k: [v] for k, v in fields.items()}}
    )


def pile_run_start(
    *,
    user,
    job: Job | None = None,
    title: str = "",
    description: str = "",
    must_have: Sequence[str] = (),
    nice_to_have: Sequence[str] = (),
    exclude: Sequence[str] = (),
    files: Sequence[tuple[str, bytes] | UploadedFileLike] = (),
    resumes: Sequence[Resume] = (),
    whole_pool: bool = False,
) -> PileRun:
    """Check the inputs, store the uploaded files in the user's team pool and queue the run.

    Raises ``ApplicationError`` naming the field (``job``, ``description``, ``must_have``,
    ``nice_to_have``, ``exclude``, ``files``) before anything is stored when an input is
    wrong, and when none of the files could be read and no candidate from the pool was chosen.
    A file that cannot be read (too large, or past the request's parse-time budget: see
    ``resumes_upload``) is reported on the run; the others are ranked.

    No transaction spans the whole call: the files are read and stored one by one, each in its
    own short transaction, so parsing never holds a write lock (SQLite's IMMEDIATE transactions
    lock the whole database). Every input is checked before the first file is read; should the
    run still fail to save, the files stored stay in the pool as plain uploads.
    """
    team_id = user_team_id(user)
    if job is not None and job.team_id != team_id and not user.is_staff:
        raise _fields_error("Pick one of your team's jobs.", job="Not one of your team's jobs.")
    if job is None and not job_text_has_words(title=title, description=description):
        raise _fields_error(
            "Pick a job or paste a job description.",
            job="Pick a job, or paste a description below.",
            description="Paste a description, or pick a job above.",
        )
    terms_resolve(required=must_have, nice=nice_to_have, excluded=exclude)
    pool_ids = [r.pk for r in resumes if r.team_id == team_id]
    if whole_pool:
        # Ids only, and one more than a pile holds: a pool of thousands is refused without
        # loading its rows (text, sections).
        ready = Resume.objects.filter(team_id=team_id).ready().filter(anonymised_at=None)
        pool_ids = list(ready.values_list("pk", flat=True)[: MAX_PILE + 1])
    if not files and not pool_ids:
        raise _fields_error(
            "Add resumes: upload files, or pick candidates from your pool.",
            files="Choose files, or pick candidates from the pool.",
        )
    total = len(files) + len(pool_ids)
    if total > MAX_PILE:
        count = f"more than {MAX_PILE}" if len(pool_ids) > MAX_PILE else str(total)
        raise _fields_error(
            f"At most {MAX_PILE} resumes in one pile; this one has {count}.",
            files=f"At most {MAX_PILE} resumes in one pile.",
        )
    run = PileRun(
        team_id=team_id,
        created_by=user,
        job=job,
        title=title.strip()[:300],
        description=description,
        must_have=list(must_have),
        nice_to_have=list(nice_to_have),
        exclude=list(exclude),
        stage="Waiting to start",
    )
    run.full_clean(exclude=["resume_ids", "refused", "total"])
    outcomes = resumes_upload(owner=user, files=files, process=False)
    refused = [{"filename": o.filename, "error": o.error} for o in outcomes if o.resume is None]
    ids = list(dict.fromkeys([o.resume.pk for o in outcomes if o.resume] + pool_ids))
    if not ids:
        reasons = "; ".join(f"{r['filename']}: {r['error']}" for r in refused)
        raise _fields_error(
            "None of the files could be read: " + reasons,
            files="None of these files could be read: " + reasons,
        )
    run.resume_ids = ids
    run.refused = refused
    run.total = len(ids)
    with transaction.atomic():
        run.save()
        task_named("matching.tasks.pile_run_task").delay_in_background(run.pk)
    return run


def _progress(run: PileRun, **fields) -> None:
    PileRun.objects.filter(pk=run.pk).update(**fields)


def pile_requirements(run: PileRun) -> match_services.Requirements:
    given = {"required": run.must_have, "nice": run.nice_to_have, "excluded": run.exclude}
    if run.job_id:
        # Lists given for this ranking replace the job's lists of the same kind; the job
        # itself is not changed.
        return match_services.job_requirements(
            run.job, **{kind: (names or None) for kind, names in given.items()}
        )
    return match_services.free_text_requirements(
        title=run.title,
        description=run.description,
        must_have=run.must_have,
        nice_to_have=run.nice_to_have,
        exclude=run.exclude,
    )


def pile_run_execute(*, run_id: int) -> PileRun:
    """Carry out a queued run: read the new resumes (progress), rank, store the results. Safe
    to run twice: the run is claimed (``recruiting.services.runs``), and held with a lease while
    it works, so a run whose worker died is taken over by the recovery sweep."""
    run = PileRun.objects.select_related("job").get(pk=run_id)
    if not run_claim(run):
        return run
    with run_lease(run):
        _progress(run, stage="Reading the resumes")
        try:
            _read_resumes(run)
            _progress(run, stage="Ranking")
            _rank(run)
        except ApplicationError as exc:
            run_finish(run, status=PileRun.Status.FAILED, message=exc.message, stage="")
            return run
        except Exception as exc:
            logger.exception("pile run %s failed", run_id)
            run_finish(
                run, status=PileRun.Status.FAILED, message=f"The ranking failed: {exc}", stage=""
            )
            return run
        run_finish(run, status=PileRun.Status.SUCCEEDED, stage="")
        return run


def _read_resumes(run: PileRun) -> None:
    waiting = (Resume.Status.PENDING, Resume.Status.PROCESSING, Resume.Status.FAILED)
    statuses = dict(Resume.objects.filter(pk__in=run.resume_ids).values_list("id", "status"))
    done = sum(1 for pk in run.resume_ids if statuses.get(pk) not in waiting)
    _progress(run, processed=done)
    for pk in run.resume_ids:
        if statuses.get(pk) not in waiting:
            continue
        try:
            resume_process(resume_id=pk)
        except Exception:  # the resume is marked failed with the reason; the others go on
            logger.warning("pile run %s: resume %s failed to process", run.pk, pk)
        done += 1
        _progress(run, processed=done)


def _rank(run: PileRun) -> None:
    if run.job_id is None and not (run.title or run.description):
        raise ApplicationError("The job of this ranking was deleted.")
    resumes = list(
        Resume.objects.filter(pk__in=run.resume_ids, team_id=run.team_id).select_related("category")
    )
    ready = [r for r in resumes if r.status == Resume.Status.READY and r.anonymised_at is None]
    page = match_services.rank_resumes(
        requirements=pile_requirements(run), resumes=ready, job=run.job, explain_top=0
    )
    ranked = {r.resume.pk for r in page.results}
    results = [
        {
            "resume_id": r.resume.pk,
            "score": r.breakdown.total,
            "parts": dict(r.breakdown.parts),
            "matched_required": list(r.breakdown.matched_required),
            "missing_required": list(r.breakdown.missing_required),
            "matched_nice": list(r.breakdown.matched_nice),
            "excluded_present": list(r.breakdown.excluded_present),
        }
        for r in page.results
    ]
    skipped = [
        {"resume_id": r.pk, "reason": r.error or r.get_status_display()}
        for r in resumes
        if r.pk not in ranked
    ]
    _progress(run, results=results, skipped=skipped, model_version=page.model_version)


def pile_results(*, run: PileRun, viewer) -> dict:
    """The run's ranked rows and skipped candidates, each with its resume as ``viewer`` (a
    request or a session) may see it under blind review. An erased candidate leaves them."""
    ids = [r["resume_id"] for r in run.results] + [s["resume_id"] for s in run.skipped]
    resumes = {
        r.pk: resume_for_page(r, viewer)
        for r in Resume.objects.filter(pk__in=ids, team_id=run.team_id).select_related("category")
    }
    return {
        "rows": [
            {"resume": resumes[r["resume_id"]], **r}
            for r in run.results
            if r["resume_id"] in resumes
        ],
        "skipped": [
            {"resume": resumes[s["resume_id"]], "reason": s["reason"]}
            for s in run.skipped
            if s["resume_id"] in resumes
        ],
    }


def pile_results_csv(*, run: PileRun, viewer) -> str:
    """The ranked table as CSV, for a saved job or a pasted description alike; names as
    ``viewer`` may see them. ``ApplicationError`` (409) while the run has no results."""
    if run.status != PileRun.Status.SUCCEEDED:
        raise ApplicationError("This ranking has no results yet.", code="not_ready", status=409)
    rows = pile_results(run=run, viewer=viewer)["rows"]
    parts = list(rows[0]["parts"]) if rows else []
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["rank", "resume_id", "candidate", "score", *parts, "matched_required", "missing_required"]
    )
    for i, row in enumerate(rows, start=1):
        writer.writerow(
            [
                i,
                row["resume_id"],
                _csv_safe(row["resume"].display_name),
                row["score"],
                *[row["parts"].get(p, "") for p in parts],
                "; ".join(row["matched_required"]),
                "; ".join(row["missing_required"]),
            ]
        )
    return out.getvalue()


def _csv_safe(value: str) -> str:
    # A cell starting with = + - @ is run as a formula by spreadsheet programs.
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def pile_explain(*, run: PileRun, resume: Resume) -> match_services.MatchResult:
    """Why one candidate of the pile got their score (computed again, nothing stored)."""
    if resume.pk not in run.resume_ids:
        raise ApplicationError("This candidate is not in that pile.", code="not_found", status=404)
    page = match_services.rank_resumes(
        requirements=pile_requirements(run), resumes=[resume], job=run.job, explain_top=1
    )
    if not page.results:
        raise ApplicationError(
            "This candidate could not be ranked (not processed).", code="not_ready", status=409
        )
    return page.results[0]


def pile_requeue_stale(*, now=None) -> list[int]:
    """Send again the runs whose task was lost or whose worker died (the runs' shared recovery,
    ``recruiting.services.runs.runs_recover``); a run claims itself, so one that arrives after
    all runs once."""
    return runs_recover(PileRun, send=task_named("matching.tasks.pile_run_task").delay, now=now)
