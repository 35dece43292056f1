"""Job-description source adapters (plain Python, no Django).

Usage::

    from recruiting.sources import fetch_postings, SourceConfig, FetchPolicy

    result = fetch_postings(
        SourceConfig(kind="greenhouse", board_token="acme", etag=source.etag),
        policy=FetchPolicy(connect_timeout=5, read_timeout=20),
    )

Kinds: ``greenhouse``, ``lever``, ``rss`` (RSS and Atom), ``json`` (generic, field map),
``filedrop`` (local folder of CSV/JSON). Errors: :class:`SourceError` (fix the source or
its configuration) and its subclass :class:`TransientSourceError` (retry later).
See :class:`FetchResult` for ``complete_listing`` semantics.
"""

from __future__ import annotations

from . import feed, filedrop, greenhouse, jsonfeed, lever  # noqa: F401 - register the adapters
from .base import (
    FetchPolicy,
    FetchResult,
    NormalizedPosting,
    ParseResult,
    PostingError,
    SourceConfig,
    SourceError,
    TransientSourceError,
    get_adapter,
    registered_kinds,
)
from .fetch import BlockedAddressError

__all__ = [
    "BlockedAddressError",
    "FetchPolicy",
    "FetchResult",
    "NormalizedPosting",
    "ParseResult",
    "PostingError",
    "SourceConfig",
    "SourceError",
    "TransientSourceError",
    "fetch_postings",
    "get_adapter",
    "registered_kinds",
]


def fetch_postings(config: SourceConfig, policy: FetchPolicy | None = None) -> FetchResult:
    """Fetch and normalise the postings of one source.

    Raises SourceError (bad configuration, 4xx, unparseable document, refused address) or
    TransientSourceError (timeouts, connection errors, 5xx/429 after retries).
    """
    if not isinstance(config, SourceConfig):
        raise SourceError(f"expected a SourceConfig, got {type(config).__name__}")
    if policy is None:
        policy = FetchPolicy()
    adapter = get_adapter(config.kind)
    return adapter.fetch(config, policy)
