"""Categories of embedded documents (recruiting calls ``documents_classify`` through
``settings.DOCUMENTS_CLASSIFIER``), and what the matching app does when recruiting announces
removed documents or personal data."""

from __future__ import annotations

import logging

import numpy as np
from django.db.models import Q
from django.utils import timezone

from matching.models import ApplicationEvent, MatchFeedback
from matching.services.registry import active_classifier
from matching.services.store import store_forget
from recruiting.models import Category, Job, JobEmbedding, Resume, ResumeEmbedding

logger = logging.getLogger(__name__)


def documents_classify(*, kind: str, ids: list[int]) -> int:
    """Predict the category of documents. A resume is classified once, when it has none; a
    job's predicted category is predicted again (its text or the model changed). Human labels
    are kept: a category a recruiter chose (``category_manual``) and one a job board gave (no
    confidence) are never overwritten."""
    classifier = active_classifier(kind)
    if classifier is None:
        return 0
    if kind == "resume":
        emb_model, owner = ResumeEmbedding, "resume_id"
        docs = list(Resume.objects.filter(pk__in=ids, category__isnull=True))
    else:
        emb_model, owner = JobEmbedding, "job_id"
        docs = list(
            Job.objects.filter(pk__in=ids, category_manual=False).filter(
                Q(category__isnull=True) | Q(category_confidence__isnull=False)
            )
        )
    if not docs:
        return 0
    # The stored vectors are the classifier's embedding features: nothing is encoded again.
    vectors = {
        getattr(e, owner): e.as_array()
        for e in emb_model.objects.filter(
            **{f"{owner}__in": [d.pk for d in docs]}, model_id=classifier.embedder_model_id_
        )
    }
    docs = [d for d in docs if d.pk in vectors]
    if not docs:
        return 0
    texts = [d.text if kind == "resume" else f"{d.title}\n{d.description_text}" for d in docs]
    predictions = classifier.predict(texts, embeddings=np.vstack([vectors[d.pk] for d in docs]))
    by_slug = {c.slug: c for c in Category.objects.all()}
    for doc, pred in zip(docs, predictions, strict=True):
        doc.category = by_slug.get(pred.label) if pred.label else None
        doc.category_confidence = round(float(pred.confidence), 4)
        if kind == "resume":
            doc.save(update_fields=["category", "category_confidence", "updated_at"])
        else:
            # Conditional: a recruiter who chose a category meanwhile wins.
            Job.objects.filter(pk=doc.pk, category_manual=False).update(
                category=doc.category,
                category_confidence=doc.category_confidence,
                updated_at=timezone.now(),
            )
    return len(docs)


def jobs_reclassify(*, batch_size: int = 500) -> int:
    """Classify again every job whose category the model set (or could not set) with the active
    version: after an activation, old predictions follow the new model. Chosen and board
    categories stay (see ``documents_classify``). Returns how many jobs were classified."""
    ids = list(
        Job.objects.filter(category_manual=False)
        .filter(Q(category__isnull=True) | Q(category_confidence__isnull=False))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return sum(
        documents_classify(kind="job", ids=ids[i : i + batch_size])
        for i in range(0, len(ids), batch_size)
    )


def on_documents_removed(sender, *, kind: str, ids: list[int], **kwargs) -> None:
    """Erasure: the stores forget the documents at once, and their BM25 index their texts."""
    store_forget(kind)


def on_personal_data_removed(sender, *, kind: str, ids: list[int], **kwargs) -> None:
    """Erasure and anonymisation: recruiters' notes may name the candidate; the decisions stay
    (anonymised candidates keep them for statistics), and so do the pipeline's stage changes."""
    if kind == "resume":
        MatchFeedback.objects.filter(resume_id__in=ids).exclude(note="").update(note="")
        events = ApplicationEvent.objects.filter(application__resume_id__in=ids)
        events.filter(kind=ApplicationEvent.Kind.NOTE).delete()
        events.exclude(note="").update(note="")
