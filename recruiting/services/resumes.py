"""Resume workflow: validate and parse the upload, store it once, then skills, embedding and
category (the classifier the settings name, see ``recruiting.services.classification``).

Parsing runs before anything is stored, so a bad file leaves no row and no file behind. The slow
part (embedding) runs as a task after commit; each step records its status on the row.

Uploads are bounded: each file is read at most to UPLOAD_MAX_BYTES (``upload_read``; the upload
handler ``config.uploads`` already stops a larger one while it streams in), the files of one
request are read one at a time, and one request spends at most UPLOAD_REQUEST_PARSE_SECONDS
reading them (``resumes_upload``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from config.celery import task_named
from config.exceptions import ApplicationError
from recruiting.models import Resume, ResumeEmbedding, ResumeSkill, user_team_id
from recruiting.parsing import FileLimits, ParsedResume, ParseError, parse_resume
from recruiting.parsing.contacts import MAX_LINK_CHARS
from recruiting.parsing.errors import format_bytes
from recruiting.services.blind import resume_blind_text
from recruiting.services.classification import documents_classify
from recruiting.services.embedding import embedder_get, embeddings_store
from recruiting.services.taxonomy import skill_ids_by_name, taxonomy_get

logger = logging.getLogger(__name__)

# A word a person could read: 2 to 40 letters between non-letters. Nothing but symbols, emoji
# or one letter repeated a hundred thousand times is not a resume.
_WORD = re.compile(r"(?<![^\W\d_])[^\W\d_]{2,40}(?![^\W\d_])")


MAX_LINKS = 20  # a resume's links kept among its contacts, each of MAX_LINK_CHARS at most


@dataclass(frozen=True)
class UploadOutcome:
    """One file of an upload: the resume (new or existing) or the reason it was refused."""

    filename: str
    resume: Resume | None
    created: bool
    error: str = ""
    code: str = ""


class UploadedFileLike(Protocol):
    """An uploaded file as the services read it (Django's uploads, ``config.uploads``)."""

    name: str
    size: int | None

    def read(self, size: int = -1) -> bytes: ...


def file_limits(*, parse_seconds: float | None = None) -> FileLimits:
    """The parser's limits for one uploaded file; ``parse_seconds`` shortens its deadline."""
    limits = FileLimits(max_bytes=settings.UPLOAD_MAX_BYTES)
    if parse_seconds is not None and parse_seconds < limits.timeout_s:
        limits = dataclasses.replace(limits, timeout_s=max(parse_seconds, 0.0))
    return limits


def upload_read(upload) -> bytes:
    """The bytes of one uploaded file (``name``, ``size``, ``read()``: a Django upload, or the
    ``config.uploads.TooLargeUpload`` left of a file stopped while it streamed in), reading at
    most one byte past UPLOAD_MAX_BYTES whatever size it claims.

    Raises ApplicationError (400, ``too_large``) naming the file and the limit."""
    limit = settings.UPLOAD_MAX_BYTES
    size = getattr(upload, "size", None)
    if size is None or size <= limit:
        data = upload.read(limit + 1)
        if len(data) <= limit:
            return data
    raise ApplicationError(
        f"The file {upload.name} is larger than the limit of {format_bytes(limit)} per file "
        "(UPLOAD_MAX_BYTES).",
        code="too_large",
    )


def resume_create(
    *,
    owner,
    data: bytes,
    filename: str,
    team=None,
    process: bool = True,
    parse_seconds: float | None = None,
) -> tuple[Resume, bool]:
    """Store one uploaded file as a resume in ``team``'s pool (default: the owner's team); the
    same bytes twice in one team, from any member, return the existing resume. Its processing
    task is queued unless ``process`` is off (a caller that processes it itself, with progress).
    ``parse_seconds`` shortens the parser's deadline (what is left of a request's budget).

    The resume comes back as it is once the call's transaction hooks have run: with in-process
    tasks (or outside any transaction) processing has finished, and its status says so.
    Raises ApplicationError (400) with the parser's message for a file that is refused.
    """
    sha = hashlib.sha256(data).hexdigest()
    team_id = team.pk if team is not None else user_team_id(owner)
    existing = Resume.objects.filter(team_id=team_id, sha256=sha).order_by("id").first()
    if existing is not None:
        if process and _needs_processing(existing):
            # The client sends it again: its processing task may have been lost, or its worker
            # killed; send it again too (processing claims the row, so a task that was not lost
            # does nothing twice).
            task_named("recruiting.tasks.resume_process_task").delay_on_commit(existing.pk)
            existing.refresh_from_db()
        return existing, False
    try:
        parsed = parse_resume(data, filename, limits=file_limits(parse_seconds=parse_seconds))
    except ParseError as exc:
        raise ApplicationError(str(exc), code=exc.code) from exc
    if parsed.status != "needs_ocr" and not _WORD.search(parsed.text):
        raise ApplicationError(
            "The document has no readable words (only symbols, emoji or runs of one letter).",
            code="empty",
        )
    return _resume_store(
        owner=owner,
        team_id=team_id,
        parsed=parsed,
        data=data,
        filename=parsed.safe_filename,
        process=process,
    )


def _processing_lapsed(now=None):
    """Before this, a resume still "processing" lost its worker (killed mid-task): processing a
    resume takes seconds, and its claim holds for the run lease."""
    return (now or timezone.now()) - timedelta(seconds=settings.RUN_LEASE_SECONDS)


def _needs_processing(resume: Resume) -> bool:
    if resume.status in (Resume.Status.PENDING, Resume.Status.FAILED):
        return True
    return resume.status == Resume.Status.PROCESSING and resume.updated_at < _processing_lapsed()


def resume_create_from_text(*, owner, text: str, name: str = "", team=None) -> tuple[Resume, bool]:
    """Store pasted resume text; identical text twice returns the existing resume."""
    if not text or not text.strip():
        raise ApplicationError("The resume text is empty.", code="empty")
    data = text.encode("utf-8")
    if len(data) > settings.UPLOAD_MAX_BYTES:
        raise ApplicationError(
            f"The text is {len(data) / 1e6:.1f} MB; the limit is {settings.UPLOAD_MAX_BYTES / 1e6:.0f} MB.",
            code="too_large",
        )
    resume, created = resume_create(owner=owner, data=data, filename="pasted.txt", team=team)
    if created and name:
        resume.candidate_name = name[:200]
        resume.blind_text = resume_blind_text(resume)
        resume.save(update_fields=["candidate_name", "blind_text", "updated_at"])
    return resume, created


def resumes_upload(
    *,
    owner,
    files: Iterable[tuple[str, bytes] | UploadedFileLike],
    team=None,
    process: bool = True,
    request_budget: bool = True,
) -> list[UploadOutcome]:
    """Many files at once: one bad file is reported and the others go in.

    ``files`` holds (name, bytes) pairs or uploaded files, each read (``upload_read``) only when
    its turn comes. With ``request_budget`` (a web request; a command turns it off) the files
    share UPLOAD_REQUEST_PARSE_SECONDS: once it is spent, the files left are refused
    (``parse_budget``, "upload it again") without being read, and nothing of them is stored;
    the files read before are kept.
    """
    budget = settings.UPLOAD_REQUEST_PARSE_SECONDS if request_budget else None
    started = time.monotonic()
    outcomes = []
    for item in files:
        filename = item[0] if isinstance(item, tuple) else item.name
        try:
            left = None if budget is None else budget - (time.monotonic() - started)
            if left is not None and left <= 0:
                raise _budget_spent(filename, budget)
            data = item[1] if isinstance(item, tuple) else upload_read(item)
            try:
                resume, created = resume_create(
                    owner=owner,
                    data=data,
                    filename=filename,
                    team=team,
                    process=process,
                    parse_seconds=left,
                )
            except ApplicationError as exc:
                if exc.code == "timeout" and left is not None and left < file_limits().timeout_s:
                    # Cut short by the request's budget, not by the file's own deadline.
                    raise _budget_spent(filename, budget) from exc
                raise
            finally:
                del data  # the next file is read once this one is gone
        except ApplicationError as exc:
            outcomes.append(
                UploadOutcome(
                    filename=filename, resume=None, created=False, error=exc.message, code=exc.code
                )
            )
        else:
            outcomes.append(UploadOutcome(filename=filename, resume=resume, created=created))
    return outcomes


def _budget_spent(filename: str, budget: float) -> ApplicationError:
    return ApplicationError(
        f"{filename} was not read: this request's parse-time budget ({budget:g} s, "
        "UPLOAD_REQUEST_PARSE_SECONDS) is spent on the files before it. Upload it again, "
        "on its own or with fewer files.",
        code="parse_budget",
    )


def _resume_store(
    *, owner, team_id: int, parsed: ParsedResume, data: bytes, filename: str, process: bool = True
) -> tuple[Resume, bool]:
    contacts = parsed.contacts
    links = [link for link in contacts.links if len(link) <= MAX_LINK_CHARS]
    warnings = list(parsed.warnings)
    if dropped := len(contacts.links) - len(links):
        warnings.append(
            f"{dropped} link{'s' if dropped > 1 else ''} longer than {MAX_LINK_CHARS:,} "
            f"characters {'were' if dropped > 1 else 'was'} left out of the contacts."
        )
    resume = Resume(
        owner=owner,
        team_id=team_id,
        sha256=parsed.sha256,
        original_filename=filename[:255],
        file_kind=parsed.kind,
        file_size=len(data),
        candidate_name=(contacts.name or "")[:200],
        email=(contacts.emails[0] if contacts.emails else "")[:254],
        phone=(contacts.phones[0] if contacts.phones else "")[:64],
        links=links[:MAX_LINKS],
        text=parsed.text,
        content_hash=hashlib.sha256(parsed.text.encode("utf-8")).hexdigest(),
        sections=[{"name": s.name, "start": s.start, "end": s.end} for s in parsed.sections],
        years_experience=parsed.years_experience,
        warnings=warnings,
        steps={"parse": "ok"},
    )
    resume.blind_text = resume_blind_text(resume)
    if parsed.status == "needs_ocr":
        resume.status = Resume.Status.NEEDS_OCR
        resume.error = (
            "The PDF has no text layer (a scan or image): it needs OCR before it can be matched."
        )
    try:
        with transaction.atomic():
            resume.full_clean(exclude=["original_file"], validate_unique=False)
            resume.save()
            # Saved after the row exists, so a failed insert leaves no orphan file.
            resume.original_file.save(filename, ContentFile(data), save=True)
            if resume.status != Resume.Status.NEEDS_OCR:
                _resume_extract_skills(resume)
    except IntegrityError:
        # Two uploads of the same file raced: the other one won, return it.
        _delete_stored_file(resume)
        existing = (
            Resume.objects.filter(team_id=team_id, sha256=parsed.sha256).order_by("id").first()
        )
        if existing is None:
            raise
        return existing, False
    except BaseException:
        _delete_stored_file(resume)  # the row was rolled back: its file must not stay behind
        raise
    if process and resume.status != Resume.Status.NEEDS_OCR:
        task_named("recruiting.tasks.resume_process_task").delay_on_commit(resume.pk)
        resume.refresh_from_db()  # in-process tasks may have processed it already
    return resume, True


def _delete_stored_file(resume: Resume) -> None:
    if resume.original_file and resume.original_file.name:
        resume.original_file.storage.delete(resume.original_file.name)


def _resume_extract_skills(resume: Resume) -> None:
    taxonomy = taxonomy_get()
    contexts = [
        (s["start"], s["end"]) for s in resume.sections if s["name"] in {"skills", "certifications"}
    ]
    matches = taxonomy.extract(resume.text, contexts=contexts)
    ids = skill_ids_by_name(m.name for m in matches)
    ResumeSkill.objects.filter(resume=resume).delete()
    ResumeSkill.objects.bulk_create(
        [
            ResumeSkill(
                resume=resume, skill_id=ids[m.name.lower()], spans=[list(s) for s in m.spans]
            )
            for m in matches
            if m.name.lower() in ids
        ]
    )
    resume.steps = {**resume.steps, "skills": f"ok ({len(matches)})"}
    resume.save(update_fields=["steps", "updated_at"])


def resume_process(*, resume_id: int) -> Resume | None:
    """Embed a parsed resume, mark it ready and classify it (after commit); safe to run twice
    (skips an unchanged embedding).

    The claim holds for the run lease: a second task while the first works does nothing; once
    the lease has passed with the row still "processing", its worker is gone and a task (the
    redelivered one, the sweep's, a re-upload's) takes it over."""
    now = timezone.now()
    claimed = Resume.objects.filter(
        Q(status__in=[Resume.Status.PENDING, Resume.Status.FAILED])
        | Q(status=Resume.Status.PROCESSING, updated_at__lt=_processing_lapsed(now)),
        pk=resume_id,
    ).update(status=Resume.Status.PROCESSING, updated_at=now)
    resume = Resume.objects.filter(pk=resume_id).first()
    if resume is None or not claimed:
        return resume
    try:
        if "skills" not in resume.steps:
            _resume_extract_skills(resume)
        resumes_embed([resume])
    except Exception as exc:
        logger.exception("resume %s failed to process", resume_id)
        Resume.objects.filter(pk=resume_id).update(
            status=Resume.Status.FAILED,
            error=f"Processing failed: {type(exc).__name__}: {exc}"[:2000],
        )
        raise
    documents_classify(kind="resume", ids=[resume_id])
    resume.refresh_from_db()
    return resume


def resumes_embed(resumes: list[Resume]) -> None:
    """Embed resumes in one batch (the skipped ones already have a vector for this content)."""
    todo = [r for r in resumes if not _has_current_embedding(r)]
    if todo:
        embeddings_store(
            model=ResumeEmbedding, owner_field="resume", objects=todo, texts=[r.text for r in todo]
        )
    for r in resumes:
        r.steps = {**r.steps, "embedding": "ok"}
        r.status = Resume.Status.READY
        r.error = ""
        r.save(update_fields=["steps", "status", "error", "updated_at"])


def _has_current_embedding(resume: Resume) -> bool:
    return ResumeEmbedding.objects.filter(
        resume=resume, model_id=embedder_get().model_id, content_hash=resume.content_hash
    ).exists()
