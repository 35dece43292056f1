"""Erasure and anonymisation: the one place that removes a candidate's personal data, whatever
asked for it (the API, the admin's delete and bulk delete, the retention command).

Everything derived from the resume goes with it: the original file, the stored and cached
embeddings, the feedback notes (matching listens to ``personal_data_removed``), and the entries
of every vector and BM25 index: this process drops them when the transaction commits, rewriting
the saved index too, and every other process drops them on its next search, from the audit
events (see ``erasures_since``). The audit event holds ids and the path only, and the admin log
names the row "Resume #id", never the candidate.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat
from django.utils import timezone

from recruiting.models import AuditEvent, Resume, ResumeEmbedding, ResumeSkill
from recruiting.services.embedding import embedding_cache_forget
from recruiting.signals import documents_removed, personal_data_removed

logger = logging.getLogger(__name__)

REMOVALS = (AuditEvent.Action.ERASED, AuditEvent.Action.ANONYMISED)


@transaction.atomic
def resumes_erase(*, resumes: Iterable[Resume], actor=None, via: str) -> int:
    """Delete candidates and everything derived from them; returns how many were erased.
    ``via`` says which path asked ("api", "admin", ...) for the audit log."""
    rows = _locked(resumes)
    for resume in rows:
        _audit(resume, AuditEvent.Action.ERASED, actor=actor, via=via)
    _remove_derived(rows)
    Resume.objects.filter(pk__in=[r.pk for r in rows]).delete()  # skills, vectors, feedback
    return len(rows)


@transaction.atomic
def resumes_anonymise(*, resumes: Iterable[Resume], actor=None, via: str = "retention") -> int:
    """Strip the personal data (name, contacts, text, file, vectors, feedback notes) and keep
    the row with its skills and category for statistics; it is never matched again. Safe to
    run twice: an anonymised resume is left as it is. Returns how many were anonymised."""
    rows = [r for r in _locked(resumes) if r.anonymised_at is None]
    if not rows:
        return 0
    for resume in rows:
        _audit(resume, AuditEvent.Action.ANONYMISED, actor=actor, via=via)
    _remove_derived(rows)
    ids = [r.pk for r in rows]
    Resume.objects.filter(pk__in=ids).update(
        candidate_name="",
        email="",
        phone="",
        links=[],
        text="",
        blind_text="",
        sections=[],
        warnings=[],
        error="",
        original_filename="",
        original_file="",
        anonymised_at=timezone.now(),
    )
    ResumeSkill.objects.filter(resume_id__in=ids).update(spans=[])
    ResumeEmbedding.objects.filter(resume_id__in=ids).delete()
    return len(rows)


def erasures_since(event_id: int) -> tuple[int, list[int]]:
    """The resumes erased or anonymised after the audit event ``event_id``, and the id of the
    last such event (``event_id`` when there is none): indexes that hold resumes replay these."""
    rows = list(
        AuditEvent.objects.filter(id__gt=event_id, action__in=REMOVALS, object_type="resume")
        .order_by("id")
        .values_list("id", "object_id")
    )
    if not rows:
        return event_id, []
    return rows[-1][0], [object_id for _, object_id in rows]


def erasures_latest() -> int:
    """The id of the latest erasure or anonymisation event (0 when there is none)."""
    last = (
        AuditEvent.objects.filter(action__in=REMOVALS, object_type="resume")
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    return last or 0


def _locked(resumes: Iterable[Resume]) -> list[Resume]:
    """The rows themselves, locked: two erasures of one resume run one after the other."""
    ids = [r.pk for r in resumes]
    return list(Resume.objects.select_for_update().filter(pk__in=ids).order_by("pk"))


def _audit(resume: Resume, action: str, *, actor, via: str) -> None:
    AuditEvent.objects.create(
        actor=actor,
        action=action,
        object_type="resume",
        object_id=resume.pk,
        details={"via": via, "file_kind": resume.file_kind},
    )


def _remove_derived(rows: list[Resume]) -> None:
    """What lives beside the rows: admin log names, feedback notes (now), the files, cached
    vectors and index entries (once the transaction has committed)."""
    ids = [r.pk for r in rows]
    # Older admin log entries may carry the name the row was shown under then.
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Resume), object_id__in=[str(i) for i in ids]
    ).update(object_repr=Concat(Value("Resume #"), "object_id"))
    personal_data_removed.send(sender=Resume, kind="resume", ids=ids)
    files = [(r.original_file.storage, r.original_file.name) for r in rows if r.original_file]
    texts = [r.text for r in rows if r.text]

    def after_commit() -> None:
        for storage, name in files:
            try:
                storage.delete(name)
            except OSError:  # the orphan sweep removes it later
                logger.exception("could not delete the file of an erased resume")
        for text in texts:
            embedding_cache_forget(text)
        documents_removed.send(sender=Resume, kind="resume", ids=ids)

    transaction.on_commit(after_commit)
