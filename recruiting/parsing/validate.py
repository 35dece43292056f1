"""Checks done before any parser sees the bytes: file name, size, and type sniffing.

The type is decided from the content (magic numbers), never from the extension; the
extension is only compared with it.
"""

from __future__ import annotations

import io
import os
import re
import unicodedata
import zipfile

from .errors import ParseError, format_bytes
from .model import FileLimits

__all__ = [
    "KIND_BY_EXTENSION",
    "check_filename",
    "check_size",
    "decode_text",
    "detect_kind",
    "looks_like_html",
]

KIND_BY_EXTENSION = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".txt": "txt",
    ".text": "txt",
    ".html": "html",
    ".htm": "html",
}
_TEXT_KINDS = {"txt", "html"}
_ALLOWED = ", ".join(sorted({".pdf", ".docx", ".txt", ".html"}))

_MAX_FILENAME_CHARS = 255
_SAFE_STEM_CHARS = 80
_UNSAFE_RUN = re.compile(r"[^A-Za-z0-9._-]+")
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:")
# Windows device names are unsafe as a base name on some systems.
_RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(10)),
    *(f"lpt{i}" for i in range(10)),
}


def check_filename(filename: str) -> str:
    """Validate the client-supplied name and return its safe base name.

    Refused (``bad_filename``): empty, NUL or other control characters, an absolute
    path (``/x``, ``\\\\x``, ``C:x``), any ``..`` component, names over 255 characters.
    A relative path such as ``cv/jane.pdf`` is reduced to its base name.
    """
    if not isinstance(filename, str) or not filename.strip():
        raise ParseError("bad_filename", "The file name is empty.")
    if len(filename) > _MAX_FILENAME_CHARS:
        raise ParseError(
            "bad_filename",
            f"The file name is {len(filename)} characters long; "
            f"the limit is {_MAX_FILENAME_CHARS}.",
        )
    for ch in filename:
        if ch == "\x00":
            raise ParseError("bad_filename", "The file name contains a NUL byte.")
        if unicodedata.category(ch) in ("Cc", "Cf") and ch != "\u200d":
            raise ParseError(
                "bad_filename", f"The file name contains a control character (U+{ord(ch):04X})."
            )
    if filename.startswith(("/", "\\")) or _WINDOWS_DRIVE.match(filename):
        raise ParseError("bad_filename", "The file name must not be an absolute path.")
    parts = re.split(r"[\\/]+", filename)
    if any(part.strip() == ".." for part in parts):
        raise ParseError("bad_filename", "The file name must not contain '..' path components.")
    base = parts[-1].strip()
    if base in ("", "."):
        raise ParseError("bad_filename", "The file name has no base name.")
    return _safe_base_name(base)


def _safe_base_name(base: str) -> str:
    # Transliterate (é -> e), then keep [A-Za-z0-9._-] only.
    ascii_name = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode("ascii")
    stem, ext = os.path.splitext(ascii_name)
    ext = _UNSAFE_RUN.sub("", ext)[:10].lower()
    stem = _UNSAFE_RUN.sub("_", stem).strip("._-")[:_SAFE_STEM_CHARS].rstrip("._-")
    if not stem or stem.lower() in _RESERVED:
        stem = f"resume_{stem}" if stem else "resume"
    return stem + ext


def check_size(data: bytes, limits: FileLimits) -> None:
    if not data:
        raise ParseError("empty", "The file is empty.")
    if len(data) > limits.max_bytes:
        raise ParseError(
            "too_large",
            f"File is {format_bytes(len(data))}; the limit is {format_bytes(limits.max_bytes)}.",
        )


# --- type sniffing ---------------------------------------------------------------------

_PDF_MAGIC = b"%PDF-"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_OOXML = "EncryptedPackage".encode("utf-16-le")
_BINARY_MAGICS = {
    b"\x89PNG\r\n\x1a\n": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF87a": "a GIF image",
    b"GIF89a": "a GIF image",
    b"II*\x00": "a TIFF image",
    b"MM\x00*": "a TIFF image",
    b"\x7fELF": "an executable",
    b"MZ": "a Windows executable",
    b"\x1f\x8b": "a gzip archive",
    b"Rar!": "a RAR archive",
    b"7z\xbc\xaf\x27\x1c": "a 7-Zip archive",
    b"{\\rtf": "an RTF document",
    b"%!PS": "a PostScript file",
}
_DOCX_MAIN_TYPE = b"wordprocessingml.document.main+xml"
_HTML_START = re.compile(
    r"\A\s*(?:<!doctype\s+html|<html|<head|<body|<title|<meta|<div|<p[\s>]|<h[1-6][\s>]"
    r"|<table|<ul|<section|<article|<br|<b[\s>]|<font|<!--)",
    re.IGNORECASE,
)


def detect_kind(data: bytes) -> str:
    """Return "pdf", "docx", "html" or "txt" from the bytes, or raise ParseError."""
    head = data[:1024]
    if head.startswith(_PDF_MAGIC) or _PDF_MAGIC in head:
        return "pdf"
    if data.startswith(_OLE2_MAGIC):
        if _ENCRYPTED_OOXML in data[: 1024 * 1024]:
            raise ParseError(
                "encrypted", "The document is password-protected; upload an unprotected copy."
            )
        raise ParseError(
            "unsupported_type",
            "This is a legacy Word (.doc) or other OLE2 file; save it as .docx or PDF.",
        )
    if data.startswith(_ZIP_MAGICS):
        return _sniff_zip(data)
    for magic, what in _BINARY_MAGICS.items():
        if data.startswith(magic):
            raise ParseError(
                "unsupported_type", f"The file is {what}; accepted types are {_ALLOWED}."
            )
    text = decode_text(data, sniff_only=True)
    if text is None:
        raise ParseError(
            "unsupported_type",
            f"The file is not a PDF, DOCX, HTML or text document; accepted types are {_ALLOWED}.",
        )
    return "html" if looks_like_html(text) else "txt"


def _sniff_zip(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            if "word/document.xml" in names:
                return "docx"
            if "[Content_Types].xml" in names:
                info = zf.getinfo("[Content_Types].xml")
                if info.file_size <= 1024 * 1024 and info.compress_size <= 1024 * 1024:
                    with zf.open(info) as fh:
                        types = fh.read(1024 * 1024 + 1)
                    if _DOCX_MAIN_TYPE in types:
                        return "docx"
            what = "an OpenDocument file" if "mimetype" in names else "a ZIP archive"
            if any(n.startswith("xl/") for n in names):
                what = "an Excel workbook"
            elif any(n.startswith("ppt/") for n in names):
                what = "a PowerPoint file"
    except zipfile.BadZipFile as exc:
        raise ParseError(
            "corrupt", f"The file looks like a ZIP/DOCX but is damaged: {exc}."
        ) from exc
    except (zipfile.LargeZipFile, NotImplementedError, RuntimeError) as exc:
        raise ParseError("corrupt", f"The ZIP container cannot be read: {exc}.") from exc
    raise ParseError("unsupported_type", f"The file is {what}, not a Word .docx document.")


def looks_like_html(text: str) -> bool:
    return bool(_HTML_START.match(text[:4096].lstrip("\ufeff")))


_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def decode_text(data: bytes, *, sniff_only: bool = False) -> str | None:
    """Decode text bytes: BOM first, then strict UTF-8, then charset-normalizer.

    Returns None when the bytes do not look like text (binary data).
    With ``sniff_only`` only the first 64 KB are decoded (enough to decide the type).
    """
    sample = data[: 64 * 1024] if sniff_only else data
    for bom, encoding in _BOMS:
        if sample.startswith(bom):
            try:
                text = sample.decode(encoding, errors="strict" if not sniff_only else "ignore")
            except UnicodeDecodeError:
                text = sample.decode(encoding, errors="replace")
            text = text.lstrip("\ufeff")
            return text if _mostly_text(text) else None
    if b"\x00" in sample:
        # UTF-16/32 without BOM is rare in uploads; NUL bytes otherwise mean binary.
        guessed = _utf16_without_bom(sample)
        return guessed if guessed is not None and _mostly_text(guessed) else None
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut by the sample boundary is still UTF-8.
        if sniff_only and exc.start >= len(sample) - 3:
            text = sample[: exc.start].decode("utf-8")
        else:
            text = None
    if text is None:
        text = _charset_normalizer_decode(sample)
    if text is None or not _mostly_text(text):
        return None
    return text


def _utf16_without_bom(sample: bytes) -> str | None:
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = max(1, len(sample) // 2)
    if odd_nuls / half > 0.3 and even_nuls / half < 0.05:
        encoding = "utf-16-le"
    elif even_nuls / half > 0.3 and odd_nuls / half < 0.05:
        encoding = "utf-16-be"
    else:
        return None
    return sample[: len(sample) // 2 * 2].decode(encoding, errors="replace")


_WESTERN = ("cp1252", "latin_1", "iso8859_15")


def _charset_normalizer_decode(sample: bytes) -> str | None:
    from charset_normalizer import from_bytes

    matches = from_bytes(sample)
    best = matches.best()
    if best is None:
        return None
    # A short Western text is often a tie between code pages ("Español" reads as
    # "Espańol" in cp1250 just as cleanly); on a tie prefer Windows-1252, the usual
    # encoding of non-UTF-8 uploads.
    chosen = best
    if best.encoding not in _WESTERN:
        for match in matches:
            if (
                match.encoding in _WESTERN
                and match.chaos <= best.chaos + 0.01
                and match.coherence >= best.coherence - 0.01
            ):
                chosen = match
                break
    try:
        return str(chosen)
    except (UnicodeDecodeError, LookupError):
        return None


def _mostly_text(text: str) -> bool:
    """Reject binary garbage: too many control or replacement characters."""
    if not text:
        return True
    sample = text[:20000]
    bad = sum(
        1
        for ch in sample
        if ch == "\ufffd" or (unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f\v")
    )
    return bad / len(sample) < 0.02


def check_extension(safe_filename: str, kind: str) -> str | None:
    """Compare the extension with the sniffed kind.

    Returns a warning string when a text-like extension and content disagree mildly
    (an HTML page saved as .txt); raises ``type_mismatch`` for real disagreements and
    ``unsupported_type`` for extensions that are not accepted at all.
    """
    ext = os.path.splitext(safe_filename)[1].lower()
    if not ext:
        return None
    expected = KIND_BY_EXTENSION.get(ext)
    if expected is None:
        if ext == ".doc":
            raise ParseError(
                "unsupported_type",
                "Legacy Word .doc files are not supported; save as .docx or PDF.",
            )
        raise ParseError(
            "unsupported_type",
            f"Files ending in {ext} are not accepted; accepted types are {_ALLOWED}.",
        )
    if expected == kind:
        return None
    if expected in _TEXT_KINDS and kind in _TEXT_KINDS:
        return (
            f"The file is named {ext} but contains {kind.upper()}; it was read as {kind.upper()}."
        )
    raise ParseError(
        "type_mismatch",
        f"The file is named {ext} but its content is {kind.upper()}; "
        "rename it or upload the original file.",
    )
