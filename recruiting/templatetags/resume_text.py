"""Resume text on pages: the pieces the selectors cut, escaped, with each skill's evidence marked."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from recruiting.selectors import TextPiece

register = template.Library()


@register.filter
def marked(pieces: Iterable[TextPiece]) -> SafeString:
    """``<mark title="skill">evidence</mark>`` for each skill's piece, the rest as text."""
    return mark_safe(  # noqa: S308 - every piece is escaped
        "".join(
            format_html('<mark title="{}">{}</mark>', piece.skill, piece.text)
            if piece.skill
            else escape(piece.text)
            for piece in pieces
        )
    )
