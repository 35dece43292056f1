"""File drop adapter: every ``*.json`` and ``*.csv`` file in a local folder.

``SourceConfig.url`` is the folder path (no HTTP involved): the drop root
(``SourceConfig.drop_root``, the FILE_DROP_DIR setting) or a folder inside it; a relative path
is read from the root. Any other folder (``/etc``, ``/proc/self``, a link that leads out of the
root) is refused. Files are read in sorted name
order; names starting with "." or "~" (editor locks, partial uploads) are ignored, as are
sub-folders.

* ``*.json``: an array of objects with keys
  ``id, title, company, location, remote, description_html, url, posted_at, category``.
* ``*.csv``: a header row with the same columns (UTF-8, BOM tolerated; Windows-1252 as a
  fallback). ``id`` and ``title`` columns are required.

``description_html`` may hold HTML or plain text (sniffed), and is sanitised either way.
A file that cannot be read or parsed becomes one PostingError (external_id None) and the
other files still go in; a bad row is a PostingError for that row. A file larger than
``FetchPolicy.max_bytes`` is skipped with an error.

The folder is the full listing, so ``complete_listing`` is True, unless a file failed (its
postings are unknown, so nothing may be closed). Conditional fetch: the etag is a hash of
the file names, sizes and modification times; when it equals ``SourceConfig.etag`` the
result is ``not_modified``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path
from typing import Any

from .base import (
    Adapter,
    FetchPolicy,
    FetchResult,
    NormalizedPosting,
    ParseResult,
    PostingError,
    PostingInvalid,
    SourceConfig,
    SourceError,
    build_posting,
    collect_postings,
    normalise_external_id,
    register,
    safe_http_url,
    text_or_empty,
)
from .sanitize import description_to_html

COLUMNS = (
    "id",
    "title",
    "company",
    "location",
    "remote",
    "description_html",
    "url",
    "posted_at",
    "category",
)
REQUIRED_COLUMNS = ("id", "title")
_CSV_FIELD_LIMIT = 64 * 1024 * 1024


def drop_folder(url: str, root: str) -> Path:
    """The folder a file-drop source reads: ``url`` resolved (links followed) under ``root``.
    SourceError when it is empty or lies outside the root; without a root (the library used
    on its own) any folder is allowed."""
    if not url or not url.strip():
        raise SourceError("filedrop: url must be the path of the drop folder")
    if not root:
        return Path(url)
    base = Path(root).resolve()
    folder = (base / url.strip()).resolve()  # an absolute url replaces the base
    if folder != base and base not in folder.parents:
        raise SourceError(
            f"filedrop: {url!r} is outside the drop folder {str(base)!r} (FILE_DROP_DIR); "
            "a file-drop source may only read that folder or the folders in it."
        )
    return folder


def parse_json_file(data: bytes, name: str = "file.json") -> list[tuple[str, Any]]:
    """Rows of a JSON drop file as (label, object). SourceError if the file is unusable."""
    if not data.strip():
        raise SourceError(f"{name}: empty file")
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise SourceError(f"{name}: not valid JSON ({type(exc).__name__})") from None
    if not isinstance(doc, list):
        raise SourceError(f"{name}: expected a JSON array of posting objects")
    return [(f"{name} item #{i}", row) for i, row in enumerate(doc)]


def _decode_text(data: bytes, name: str) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SourceError(f"{name}: not UTF-8 or Windows-1252 text")


def parse_csv_file(data: bytes, name: str = "file.csv") -> list[tuple[str, Any]]:
    """Rows of a CSV drop file as (label, dict). SourceError if the file is unusable."""
    text = _decode_text(data, name)
    if not text.strip():
        raise SourceError(f"{name}: empty file")
    if "\x00" in text:
        raise SourceError(f"{name}: contains NUL bytes (not a text CSV)")
    if csv.field_size_limit() < _CSV_FIELD_LIMIT:
        csv.field_size_limit(_CSV_FIELD_LIMIT)
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = [
            h.strip().lower() if isinstance(h, str) else "" for h in (reader.fieldnames or [])
        ]
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            raise SourceError(
                f"{name}: missing column(s) {', '.join(missing)} (expected {', '.join(COLUMNS)})"
            )
        reader.fieldnames = header
        rows = []
        for row in reader:
            rows.append((f"{name} line {reader.line_num}", {k: v for k, v in row.items() if k}))
    except csv.Error as exc:
        raise SourceError(f"{name}: malformed CSV ({exc})") from None
    return rows


def _convert(item: tuple[str, Any], default_company: str) -> NormalizedPosting:
    _label, row = item
    if not isinstance(row, dict):
        raise PostingInvalid("not an object")
    url = safe_http_url(text_or_empty(row.get("url")))
    ident = normalise_external_id(row.get("id"))
    if not ident:
        raise PostingInvalid("missing id")
    return build_posting(
        external_id=ident,
        title=text_or_empty(row.get("title")),
        description_html=description_to_html(
            text_or_empty(row.get("description_html")), base_url=url
        ),
        company=text_or_empty(row.get("company")) or default_company,
        location=text_or_empty(row.get("location")),
        remote=row.get("remote") if row.get("remote") not in ("", None) else None,
        url=url,
        posted_at=row.get("posted_at"),
        raw_category=text_or_empty(row.get("category")),
    )


def _row_id(item: tuple[str, Any]) -> str | None:
    row = item[1]
    return normalise_external_id(row.get("id")) or None if isinstance(row, dict) else None


@register
class FileDropAdapter(Adapter):
    kind = "filedrop"
    complete_listing = True

    def _folder(self, config: SourceConfig) -> Path:
        folder = drop_folder(config.url, config.drop_root)
        if not folder.is_dir():
            raise SourceError(f"filedrop: {config.url!r} is not a readable directory")
        return folder

    def validate(self, config: SourceConfig) -> None:
        self._folder(config)

    @staticmethod
    def _files(folder: Path) -> list[Path]:
        try:
            entries = sorted(folder.iterdir(), key=lambda p: p.name)
        except OSError as exc:
            raise SourceError(
                f"filedrop: cannot list {str(folder)!r}: {exc.strerror or exc}"
            ) from None
        return [
            p
            for p in entries
            if p.suffix.lower() in (".json", ".csv")
            and not p.name.startswith((".", "~"))
            and p.is_file()
        ]

    @staticmethod
    def fingerprint(files: list[Path]) -> str:
        digest = hashlib.sha256()
        for path in files:
            try:
                st = path.stat()
                digest.update(
                    f"{path.name}\0{st.st_size}\0{st.st_mtime_ns}\n".encode("utf-8", "replace")
                )
            except OSError:
                digest.update(f"{path.name}\0?\n".encode("utf-8", "replace"))
        return '"' + digest.hexdigest() + '"'

    def fetch(self, config: SourceConfig, policy: FetchPolicy) -> FetchResult:
        folder = self._folder(config)
        files = self._files(folder)
        etag = self.fingerprint(files)
        if config.etag and config.etag == etag:
            return FetchResult(not_modified=True, etag=etag, complete_listing=False)
        rows: list[tuple[str, Any]] = []
        file_errors: list[PostingError] = []
        for path in files:
            try:
                size = path.stat().st_size
                if size > policy.max_bytes:
                    raise SourceError(
                        f"{path.name}: {size} bytes, over the max_bytes limit of {policy.max_bytes}"
                    )
                data = path.read_bytes()
                rows.extend(self.parse_file(path.name, data))
            except SourceError as exc:
                file_errors.append(PostingError(None, str(exc)))
            except OSError as exc:
                file_errors.append(
                    PostingError(None, f"{path.name}: unreadable ({exc.strerror or exc})")
                )
        parsed = self._collect(rows, config, policy)
        parsed = ParseResult(parsed.postings, tuple(file_errors) + parsed.errors, parsed.truncated)
        return self.finish(config, parsed, etag=etag)

    @staticmethod
    def parse_file(name: str, data: bytes) -> list[tuple[str, Any]]:
        if name.lower().endswith(".csv"):
            return parse_csv_file(data, name)
        return parse_json_file(data, name)

    def parse(
        self, body: bytes, config: SourceConfig, policy: FetchPolicy, *, content_type: str = ""
    ) -> ParseResult:
        """Parse one drop file's bytes (CSV if content_type mentions csv, else JSON)."""
        name = "drop.csv" if "csv" in content_type.lower() else "drop.json"
        return self._collect(self.parse_file(name, body), config, policy)

    @staticmethod
    def _collect(
        rows: list[tuple[str, Any]], config: SourceConfig, policy: FetchPolicy
    ) -> ParseResult:
        labels = [label for label, _ in rows]
        return collect_postings(
            rows,
            lambda item: _convert(item, config.company),
            id_of=_row_id,
            max_postings=policy.max_postings,
            label=lambda i: labels[i] if i < len(labels) else f"row {i}",
        )
