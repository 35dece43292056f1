"""Events the recruiting app announces; the matching app listens (dependencies point one way).
Classification is no event: recruiting calls the classifier the settings name
(``recruiting.services.classification``)."""

from django.dispatch import Signal

# Sent after documents were deleted or closed. kwargs: kind, ids.
documents_removed = Signal()
# Sent inside the transaction that erases or anonymises resumes, before their rows change, so
# that listeners remove what they derived from them (feedback notes) in the same transaction.
# kwargs: kind ("resume"), ids.
personal_data_removed = Signal()
