"""Category predictions for free texts with the active model version."""

from __future__ import annotations

from config.exceptions import ApplicationError
from matching.services.registry import active_classifier


def classify_texts(*, kind: str, texts: list[str]) -> list[dict]:
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
