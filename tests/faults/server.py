"""A feed server on 127.0.0.1 that misbehaves on purpose, one path per fault.

`tests/feedserver.py` speaks well-formed HTTP through `http.server`; the faults
here need more than that (a status line that never finishes, a body that
trickles forever, bytes that are not HTTP at all), so this server reads the
request itself and hands the raw socket to the fault's handler.

Every connection is closed after one response, and each one is recorded with
how long the client stayed connected: for the slow faults that is how long
the collector took to give up, which the tests hold against its deadline.
"""

from __future__ import annotations

import contextlib
import select
import socket
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

HOST = "127.0.0.1"
HEAD_LIMIT = 64 * 1024


@dataclass(frozen=True, slots=True)
class Visit:
    """One connection to a fault path: when it came and how long it stayed open."""

    path: str
    headers: dict[str, str]
    seconds: float


@dataclass(slots=True)
class Conn:
    """The accepted socket, the parsed request, and helpers to answer it."""

    sock: socket.socket
    path: str
    headers: dict[str, str]
    stopping: threading.Event
    hit: int = 0  # how many times this path was requested before (0 on the first)
    extra: dict[str, object] = field(default_factory=dict)

    def write(self, data: bytes) -> bool:
        """Send bytes; False once the client has gone (so handlers can stop)."""
        try:
            self.sock.sendall(data)
        except OSError:
            return False
        return True

    def head(self, status: str, headers: Iterable[tuple[str, str]] = ()) -> bool:
        lines = [f"HTTP/1.1 {status}", "Connection: close"]
        lines += [f"{k}: {v}" for k, v in headers]
        return self.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))

    def reply(
        self,
        status: str,
        body: bytes = b"",
        headers: Iterable[tuple[str, str]] = (),
        *,
        content_type: str = "application/rss+xml; charset=utf-8",
    ) -> None:
        """A complete, well-formed response with a Content-Length."""
        all_headers = [("Content-Type", content_type), ("Content-Length", str(len(body)))]
        if self.head(status, [*all_headers, *headers]):
            self.write(body)

    def stream(self, chunks: Iterable[bytes]) -> None:
        """Send chunks until they run out or the client hangs up; never buffers them."""
        for chunk in chunks:
            if self.stopping.is_set() or not self.write(chunk):
                return

    def wait_closed(self, pace: float | None = None) -> bool:
        """Block until the client closes (True) or `pace` seconds pass (False).

        Used both to hold a connection open doing nothing and to pace a
        trickle: the fault server may sleep, the tests never do.
        """
        deadline = None if pace is None else time.monotonic() + pace
        while not self.stopping.is_set():
            left = 0.2 if deadline is None else min(0.2, deadline - time.monotonic())
            if left <= 0:
                return False
            readable, _, _ = select.select([self.sock], [], [], left)
            if readable:
                try:
                    if not self.sock.recv(4096):
                        return True
                except OSError:
                    return True
        return True


# What a handler returns is ignored: a lambda may hand back its last write's result.
Handler = Callable[[Conn], object]


class FaultServer:
    """Threaded raw HTTP server; `route(path, handler)` registers a fault."""

    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.visits: list[Visit] = []
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._hits: dict[str, int] = {}
        self._listener = socket.create_server((HOST, 0), backlog=256)
        self._listener.settimeout(0.05)  # how often accept() looks at `stopping`
        self.port = self._listener.getsockname()[1]
        self.base = f"http://{HOST}:{self.port}"
        self._thread = threading.Thread(target=self._accept_loop, daemon=True)
        self._held: list[socket.socket] = []  # listeners for refused / connect-timeout

    # -- lifecycle ------------------------------------------------------------------------

    def start(self) -> FaultServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self._thread.join(5)
        self._listener.close()
        for sock in self._held:
            with contextlib.suppress(OSError):
                sock.close()

    def __enter__(self) -> FaultServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def url(self, path: str) -> str:
        return self.base + path

    def route(self, path: str, handler: Handler) -> str:
        self.routes[path] = handler
        return self.url(path)

    def visits_to(self, prefix: str) -> list[Visit]:
        with self._lock:
            return [v for v in self.visits if v.path.startswith(prefix)]

    # -- addresses that misbehave below HTTP ---------------------------------------------

    def refused_url(self) -> str:
        """A loopback port nobody listens on: the kernel answers with RST at once."""
        with socket.socket() as probe:
            probe.bind((HOST, 0))
            port = probe.getsockname()[1]
        return f"http://{HOST}:{port}/feed.xml"

    def blackhole_url(self) -> str:
        """A listener whose accept queue is full and never drained.

        Linux drops further SYNs instead of refusing them, so a connect to it
        hangs exactly like a firewalled host, while staying on 127.0.0.1.
        """
        listener = socket.socket()
        listener.bind((HOST, 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        self._held.append(listener)
        for _ in range(3):  # fill the queue; these never get accepted
            filler = socket.socket()
            filler.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                filler.connect((HOST, port))
            self._held.append(filler)
        return f"http://{HOST}:{port}/feed.xml"

    # -- serving ---------------------------------------------------------------------------

    def _accept_loop(self) -> None:
        while not self.stopping.is_set():
            try:
                sock, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._serve, args=(sock,), daemon=True).start()

    def _serve(self, sock: socket.socket) -> None:
        started = time.monotonic()
        path = ""
        headers: dict[str, str] = {}
        try:
            request = _read_head(sock)
            if request is None:
                return
            path, headers = request
            with self._lock:
                hit = self._hits.get(path, 0)
                self._hits[path] = hit + 1
            handler = self.routes.get(path.split("?", 1)[0])
            conn = Conn(sock, path, headers, self.stopping, hit)
            if handler is None:
                conn.reply("404 Not Found", b"no such fault", content_type="text/plain")
            else:
                handler(conn)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
            if path:
                with self._lock:
                    self.visits.append(Visit(path, headers, time.monotonic() - started))


def _read_head(sock: socket.socket) -> tuple[str, dict[str, str]] | None:
    """The request target and lower-cased headers, or None if the client gave up."""
    sock.settimeout(10)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk or len(data) > HEAD_LIMIT:
            return None
        data += chunk
    sock.settimeout(None)
    lines = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) < 2:
        return None
    headers = {}
    for line in lines[1:]:
        key, _, value = line.partition(":")
        headers[key.strip().lower()] = value.strip()
    return parts[1], headers
