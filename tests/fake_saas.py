"""What the fake Bitrix24 and amoCRM servers share: a threaded HTTP server on 127.0.0.1 (port 0),
a leaky-bucket rate limit, and injectable faults (busy answers, dropped connections, lost answers).

A subclass implements ``answer(method, path, query, headers, body)`` → (status, headers, JSON) and
says which requests write (``is_write``), so a fault can be aimed at the next write only.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qsl, urlsplit

from tests.fake_http import LoopbackServer


class LeakyBucket:
    """The portal's limit: ``capacity`` requests in the bucket, draining ``drain`` per second."""

    def __init__(self, capacity: float, drain: float) -> None:
        self.capacity, self.drain = capacity, drain
        self.level, self.last = 0.0, time.monotonic()

    def admit(self) -> bool:
        now = time.monotonic()
        self.level = max(0.0, self.level - (now - self.last) * self.drain)
        self.last = now
        if self.level + 1 > self.capacity:
            return False
        self.level += 1
        return True


class FakeSaas(LoopbackServer):
    """Lifecycle, faults and bookkeeping; ``answer`` is the CRM."""

    def __init__(self, capacity: float, drain: float) -> None:
        self.bucket = LeakyBucket(capacity, drain)
        self.lock = threading.RLock()
        self.requests = 0  # HTTP requests received
        self.refused = Counter()  # status → answers refused by the limits (503, 429, …)
        self.writes = Counter()  # write operation → how many were executed
        self._drop: list[tuple[bool, bool]] = []  # (writes only, after processing) per dropped request to come
        self._busy: list[tuple[int, dict, dict]] = []

    # -- faults ---------------------------------------------------------------------------------
    def drop_next(self, *, writes_only: bool = True, after_processing: bool = False, times: int = 1) -> None:
        """Close the connection without an answer; ``after_processing``: the request was executed (lost answer)."""
        self._drop += [(writes_only, after_processing)] * times

    def busy_next(self, status: int, body: dict, headers: dict | None = None, times: int = 1) -> None:
        self._busy += [(status, headers or {}, body)] * times

    # -- lifecycle -----------------------------------------------------------------------------
    def handler(self) -> type[BaseHTTPRequestHandler]:
        return _handler(self)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- to implement ----------------------------------------------------------------------------
    def answer(self, method: str, path: str, query: str, headers: dict, body: bytes) -> tuple[int, dict, object]:
        raise NotImplementedError

    def is_write(self, method: str, path: str, body: bytes) -> bool:
        raise NotImplementedError

    def limited(self) -> tuple[int, dict, dict]:
        """The answer when the bucket is full."""
        raise NotImplementedError

    # -- one request ------------------------------------------------------------------------------
    def handle(self, method: str, path: str, query: str, headers: dict, body: bytes) -> tuple[int, dict, object] | None:
        """The answer, or None to drop the connection."""
        with self.lock:
            self.requests += 1
            write = self.is_write(method, path, body)
            drop = next(((n, d) for n, d in enumerate(self._drop) if write or not d[0]), None)
            if drop is not None:
                del self._drop[drop[0]]
                if not drop[1][1]:
                    return None
            elif self._busy:
                status, extra, answer = self._busy.pop(0)
                self.refused[status] += 1
                return status, extra, answer
            elif not self.bucket.admit():
                self.refused["limit"] += 1
                return self.limited()
            result = self.answer(method, path, query, headers, body)
            return None if drop is not None else result


def _handler(fake: FakeSaas) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _any(self) -> None:
            parts = urlsplit(self.path)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            result = fake.handle(self.command, parts.path, parts.query, dict(self.headers), body)
            if result is None:  # the connection drops: no answer at all
                self.close_connection = True
                return
            status, headers, answer = result
            data = b"" if answer is None else json.dumps(answer, ensure_ascii=False).encode()
            self.send_response(status)
            for name, value in {
                "Content-Type": "application/json; charset=utf-8",
                **headers,
                "Content-Length": str(len(data)),
            }.items():
                self.send_header(name, str(value))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PATCH = _any

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


def php_params(query: str) -> dict:
    """A PHP-style query string (``fields[PHONE][0][VALUE]=…``) as nested dicts, numbered keys as lists."""
    root: dict = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        head, _, rest = key.partition("[")
        path = [head] + ([p.rstrip("]") for p in ("[" + rest).split("[")[1:]] if rest else [])
        node = root
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = value
    return _lists(root)


def _lists(node: object) -> object:
    if isinstance(node, dict):
        node = {k: _lists(v) for k, v in node.items()}
        if node and all(k.isdigit() for k in node) and sorted(map(int, node)) == list(range(len(node))):
            return [node[str(i)] for i in range(len(node))]
    return node
