"""DOCX text in reading order: headers, body (paragraphs, tables, content controls,
text boxes), footers.

python-docx opens the package (after :func:`check_docx_zip` vetted it); the text is read
by walking the WordprocessingML elements ourselves, because ``Paragraph.text`` and
``Document.iter_inner_content`` skip content controls (``w:sdt``) and text boxes, which
resume templates use a lot.
"""

from __future__ import annotations

import io
import warnings
import zipfile

from .errors import ParseError
from .model import FileLimits
from .zip_safety import check_docx_zip

__all__ = ["extract_docx"]

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_W = f"{{{W}}}"
_P, _TBL, _TR, _TC, _SDT, _SDT_CONTENT = (
    _W + "p",
    _W + "tbl",
    _W + "tr",
    _W + "tc",
    _W + "sdt",
    _W + "sdtContent",
)
_T, _TAB, _BR, _CR, _TXBX = _W + "t", _W + "tab", _W + "br", _W + "cr", _W + "txbxContent"
_NO_BREAK_HYPHEN, _SOFT_HYPHEN, _SYM = _W + "noBreakHyphen", _W + "softHyphen", _W + "sym"
_DEL, _MOVE_FROM = _W + "del", _W + "moveFrom"
_FALLBACK = f"{{{MC}}}Fallback"
_CUSTOM_XML = _W + "customXml"
_SMART_TAG = _W + "smartTag"
_VMERGE = _W + "vMerge"
_VAL = _W + "val"
_CONTAINERS = (_SDT, _SDT_CONTENT, _CUSTOM_XML, _SMART_TAG, _W + "body")


def extract_docx(data: bytes, limits: FileLimits) -> str:
    check_docx_zip(data, limits)
    try:
        import docx  # python-docx
        from docx.opc.exceptions import PackageNotFoundError
        from lxml import etree
    except ImportError as exc:  # pragma: no cover - dependency of the project
        raise RuntimeError("python-docx is required to read DOCX files") from exc
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            document = docx.Document(io.BytesIO(data))
    except PackageNotFoundError as exc:
        raise ParseError("corrupt", "The DOCX package is incomplete or damaged.") from exc
    except ValueError as exc:  # e.g. "file is not a Word file, content type is ..."
        raise ParseError("unsupported_type", f"The file is not a Word document: {exc}.") from exc
    except (KeyError, AttributeError, TypeError) as exc:
        raise ParseError("corrupt", f"The DOCX package is damaged: {exc}.") from exc
    except etree.LxmlError as exc:  # XML the safety scan's expat accepts but lxml does not
        raise ParseError("corrupt", f"The DOCX package holds malformed XML: {exc}.") from exc
    except zipfile.BadZipFile as exc:  # e.g. local and central headers name different files
        raise ParseError("corrupt", f"The DOCX package is damaged: {exc}.") from exc

    blocks: list[str] = []
    try:
        before, after = _header_footer_elements(document)
        body = document.element.body
    except AttributeError as exc:  # the main part's root is not a w:document
        raise ParseError("corrupt", f"The DOCX document part is damaged: {exc}.") from exc
    for element in before:
        _walk_block(element, blocks)
    if body is not None:
        _walk_block(body, blocks)
    for element in after:
        _walk_block(element, blocks)
    return "\n".join(blocks)


def _header_footer_elements(document) -> tuple[list, list]:
    """Distinct header/footer parts: the ones shown on page 1 go before the body, the
    running ones of later pages ("Name - Page 2 of 3") and all footers after it."""
    before, after, seen = [], [], set()
    for index, section in enumerate(document.sections):
        try:
            first_differs = bool(section.different_first_page_header_footer)
        except (AttributeError, ValueError):
            first_differs = False
        order = (
            ("first_page_header", first_differs),
            ("header", not first_differs),
            ("even_page_header", False),
            ("first_page_footer", False),
            ("footer", False),
            ("even_page_footer", False),
        )
        for attr, on_first_page in order:
            try:
                part = getattr(section, attr)
                if part.is_linked_to_previous:
                    continue
                element = part._element  # the w:hdr / w:ftr element
            except (AttributeError, KeyError, ValueError):
                continue
            if element is None or id(element) in seen:
                continue
            seen.add(id(element))
            (before if on_first_page and index == 0 else after).append(element)
    return before, after


def _walk_block(container, out: list[str]) -> None:
    """Append the text of block-level children (p, tbl, sdt, ...) in document order."""
    for child in container.iterchildren():
        tag = child.tag
        if tag == _P:
            _paragraph(child, out)
        elif tag == _TBL:
            _table(child, out)
        elif tag in _CONTAINERS or tag.endswith("}sdtContent"):
            _walk_block(child, out)


def _table(tbl, out: list[str]) -> None:
    for tr in tbl.iterchildren(_TR):
        cells: list[str] = []
        for tc in tr.iterchildren(_TC):
            props = tc.find(_W + "tcPr")
            vmerge = props.find(_VMERGE) if props is not None else None
            if vmerge is not None and vmerge.get(_VAL) in (None, "continue"):
                continue  # continuation of a vertically merged cell: text is above
            cell_blocks: list[str] = []
            _walk_block(tc, cell_blocks)
            text = "\n".join(b for b in cell_blocks if b.strip())
            if text:
                cells.append(text)
        if not cells:
            continue
        if all("\n" not in c for c in cells):
            out.append(" | ".join(cells))  # a row of short cells reads as one line
        else:
            out.extend(cells)


def _paragraph(p, out: list[str]) -> None:
    parts: list[str] = []
    boxes: list = []
    _runs_text(p, parts, boxes)
    out.append("".join(parts))
    for box in boxes:  # text boxes anchored in this paragraph follow it
        _walk_block(box, out)


def _runs_text(element, parts: list[str], boxes: list) -> None:
    for child in element.iterchildren():
        tag = child.tag
        if not isinstance(tag, str):  # comments, processing instructions
            continue
        if tag == _T:
            parts.append(child.text or "")
        elif tag == _TAB:
            parts.append("\t")
        elif tag in (_BR, _CR):
            parts.append("\n")
        elif tag == _NO_BREAK_HYPHEN:
            parts.append("-")
        elif tag == _SOFT_HYPHEN:
            parts.append("\u00ad")
        elif tag == _SYM:
            parts.append("•")
        elif tag == _TXBX:
            boxes.append(child)
        elif tag in (_DEL, _MOVE_FROM, _FALLBACK, _W + "instrText", _W + "delText"):
            continue  # deleted revisions, duplicate fallback content, field codes
        elif tag == _P:  # only reachable inside unusual wrappers
            _runs_text(child, parts, boxes)
            parts.append("\n")
        else:
            _runs_text(child, parts, boxes)
