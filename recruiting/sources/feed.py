"""RSS 2.0 / RSS 1.0 / Atom adapter (feedparser).

The feed is fetched by :mod:`.fetch` (timeouts, size cap, SSRF guard); feedparser only
ever sees the downloaded bytes wrapped in a file object, so it never fetches anything by
itself (a ``str`` that looks like a URL would make it do so). External XML entities are
disabled by feedparser and the stdlib expat has billion-laughs protection.

Mapping per entry: ``id``/``guid`` (else link, else a hash of title+date) -> external_id;
``title``; the richest of ``content[]`` / ``summary`` -> description (HTML or text per its
declared type); ``link`` -> url; ``published`` or ``updated`` -> posted_at; first
``category``/tag -> raw_category. Job-board extensions are picked up when present: an
element named ``location`` / ``company`` / ``remote`` in any namespace (feedparser names
them ``prefix_location`` etc.). Company falls back to ``SourceConfig.company``, then the
feed's title.

A feed is a window of recent items, not the full listing: ``complete_listing`` is False.
A ``bozo`` (malformed) feed with no entries, or a document that is no feed at all, is a
SourceError; a malformed feed that still yielded entries is used.
"""

from __future__ import annotations

import hashlib
import io
from typing import Any

import feedparser

from .base import (
    FetchPolicy,
    NormalizedPosting,
    ParseResult,
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
from .fetch import HttpSourceAdapter
from .sanitize import clean_field, description_to_html

_FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)


def _ext_value(entry: Any, name: str) -> str:
    """Value of an extension element called ``name`` in any namespace."""
    direct = entry.get(name)
    if isinstance(direct, str) and direct.strip():
        return direct
    suffix = "_" + name
    for key, value in entry.items():
        if (
            isinstance(key, str)
            and key.endswith(suffix)
            and isinstance(value, str)
            and value.strip()
        ):
            return value
    return ""


def _raw(entry: Any, key: str) -> Any:
    """``entry[key]`` without feedparser's deprecated updated->published key aliasing."""
    return dict.get(entry, key) if isinstance(entry, dict) else None


def _best_description(entry: Any) -> str:
    """The longest of the entry's content values and its summary.

    The declared type is not trusted either way: RSS descriptions are nominally HTML but
    often plain text, and "text" content may still carry markup, so the value is sniffed
    (see ``sanitize.description_to_html``).
    """
    candidates: list[str] = []
    for item in entry.get("content") or []:
        if isinstance(item, dict) and isinstance(item.get("value"), str):
            candidates.append(item["value"])
    summary = entry.get("summary")
    if isinstance(summary, str):
        candidates.append(summary)
    return max(candidates, key=len) if candidates else ""


def _external_id(entry: Any) -> str:
    for key in ("id", "guid", "link"):
        ident = normalise_external_id(entry.get(key))
        if ident:
            return ident
    title = text_or_empty(entry.get("title"))
    date = text_or_empty(_raw(entry, "published") or _raw(entry, "updated"))
    if not title:
        return ""
    return "sha256:" + hashlib.sha256(f"{title}\n{date}".encode("utf-8", "replace")).hexdigest()


@register
class FeedAdapter(HttpSourceAdapter):
    kind = "rss"
    complete_listing = False
    accept = _FEED_ACCEPT

    def parse(
        self, body: bytes, config: SourceConfig, policy: FetchPolicy, *, content_type: str = ""
    ) -> ParseResult:
        if not body or not body.strip():
            raise SourceError("rss: empty response body")
        headers = {"content-type": content_type} if content_type else {}
        try:
            parsed = feedparser.parse(io.BytesIO(body), response_headers=headers)
        except Exception as exc:  # feedparser is lenient but not total on hostile input
            raise SourceError(f"rss: unparseable feed ({type(exc).__name__})") from None
        entries = list(parsed.get("entries") or [])
        if not entries:
            if parsed.get("bozo"):
                reason = str(parsed.get("bozo_exception") or "malformed")[:200]
                raise SourceError(f"rss: unparseable feed ({reason})")
            if not parsed.get("version"):
                raise SourceError("rss: the document is not an RSS or Atom feed")
        feed_info = parsed.get("feed") or {}
        default_company = config.company or clean_field(
            text_or_empty(feed_info.get("title")), max_len=200
        )
        return collect_postings(
            entries,
            lambda e: self._convert(e, default_company),
            id_of=lambda e: _external_id(e) if hasattr(e, "get") else None,
            max_postings=policy.max_postings,
            label=lambda i: f"feed entry #{i}",
        )

    @staticmethod
    def _convert(entry: Any, default_company: str) -> NormalizedPosting:
        if not hasattr(entry, "get"):
            raise PostingInvalid("entry is not a mapping")
        url = safe_http_url(entry.get("link"))
        value = _best_description(entry)
        tags = [
            text_or_empty(t.get("term") or t.get("label"))
            for t in entry.get("tags") or []
            if isinstance(t, dict)
        ]
        tags = [t for t in tags if t.strip()]
        return build_posting(
            external_id=_external_id(entry),
            title=text_or_empty(entry.get("title")),
            description_html=description_to_html(value, base_url=url),
            company=_ext_value(entry, "company") or default_company,
            location=_ext_value(entry, "location"),
            remote=_ext_value(entry, "remote") or None,
            url=url,
            posted_at=_raw(entry, "published_parsed") or _raw(entry, "updated_parsed"),
            raw_category=tags[0] if tags else "",
        )
