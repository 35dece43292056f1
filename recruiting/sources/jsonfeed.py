"""Generic JSON feed adapter driven by a field map of dotted paths.

``SourceConfig.field_map`` example::

    {"items": "data.jobs", "id": "id", "title": "title", "description": "body.html",
     "location": "loc.city", "url": "link", "date": "published", "company": "org.name"}

Keys: ``items`` (path to the list of postings; omitted or "" = the document itself must be
a list), ``id``, ``title``, ``description`` (required), ``company``, ``location``, ``url``,
``date``, ``remote``, ``category`` (optional). A path is a dot-separated list of object
keys; a segment of digits indexes a list (``locations.0.name``). A missing required
mapping or an unknown key is a SourceError naming it. Per posting, a missing id or title
is a PostingError; optional values that are missing are left empty.

The description may be HTML or plain text (sniffed). A location that is a list of
strings is joined with "; ". Dates: ISO 8601, RFC 2822 or epoch seconds/milliseconds.
Company falls back to ``SourceConfig.company``.

Whether a JSON feed is the full listing is unknown, so ``complete_listing`` defaults to
False; set ``SourceConfig.complete_listing=True`` for feeds known to list everything.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import (
    FetchPolicy,
    NormalizedPosting,
    ParseResult,
    PostingInvalid,
    SourceConfig,
    SourceError,
    build_posting,
    collect_postings,
    load_json,
    normalise_external_id,
    register,
    safe_http_url,
    text_or_empty,
)
from .fetch import HttpSourceAdapter
from .sanitize import description_to_html

REQUIRED_FIELDS = ("id", "title", "description")
OPTIONAL_FIELDS = ("items", "company", "location", "url", "date", "remote", "category")
_MISSING = object()


def validate_field_map(field_map: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """Check a field map and return it as split paths. SourceError names the bad field."""
    if not isinstance(field_map, Mapping):
        raise SourceError("json: field_map must be an object of field -> dotted path")
    unknown = sorted(str(k) for k in field_map if k not in REQUIRED_FIELDS + OPTIONAL_FIELDS)
    if unknown:
        allowed = ", ".join(REQUIRED_FIELDS + OPTIONAL_FIELDS)
        raise SourceError(
            f"json: unknown field_map key(s) {', '.join(unknown)} (allowed: {allowed})"
        )
    paths: dict[str, tuple[str, ...]] = {}
    for name in REQUIRED_FIELDS:
        value = field_map.get(name)
        if not isinstance(value, str) or not value.strip():
            raise SourceError(
                f'json: field_map is missing the required field "{name}" (a dotted path)'
            )
    for name, value in field_map.items():
        if value is None or (name == "items" and value == ""):
            continue
        if not isinstance(value, str) or not value.strip():
            raise SourceError(f'json: field_map "{name}" must be a non-empty dotted path')
        segments = tuple(s.strip() for s in value.strip().split("."))
        if any(not s for s in segments):
            raise SourceError(f'json: field_map "{name}" has an empty path segment: {value!r}')
        paths[name] = segments
    return paths


def resolve_path(doc: Any, path: tuple[str, ...]) -> Any:
    """Follow ``path`` through dicts and lists; ``_MISSING`` when it leads nowhere."""
    node = doc
    for segment in path:
        if isinstance(node, Mapping):
            if segment not in node:
                return _MISSING
            node = node[segment]
        elif isinstance(node, list) and segment.isdigit():
            index = int(segment)
            if index >= len(node):
                return _MISSING
            node = node[index]
        else:
            return _MISSING
    return node


def _scalar(value: Any, field: str) -> str:
    if value is _MISSING or value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(s for s in (text_or_empty(v).strip() for v in value) if s)
    if isinstance(value, dict):
        raise PostingInvalid(f'"{field}" is an object, expected text')
    return text_or_empty(value)


@register
class JsonFeedAdapter(HttpSourceAdapter):
    kind = "json"
    complete_listing = False

    def validate(self, config: SourceConfig) -> None:
        validate_field_map(config.field_map)
        super().validate(config)

    def parse(
        self, body: bytes, config: SourceConfig, policy: FetchPolicy, *, content_type: str = ""
    ) -> ParseResult:
        paths = validate_field_map(config.field_map)
        doc = load_json(body, "json")
        items_path = paths.get("items")
        items = doc if items_path is None else resolve_path(doc, items_path)
        if not isinstance(items, list):
            where = ".".join(items_path) if items_path else "the document root"
            raise SourceError(f"json: {where} is not a list of postings (check field_map 'items')")
        return collect_postings(
            items,
            lambda item: self._convert(item, paths, config.company),
            id_of=lambda item: (
                normalise_external_id(resolve_path(item, paths["id"]))
                if isinstance(item, dict)
                else None
            ),
            max_postings=policy.max_postings,
            label=lambda i: f"json item #{i}",
        )

    @staticmethod
    def _convert(
        item: Any, paths: dict[str, tuple[str, ...]], default_company: str
    ) -> NormalizedPosting:
        if not isinstance(item, dict):
            raise PostingInvalid("item is not a JSON object")

        def get(name: str) -> Any:
            path = paths.get(name)
            return _MISSING if path is None else resolve_path(item, path)

        raw_id = get("id")
        if raw_id is _MISSING or normalise_external_id(raw_id) == "":
            raise PostingInvalid(f'missing id at "{".".join(paths["id"])}"')
        title = _scalar(get("title"), "title")
        if not title.strip():
            raise PostingInvalid(f'missing title at "{".".join(paths["title"])}"')
        url = safe_http_url(_scalar(get("url"), "url"))
        remote = get("remote")
        date = get("date")
        return build_posting(
            external_id=raw_id,
            title=title,
            description_html=description_to_html(
                _scalar(get("description"), "description"), base_url=url
            ),
            company=_scalar(get("company"), "company") or default_company,
            location=_scalar(get("location"), "location"),
            remote=None if remote is _MISSING else remote,
            url=url,
            posted_at=None if date is _MISSING else date,
            raw_category=_scalar(get("category"), "category"),
        )
