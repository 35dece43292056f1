"""Greenhouse job board API adapter.

GET ``{base}/v1/boards/{board_token}/jobs?content=true`` where ``base`` is
``SourceConfig.url`` when set (tests, proxies of the API) else the public API.
The response is ``{"jobs": [...], "meta": {...}}``; each job's ``content`` is HTML that
has been HTML-escaped once, so it is unescaped before sanitising.

The listing is the board's full set of open jobs: ``complete_listing`` is True.
"""

from __future__ import annotations

import html
from typing import Any

from .base import (
    FetchPolicy,
    NormalizedPosting,
    ParseResult,
    PostingInvalid,
    SourceConfig,
    SourceError,
    build_posting,
    load_json,
    register,
    safe_http_url,
    text_or_empty,
)
from .fetch import BoardApiAdapter
from .sanitize import sanitize_html


def _names(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    return [
        text_or_empty(v.get("name"))
        for v in value
        if isinstance(v, dict) and text_or_empty(v.get("name"))
    ]


@register
class GreenhouseAdapter(BoardApiAdapter):
    kind = "greenhouse"
    complete_listing = True
    api_base = "https://boards-api.greenhouse.io"
    listing_path = "/v1/boards/{token}/jobs?content=true"
    item_noun = "job"

    def parse(
        self, body: bytes, config: SourceConfig, policy: FetchPolicy, *, content_type: str = ""
    ) -> ParseResult:
        doc = load_json(body, "greenhouse")
        if not isinstance(doc, dict) or not isinstance(doc.get("jobs"), list):
            raise SourceError("greenhouse: expected a JSON object with a 'jobs' list")
        return self.collect(doc["jobs"], config, policy)

    @staticmethod
    def convert(job: Any, default_company: str) -> NormalizedPosting:
        if not isinstance(job, dict):
            raise PostingInvalid("job is not a JSON object")
        content = job.get("content")
        source_html = html.unescape(content) if isinstance(content, str) else ""
        url = safe_http_url(job.get("absolute_url"))
        location = job.get("location")
        location_name = location.get("name") if isinstance(location, dict) else location
        departments = _names(job.get("departments"))
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
        )
