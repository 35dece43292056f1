"""Check a PDF with pypdf, under hard limits, before the text extractor touches it.

Why a pre-check and not only a subprocess: the text extractor (pdfminer, via pdfplumber)
decodes every stream it reads without any output limit, so a 300 KB page whose content
stream inflates to 500 MB would take 500 MB of memory inside the worker. pypdf (7.x) has
per-decode output limits (``pypdf.apply_configuration``, a context variable, so it is
thread-safe), which makes it a good gatekeeper. Here we:

1. open the file with pypdf; a password-protected file (one that does not open with the
   empty user password) is refused (``encrypted``);
2. read the page count — the declared ``/Count`` first (cheap), then the real page tree
   (bounded by pypdf's page-tree limits) — and refuse more than ``max_pages``
   (``page_bomb``) before anything is extracted;
3. decode every stream the extractor would read for those pages — page contents, form
   XObjects (recursively), Type 3 glyph procedures, fonts and their ToUnicode / CMap
   streams — under two budgets: decoded page-content operators at most
   ``max_pdf_content_bytes`` (the extractor's run time is about linear in that) and all
   decoded streams at most ``max_inflated_bytes``. pypdf stops decoding as soon as a
   budget would be exceeded, so memory stays around the budget whatever the
   compression ratio or the nesting of filters (``stream_bomb``);
4. count how often each form XObject is drawn (``/Name Do``) and refuse a document whose
   effective content (forms expanded, every page) exceeds the content budget: that is what
   the extractor interprets, and a small form drawn a million times through nested forms is
   a time bomb that no single stream shows.

Image streams are not decoded (text extraction does not decode them). The extractor then
runs in-process on a file whose expensive parts have all been measured, counting the
characters it draws against ``max_pdf_chars`` (see ``extract_pdf``); a cooperative deadline
(``timeout_s``) between pages is the backstop. A subprocess with rlimits would
also catch unknown pathologies, but costs ~0.3 s of interpreter start-up per file and
cannot be forked from Celery's daemonic prefork workers; it can be added around
``parse_resume`` by the caller if ever needed.
"""

from __future__ import annotations

import io
import re
import time
from dataclasses import dataclass, field

from .errors import ParseError, format_bytes
from .model import FileLimits

__all__ = ["PdfInfo", "check_pdf"]

_MAX_DEPTH = 12
_MAX_OBJECTS = 20_000
_DO_OPERATOR = re.compile(rb"/([^\s/\[\]<>(){}%]+)\s*Do\b")


@dataclass
class PdfInfo:
    pages: int
    password: str | None = None  # "" when the file opened with the empty user password
    warnings: list[str] = field(default_factory=list)
    content_bytes: int = 0
    decoded_bytes: int = 0


class _Budget:
    def __init__(self, limits: FileLimits, deadline: float | None) -> None:
        self.limits = limits
        self.content = 0
        self.effective = 0  # content with every form counted as often as it is drawn
        self.total = 0
        self.objects = 0
        self.deadline = deadline
        self.seen: dict[int, int] = {}  # id of decoded stream -> effective content size

    def tick(self) -> None:
        self.objects += 1
        if self.objects > _MAX_OBJECTS:
            raise ParseError(
                "stream_bomb", f"The PDF references more than {_MAX_OBJECTS:,} resources."
            )
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise ParseError(
                "timeout",
                f"Checking the PDF took longer than {self.limits.timeout_s:g} s; "
                "the file was refused.",
            )


def check_pdf(data: bytes, limits: FileLimits, deadline: float | None = None) -> PdfInfo:
    from pypdf import PdfReader, apply_configuration
    from pypdf.errors import FileNotDecryptedError, LimitReachedError, PyPdfError

    config = {
        "page_tree_maximum_entries": max(1000, limits.max_pages * 20),
        "page_tree_maximum_page_entries": max(10_000, limits.max_pages * 100),
    }
    try:
        with apply_configuration(**config):
            reader = PdfReader(io.BytesIO(data), strict=False)
            password = None
            if reader.is_encrypted:
                try:
                    opened = reader.decrypt("")
                except (PyPdfError, NotImplementedError, ValueError, KeyError):
                    opened = 0
                if not opened:
                    raise ParseError(
                        "encrypted",
                        "The PDF is password-protected; upload a copy without a password.",
                    )
                password = ""
            pages = _page_count(reader, limits)
            info = PdfInfo(pages=pages, password=password)
            if password == "":
                info.warnings.append("The PDF has an owner password (restrictions); it was read.")
            budget = _Budget(limits, deadline)
            for index in range(pages):
                page = reader.pages[index]
                _check_page(page, index, budget)
            info.content_bytes = budget.content
            info.decoded_bytes = budget.total
            return info
    except ParseError:
        raise
    except LimitReachedError as exc:
        raise ParseError("stream_bomb", f"The PDF exceeds a structural limit: {exc}.") from exc
    except FileNotDecryptedError as exc:
        raise ParseError(
            "encrypted", "The PDF is password-protected; upload a copy without a password."
        ) from exc
    except RecursionError as exc:
        raise ParseError("corrupt", "The PDF structure is nested too deeply.") from exc
    except (
        PyPdfError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        AssertionError,
        OSError,
        NotImplementedError,
    ) as exc:
        raise ParseError("corrupt", f"The PDF is damaged and cannot be read ({exc}).") from exc


def _page_bomb(count: int, limits: FileLimits) -> ParseError:
    return ParseError(
        "page_bomb", f"The PDF has {count:,} pages; the limit is {limits.max_pages:,}."
    )


def _page_count(reader, limits: FileLimits) -> int:
    try:
        declared = int(reader.trailer["/Root"]["/Pages"]["/Count"])
    except (KeyError, TypeError, ValueError):
        declared = None
    if declared is not None and declared > limits.max_pages:
        raise _page_bomb(declared, limits)
    from pypdf.errors import LimitReachedError

    try:
        real = len(reader.pages)
    except LimitReachedError as exc:
        raise ParseError("page_bomb", f"The PDF page tree is larger than allowed ({exc}).") from exc
    if real > limits.max_pages:
        raise _page_bomb(real, limits)
    return real


def _check_page(page, index: int, budget: _Budget) -> None:
    from pypdf.generic import ArrayObject

    contents = page.get("/Contents")
    contents = contents.get_object() if contents is not None else None
    if isinstance(contents, ArrayObject):
        streams = list(contents)
    else:  # (a stream with an empty dictionary is falsy: compare with None)
        streams = [contents] if contents is not None else []
    resources = _resolve(page.get("/Resources"))
    effective = 0
    forms = _forms(resources)
    for ref in streams:
        data = _decode(ref, budget, content=True, where=f"page {index + 1}")
        effective += len(data) + _expand_forms(data, forms, budget, depth=1)
    _check_resources(resources, budget, depth=1)
    budget.effective += effective
    limit = budget.limits.max_pdf_content_bytes
    if budget.effective > limit:
        raise ParseError(
            "stream_bomb",
            f"The PDF's drawing instructions, with its forms drawn as often as the pages draw "
            f"them, amount to more than {format_bytes(limit)} (by page {index + 1}); "
            f"the limit is {format_bytes(limit)}.",
        )


def _resolve(obj):
    return obj.get_object() if obj is not None else None


def _forms(resources) -> dict:
    xobjects = _resolve(resources.get("/XObject")) if resources else None
    if not xobjects:
        return {}
    out = {}
    for name, ref in xobjects.items():
        obj = _resolve(ref)
        if obj is not None and obj.get("/Subtype") == "/Form":
            out[name.lstrip("/").encode("latin-1", "replace")] = ref
    return out


def _expand_forms(data: bytes, forms: dict, budget: _Budget, depth: int) -> int:
    """Effective size of the forms that ``data`` draws (count x size, recursively)."""
    if not forms or b"Do" not in data:
        return 0
    if depth > _MAX_DEPTH:
        raise ParseError("stream_bomb", "The PDF nests forms deeper than allowed.")
    total = 0
    for match in _DO_OPERATOR.finditer(data):
        ref = forms.get(match.group(1))
        if ref is None:
            continue
        total += _form_effective(ref, budget, depth)
        if total > budget.limits.max_pdf_content_bytes:
            return total  # already over: no need to count further
    return total


def _form_effective(ref, budget: _Budget, depth: int) -> int:
    key = _key(ref)
    if key in budget.seen:
        return budget.seen[key]
    budget.seen[key] = 0  # a form drawing itself counts once (cycle guard)
    form = _resolve(ref)
    data = _decode(form, budget, content=True, where="a form XObject")
    inner = _forms(_resolve(form.get("/Resources")))
    effective = len(data) + _expand_forms(data, inner, budget, depth + 1)
    budget.seen[key] = effective
    return effective


def _key(ref) -> int:
    idnum = getattr(ref, "idnum", None)
    return idnum if idnum is not None else id(_resolve(ref))


def _check_resources(resources, budget: _Budget, depth: int) -> None:
    """Decode (and so measure) what the extractor reads from a resource dictionary."""
    if not resources or depth > _MAX_DEPTH:
        if depth > _MAX_DEPTH:
            raise ParseError("stream_bomb", "The PDF nests resources deeper than allowed.")
        return
    xobjects = _resolve(resources.get("/XObject")) or {}
    for ref in xobjects.values():
        obj = _resolve(ref)
        if obj is None or obj.get("/Subtype") != "/Form":
            continue  # images are not decoded by the text extractor
        key = ("res", _key(ref))
        if key in budget.seen:
            continue
        budget.seen[key] = 0
        budget.tick()
        _form_effective(ref, budget, depth)
        _check_resources(_resolve(obj.get("/Resources")), budget, depth + 1)
    fonts = _resolve(resources.get("/Font")) or {}
    for ref in fonts.values():
        _check_font(ref, budget, depth)


def _check_font(ref, budget: _Budget, depth: int) -> None:
    key = ("font", _key(ref))
    if key in budget.seen:
        return
    budget.seen[key] = 0
    budget.tick()
    font = _resolve(ref)
    if font is None or not hasattr(font, "get"):
        return
    for name in ("/ToUnicode", "/Encoding"):
        obj = _resolve(font.get(name))
        if obj is not None and hasattr(obj, "get_data"):
            _decode(obj, budget, content=False, where="a font map")
    descriptor = _resolve(font.get("/FontDescriptor"))
    if descriptor is not None:
        for name in ("/FontFile", "/FontFile2", "/FontFile3"):
            obj = _resolve(descriptor.get(name))
            if obj is not None and hasattr(obj, "get_data"):
                _decode(obj, budget, content=False, where="an embedded font")
    for descendant in _resolve(font.get("/DescendantFonts")) or []:
        _check_font(descendant, budget, depth + 1)
    if font.get("/Subtype") == "/Type3":
        for proc in (_resolve(font.get("/CharProcs")) or {}).values():
            _decode(_resolve(proc), budget, content=True, where="a Type 3 glyph")
        _check_resources(_resolve(font.get("/Resources")), budget, depth + 1)


def _decode(stream, budget: _Budget, *, content: bool, where: str) -> bytes:
    """Decode one stream with pypdf, never producing more than the remaining budget."""
    from pypdf import apply_configuration
    from pypdf.errors import LimitReachedError

    if stream is None or not hasattr(stream, "get_data"):
        return b""
    budget.tick()
    limits = budget.limits
    remaining_total = limits.max_inflated_bytes - budget.total
    remaining = remaining_total
    if content:
        remaining = min(remaining, limits.max_pdf_content_bytes - budget.content)
    cap = max(remaining, 0) + 1
    try:
        with apply_configuration(
            zlib_maximum_output_length=cap,
            lzw_maximum_output_length=cap,
            run_length_maximum_output_length=cap,
            brotli_maximum_output_length=cap,
            array_based_stream_maximum_output_length=cap,
            jbig2_maximum_output_length=cap,
            stream_decoding_work_maximum_length=max(4 * cap, 1 << 20),
        ):
            data = stream.get_data()
    except LimitReachedError as exc:
        raise _bomb(where, content, limits) from exc
    if isinstance(data, str):
        data = data.encode("latin-1", "replace")
    size = len(data)
    if size > remaining:
        raise _bomb(where, content, limits)
    budget.total += size
    if content:
        budget.content += size
    return data


def _bomb(where: str, content: bool, limits: FileLimits) -> ParseError:
    if content:
        return ParseError(
            "stream_bomb",
            f"The PDF's drawing instructions ({where}) decompress to more than "
            f"{format_bytes(limits.max_pdf_content_bytes)}; the limit is "
            f"{format_bytes(limits.max_pdf_content_bytes)}.",
        )
    return ParseError(
        "stream_bomb",
        f"The PDF's streams ({where}) decompress to more than "
        f"{format_bytes(limits.max_inflated_bytes)}; the limit is "
        f"{format_bytes(limits.max_inflated_bytes)}.",
    )
