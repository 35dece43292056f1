"""Safe HTTP GET for source adapters (requests + urllib3).

What it guarantees:

* only http/https, no credentials in the URL, bounded URL length;
* connect and read timeouts, plus a wall-clock cap on reading one body;
* the body is streamed and reading stops past ``max_bytes`` (counted after
  Content-Encoding is undone, so a gzip bomb is capped too) -> SourceError naming the limit;
* conditional GET (If-None-Match / If-Modified-Since); 304 -> ``HttpResponse.not_modified``;
* retries with exponential backoff and jitter on timeouts, connection errors, 5xx and 429,
  honouring ``Retry-After`` (seconds or HTTP-date). A Retry-After longer than
  ``retry_after_cap`` is not slept: TransientSourceError(retry_after=...) is raised at
  once so the task queue can come back later. Exhausted retries -> TransientSourceError;
* other 4xx -> SourceError immediately;
* redirects are followed by hand (at most ``max_redirects``) and only to the same host and
  port (an http -> https upgrade on the default ports is allowed, a downgrade is not);
* SSRF guard: every TCP connection (first request and every redirect hop) is opened by
  :class:`_GuardedConnectionMixin`, which resolves the host itself, refuses loopback,
  private, link-local, multicast, reserved, unspecified, shared (CGNAT), cloud-metadata
  and IPv6-embedded forms of those, then connects to exactly the address it checked
  (TLS SNI and certificate checks still use the host name) and re-checks the peer
  address of the connected socket. ``allow_private=True`` or a host listed in
  ``allowed_hosts`` lifts the address check (except for cloud metadata addresses, which are
  always refused), never the scheme check. Environment proxies
  are ignored (``trust_env=False``): a proxy would defeat the address check.
"""

from __future__ import annotations

import email.utils
import ipaddress
import random
import re
import socket
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import quote, urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util.connection import _set_socket_options, allowed_gai_family
from urllib3.util.timeout import _DEFAULT_TIMEOUT

from .base import (
    Adapter,
    FetchPolicy,
    FetchResult,
    NormalizedPosting,
    ParseResult,
    SourceConfig,
    SourceError,
    TransientSourceError,
    collect_postings,
    normalise_external_id,
)

__all__ = [
    "BOARD_TOKEN_RE",
    "BlockedAddressError",
    "BoardApiAdapter",
    "HttpResponse",
    "HttpSourceAdapter",
    "address_refusal",
    "check_url",
    "http_get",
    "resolve_checked",
]

MAX_URL_LENGTH = 2048
_REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024
BOARD_TOKEN_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")

_METADATA_ADDRESSES = frozenset(
    {
        ipaddress.ip_address("169.254.169.254"),  # AWS, GCP, Azure, OpenStack...
        ipaddress.ip_address("169.254.170.2"),  # AWS ECS task metadata
        ipaddress.ip_address("100.100.100.200"),  # Alibaba Cloud
        ipaddress.ip_address("fd00:ec2::254"),  # AWS IPv6
    }
)
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


class BlockedAddressError(SourceError):
    """The URL resolves to an address the SSRF guard refuses."""


# --------------------------------------------------------------------------- address checks
def address_refusal(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why ``ip`` must not be contacted, or None if it is a public unicast address."""
    if ip in _METADATA_ADDRESSES:
        return "cloud metadata address"
    if isinstance(ip, ipaddress.IPv6Address):
        embedded: ipaddress.IPv4Address | None = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip.teredo:
            embedded = ip.teredo[1]
        if embedded is None and any(ip in net for net in _NAT64):
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            reason = address_refusal(embedded)
            if reason:
                return f"{reason} (embedded in IPv6)"
    for attr, reason in (
        ("is_unspecified", "unspecified address"),
        ("is_loopback", "loopback address"),
        ("is_link_local", "link-local address"),
        ("is_multicast", "multicast address"),
        ("is_private", "private address"),
        ("is_reserved", "reserved address"),
        ("is_site_local", "site-local address"),
    ):
        if getattr(ip, attr, False):
            return reason
    if not ip.is_global:
        return "non-global address"
    return None


def _is_metadata(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if ip in _METADATA_ADDRESSES:
        return True
    return isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped in _METADATA_ADDRESSES


def _refusal(ip: ipaddress.IPv4Address | ipaddress.IPv6Address, exempt: bool) -> str | None:
    """Cloud metadata endpoints are refused even for exempt hosts / allow_private."""
    if _is_metadata(ip):
        return "cloud metadata address"
    return None if exempt else address_refusal(ip)


def _parse_ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    return ipaddress.ip_address(text.split("%", 1)[0])


def _normal_host(host: str) -> str:
    return host.strip("[]").rstrip(".").lower()


def _guard_exempt(host: str, policy: FetchPolicy) -> bool:
    if policy.allow_private:
        return True
    allowed = {_normal_host(h) for h in policy.allowed_hosts}
    return _normal_host(host) in allowed


def resolve_checked(host: str, port: int, policy: FetchPolicy) -> list[tuple[Any, ...]]:
    """Resolve ``host`` and return getaddrinfo tuples, all of them allowed by the policy.

    Raises BlockedAddressError if any resolved address is refused (a name that resolves to
    one public and one private address is refused as a whole), socket.gaierror if the
    name does not resolve.
    """
    host = host.strip("[]")
    infos = policy.resolver(host, port, allowed_gai_family(), socket.SOCK_STREAM)
    infos = [info for info in infos if info[0] in (socket.AF_INET, socket.AF_INET6)]
    if not infos:
        raise socket.gaierror(f"no usable address for {host!r}")
    exempt = _guard_exempt(host, policy)
    for info in infos:
        try:
            ip = _parse_ip(str(info[4][0]))
        except ValueError:
            raise BlockedAddressError(
                f"refusing {host!r}: unparseable address {info[4][0]!r}"
            ) from None
        reason = _refusal(ip, exempt)
        if reason:
            hint = "" if _is_metadata(ip) else "; allow_private or allowed_hosts would permit it"
            raise BlockedAddressError(
                f"refusing to fetch from {host!r}: it resolves to {ip} ({reason}){hint}"
            )
    return infos


class _GuardedConnectionMixin:
    """urllib3 connection whose socket goes only to an address the guard approved."""

    _rr_policy: ClassVar[FetchPolicy]
    # Provided by urllib3.connection.HTTPConnection:
    _dns_host: str
    host: str
    port: int
    timeout: Any
    source_address: Any
    socket_options: Any

    def _new_conn(self) -> socket.socket:
        policy = self._rr_policy
        try:
            infos = resolve_checked(self._dns_host, self.port, policy)
        except socket.gaierror as exc:
            raise NameResolutionError(self.host, self, exc) from exc  # type: ignore[arg-type]
        last_error: OSError | None = None
        for family, socktype, proto, _canon, sockaddr in infos:
            sock = None
            try:
                sock = socket.socket(family, socktype, proto)
                _set_socket_options(sock, self.socket_options)
                if self.timeout is not _DEFAULT_TIMEOUT:
                    sock.settimeout(self.timeout)
                if self.source_address:
                    sock.bind(self.source_address)
                sock.connect(sockaddr)
            except OSError as exc:
                last_error = exc
                if sock is not None:
                    sock.close()
                continue
            # Belt and braces: the peer we are talking to is an address the guard allows.
            peer = _parse_ip(str(sock.getpeername()[0]))
            reason = _refusal(peer, _guard_exempt(self._dns_host, policy))
            if reason:
                sock.close()
                raise BlockedAddressError(f"refusing connection to {peer} ({reason})")
            return sock
        if isinstance(last_error, TimeoutError):
            raise ConnectTimeoutError(
                self, f"Connection to {self.host} timed out. (connect timeout={self.timeout})"
            ) from last_error
        raise NewConnectionError(  # type: ignore[arg-type]
            self, f"Failed to establish a new connection: {last_error}"
        ) from last_error


class _GuardedHTTPAdapter(HTTPAdapter):
    """requests transport adapter whose pools use guarded connections."""

    def __init__(self, policy: FetchPolicy) -> None:
        self._rr_policy = policy
        super().__init__(pool_connections=2, pool_maxsize=2, max_retries=0)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        policy = self._rr_policy
        http_conn = type(
            "GuardedHTTPConnection",
            (_GuardedConnectionMixin, HTTPConnection),
            {"_rr_policy": policy},
        )
        https_conn = type(
            "GuardedHTTPSConnection",
            (_GuardedConnectionMixin, HTTPSConnection),
            {"_rr_policy": policy},
        )
        self.poolmanager.pool_classes_by_scheme = {
            "http": type(
                "GuardedHTTPConnectionPool", (HTTPConnectionPool,), {"ConnectionCls": http_conn}
            ),
            "https": type(
                "GuardedHTTPSConnectionPool", (HTTPSConnectionPool,), {"ConnectionCls": https_conn}
            ),
        }

    def proxy_manager_for(self, *args: Any, **kwargs: Any) -> Any:  # pragma: no cover
        raise SourceError("proxies are not supported by the guarded fetcher")


# --------------------------------------------------------------------------- URL checks
def redact(url: str) -> str:
    """URL for messages: scheme://host[:port]/path, no query (it may hold API keys)."""
    try:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}{parts.path}"[:300]
    except ValueError:
        return "<unparseable URL>"


@dataclass(frozen=True, slots=True)
class _Origin:
    scheme: str
    host: str
    port: int


def check_url(url: str) -> _Origin:
    """Validate an absolute http(s) URL; return its origin. SourceError otherwise."""
    if not isinstance(url, str) or not url.strip():
        raise SourceError("no URL configured")
    if len(url) > MAX_URL_LENGTH:
        raise SourceError(f"URL longer than {MAX_URL_LENGTH} characters")
    if any(ord(c) < 0x21 or ord(c) == 0x7F for c in url):
        raise SourceError("URL contains whitespace or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise SourceError(f"invalid URL: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise SourceError(
            f"only http and https URLs can be fetched, not {scheme or 'a relative URL'!r}"
        )
    if not parts.hostname:
        raise SourceError(f"URL has no host: {redact(url)}")
    if parts.username is not None or parts.password is not None:
        raise SourceError("URLs with credentials (user:password@host) are not supported")
    default = 443 if scheme == "https" else 80
    return _Origin(scheme, _normal_host(parts.hostname), port or default)


def _check_redirect(origin: _Origin, target: str) -> _Origin:
    new = check_url(target)
    if new.host != origin.host:
        raise SourceError(
            f"refusing redirect to a different host ({new.host!r}, original {origin.host!r})"
        )
    same_port = new.port == origin.port
    upgrade = (
        origin.scheme == "http" and new.scheme == "https" and origin.port == 80 and new.port == 443
    )
    if new.scheme != origin.scheme and not upgrade:
        raise SourceError(f"refusing redirect from {origin.scheme} to {new.scheme}")
    if not same_port and not upgrade:
        raise SourceError(f"refusing redirect to another port ({new.port}, original {origin.port})")
    return new


# --------------------------------------------------------------------------- retries
class _Retryable(Exception):
    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date)."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None:
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        current = datetime.fromtimestamp(time.time() if now is None else now, tz=UTC)
        return max(0.0, (when - current).total_seconds())
    if seconds != seconds or seconds < 0 or seconds == float("inf"):  # NaN / negative / inf
        return None
    return seconds


def _backoff(policy: FetchPolicy, attempt: int) -> float:
    delay = min(policy.backoff_max, policy.backoff_base * (2**attempt))
    return delay / 2 + random.uniform(0, delay / 2)  # "equal jitter"


# --------------------------------------------------------------------------- GET
@dataclass(frozen=True, slots=True)
class HttpResponse:
    status: int
    body: bytes
    url: str
    etag: str = ""
    last_modified: str = ""
    content_type: str = ""

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def http_get(
    url: str,
    policy: FetchPolicy | None = None,
    *,
    etag: str = "",
    last_modified: str = "",
    accept: str = "*/*",
) -> HttpResponse:
    """GET ``url`` under ``policy``; see the module docstring for the guarantees."""
    policy = policy or FetchPolicy()
    origin = check_url(url)
    headers = {"User-Agent": policy.user_agent, "Accept": accept}
    conditional = False
    if etag:
        headers["If-None-Match"] = etag
        conditional = True
    if last_modified:
        headers["If-Modified-Since"] = last_modified
        conditional = True
    with requests.Session() as session:
        session.trust_env = False  # no proxies / netrc from the environment
        session.max_redirects = policy.max_redirects
        transport = _GuardedHTTPAdapter(policy)
        session.mount("http://", transport)
        session.mount("https://", transport)
        attempt = 0
        while True:
            try:
                return _get_once(session, url, origin, headers, policy, conditional)
            except _Retryable as exc:
                ra = exc.retry_after
                if ra is not None and ra > policy.retry_after_cap:
                    raise TransientSourceError(
                        f"{exc}; server asked to retry after {ra:.0f}s "
                        f"(more than the {policy.retry_after_cap:.0f}s cap)",
                        retry_after=ra,
                    ) from None
                if attempt >= policy.max_retries:
                    raise TransientSourceError(
                        f"{exc} (gave up after {attempt + 1} attempt{'s' if attempt else ''})",
                        retry_after=ra,
                    ) from None
                policy.sleep(ra if ra is not None else _backoff(policy, attempt))
                attempt += 1


def _get_once(
    session: requests.Session,
    url: str,
    origin: _Origin,
    headers: dict[str, str],
    policy: FetchPolicy,
    conditional: bool,
) -> HttpResponse:
    current = url
    deadline = time.monotonic() + policy.total_timeout
    for _hop in range(policy.max_redirects + 1):
        resp = _send(session, current, headers, policy)
        with resp:
            status = resp.status_code
            if status in _REDIRECT_CODES:
                location = resp.headers.get("Location", "")
                if not location:
                    raise SourceError(
                        f"HTTP {status} redirect without a Location from {redact(current)}"
                    )
                target = urljoin(current, location.strip())
                _check_redirect(origin, target)
                current = target
                continue
            etag = resp.headers.get("ETag", "")
            last_mod = resp.headers.get("Last-Modified", "")
            if status == 304:
                if not conditional:
                    raise SourceError(
                        f"HTTP 304 from {redact(current)} to an unconditional request"
                    )
                return HttpResponse(304, b"", current, etag, last_mod, "")
            if status == 429 or 500 <= status <= 599:
                raise _Retryable(
                    f"HTTP {status} from {redact(current)}",
                    retry_after=parse_retry_after(resp.headers.get("Retry-After")),
                )
            if status >= 400:
                raise SourceError(
                    f"HTTP {status} {resp.reason or ''} from {redact(current)}".replace("  ", " ")
                )
            if not 200 <= status <= 299:
                raise SourceError(f"unexpected HTTP status {status} from {redact(current)}")
            body = _read_capped(resp, current, policy, deadline)
            return HttpResponse(
                status, body, current, etag, last_mod, resp.headers.get("Content-Type", "")
            )
    raise SourceError(
        f"too many redirects (more than {policy.max_redirects}) starting at {redact(url)}"
    )


def _send(
    session: requests.Session, url: str, headers: dict[str, str], policy: FetchPolicy
) -> requests.Response:
    where = redact(url)
    try:
        return session.get(
            url,
            headers=headers,
            timeout=(policy.connect_timeout, policy.read_timeout),
            allow_redirects=False,
            stream=True,
        )
    except SourceError:
        raise
    except requests.exceptions.SSLError as exc:
        raise SourceError(f"TLS error fetching {where}: {_short(exc)}") from None
    except requests.exceptions.Timeout as exc:
        raise _Retryable(f"timeout fetching {where}: {_short(exc)}") from None
    except (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
        raise _Retryable(f"connection error fetching {where}: {_short(exc)}") from None
    except (
        requests.exceptions.InvalidURL,
        requests.exceptions.InvalidSchema,
        requests.exceptions.MissingSchema,
    ) as exc:
        raise SourceError(f"invalid URL {where}: {_short(exc)}") from None
    except requests.exceptions.RequestException as exc:
        raise SourceError(f"request to {where} failed: {_short(exc)}") from None


def _read_capped(resp: requests.Response, url: str, policy: FetchPolicy, deadline: float) -> bytes:
    limit = policy.max_bytes
    declared = resp.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise SourceError(
            f"response from {redact(url)} is {int(declared)} bytes, "
            f"over the max_bytes limit of {limit} bytes"
        )
    chunks: list[bytes] = []
    total = 0
    try:
        for chunk in resp.iter_content(chunk_size=_CHUNK):
            total += len(chunk)
            if total > limit:
                raise SourceError(
                    f"response from {redact(url)} exceeds the max_bytes limit of {limit} bytes"
                )
            if time.monotonic() > deadline:
                raise _Retryable(
                    f"reading {redact(url)} took longer than total_timeout={policy.total_timeout}s"
                )
            chunks.append(chunk)
    except (SourceError, _Retryable):
        raise
    except requests.exceptions.ContentDecodingError as exc:
        raise SourceError(f"undecodable response body from {redact(url)}: {_short(exc)}") from None
    except (requests.exceptions.RequestException, OSError) as exc:
        raise _Retryable(f"error reading {redact(url)}: {_short(exc)}") from None
    return b"".join(chunks)


def _short(exc: BaseException) -> str:
    text = str(exc)
    return text if len(text) <= 300 else text[:297] + "..."


# --------------------------------------------------------------------------- adapters over HTTP
class HttpSourceAdapter(Adapter):
    """An adapter that GETs one URL (``SourceConfig.url`` unless ``endpoint`` says otherwise)
    and parses the body with its pure ``parse``."""

    accept: ClassVar[str] = "application/json"

    def validate(self, config: SourceConfig) -> None:
        check_url(config.url)

    def endpoint(self, config: SourceConfig) -> str:
        return config.url

    def fetch(self, config: SourceConfig, policy: FetchPolicy) -> FetchResult:
        self.validate(config)
        resp = http_get(
            self.endpoint(config),
            policy,
            etag=config.etag,
            last_modified=config.last_modified,
            accept=self.accept,
        )
        if resp.not_modified:
            return FetchResult(
                not_modified=True,
                etag=resp.etag or config.etag,
                last_modified=resp.last_modified or config.last_modified,
                complete_listing=False,
            )
        parsed: ParseResult = self.parse(resp.body, config, policy, content_type=resp.content_type)
        return self.finish(config, parsed, etag=resp.etag, last_modified=resp.last_modified)


class BoardApiAdapter(HttpSourceAdapter):
    """A job board's public API: ``board_token`` names the board, ``SourceConfig.url`` (when
    set) replaces the API's base URL, and the listing is a JSON array of objects with an "id".
    """

    api_base: ClassVar[str] = ""
    listing_path: ClassVar[str] = ""  # after the base; "{token}" is the quoted board token
    board_label: ClassVar[str] = "board_token"  # as error messages name it
    item_noun: ClassVar[str] = "item"  # as error messages name one listed object

    def validate(self, config: SourceConfig) -> None:
        if not BOARD_TOKEN_RE.match(config.board_token or ""):
            raise SourceError(
                f"{self.kind}: {self.board_label} is required "
                f"(letters, digits, '.', '_' or '-'), got {config.board_token!r}"
            )
        if config.url:
            check_url(config.url)

    def endpoint(self, config: SourceConfig) -> str:
        base = (config.url or self.api_base).rstrip("/")
        return base + self.listing_path.format(token=quote(config.board_token, safe=""))

    def collect(self, items: list[Any], config: SourceConfig, policy: FetchPolicy) -> ParseResult:
        """Convert the listed objects; the company defaults to the configured one, else the
        board token."""
        default_company = config.company or config.board_token
        return collect_postings(
            items,
            lambda item: self.convert(item, default_company),
            id_of=lambda item: (
                normalise_external_id(item.get("id")) if isinstance(item, dict) else None
            ),
            max_postings=policy.max_postings,
            label=lambda i: f"{self.kind} {self.item_noun} #{i}",
        )

    @staticmethod
    def convert(item: Any, default_company: str) -> NormalizedPosting:
        raise NotImplementedError
