"""Safe HTTP fetch: conditional GET, retries, limits, redirects and the SSRF guard.

All traffic goes to the local fixture server on 127.0.0.1. Addresses such as 10.0.0.1 or
169.254.169.254 are only ever *refused*: the guard raises before a socket is created,
which ``no_sockets`` proves.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from email.utils import formatdate

import pytest

from recruiting.sources import FetchPolicy, SourceError, TransientSourceError
from recruiting.sources import fetch as fetch_module
from recruiting.sources.fetch import (
    BlockedAddressError,
    address_refusal,
    check_url,
    http_get,
    parse_retry_after,
)
from recruiting.tests.feedserver import FIXTURE_LAST_MODIFIED, FeedServer


@pytest.fixture(scope="module")
def server():
    with FeedServer() as srv:
        yield srv


class SleepRecorder:
    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def local_policy(**overrides) -> FetchPolicy:
    """Loopback allowed (the fixture server), short timeouts, no real sleeping."""
    values = {
        "connect_timeout": 2,
        "read_timeout": 5,
        "allow_private": True,
        "sleep": SleepRecorder(),
    }
    values.update(overrides)
    return FetchPolicy(**values)


@pytest.fixture
def no_sockets(monkeypatch):
    """Fail the test if anything tries to open a socket."""

    def refuse(*args, **kwargs):
        raise AssertionError("a socket was opened although the guard should have refused first")

    monkeypatch.setattr(fetch_module.socket, "socket", refuse)


# --------------------------------------------------------------------------- basics
def test_plain_get_returns_body_and_validators(server):
    resp = http_get(server.url("/feeds/jobs_rss.xml"), local_policy())
    assert resp.status == 200
    assert resp.body.startswith(b"<?xml")
    assert resp.etag.startswith('"') and resp.etag.endswith('"')
    assert resp.last_modified == FIXTURE_LAST_MODIFIED
    assert "xml" in resp.content_type


def test_conditional_get_with_etag_gives_not_modified(server):
    first = http_get(server.url("/feeds/jobs_atom.xml"), local_policy())
    second = http_get(server.url("/feeds/jobs_atom.xml"), local_policy(), etag=first.etag)
    assert second.not_modified
    assert second.body == b""
    assert server.requests_to("/feeds/jobs_atom.xml")[-1]["If-None-Match"] == first.etag


def test_conditional_get_with_last_modified_gives_not_modified(server):
    resp = http_get(
        server.url("/feeds/jobs_generic.json"), local_policy(), last_modified=FIXTURE_LAST_MODIFIED
    )
    assert resp.not_modified
    assert (
        server.requests_to("/feeds/jobs_generic.json")[-1]["If-Modified-Since"]
        == FIXTURE_LAST_MODIFIED
    )


def test_stale_etag_gets_full_body(server):
    resp = http_get(server.url("/feeds/jobs_generic.json"), local_policy(), etag='"stale"')
    assert resp.status == 200 and resp.body


def test_unconditional_304_is_an_error(server):
    with pytest.raises(SourceError, match="304"):
        http_get(server.url("/status/304"), local_policy())


# --------------------------------------------------------------------------- retries
def test_503_twice_then_200_is_retried_with_backoff(server):
    sleep = SleepRecorder()
    resp = http_get(
        server.url("/flaky/backoff/jobs_generic.json"), local_policy(sleep=sleep, backoff_base=0.5)
    )
    assert resp.status == 200
    assert server.count("flaky:backoff") == 3
    assert len(sleep.calls) == 2
    # Exponential with "equal jitter": attempt n waits in [d/2, d] with d = base * 2**n.
    assert 0.25 <= sleep.calls[0] <= 0.5
    assert 0.5 <= sleep.calls[1] <= 1.0


def test_503_forever_gives_transient_error_after_bounded_retries(server):
    sleep = SleepRecorder()
    before = server.count("status:503")
    with pytest.raises(TransientSourceError, match="503"):
        http_get(server.url("/status/503"), local_policy(sleep=sleep, max_retries=2))
    assert server.count("status:503") - before == 3
    assert len(sleep.calls) == 2


def test_429_retry_after_seconds_is_honoured(server):
    sleep = SleepRecorder()
    resp = http_get(server.url("/ratelimited/secs/jobs_rss.xml?after=7"), local_policy(sleep=sleep))
    assert resp.status == 200
    assert sleep.calls == [7.0]


def test_429_retry_after_http_date_is_honoured(server):
    sleep = SleepRecorder()
    resp = http_get(
        server.url("/ratelimited/date/jobs_rss.xml?after=30&date=1"), local_policy(sleep=sleep)
    )
    assert resp.status == 200
    assert len(sleep.calls) == 1 and 25 <= sleep.calls[0] <= 30


def test_429_with_long_retry_after_is_not_slept(server):
    sleep = SleepRecorder()
    with pytest.raises(TransientSourceError) as info:
        http_get(
            server.url("/status/429?retry_after=3600"),
            local_policy(sleep=sleep, retry_after_cap=60),
        )
    assert info.value.retry_after == 3600
    assert sleep.calls == []


def test_404_fails_at_once_without_retry(server):
    sleep = SleepRecorder()
    before = server.count("status:404")
    with pytest.raises(SourceError, match="404") as info:
        http_get(server.url("/status/404"), local_policy(sleep=sleep))
    assert not isinstance(info.value, TransientSourceError)
    assert server.count("status:404") - before == 1
    assert sleep.calls == []


def test_read_timeout_is_transient(server):
    # The server waits 3 s before answering; the read timeout is 0.2 s.
    with pytest.raises(TransientSourceError, match=r"(?i)timeout|timed out"):
        http_get(server.url("/slow?delay=3"), local_policy(read_timeout=0.2, max_retries=0))


def test_read_timeout_is_retried(server):
    sleep = SleepRecorder()
    before = len(server.requests_to("/slow"))
    with pytest.raises(TransientSourceError):
        http_get(
            server.url("/slow?delay=3"), local_policy(read_timeout=0.2, max_retries=1, sleep=sleep)
        )
    assert len(server.requests_to("/slow")) - before == 2
    assert len(sleep.calls) == 1


def test_slow_drip_is_cut_by_total_timeout(server):
    with pytest.raises(TransientSourceError, match="total_timeout"):
        http_get(
            server.url("/drip?seconds=3"),
            local_policy(read_timeout=2, total_timeout=0.3, max_retries=0),
        )


def test_connection_refused_is_transient():
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens there now
    with pytest.raises(TransientSourceError, match="connection error"):
        http_get(f"http://127.0.0.1:{port}/", local_policy(max_retries=0))


# --------------------------------------------------------------------------- limits
@pytest.mark.parametrize("length", ["0", "1"])
def test_oversize_body_is_refused_naming_the_limit(server, length):
    with pytest.raises(SourceError, match="max_bytes limit of 1000 bytes") as info:
        http_get(
            server.url(f"/oversize?bytes=200000&length={length}"), local_policy(max_bytes=1000)
        )
    assert not isinstance(info.value, TransientSourceError)


def test_gzip_bomb_is_capped_after_decompression(server):
    with pytest.raises(SourceError, match="max_bytes limit of 100000 bytes"):
        http_get(server.url("/gzip-bomb?bytes=5000000"), local_policy(max_bytes=100_000))


def test_body_at_the_limit_is_accepted(server):
    resp = http_get(server.url("/oversize?bytes=1000"), local_policy(max_bytes=1000))
    assert len(resp.body) == 1000


# --------------------------------------------------------------------------- redirects
def test_same_host_redirect_is_followed(server):
    resp = http_get(server.url("/redirect-same-host/jobs_rss.xml"), local_policy())
    assert resp.status == 200
    assert resp.url.endswith("/feeds/jobs_rss.xml")


def test_redirect_to_another_host_is_refused(server):
    before = [
        h
        for p, h in server.requests
        if p == "/feeds/jobs_atom.xml" and h["Host"].startswith("localhost")
    ]
    with pytest.raises(SourceError, match="different host"):
        http_get(server.url("/redirect-other-host/jobs_atom.xml"), local_policy())
    after = [
        h
        for p, h in server.requests
        if p == "/feeds/jobs_atom.xml" and h["Host"].startswith("localhost")
    ]
    assert after == before  # the other host was never contacted


def test_redirect_loop_is_bounded(server):
    before = len([p for p, _ in server.requests if p.startswith("/redirect-loop/")])
    with pytest.raises(SourceError, match="too many redirects"):
        http_get(server.url("/redirect-loop/0"), local_policy(max_redirects=5))
    after = len([p for p, _ in server.requests if p.startswith("/redirect-loop/")])
    assert after - before == 6


@pytest.mark.parametrize(
    "location",
    [
        "ftp://127.0.0.1/feed.xml",
        "file:///etc/passwd",
        "gopher://127.0.0.1:6379/_INFO",
        "javascript:alert(1)",
    ],
)
def test_redirect_to_other_scheme_is_refused(server, location):
    with pytest.raises(SourceError, match="only http and https"):
        http_get(server.url(f"/redirect-to?location={location}"), local_policy())


def test_redirect_to_other_port_is_refused(server):
    with pytest.raises(SourceError, match="another port"):
        http_get(
            server.url(f"/redirect-to?location=http://127.0.0.1:{server.port + 1}/"), local_policy()
        )


def test_redirect_to_private_address_checked_on_every_hop(server):
    # The first hop is allowed via allowed_hosts; the redirect would need another host.
    policy = local_policy(allow_private=False, allowed_hosts=("127.0.0.1",))
    with pytest.raises(SourceError):
        http_get(
            server.url("/redirect-to?location=http://169.254.169.254/latest/meta-data/"), policy
        )


# --------------------------------------------------------------------------- URL checks
@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "no URL"),
        ("ftp://example.com/feed", "only http and https"),
        ("file:///etc/passwd", "only http and https"),
        ("/relative/path", "only http and https"),
        ("http://user:pw@example.com/", "credentials"),
        ("http:///nohost", "no host"),
        ("http://example.com/a b", "whitespace"),
        ("http://example.com:99999/", "invalid URL"),
        ("http://example.com/" + "a" * 3000, "longer than"),
    ],
)
def test_bad_urls_are_refused(url, message):
    with pytest.raises(SourceError, match=message):
        check_url(url)


# --------------------------------------------------------------------------- SSRF guard
@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/feeds/jobs_rss.xml",
        "http://localhost:{port}/feeds/jobs_rss.xml",
        "http://[::1]:{port}/feeds/jobs_rss.xml",
        "http://2130706433:{port}/feeds/jobs_rss.xml",
        "http://[::ffff:127.0.0.1]:{port}/feeds/jobs_rss.xml",
    ],
)
def test_loopback_is_refused_without_allow_private(server, url):
    before = len(server.requests)
    with pytest.raises(BlockedAddressError, match="refusing"):
        http_get(url.format(port=server.port), FetchPolicy(max_retries=0))
    assert len(server.requests) == before  # nothing reached the server


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1/jobs.json",
        "http://192.168.1.10/jobs.json",
        "http://172.16.5.4/jobs.json",
        "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://[fe80::1]/",
        "http://0.0.0.0/",
        "http://100.64.0.1/",
        "http://224.0.0.1/",
        "http://240.0.0.1/",
        "https://[::]/",
        "http://[64:ff9b::a9fe:a9fe]/",
        "http://[2002:7f00:1::]/",
    ],
)
def test_private_and_special_addresses_are_refused_before_connecting(url, no_sockets):
    with pytest.raises(BlockedAddressError, match="refusing"):
        http_get(url, FetchPolicy(max_retries=0))


def test_hostname_resolving_to_private_address_is_refused(no_sockets):
    def resolver(host, port, *args, **kwargs):
        assert host == "jobs.internal.example"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", port))]

    with pytest.raises(BlockedAddressError, match=r"10\.1\.2\.3"):
        http_get(
            "http://jobs.internal.example/feed.json", FetchPolicy(resolver=resolver, max_retries=0)
        )


def test_mixed_public_and_private_resolution_is_refused(no_sockets):
    def resolver(host, port, *args, **kwargs):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port)),
        ]

    with pytest.raises(BlockedAddressError, match="loopback"):
        http_get("http://rebind.example/feed.json", FetchPolicy(resolver=resolver, max_retries=0))


def test_connection_goes_to_the_checked_address_and_keeps_the_host_header(server):
    """The guard's resolver decides where the socket connects (pinning), Host stays the name."""
    calls = []

    def resolver(host, port, *args, **kwargs):
        calls.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    policy = FetchPolicy(resolver=resolver, allowed_hosts=("pinned.test",), max_retries=0)
    resp = http_get(f"http://pinned.test:{server.port}/echo", policy)
    assert resp.status == 200
    assert calls == ["pinned.test"]  # "pinned.test" does not exist in DNS: the pin was used
    assert b'"Host": "pinned.test:' in resp.body


@pytest.mark.parametrize("address", ["169.254.169.254", "fd00:ec2::254", "::ffff:169.254.169.254"])
def test_metadata_addresses_are_refused_even_when_private_is_allowed(address, no_sockets):
    def resolver(host, port, *args, **kwargs):
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (address, port))]

    for policy in (
        FetchPolicy(resolver=resolver, allow_private=True, max_retries=0),
        FetchPolicy(resolver=resolver, allowed_hosts=("metadata.google.internal",), max_retries=0),
    ):
        with pytest.raises(BlockedAddressError, match="metadata"):
            http_get("http://metadata.google.internal/computeMetadata/v1/", policy)


def test_allowed_hosts_is_per_host(server):
    policy = FetchPolicy(allowed_hosts=("feeds.partner.example",), max_retries=0)
    with pytest.raises(BlockedAddressError):
        http_get(server.url("/feeds/jobs_rss.xml"), policy)


def test_allowed_hosts_lets_a_named_internal_host_through(server):
    policy = FetchPolicy(allowed_hosts=("LOCALHOST",), max_retries=0)
    resp = http_get(server.url("/feeds/jobs_rss.xml", host="localhost"), policy)
    assert resp.status == 200


def test_environment_proxies_are_ignored(server, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://10.9.9.9:3128")
    monkeypatch.setenv("http_proxy", "http://10.9.9.9:3128")
    resp = http_get(server.url("/feeds/jobs_rss.xml"), local_policy())
    assert resp.status == 200


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("10.0.0.1", "private"),
        ("169.254.169.254", "metadata"),
        ("fd00:ec2::254", "metadata"),
        ("169.254.1.1", "link-local"),
        ("0.0.0.0", "unspecified"),  # noqa: S104 - an address under test, nothing binds
        ("224.0.0.1", "multicast"),
        ("100.64.0.1", "non-global"),
        ("::ffff:10.0.0.1", "embedded"),
        ("64:ff9b::7f00:1", "embedded"),
    ],
)
def test_address_refusal_reasons(address, reason):
    assert reason in (address_refusal(ipaddress.ip_address(address)) or "")


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"])
def test_public_addresses_pass(address):
    assert address_refusal(ipaddress.ip_address(address)) is None


# --------------------------------------------------------------------------- Retry-After
def test_parse_retry_after():
    now = time.time()
    assert parse_retry_after("120") == 120
    assert parse_retry_after("0") == 0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after("-5") is None
    future = formatdate(now + 90, usegmt=True)
    assert 85 <= parse_retry_after(future, now=now) <= 90
    past = formatdate(now - 90, usegmt=True)
    assert parse_retry_after(past, now=now) == 0


# --------------------------------------------------------------------------- HTTPS path
def test_https_goes_through_the_guard_too(server):
    with pytest.raises(BlockedAddressError):
        http_get(f"https://127.0.0.1:{server.port}/feeds/jobs_rss.xml", FetchPolicy(max_retries=0))
    with pytest.raises(BlockedAddressError):
        http_get("https://169.254.169.254/latest/meta-data/", FetchPolicy(max_retries=0))


def test_tls_failure_is_a_source_error(server):
    # The fixture server speaks plain HTTP: the TLS handshake on the guarded HTTPS
    # connection fails, which is a configuration problem, not a transient one.
    with pytest.raises(SourceError, match="TLS error") as info:
        http_get(f"https://127.0.0.1:{server.port}/feeds/jobs_rss.xml", local_policy(max_retries=0))
    assert not isinstance(info.value, TransientSourceError)
