"""Query-string filters shared by the APIs."""

from __future__ import annotations

from datetime import UTC

from django.core.exceptions import ValidationError
from django_filters import fields
from django_filters import rest_framework as filters


class UTCIsoDateTimeField(fields.IsoDateTimeField):
    """An ISO 8601 date-time, turned into UTC: PostgreSQL refuses offsets past ±15:59 (a 500),
    and one near the ends of the calendar cannot be converted (a 400 saying so)."""

    def to_python(self, value):
        parsed = super().to_python(value)
        if parsed is None or parsed.tzinfo is None:
            return parsed
        try:
            return parsed.astimezone(UTC)
        except OverflowError:
            raise ValidationError("The date-time is out of range.", code="invalid") from None


class UTCIsoDateTimeFilter(filters.IsoDateTimeFilter):
    field_class = UTCIsoDateTimeField
