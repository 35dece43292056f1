"""Builders for the resume files the parsing tests feed in, hostile ones included.

Nothing here is stored in the repository: every file is built at test time, in bounded
memory (the 200 MB zip bomb is compressed in 1 MB chunks and never exists inflated).
"""

from __future__ import annotations

import io
import resource
import struct
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

MB = 1024 * 1024

# --- a minimal PDF writer --------------------------------------------------------------


def pdf_stream(data: bytes, extra: bytes = b"", filters: tuple[str, ...] = ()) -> bytes:
    """The body of a stream object (``data`` already encoded with ``filters``)."""
    head = b"<< /Length %d" % len(data)
    if filters:
        head += b" /Filter [" + b" ".join(b"/" + f.encode() for f in filters) + b"]"
    return head + b" " + extra + b" >>\nstream\n" + data + b"\nendstream"


def build_pdf(objects: list[bytes], root: int = 1, trailer_extra: bytes = b"") -> bytes:
    """Serialise numbered objects (1-based, in order) with a correct xref table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root %d 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        root,
        trailer_extra,
        xref,
    )
    return bytes(out)


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252", "replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def text_content(lines: Iterable[tuple[float, float, str]], size: float = 10) -> bytes:
    """Content stream drawing each (x, y, text) with Helvetica (y from the bottom)."""
    ops = [b"BT", b"/F1 %.1f Tf" % size]
    for x, y, text in lines:
        ops.append(b"1 0 0 1 %.1f %.1f Tm %s Tj" % (x, y, _pdf_string(text)))
    ops.append(b"ET")
    return b"\n".join(ops)


_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"


def make_pdf(pages: list[bytes], *, compress: bool = True) -> bytes:
    """A PDF whose pages draw the given content streams with Helvetica as /F1."""
    n = len(pages)
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b"", _FONT]
    kids = []
    for content in pages:
        page_no = len(objects) + 1
        kids.append(b"%d 0 R" % page_no)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (page_no + 1)
        )
        if compress:
            objects.append(pdf_stream(zlib.compress(content), filters=("FlateDecode",)))
        else:
            objects.append(pdf_stream(content))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), n)
    return build_pdf(objects)


def text_pdf(lines: list[str], *, x: float = 72, top: float = 740, leading: float = 14) -> bytes:
    """A one-column text PDF, one page per 48 lines."""
    pages = []
    for start in range(0, max(len(lines), 1), 48):
        chunk = lines[start : start + 48]
        pages.append(text_content((x, top - i * leading, t) for i, t in enumerate(chunk)))
    return make_pdf(pages)


SAMPLE_LINES = [
    "Jane Q. Doe",
    "Berlin, Germany | +49 30 1234 5678 | jane.doe@example.com",
    "linkedin.com/in/janedoe | https://github.com/janedoe",
    "",
    "Professional Summary",
    "Backend engineer with eight years of experience building data platforms.",
    "",
    "Work History",
    "Senior Engineer, Acme GmbH",
    "Jan 2018 - Present",
    "Built the ingestion pipeline in Python and PostgreSQL.",
    "Engineer, Initech",
    "03/2014 - 12/2017",
    "Maintained billing services.",
    "",
    "Education",
    "MSc Computer Science, TU Berlin",
    "2010 - 2014",
    "",
    "Technical Skills",
    "Python, Django, PostgreSQL, Kubernetes",
    "",
    "Licenses & Certifications",
    "AWS Certified Solutions Architect",
]


def two_column_pdf() -> bytes:
    """Header across the page, then a left sidebar and a right main column whose lines
    sit at interleaved heights (a naive extractor reads them across, line by line)."""
    lines = [(200, 750, "JANE DOE"), (200, 735, "DATA ENGINEER")]
    left = ["SKILLS", "Python", "SQL", "Spark", "", "LANGUAGES", "English", "German"]
    right = [
        "EXPERIENCE",
        "Data Engineer at Acme, Jan 2019 - Present",
        "Built batch and streaming pipelines for analytics.",
        "Owned the warehouse schema and its migrations.",
        "",
        "EDUCATION",
        "BSc Informatics, University of Vienna, 2014 - 2018",
    ]
    for i, t in enumerate(left):
        if t:
            lines.append((50, 680 - i * 16, t))
    for i, t in enumerate(right):
        if t:
            lines.append((240, 684 - i * 15, t))
    return make_pdf([text_content(lines)])


def blank_pdf(pages: int = 1) -> bytes:
    """A PDF with blank pages (no content at all), written by pypdf."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=612, height=792)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def encrypted_pdf(user_password: str = "secret", owner_password: str = "owner") -> bytes:  # noqa: S107
    """A text PDF encrypted by pypdf (RC4-128, no extra crypto library needed)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(text_pdf(SAMPLE_LINES))))
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@lru_cache(maxsize=2)
def many_pages_pdf(count: int = 10_000, declared: int | None = None) -> bytes:
    """``count`` blank pages sharing one empty content stream; ``declared`` overrides the
    page tree's /Count (a lying count)."""
    kids = b" ".join(b"%d 0 R" % (4 + i) for i in range(count))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>"
        % (kids, count if declared is None else declared),
        pdf_stream(b""),
    ]
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R >>"
    objects.extend(page for _ in range(count))
    return build_pdf(objects)


def _deflate_repeated(chunk: bytes, times: int, *, level: int = 9) -> bytes:
    comp = zlib.compressobj(level)
    parts = [comp.compress(chunk) for _ in range(times)]
    parts.append(comp.flush())
    return b"".join(parts)


@lru_cache(maxsize=4)
def content_bomb_pdf(inflated_mb: int = 300, nested: bool = False) -> bytes:
    """One page whose content stream inflates to ``inflated_mb`` MB of drawing operators
    (compressed ~1000:1); ``nested`` deflates it twice ([/FlateDecode /FlateDecode])."""
    payload = _deflate_repeated(b"0 0 m\n" * (MB // 6), inflated_mb)
    filters: tuple[str, ...] = ("FlateDecode",)
    if nested:
        payload = zlib.compress(payload, 9)
        filters = ("FlateDecode", "FlateDecode")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        pdf_stream(payload, filters=filters),
    ]
    return build_pdf(objects)


def form_bomb_pdf(fan_out: int = 1000, levels: int = 3) -> bytes:
    """Nested form XObjects, each drawing the one below ``fan_out`` times: a few KB that
    expand to fan_out**levels small forms (a 'billion laughs' made of drawing)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"",  # the page, filled below
        pdf_stream(text_content([(10, 10, "x")])),  # 4: the leaf form's content
    ]
    objects[3] = pdf_stream(
        text_content([(10, 10, "x")]),
        extra=b"/Type /XObject /Subtype /Form /BBox [0 0 612 792] "
        b"/Resources << /Font << /F1 %d 0 R >> >>" % (5 + levels),
    )
    for level in range(1, levels + 1):
        below = 3 + level  # object number of the form one level down
        content = b"/X Do\n" * fan_out
        objects.append(
            pdf_stream(
                zlib.compress(content),
                extra=b"/Type /XObject /Subtype /Form /BBox [0 0 612 792] "
                b"/Resources << /XObject << /X %d 0 R >> >>" % below,
                filters=("FlateDecode",),
            )
        )
    top = 4 + levels
    objects.append(_FONT)  # 5 + levels
    objects[2] = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /XObject << /X %d 0 R >> >> /Contents %d 0 R >>" % (top, 6 + levels)
    )
    objects.append(pdf_stream(b"/X Do"))  # 6 + levels
    return build_pdf(objects)


def text_operators(size: int) -> bytes:
    """A content stream of ``size`` bytes that shows one character per operator."""
    unit = b"(a) Tj\n"
    return b"BT /F1 10 Tf 72 700 Td\n" + unit * (size // len(unit)) + b"ET"


def form_pages_pdf(*, form_bytes: int, draws: int, pages: int) -> bytes:
    """``pages`` pages that each draw one shared form of ``form_bytes`` (drawing operators and
    a line of text) ``draws`` times."""
    form = text_content([(72, 700, "Jane Doe, engineer")]) + b"\n" + b"q Q\n" * (form_bytes // 4)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, filled below
        _FONT,  # 3
        pdf_stream(
            zlib.compress(form),
            extra=b"/Type /XObject /Subtype /Form /BBox [0 0 612 792] "
            b"/Resources << /Font << /F1 3 0 R >> >>",
            filters=("FlateDecode",),
        ),  # 4
        pdf_stream(b"/X Do\n" * draws),  # 5: every page's content
    ]
    kids = []
    for _ in range(pages):
        kids.append(b"%d 0 R" % (len(objects) + 1))
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /XObject << /X 4 0 R >> >> /Contents 5 0 R >>"
        )
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), pages)
    return build_pdf(objects)


def image_only_pdf() -> bytes:
    """A page that only draws a grey 64x64 image (a 'scan' without a text layer)."""
    pixels = bytes((x * 4) % 256 for x in range(64 * 64))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>",
        pdf_stream(
            zlib.compress(pixels),
            extra=b"/Type /XObject /Subtype /Image /Width 64 /Height 64 "
            b"/ColorSpace /DeviceGray /BitsPerComponent 8",
            filters=("FlateDecode",),
        ),
        pdf_stream(b"q 400 0 0 500 100 150 cm /Im0 Do Q"),
    ]
    return build_pdf(objects)


# --- DOCX ------------------------------------------------------------------------------


def make_docx(
    paragraphs: Iterable[str] = SAMPLE_LINES,
    *,
    table: list[list[str]] | None = None,
    header: str | None = None,
    footer: str | None = None,
) -> bytes:
    """A real DOCX written by python-docx."""
    import docx

    document = docx.Document()
    if header is not None:
        document.sections[0].header.paragraphs[0].text = header
    if footer is not None:
        document.sections[0].footer.paragraphs[0].text = footer
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        t = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, cell in enumerate(row):
                t.cell(r, c).text = cell
        document.add_paragraph("After the table")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def rewrite_zip(
    data: bytes,
    replace: dict[str, bytes | Callable[[zipfile.ZipFile, zipfile.ZipInfo], None]] | None = None,
    add: dict[str, bytes] | None = None,
) -> bytes:
    """Copy a ZIP, replacing some entries (bytes, or a writer callback) and adding others."""
    replace = replace or {}
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            new = replace.get(info.filename)
            if new is None:
                dst.writestr(info, src.read(info), compress_type=zipfile.ZIP_DEFLATED)
            elif callable(new):
                new(dst, zipfile.ZipInfo(info.filename, date_time=info.date_time))
            else:
                dst.writestr(info, new, compress_type=zipfile.ZIP_DEFLATED)
        for name, payload in (add or {}).items():
            dst.writestr(name, payload)
    return out.getvalue()


def docx_part(data: bytes, name: str = "word/document.xml") -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.read(name)


@lru_cache(maxsize=2)
def zip_bomb_docx(inflated_mb: int = 200) -> bytes:
    """A real DOCX whose word/document.xml holds ``inflated_mb`` MB of spaces between
    the body's elements (valid XML): ~200 KB on disk."""
    base = make_docx()
    xml = docx_part(base)
    cut = xml.index(b"<w:body>") + len(b"<w:body>")
    head, tail = xml[:cut], xml[cut:]

    def write(dst: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
        info.compress_type = zipfile.ZIP_DEFLATED
        with dst.open(info, "w") as fh:
            fh.write(head)
            block = b" " * MB
            for _ in range(inflated_mb):
                fh.write(block)
            fh.write(tail)

    return rewrite_zip(base, {"word/document.xml": write})


def lie_about_sizes(data: bytes, name: str = "word/document.xml", size: int = 4096) -> bytes:
    """Patch the local and central headers of ``name`` to claim ``size`` inflated bytes."""
    buf = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo(name)
    struct.pack_into("<I", buf, info.header_offset + 22, size)
    encoded = name.encode()
    pos = 0
    while True:
        pos = buf.find(b"PK\x01\x02", pos)
        if pos < 0:
            raise ValueError(f"central record of {name} not found")
        name_len = struct.unpack_from("<H", buf, pos + 28)[0]
        if bytes(buf[pos + 46 : pos + 46 + name_len]) == encoded:
            struct.pack_into("<I", buf, pos + 24, size)
            return bytes(buf)
        pos += 4


def xxe_docx() -> bytes:
    """A DOCX whose document.xml declares an external entity and uses it."""
    base = make_docx()
    xml = docx_part(base)
    decl_end = xml.index(b"?>") + 2
    doctype = b'\n<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    xml = xml[:decl_end] + doctype + xml[decl_end:]
    xml = xml.replace(b"Jane Q. Doe", b"&xxe;", 1)
    return rewrite_zip(base, {"word/document.xml": xml})


def billion_laughs_docx() -> bytes:
    """Internal entities that expand exponentially (no DOCTYPE keyword in a part name)."""
    base = make_docx()
    xml = docx_part(base)
    decl_end = xml.index(b"?>") + 2
    ents = [b'<!ENTITY l0 "ha">']
    ents += [b'<!ENTITY l%d "%s">' % (i, b"&l%d;" % (i - 1) * 10) for i in range(1, 10)]
    doctype = b"\n<!DOCTYPE w:document [" + b"".join(ents) + b"]>"
    xml = xml[:decl_end] + doctype + xml[decl_end:]
    xml = xml.replace(b"Jane Q. Doe", b"&l9;", 1)
    return rewrite_zip(base, {"word/document.xml": xml})


def many_entries_docx(extra: int = 600) -> bytes:
    return rewrite_zip(make_docx(), add={f"word/media/x{i}.bin": b"x" for i in range(extra)})


def fake_encrypted_docx() -> bytes:
    """An OLE2 container holding an 'EncryptedPackage' stream: how Word stores a
    password-protected .docx (the sniffer only needs the container and the name)."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    return header + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 1024


# --- resource measurement --------------------------------------------------------------


@dataclass
class Outcome:
    value: object
    error: BaseException | None
    peak_python_bytes: int
    rss_growth_bytes: int


def run_bounded(fn: Callable[[], object]) -> Outcome:
    """Run ``fn`` and report its peak Python heap (tracemalloc) and how much it raised
    the process's peak RSS (ru_maxrss, which also sees C allocations)."""
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    tracemalloc.start()
    tracemalloc.reset_peak()
    value, error = None, None
    try:
        value = fn()
    except BaseException as exc:
        error = exc
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return Outcome(value, error, peak, max(0, rss_after - rss_before))
