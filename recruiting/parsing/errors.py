"""The one exception type the parsing layer raises for a file it refuses."""

from __future__ import annotations

__all__ = ["ParseError", "format_bytes"]


class ParseError(ValueError):
    """A file was refused. ``code`` is a short stable slug, ``str(err)`` a human message.

    Codes: ``bad_filename``, ``empty``, ``too_large``, ``unsupported_type``,
    ``type_mismatch``, ``encrypted``, ``corrupt``, ``zip_bomb``, ``xml_entities``,
    ``page_bomb``, ``stream_bomb``, ``timeout``.
    The web/API layer maps every ParseError to HTTP 400 with ``{"code", "detail"}``.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"ParseError(code={self.code!r}, message={self.message!r})"


def format_bytes(n: int) -> str:
    """12.3 MB / 10 MB / 512 KB / 17 bytes (binary units, as limits are set in MiB)."""
    if n >= 1024 * 1024:
        value, unit = n / (1024 * 1024), "MB"
    elif n >= 1024:
        value, unit = n / 1024, "KB"
    else:
        return f"{n} bytes"
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return f"{text} {unit}"
