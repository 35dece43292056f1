"""A local threaded HTTP server for the source-adapter tests (stdlib only).

Binds to 127.0.0.1 on an ephemeral port and serves the fixture feeds in ``feeds/`` plus
misbehaving routes. Use it as a context manager::

    with FeedServer() as server:
        server.url("/feeds/jobs_rss.xml")          # http://127.0.0.1:PORT/feeds/...
        server.url("/feeds/x", host="localhost")   # same server, other host name

Routes (GET):

/feeds/<file>                   fixture file with ETag + Last-Modified; 304 on a match
/v1/boards/<token>/jobs         Greenhouse API (token "northwind"; needs ?content=true)
/v0/postings/<site>             Lever API (site "ridgeline"; needs ?mode=json)
/dynamic/<name>                 a body registered at test time with ``add_route``
/flaky/<key>/<file>             503 for the first two requests per key, then the file
/ratelimited/<key>/<file>       429 with Retry-After (``?after=N`` seconds, ``&date=1``
                                for an HTTP-date) on the first request per key
/status/<code>                  that status (``?retry_after=N`` adds Retry-After)
/garbage                        deterministic random bytes (``?type=`` content type)
/oversize?bytes=N[&length=1]    N bytes streamed in chunks (with Content-Length if length=1)
/gzip-bomb?bytes=N              N zero bytes, gzip-compressed, Content-Encoding: gzip
/slow?delay=S                   waits S seconds before answering
/drip?seconds=S                 sends a byte every 50 ms for S seconds
/redirect-same-host/<file>      302 to /feeds/<file>
/redirect-other-host/<file>     302 to http://localhost:PORT/feeds/<file> (other host name)
/redirect-loop/<n>              302 to /redirect-loop/<n+1>, forever
/redirect-to?location=URL       302 to URL
/echo                           JSON: the request's path and headers

Every request is recorded in ``server.requests`` as (path, headers) with the Host header.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import random
import threading
import time
from collections import defaultdict
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

FEEDS_DIR = Path(__file__).resolve().parent / "feeds"

# A fixed Last-Modified for all fixture files keeps the tests deterministic.
FIXTURE_LAST_MODIFIED = "Mon, 13 Jan 2025 15:00:00 GMT"

_CONTENT_TYPES = {
    ".json": "application/json; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
}


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    # ----------------------------------------------------------------- plumbing
    def _send(
        self,
        status: int,
        body: bytes = b"",
        content_type: str = "application/json; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            if body:
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _send_fixture(self, name: str) -> None:
        path = (FEEDS_DIR / name).resolve()
        if FEEDS_DIR not in path.parents or not path.is_file():
            self._send(404, b'{"error": "no such fixture"}')
            return
        body = path.read_bytes()
        self._send_with_validators(
            body, _CONTENT_TYPES.get(path.suffix, "application/octet-stream")
        )

    def _send_with_validators(self, body: bytes, content_type: str) -> None:
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        headers = {
            "ETag": etag,
            "Last-Modified": FIXTURE_LAST_MODIFIED,
            "Cache-Control": "no-cache",
        }
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        if inm is not None:
            if inm.strip() == "*" or etag in [t.strip() for t in inm.split(",")]:
                self._send(304, b"", content_type, headers)
                return
        elif ims:
            try:
                if parsedate_to_datetime(ims) >= parsedate_to_datetime(FIXTURE_LAST_MODIFIED):
                    self._send(304, b"", content_type, headers)
                    return
            except (TypeError, ValueError):
                pass
        self._send(200, body, content_type, headers)

    def _count(self, key: str) -> int:
        with self.server.lock:
            self.server.counters[key] += 1
            return self.server.counters[key]

    # ----------------------------------------------------------------- routes
    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        path = parts.path
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        with self.server.lock:
            self.server.requests.append((path, dict(self.headers.items())))
        segs = [s for s in path.split("/") if s]

        if len(segs) >= 2 and segs[0] == "feeds":
            self._send_fixture("/".join(segs[1:]))
        elif len(segs) == 4 and segs[:2] == ["v1", "boards"] and segs[3] == "jobs":
            if segs[2] != "northwind":
                self._send(404, b'{"status": 404, "error": "Job board not found"}')
            elif query.get("content") != "true":
                self._send(400, b'{"error": "this test server only serves content=true"}')
            else:
                self._send_fixture("greenhouse_jobs.json")
        elif len(segs) == 3 and segs[:2] == ["v0", "postings"]:
            if segs[2] != "ridgeline":
                self._send(404, b'{"ok": false, "error": "Document not found"}')
            elif query.get("mode") != "json":
                self._send(400, b'{"ok": false, "error": "mode=json expected"}')
            else:
                self._send_fixture("lever_postings.json")
        elif len(segs) == 2 and segs[0] == "dynamic":
            route = self.server.dynamic.get(segs[1])
            if route is None:
                self._send(404, b'{"error": "no such dynamic route"}')
            else:
                self._send_with_validators(*route)
        elif len(segs) >= 3 and segs[0] == "flaky":
            if self._count("flaky:" + segs[1]) <= 2:
                self._send(503, b'{"error": "temporarily unavailable"}')
            else:
                self._send_fixture("/".join(segs[2:]))
        elif len(segs) >= 3 and segs[0] == "ratelimited":
            if self._count("ratelimited:" + segs[1]) == 1:
                after = float(query.get("after", "1"))
                value = (
                    formatdate(self.server.clock() + after, usegmt=True)
                    if query.get("date")
                    else query.get("after", "1")
                )
                self._send(429, b'{"error": "slow down"}', headers={"Retry-After": value})
            else:
                self._send_fixture("/".join(segs[2:]))
        elif len(segs) == 2 and segs[0] == "status":
            headers = {"Retry-After": query["retry_after"]} if "retry_after" in query else {}
            self._count("status:" + segs[1])
            self._send(int(segs[1]), b'{"error": "as requested"}', headers=headers)
        elif path == "/garbage":
            rng = random.Random(1234)
            body = bytes(rng.getrandbits(8) for _ in range(4096))
            self._send(200, body, query.get("type", "application/json"))
        elif path == "/oversize":
            self._stream(int(query.get("bytes", "1000000")), with_length=query.get("length") == "1")
        elif path == "/gzip-bomb":
            body = gzip.compress(b"\0" * int(query.get("bytes", "10000000")))
            self._send(200, body, "application/json", headers={"Content-Encoding": "gzip"})
        elif path == "/slow":
            if not self.server.stopping.wait(float(query.get("delay", "2"))):
                self._send_fixture("jobs_generic.json")
        elif path == "/drip":
            self._drip(float(query.get("seconds", "2")))
        elif len(segs) >= 2 and segs[0] == "redirect-same-host":
            self._send(302, b"", headers={"Location": "/feeds/" + "/".join(segs[1:])})
        elif len(segs) >= 2 and segs[0] == "redirect-other-host":
            target = f"http://localhost:{self.server.server_address[1]}/feeds/" + "/".join(segs[1:])
            self._send(302, b"", headers={"Location": target})
        elif len(segs) == 2 and segs[0] == "redirect-loop":
            self._send(302, b"", headers={"Location": f"/redirect-loop/{int(segs[1]) + 1}"})
        elif path == "/redirect-to":
            self._send(
                int(query.get("code", "302")), b"", headers={"Location": query.get("location", "/")}
            )
        elif path == "/echo":
            body = json.dumps({"path": self.path, "headers": dict(self.headers.items())}).encode()
            self._send(200, body)
        else:
            self._send(404, b'{"error": "not found"}')

    def _stream(self, size: int, *, with_length: bool) -> None:
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            if with_length:
                self.send_header("Content-Length", str(size))
            self.end_headers()
            chunk = b"x" * 65536
            sent = 0
            while sent < size and not self.server.stopping.is_set():
                piece = chunk[: min(len(chunk), size - sent)]
                self.wfile.write(piece)
                sent += len(piece)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _drip(self, seconds: float) -> None:
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            steps = int(seconds / 0.05)
            for _ in range(steps):
                if self.server.stopping.wait(0.05):
                    return
                self.wfile.write(b" ")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.counters: defaultdict[str, int] = defaultdict(int)
        self.dynamic: dict[str, tuple[bytes, str]] = {}
        self.stopping = threading.Event()
        self.clock = time.time


class FeedServer:
    """Start/stop wrapper around the threaded fixture server."""

    def __init__(self) -> None:
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # ----------------------------------------------------------------- lifecycle
    def start(self) -> FeedServer:
        self._server = _Server()
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            daemon=True,
            name="feedserver",
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None

    def __enter__(self) -> FeedServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ----------------------------------------------------------------- helpers
    @property
    def srv(self) -> _Server:
        assert self._server is not None, "server not started"
        return self._server

    @property
    def port(self) -> int:
        return int(self.srv.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str, *, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def add_route(
        self, name: str, body: bytes, content_type: str = "application/json; charset=utf-8"
    ) -> str:
        """Serve ``body`` at /dynamic/<name> (with ETag/Last-Modified); returns its URL."""
        with self.srv.lock:
            self.srv.dynamic[name] = (body, content_type)
        return self.url(f"/dynamic/{name}")

    @property
    def requests(self) -> list[tuple[str, dict[str, str]]]:
        with self.srv.lock:
            return list(self.srv.requests)

    def requests_to(self, path: str) -> list[dict[str, str]]:
        return [headers for p, headers in self.requests if p == path]

    def count(self, key: str) -> int:
        with self.srv.lock:
            return self.srv.counters[key]
