"""Lever postings API adapter.

GET ``{base}/v0/postings/{site}?mode=json`` where ``base`` is ``SourceConfig.url`` when set
(e.g. the EU API ``https://api.eu.lever.co`` or a test server) else the public API.
The response is a JSON array of postings. The description is assembled from
``description`` (HTML; ``descriptionPlain`` when absent), each ``lists[]`` entry (``text``
as a heading, ``content`` as list items) and ``additional``.

Remote: ``workplaceType`` "remote" -> True, "onsite"/"hybrid" -> False, otherwise from the
location/title text. The listing is the site's full set of published postings:
``complete_listing`` is True.
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
from .sanitize import sanitize_html, text_to_html

_WORKPLACE = {"remote": True, "onsite": False, "on-site": False, "hybrid": False}


@register
class LeverAdapter(BoardApiAdapter):
    kind = "lever"
    complete_listing = True
    api_base = "https://api.lever.co"
    listing_path = "/v0/postings/{token}?mode=json"
    board_label = "board_token (the Lever site name)"
    item_noun = "posting"

    def parse(
        self, body: bytes, config: SourceConfig, policy: FetchPolicy, *, content_type: str = ""
    ) -> ParseResult:
        doc = load_json(body, "lever")
        if isinstance(doc, dict) and doc.get("ok") is False:
            raise SourceError(
                f"lever: API error: {text_or_empty(doc.get('error'))[:200] or 'unknown'}"
            )
        if not isinstance(doc, list):
            raise SourceError("lever: expected a JSON array of postings")
        return self.collect(doc, config, policy)

    @staticmethod
    def convert(posting: Any, default_company: str) -> NormalizedPosting:
        if not isinstance(posting, dict):
            raise PostingInvalid("posting is not a JSON object")
        parts: list[str] = []
        description = text_or_empty(posting.get("description"))
        if description:
            parts.append(description)
        else:
            parts.append(text_to_html(text_or_empty(posting.get("descriptionPlain"))))
        lists = posting.get("lists")
        if isinstance(lists, list):
            for entry in lists:
                if not isinstance(entry, dict):
                    continue
                heading = text_or_empty(entry.get("text"))
                content = text_or_empty(entry.get("content"))
                if heading:
                    parts.append(f"<h3>{html.escape(heading, quote=False)}</h3>")
                if content:
                    parts.append(f"<ul>{content}</ul>")
        additional = text_or_empty(posting.get("additional"))
        if additional:
            parts.append(additional)
        else:
            parts.append(text_to_html(text_or_empty(posting.get("additionalPlain"))))
        url = safe_http_url(posting.get("hostedUrl"))
        categories = posting.get("categories")
        if not isinstance(categories, dict):
            categories = {}
        workplace = text_or_empty(posting.get("workplaceType")).strip().lower()
        team = text_or_empty(categories.get("team"))
        department = text_or_empty(categories.get("department"))
        return build_posting(
            external_id=posting.get("id"),
            title=posting.get("text"),
            description_html=sanitize_html("".join(parts), base_url=url),
            company=default_company,
            location=text_or_empty(categories.get("location")),
            remote=_WORKPLACE.get(workplace),
            url=url,
            posted_at=posting.get("createdAt"),
            raw_category=team or department,
        )
