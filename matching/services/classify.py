"""Category predictions for free texts with the active model version."""

from __future__ import annotations

from config.exceptions import ApplicationError
from matching.services.registry import active_classifier

# Characters one request may have classified, all its texts together (and so the longest text).
# The model's passes grow with the characters: 100,000 characters of prose are ~100 windows of
# 254 word-pieces (~3 s on 2 cores), text dense in symbols up to ~450. Without it, 100 texts of
# 200,000 characters were 6,400 windows, minutes of both cores for one request.
CLASSIFY_MAX_TOTAL_CHARS = 100_000


def classify_texts(*, kind: str, texts: list[str]) -> list[dict]:
    """Category, confidence and runners-up per text. ``ApplicationError`` (400) when the texts
    together exceed ``CLASSIFY_MAX_TOTAL_CHARS``, (409) while no classifier is active."""
    total = sum(len(t) for t in texts)
    if total > CLASSIFY_MAX_TOTAL_CHARS:
        limit = f"{CLASSIFY_MAX_TOTAL_CHARS:,}"
        raise ApplicationError(
            f"The texts hold {total:,} characters together; one request may classify at most "
            f"{limit} (CLASSIFY_MAX_TOTAL_CHARS): send them in several requests.",
            code="too_large",
            extra={"fields": {"texts": [f"At most {limit} characters in all."]}},
        )
    classifier = active_classifier(kind)
    if classifier is None:
        raise ApplicationError(
            "No trained category classifier is active yet: train one with `make train DATA=../shared/data` "
            "(the public labelled sets) or `manage.py retrain` (the pipeline as params.yaml sets it).",
            code="no_model",
            status=409,
        )
    predictions = classifier.predict(list(texts))
    return [
        {
            "category": p.label,
            "confidence": round(float(p.confidence), 4),
            "uncertain": p.label is None,
            "top": [
                {"category": label, "probability": round(float(prob), 4)} for label, prob in p.top
            ],
        }
        for p in predictions
    ]
