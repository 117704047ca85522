"""A real HTTP server on 127.0.0.1 for tests: routes are plain Python callables.

Tests register a route per path; the handler gets the request and returns a
`Reply` (or writes to the socket itself for misbehaving servers). Every request
is recorded so tests can assert what the client sent (If-None-Match, ...).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Request:
    path: str
    headers: dict[str, str]


Handler = Callable[[Request, BaseHTTPRequestHandler], Reply | None]


class FeedServer:
    def __init__(self, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, Handler] = {}
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:
                req = Request(self.path, {k.lower(): v for k, v in self.headers.items()})
                with server._lock:
                    server.requests.append(req)
                handler = server.routes.get(self.path.split("?")[0])
                reply = handler(req, self) if handler else Reply(404, b"not found")
                if reply is None:  # the handler wrote the response itself
                    return
                try:
                    self.send_response(reply.status)
                    headers = {"Content-Length": str(len(reply.body)), **reply.headers}
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.end_headers()
                    if reply.status != 304:
                        self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = ThreadingHTTPServer((host, 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False
        self.port = self.httpd.server_address[1]
        self.base = f"http://{host}:{self.port}"
        # serve_forever checks for shutdown() between polls: at the default 0.5 s,
        # every test using the server paid up to half a second to stop it.
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def start(self) -> FeedServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread.is_alive():  # shutdown() would wait forever for a loop never started
            self.httpd.shutdown()
            self._thread.join(5)
        self.httpd.server_close()

    def url(self, path: str) -> str:
        return self.base + path

    def route(self, path: str, handler: Handler) -> str:
        self.routes[path] = handler
        return self.url(path)

    def static(self, path: str, body: bytes, status: int = 200, **headers: str) -> str:
        """Serve fixed bytes; honours If-None-Match when an ETag header is given."""
        hdrs = {k.replace("_", "-"): v for k, v in headers.items()}

        def handler(req: Request, _h: BaseHTTPRequestHandler) -> Reply:
            etag = hdrs.get("ETag")
            if etag and req.headers.get("if-none-match") == etag:
                return Reply(304, b"", {"ETag": etag})
            return Reply(status, body, hdrs)

        return self.route(path, handler)

    def hits(self, path: str) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if r.path.split("?")[0] == path]


def rss(items: list[dict[str, str]], title: str = "Test feed", encoding: str = "utf-8") -> bytes:
    """Build a small RSS 2.0 document; values are inserted as given (already escaped)."""
    parts = []
    for it in items:
        inner = "".join(f"<{k}>{v}</{k}>" for k, v in it.items())
        parts.append(f"<item>{inner}</item>")
    doc = (
        f'<?xml version="1.0" encoding="{encoding}"?>\n<rss version="2.0"><channel>'
        f"<title>{title}</title><link>https://example.org/</link><description>t</description>"
        + "".join(parts)
        + "</channel></rss>"
    )
    return doc.encode(encoding)
