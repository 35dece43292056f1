"""Core types of the job-description source adapters, shared helpers and the adapter registry.

Nothing here imports Django; the ingestion service passes configuration in as a
:class:`SourceConfig` and a :class:`FetchPolicy` and receives a :class:`FetchResult`.

Field limits follow the ``recruiting.Job`` / ``JobSource`` columns: external_id 200,
title 300, company 200, location 200, url 500, etag 300, last_modified 100 characters.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import math
import re
import socket
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import urlsplit

from mlcore.embeddings.text import has_words
from mlcore.text import html_to_text, strip_controls

from .sanitize import clean_field

__all__ = [
    "Adapter",
    "FetchPolicy",
    "FetchResult",
    "NormalizedPosting",
    "ParseResult",
    "PostingError",
    "PostingInvalid",
    "SourceConfig",
    "SourceError",
    "TransientSourceError",
    "build_posting",
    "collect_postings",
    "detect_remote",
    "get_adapter",
    "load_json",
    "parse_bool",
    "parse_datetime",
    "register",
    "registered_kinds",
]

MAX_EXTERNAL_ID = 200
MAX_TITLE = 300
MAX_COMPANY = 200
MAX_LOCATION = 200
MAX_URL = 500
MAX_CATEGORY = 200
MAX_ETAG = 300
MAX_LAST_MODIFIED = 100


# --------------------------------------------------------------------------- errors
class SourceError(Exception):
    """The source cannot be read: bad configuration, HTTP 4xx, unparseable feed, refused URL.

    Retrying will not help until someone fixes the source or its configuration.
    """


class TransientSourceError(SourceError):
    """Timeouts, connection errors, 5xx and 429 after the retries were exhausted.

    The caller (Celery) should retry later; ``retry_after`` (seconds) is set when the
    server said how long to wait.
    """

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PostingInvalid(ValueError):
    """One posting is malformed; it is recorded as a PostingError and skipped."""


# --------------------------------------------------------------------------- config
@dataclass(frozen=True, slots=True)
class SourceConfig:
    """What to fetch. Mirrors ``recruiting.JobSource`` plus two optional extras.

    kind: "greenhouse" | "lever" | "rss" | "json" | "filedrop".
    url: feed URL (rss, json), API base URL override (greenhouse, lever; empty = public
        API), or a local directory path (filedrop).
    board_token: Greenhouse board token / Lever site name.
    field_map: JSON feeds only: dotted paths per field (see ``jsonfeed``).
    etag, last_modified: validators stored from the previous fetch (conditional GET).
    company: optional default company name when postings do not carry one.
    complete_listing: optional override of the adapter's default (see FetchResult).
    drop_root: filedrop only: the folder that holds every drop folder (see ``filedrop``).
    """

    kind: str
    url: str = ""
    board_token: str = ""
    field_map: Mapping[str, Any] = field(default_factory=dict)
    etag: str = ""
    last_modified: str = ""
    company: str = ""
    complete_listing: bool | None = None
    drop_root: str = ""


def _default_resolver(host: str, port: int | None, *args: Any, **kwargs: Any) -> list[Any]:
    return socket.getaddrinfo(host, port, *args, **kwargs)


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """How to fetch: timeouts, limits, retries and the SSRF guard.

    allow_private: allow loopback/private/link-local/... addresses (tests, on-prem feeds).
    allowed_hosts: host names (exact, case-insensitive) exempt from the address check.
    sleep, resolver: injectable for tests (``resolver`` has ``socket.getaddrinfo``'s
        signature; the connection goes to the address it returned and was checked).
    total_timeout: wall-clock cap for one response body (a slow drip that never trips
        the per-read timeout still ends).
    max_postings: listings longer than this are cut (and marked incomplete).
    """

    connect_timeout: float = 5
    read_timeout: float = 20
    max_bytes: int = 20 * 1024 * 1024
    max_retries: int = 3
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    retry_after_cap: float = 60.0
    max_redirects: int = 5
    total_timeout: float = 120.0
    allow_private: bool = False
    allowed_hosts: tuple[str, ...] = ()
    max_postings: int = 50_000
    user_agent: str = "ResumeRecommender-JDFetcher/1.0 (+job ingestion)"
    sleep: Callable[[float], None] = time.sleep
    resolver: Callable[..., list[Any]] = _default_resolver


# --------------------------------------------------------------------------- results
@dataclass(frozen=True, slots=True)
class NormalizedPosting:
    """One job posting, normalised and sanitised; safe to store and to display."""

    external_id: str
    title: str
    company: str
    location: str
    remote: bool
    description_html: str
    description_text: str
    url: str
    posted_at: datetime | None
    raw_category: str
    content_hash: str


@dataclass(frozen=True, slots=True)
class PostingError:
    """A posting (or, with external_id None, a whole file/record) that was skipped."""

    external_id: str | None
    message: str


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What one fetch produced.

    complete_listing: True when ``postings`` is the source's full current listing, so
        previously ingested postings that are missing may be closed. Defaults per kind:
        greenhouse, lever, filedrop: True; rss (a window of recent items) and json
        (unknown semantics) False; ``SourceConfig.complete_listing`` overrides. It is
        always False on 304 (nothing was listed), when the listing was cut at
        ``max_postings``, and when an error could not be tied to an external_id (e.g. an
        unreadable file in a drop folder or an item without an id). Postings whose id is
        in ``errors`` are present at the source but malformed: do not close them.
    """

    postings: tuple[NormalizedPosting, ...] = ()
    errors: tuple[PostingError, ...] = ()
    not_modified: bool = False
    etag: str = ""
    last_modified: str = ""
    complete_listing: bool = False


@dataclass(frozen=True, slots=True)
class ParseResult:
    """Output of an adapter's pure ``parse`` step (before HTTP validators are attached)."""

    postings: tuple[NormalizedPosting, ...] = ()
    errors: tuple[PostingError, ...] = ()
    truncated: bool = False


# --------------------------------------------------------------------------- helpers
_REMOTE_RE = re.compile(
    r"\b(?:remote(?!\s*(?:sensing|control|monitoring|patient|pilot)\b)"
    r"|anywhere|work(?:ing)?\s+from\s+home|wfh|telecommut\w*|home[-\s]based|distributed\s+team)\b",
    re.IGNORECASE,
)
_TRUE = frozenset({"1", "1.0", "true", "t", "yes", "y", "remote", "on"})
_FALSE = frozenset(
    {"0", "0.0", "false", "f", "no", "n", "off", "onsite", "on-site", "office", "hybrid"}
)


def parse_bool(value: object) -> bool | None:
    """Lenient boolean: True/False for recognisable values, None when unknown/empty."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and not (isinstance(value, float) and math.isnan(value)):
        return value != 0
    if isinstance(value, str):
        v = value.strip().lower()
        if v in _TRUE:
            return True
        if v in _FALSE:
            return False
    return None


def detect_remote(explicit: object, *texts: str) -> bool:
    """Remote flag from an explicit field if it says something, else from location/title text."""
    flag = parse_bool(explicit)
    if flag is not None:
        return flag
    return any(_REMOTE_RE.search(t) for t in texts if t)


_NUMERIC_RE = re.compile(r"^-?\d+(\.\d+)?$")


def parse_datetime(value: object) -> datetime | None:
    """Timezone-aware UTC datetime from ISO 8601, RFC 2822, epoch (s or ms) or struct_time.

    Naive values are taken as UTC. Anything unparseable or out of range gives None.
    """
    try:
        if value is None or isinstance(value, bool):
            return None
        if isinstance(value, datetime):
            dt = value
        elif isinstance(value, time.struct_time):
            dt = datetime(*value[:6], tzinfo=UTC)
        elif isinstance(value, int | float):
            return _from_epoch(float(value))
        elif isinstance(value, str):
            text = value.strip()
            if not text or len(text) > 64:
                return None
            if _NUMERIC_RE.match(text):
                return _from_epoch(float(text))
            try:
                dt = datetime.fromisoformat(text.replace("z", "Z"))
            except ValueError:
                try:
                    dt = email.utils.parsedate_to_datetime(text)
                except (TypeError, ValueError, IndexError):
                    return None
                if dt is None:
                    return None
        else:
            return None
        if dt.tzinfo is None:
            dt = dt.replace(tzinfo=UTC)
        return dt.astimezone(UTC)
    except (OverflowError, ValueError, OSError):
        return None


def _from_epoch(number: float) -> datetime | None:
    if math.isnan(number) or math.isinf(number):
        return None
    if abs(number) >= 1e11:  # milliseconds (1e11 s is the year 5138)
        number /= 1000.0
    if number <= 0:
        return None
    return datetime.fromtimestamp(number, tz=UTC)


def safe_http_url(value: object, *, max_len: int = MAX_URL) -> str:
    """The value if it is an absolute http(s) URL without credentials, else ""."""
    if not isinstance(value, str):
        return ""
    url = strip_controls(value).strip()
    if not url or len(url) > max_len or any(c.isspace() for c in url):
        return ""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return ""
    if parts.username is not None or parts.password is not None:
        return ""
    return url


def normalise_external_id(value: object) -> str:
    """External id as text; overly long ids are replaced by a stable hash."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return ""
        value = int(value) if value.is_integer() else repr(value)
    if isinstance(value, int):
        value = str(value)
    if not isinstance(value, str):
        return ""
    text = " ".join(strip_controls(value).split())
    if len(text) > MAX_EXTERNAL_ID:
        text = "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()
    return text


def content_hash(
    *, title: str, company: str, location: str, remote: bool, description_text: str, url: str
) -> str:
    """sha256 over the normalised fields that matter for matching."""
    payload = json.dumps(
        [title, company, location, bool(remote), description_text, url],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def build_posting(
    *,
    external_id: object,
    title: object,
    description_html: str,
    company: object = "",
    location: object = "",
    remote: object = None,
    url: object = "",
    posted_at: object = None,
    raw_category: object = "",
) -> NormalizedPosting:
    """Normalise one posting. ``description_html`` must already be sanitised.

    Raises PostingInvalid when the id or title is missing, or when the title and description
    hold no letters or digits (a job that could never be embedded nor matched).
    """
    ext_id = normalise_external_id(external_id)
    if not ext_id:
        raise PostingInvalid("missing id")
    title_s = clean_field(title, max_len=MAX_TITLE)
    if not title_s:
        raise PostingInvalid("missing title")
    description_text = html_to_text(description_html)
    if not has_words(f"{title_s}\n{description_text}"):
        raise PostingInvalid("no letters or digits in the title and description")
    location_s = clean_field(location, max_len=MAX_LOCATION)
    matched: dict[str, Any] = {  # the fields that matter for matching, hashed
        "title": title_s,
        "company": clean_field(company, max_len=MAX_COMPANY),
        "location": location_s,
        "remote": detect_remote(remote, location_s, title_s),
        "description_text": description_text,
        "url": safe_http_url(url),
    }
    return NormalizedPosting(
        external_id=ext_id,
        description_html=description_html,
        posted_at=parse_datetime(posted_at),
        raw_category=clean_field(raw_category, max_len=MAX_CATEGORY),
        content_hash=content_hash(**matched),
        **matched,
    )


def collect_postings(
    items: Iterable[Any],
    convert: Callable[[Any], NormalizedPosting],
    *,
    id_of: Callable[[Any], str | None],
    max_postings: int = 50_000,
    label: Callable[[int], str] | None = None,
) -> ParseResult:
    """Convert items one by one; a malformed item becomes a PostingError, not a crash.

    Duplicate external ids keep the first occurrence and record an error for the rest.
    """
    postings: list[NormalizedPosting] = []
    errors: list[PostingError] = []
    seen: set[str] = set()
    truncated = False
    for index, item in enumerate(items):
        if len(postings) >= max_postings:
            truncated = True
            errors.append(PostingError(None, f"listing cut at max_postings={max_postings}"))
            break
        where = label(index) if label else f"item {index}"
        try:
            ident = id_of(item)
        except Exception:
            ident = None
        try:
            posting = convert(item)
        except PostingInvalid as exc:
            errors.append(PostingError(ident or None, f"{where}: {exc}"))
            continue
        except (
            TypeError,
            ValueError,
            KeyError,
            AttributeError,
            IndexError,
            OverflowError,
            RecursionError,
        ) as exc:
            errors.append(
                PostingError(ident or None, f"{where}: malformed posting ({type(exc).__name__})")
            )
            continue
        if posting.external_id in seen:
            errors.append(
                PostingError(
                    posting.external_id, f"{where}: duplicate id {posting.external_id!r} skipped"
                )
            )
            continue
        seen.add(posting.external_id)
        postings.append(posting)
    return ParseResult(postings=tuple(postings), errors=tuple(errors), truncated=truncated)


def load_json(body: bytes, what: str) -> Any:
    """Decode a JSON document (UTF-8/16/32, BOM tolerated) or raise SourceError."""
    if not body or not body.strip():
        raise SourceError(f"{what}: empty response body")
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise SourceError(
            f"{what}: not valid JSON ({type(exc).__name__}: {str(exc)[:200]})"
        ) from None


def text_or_empty(value: object) -> str:
    """A scalar as str ("" for None, containers and booleans)."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    return ""


# --------------------------------------------------------------------------- registry
class Adapter:
    """Base class of source adapters. Subclasses register themselves with ``@register``.

    ``parse(body, config, policy)`` is pure (bytes in, ParseResult out, SourceError for an
    unreadable document); ``fetch(config, policy)`` does I/O and builds the FetchResult.
    """

    kind: ClassVar[str] = ""
    complete_listing: ClassVar[bool] = False

    def validate(self, config: SourceConfig) -> None:
        """Raise SourceError for an unusable configuration."""

    def fetch(self, config: SourceConfig, policy: FetchPolicy) -> FetchResult:
        raise NotImplementedError

    def parse(
        self, body: bytes, config: SourceConfig, policy: FetchPolicy, *, content_type: str = ""
    ) -> ParseResult:
        raise NotImplementedError

    def finish(
        self,
        config: SourceConfig,
        parsed: ParseResult,
        *,
        etag: str = "",
        last_modified: str = "",
    ) -> FetchResult:
        complete = (
            self.complete_listing
            if config.complete_listing is None
            else bool(config.complete_listing)
        )
        if parsed.truncated or any(e.external_id is None for e in parsed.errors):
            complete = False
        return FetchResult(
            postings=parsed.postings,
            errors=parsed.errors,
            not_modified=False,
            etag=etag if len(etag) <= MAX_ETAG else "",
            last_modified=last_modified if len(last_modified) <= MAX_LAST_MODIFIED else "",
            complete_listing=complete,
        )


_REGISTRY: dict[str, Adapter] = {}


def register(cls: type[Adapter]) -> type[Adapter]:
    """Class decorator: register an adapter under its ``kind``."""
    if not cls.kind:
        raise ValueError(f"{cls.__name__} has no kind")
    _REGISTRY[cls.kind] = cls()
    return cls


def get_adapter(kind: str) -> Adapter:
    try:
        return _REGISTRY[kind]
    except (KeyError, TypeError):
        known = ", ".join(sorted(_REGISTRY))
        raise SourceError(f"unknown source kind {kind!r} (known: {known})") from None


def registered_kinds() -> tuple[str, ...]:
    return tuple(sorted(_REGISTRY))
