"""Events the recruiting app announces; the matching app listens (dependencies point one way)."""

from django.dispatch import Signal

# Sent after documents were embedded, on commit. kwargs: kind ("resume" | "job"), ids (list[int]).
documents_embedded = Signal()
# Sent after documents were deleted or closed. kwargs: kind, ids.
documents_removed = Signal()
# Sent inside the transaction that erases or anonymises resumes, before their rows change, so
# that listeners remove what they derived from them (feedback notes) in the same transaction.
# kwargs: kind ("resume"), ids.
personal_data_removed = Signal()
