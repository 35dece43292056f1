"""Greenhouse job board API adapter.

GET ``{base}/v1/boards/{board_token}/jobs?content=true`` where ``base`` is
``SourceConfig.url`` when set (tests, proxies of the API) else the public API.
The response is ``{"jobs": [...], "meta": {...}}``; each job's ``content`` is HTML that
has been HTML-escaped once, so it is unescaped before sanitising.

The listing is the board's full set of open jobs: ``complete_listing`` is True.
"""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import quote

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
from .fetch import HttpSourceAdapter, check_url
from .sanitize import sanitize_html

GREENHOUSE_API = "https://boards-api.greenhouse.io"
BOARD_TOKEN_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")


def _names(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    return [
        text_or_empty(v.get("name"))
        for v in value
        if isinstance(v, dict) and text_or_empty(v.get("name"))
    ]


@register
class GreenhouseAdapter(HttpSourceAdapter):
    kind = "greenhouse"
    complete_listing = True

    def validate(self, config: SourceConfig) -> None:
        if not BOARD_TOKEN_RE.match(config.board_token or ""):
            raise SourceError(
                "greenhouse: board_token is required (letters, digits, '.', '_' or '-'), "
                f"got {config.board_token!r}"
            )
        if config.url:
            check_url(config.url)

    def endpoint(self, config: SourceConfig) -> str:
        base = (config.url or GREENHOUSE_API).rstrip("/")
        return f"{base}/v1/boards/{quote(config.board_token, safe='')}/jobs?content=true"

    def parse(
        self, body: bytes, config: SourceConfig, policy: FetchPolicy, *, content_type: str = ""
    ) -> ParseResult:
        doc = load_json(body, "greenhouse")
        if not isinstance(doc, dict) or not isinstance(doc.get("jobs"), list):
            raise SourceError("greenhouse: expected a JSON object with a 'jobs' list")
        default_company = config.company or config.board_token
        return collect_postings(
            doc["jobs"],
            lambda job: self._convert(job, default_company),
            id_of=lambda job: (
                normalise_external_id(job.get("id")) if isinstance(job, dict) else None
            ),
            max_postings=policy.max_postings,
            label=lambda i: f"greenhouse job #{i}",
        )

    @staticmethod
    def _convert(job: Any, default_company: str) -> NormalizedPosting:
        if not isinstance(job, dict):
            raise PostingInvalid("job is not a JSON object")
        content = job.get("content")
        source_html = html.unescape(content) if isinstance(content, str) else ""
        url = safe_http_url(job.get("absolute_url"))
        location = job.get("location")
        location_name = location.get("name") if isinstance(location, dict) else location
        departments = _names(job.get("departments"))
        offices = _names(job.get("offices"))
        return build_posting(
            external_id=job.get("id"),
            title=job.get("title"),
            description_html=sanitize_html(source_html, base_url=url),
            company=text_or_empty(job.get("company_name")) or default_company,
            location=text_or_empty(location_name),
            remote=None,
            url=url,
            posted_at=job.get("first_published") or job.get("updated_at"),
            raw_category=departments[0] if departments else "",
            extra={
                "departments": departments,
                "offices": offices,
                "requisition_id": text_or_empty(job.get("requisition_id")),
                "internal_job_id": text_or_empty(job.get("internal_job_id")),
                "updated_at": text_or_empty(job.get("updated_at")),
            },
        )
