"""Check a DOCX (ZIP) container before python-docx opens it.

The sizes in ZIP headers are written by whoever made the file, so they are not trusted:
every entry's raw deflate data is decompressed here in a streaming loop and the bytes it
really produces are counted against one budget. XML parts are fed, chunk by chunk, to a
defusedxml parser that forbids DTDs and entities (XXE, billion laughs) and counts
elements (a tree of millions of tiny elements is a memory bomb too). Memory stays at
one chunk plus the parser state whatever the file claims.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from .errors import ParseError, format_bytes
from .model import FileLimits

__all__ = ["check_docx_zip"]

_CHUNK = 64 * 1024
_LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")
_LOCAL_MAGIC = b"PK\x03\x04"
_XML_SUFFIXES = (".xml", ".rels")
_DANGEROUS = (b"<!DOCTYPE", b"<!ENTITY")
_DANGEROUS_ANY = tuple(
    variant
    for token in _DANGEROUS
    for variant in (token, token.decode().encode("utf-16-le"), token.decode().encode("utf-16-be"))
)
_SCAN_OVERLAP = max(len(t) for t in _DANGEROUS_ANY)


class _CountingTarget:
    """A TreeBuilder stand-in that keeps nothing but a count."""

    def __init__(self, budget: list[int], limit: int) -> None:
        self.budget = budget
        self.limit = limit

    def start(self, tag, attrs):
        self.budget[0] += 1
        if self.budget[0] > self.limit:
            raise ParseError(
                "zip_bomb",
                f"The document's XML has more than {self.limit:,} elements; "
                "that is far beyond any resume.",
            )

    def end(self, tag):
        return None

    def data(self, data):
        return None

    def close(self):
        return None


def check_docx_zip(data: bytes, limits: FileLimits) -> None:
    """Raise ParseError (zip_bomb, xml_entities, encrypted, corrupt) or return None."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError) as exc:
        raise ParseError("corrupt", f"The DOCX container is damaged: {exc}.") from exc
    with zf:
        infos = zf.infolist()
        if len(infos) > limits.max_zip_entries:
            raise ParseError(
                "zip_bomb",
                f"The DOCX has {len(infos):,} entries; the limit is {limits.max_zip_entries:,}.",
            )
        total = 0
        elements = [0]
        for info in infos:
            if info.flag_bits & 0x1:
                raise ParseError(
                    "encrypted", "The DOCX is password-protected; upload an unprotected copy."
                )
            total = _inflate_entry(data, info, total, limits, elements)


def _raw_entry(data: bytes, info: zipfile.ZipInfo) -> memoryview:
    offset = info.header_offset
    header = data[offset : offset + _LOCAL_HEADER.size]
    if len(header) != _LOCAL_HEADER.size:
        raise ParseError("corrupt", f"The DOCX entry {info.filename!r} is cut off.")
    fields = _LOCAL_HEADER.unpack(header)
    if fields[0] != _LOCAL_MAGIC:
        raise ParseError("corrupt", f"The DOCX entry {info.filename!r} has a bad local header.")
    start = offset + _LOCAL_HEADER.size + fields[9] + fields[10]
    end = start + info.compress_size
    if end > len(data):
        raise ParseError("corrupt", f"The DOCX entry {info.filename!r} is cut off.")
    return memoryview(data)[start:end]


def _inflate_entry(
    data: bytes, info: zipfile.ZipInfo, total: int, limits: FileLimits, elements: list[int]
) -> int:
    raw = _raw_entry(data, info)
    budget = limits.max_inflated_bytes
    if info.compress_type == zipfile.ZIP_STORED:
        decompressor = None
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        decompressor = zlib.decompressobj(-zlib.MAX_WBITS)
    else:
        raise ParseError(
            "corrupt",
            f"The DOCX entry {info.filename!r} uses compression method {info.compress_type}, "
            "which Word does not write.",
        )
    is_xml = info.filename.lower().endswith(_XML_SUFFIXES)
    parser = None
    if is_xml:
        parser = DefusedXMLParser(
            target=_CountingTarget(elements, limits.max_xml_elements),
            forbid_dtd=True,
            forbid_entities=True,
            forbid_external=True,
        )
    produced = 0
    crc = 0
    tail = b""
    pos = 0
    raw_len = len(raw)
    while True:
        if decompressor is None:
            chunk = bytes(raw[pos : pos + _CHUNK])
            pos += len(chunk)
            done = pos >= raw_len
        else:
            # Feed compressed input in slices and never ask for more output than the
            # remaining budget + 1 byte: memory is bounded by _CHUNK whatever the ratio.
            if decompressor.unconsumed_tail:
                src = decompressor.unconsumed_tail
            else:
                src = bytes(raw[pos : pos + _CHUNK])
                pos += len(src)
            want = min(_CHUNK, budget - total - produced + 1)
            try:
                chunk = decompressor.decompress(src, max(want, 1))
            except zlib.error as exc:
                raise ParseError(
                    "corrupt", f"The DOCX entry {info.filename!r} does not decompress: {exc}."
                ) from exc
            done = decompressor.eof or (
                pos >= raw_len and not decompressor.unconsumed_tail and not chunk
            )
        produced += len(chunk)
        if total + produced > budget:
            raise ParseError(
                "zip_bomb",
                f"The DOCX inflates to more than {format_bytes(budget)} "
                f"(entry {info.filename!r}); the limit is {format_bytes(budget)}.",
            )
        if chunk:
            crc = zlib.crc32(chunk, crc)
            if is_xml:
                window = tail + chunk
                if any(token in window for token in _DANGEROUS_ANY):
                    raise _entities_error(info.filename)
                tail = window[-_SCAN_OVERLAP:]
                _feed(parser, chunk, info.filename)
        if done:
            break
    if is_xml:
        _feed(parser, None, info.filename)
    if produced != info.file_size:
        raise ParseError(
            "corrupt",
            f"The DOCX entry {info.filename!r} inflates to {produced:,} bytes but its header "
            f"says {info.file_size:,}: the ZIP headers are inconsistent.",
        )
    if crc != info.CRC:
        raise ParseError("corrupt", f"The DOCX entry {info.filename!r} fails its CRC check.")
    return total + produced


def _entities_error(name: str) -> ParseError:
    return ParseError(
        "xml_entities",
        f"The DOCX part {name!r} declares a DTD or XML entities, which Word never writes "
        "(XXE / entity-expansion attack); the file was refused.",
    )


def _feed(parser: DefusedXMLParser | None, chunk: bytes | None, name: str) -> None:
    if parser is None:
        return
    try:
        if chunk is None:
            parser.close()
        else:
            parser.feed(chunk)
    except DefusedXmlException as exc:
        raise _entities_error(name) from exc
    except ParseError:
        raise
    except Exception as exc:  # xml.etree.ElementTree.ParseError and expat errors
        raise ParseError(
            "corrupt", f"The DOCX part {name!r} is not well-formed XML: {exc}."
        ) from exc
