"""Events the recruiting app announces; the matching app listens (dependencies point one way)."""

from django.dispatch import Signal

# Sent after documents were embedded, on commit. kwargs: kind ("resume" | "job"), ids (list[int]).
documents_embedded = Signal()
# Sent after documents were deleted or closed. kwargs: kind, ids.
documents_removed = Signal()
