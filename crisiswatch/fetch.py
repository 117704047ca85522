"""Fetch feeds over HTTP politely and defensively.

Hundreds of feeds are polled through one shared httpx client. Every request is
bounded in time (a total deadline, because a read timeout alone never fires on
a server that trickles a byte a second) and in memory (body.py decodes it by
hand with zlib so a gzip bomb costs no more than the cap). Nothing here raises
except cancellation: failures come back as words in `FetchResult.error`.
"""

from __future__ import annotations

import asyncio
import email.utils
import errno
import socket
import ssl
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from urllib.parse import urlsplit

import httpx

from crisiswatch import __version__
from crisiswatch.body import DRAIN_LIMIT, Failure, decoder_for
from crisiswatch.origin_pools import OriginPools
from crisiswatch.sanitize import clean_text

# httpcore runs `import sniffio` several times per request. sniffio is a declared
# dependency (pyproject.toml) so that import is a dict lookup: anyio 4 stopped
# installing it, and a missing module is searched for on sys.path every time.
USER_AGENT = f"crisiswatch/{__version__} (+https://github.com/crisiswatch/crisiswatch)"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8"
)
ACCEPT_ENCODING = "gzip, deflate"  # only what Decoder can undo
ERROR_MAX = 300  # characters of an error message
RETRY_AFTER_MAX = 1e12  # seconds; longer waits (30,000 years) are all the same wait

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_PERMANENT = frozenset({301, 308})


@dataclass(frozen=True, slots=True)
class FetchResult:
    url: str  # the URL asked for
    status: int | None  # final HTTP status; None when no response at all
    body: bytes | None  # decoded body when status == 200, else None
    headers: dict[str, str] = field(default_factory=dict)  # final headers, lower-case keys
    etag: str | None = None
    last_modified: str | None = None
    final_url: str | None = None  # where redirects ended
    permanent_url: str | None = None  # set when 301/308 moved the feed (see Fetcher.fetch)
    error: str | None = None  # what went wrong, in words
    retry_after: float | None = None  # seconds, from Retry-After on 429/503
    elapsed: float = 0.0  # seconds on the network, queueing excluded

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def _seconds(value: float) -> str:
    return f"{value:g}"


def check_url(url: str) -> str | None:
    """Why `url` cannot be fetched, or None when it looks fetchable."""
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        return f"invalid URL: {exc}"
    if parts.scheme.lower() not in ("http", "https"):
        return "only http(s) feeds are supported"
    if " " in url or not url.isprintable():  # isprintable() is False for other whitespace
        return "invalid URL: it contains spaces or control characters"
    if not parts.hostname:
        return "invalid URL: no host name"
    return None


def _host_key(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port or ''}"


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds from now: either delta-seconds or an HTTP-date.

    The value comes from the server, so anything else (Unicode digits such as
    '²' that `str.isdigit` accepts, dates no calendar has) is ignored rather
    than trusted: None, never an exception.
    """
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        # float() has no digit limit (int() refuses past 4300 digits); cap the absurd.
        return min(float(value), RETRY_AFTER_MAX)
    try:
        when = email.utils.parsedate_to_datetime(value)
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        now = now or datetime.now(UTC)
        return max(0.0, (when - now).total_seconds())
    except Exception:  # TypeError, ValueError, OverflowError...: a header we cannot read
        return None


def _status_words(status: int, reason: str = "") -> str:
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = reason.strip()
    return f"HTTP {status} {phrase}".rstrip()


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """The exception, what caused it, and so on (exception groups included)."""
    seen: set[int] = set()
    todo = [exc]
    while todo and len(seen) < 32:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        if isinstance(current, BaseExceptionGroup):
            todo.extend(current.exceptions)
        for nxt in (current.__cause__, current.__context__):
            if nxt is not None:
                todo.append(nxt)


def describe_error(exc: BaseException, url: str) -> str:
    """Words for a failed request, from the low-level cause when there is one."""
    host = urlsplit(url).hostname or url
    chain = list(_causes(exc))
    for cause in chain:
        if isinstance(cause, socket.gaierror):
            return f"could not resolve host {host}"
    for cause in chain:
        if isinstance(cause, ssl.SSLCertVerificationError):
            return f"TLS certificate of {host} was not accepted: {cause.verify_message}"
        if isinstance(cause, ssl.SSLError):
            return f"TLS handshake with {host} failed: {cause.reason or cause}"
    for cause in chain:
        if isinstance(cause, ConnectionRefusedError) or (
            isinstance(cause, OSError) and cause.errno == errno.ECONNREFUSED
        ):
            return "connection refused"
    for cause in chain:
        if isinstance(cause, ConnectionResetError):
            return "the server reset the connection"
        if isinstance(cause, OSError) and cause.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
            return f"cannot reach {host}: {cause.strerror}"
    if isinstance(exc, httpx.ConnectTimeout):
        return f"could not connect to {host} in time"
    if isinstance(exc, httpx.TimeoutException):
        return "the server stopped responding"
    if isinstance(exc, httpx.ConnectError):
        return f"could not connect to {host}: {exc}" if str(exc) else f"could not connect to {host}"
    if isinstance(exc, httpx.RemoteProtocolError):
        text = str(exc) or "malformed response"
        return f"the server broke the HTTP protocol ({text})"
    if isinstance(exc, httpx.ReadError | httpx.WriteError):
        return "the connection was lost" + (f" ({exc})" if str(exc) else "")
    if isinstance(exc, httpx.InvalidURL | httpx.UnsupportedProtocol):
        return f"invalid URL: {exc}"
    if isinstance(exc, OSError):
        return f"network error: {exc.strerror or exc}"
    if isinstance(exc, httpx.HTTPError):
        return str(exc) or type(exc).__name__
    return f"unexpected error: {type(exc).__name__}: {exc}"


@dataclass(slots=True)
class _Progress:
    """What is known so far about one fetch, kept so a failure can still report it."""

    url: str
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    final_url: str | None = None
    permanent_url: str | None = None
    still_permanent: bool = True  # every hop so far was a 301/308
    body: bytes | None = None
    reason: str = ""
    slot: asyncio.Semaphore | None = None  # the host slot currently held
    sent_etag: str | None = None
    sent_last_modified: str | None = None


class Fetcher:
    """One shared HTTP client with global and per-host concurrency caps."""

    def __init__(
        self,
        *,
        concurrency: int = 32,
        per_host: int = 6,
        timeout: float = 30.0,
        max_bytes: int = 15 * 1024 * 1024,
        max_redirects: int = 5,
        user_agent: str | None = None,
    ) -> None:
        self.concurrency = max(1, concurrency)
        self.per_host = max(1, per_host)
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.user_agent = user_agent or USER_AGENT
        self._slots = asyncio.Semaphore(self.concurrency)
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._client: httpx.AsyncClient | None = None

    def _open(self) -> httpx.AsyncClient:
        # The host semaphore admits at most `per_host` requests to a host, so a
        # pool of that size per origin never makes anyone wait; the pool
        # timeout is off for the same reason.
        self._client = httpx.AsyncClient(
            follow_redirects=False,
            timeout=httpx.Timeout(None),
            transport=OriginPools(per_origin=self.per_host),
            headers={
                "User-Agent": self.user_agent,
                "Accept": ACCEPT,
                "Accept-Encoding": ACCEPT_ENCODING,
            },
        )
        return self._client

    async def __aenter__(self) -> Fetcher:
        if self._client is None:
            self._open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    def _host_slot(self, url: str) -> asyncio.Semaphore:
        key = _host_key(url)
        slot = self._hosts.get(key)
        if slot is None:
            slot = self._hosts[key] = asyncio.Semaphore(self.per_host)
        return slot

    async def _enter(self, url: str) -> asyncio.Semaphore:
        """Take a slot for the host, then a global one; always in that order.

        Waiting for a busy host therefore never holds a global slot that another
        host could use, and a fixed order cannot deadlock.
        """
        host = self._host_slot(url)
        await host.acquire()
        try:
            await self._slots.acquire()
        except BaseException:
            host.release()
            raise
        return host

    def _leave(self, host: asyncio.Semaphore) -> None:
        self._slots.release()
        host.release()

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """GET a feed, conditionally when validators are given.

        `permanent_url` is the last URL reached through an unbroken run of
        301/308 redirects from the start, reported only when the chain ended in
        200 or 304, so a transient misconfiguration cannot move a feed.
        """
        problem = check_url(url)
        if problem:
            return FetchResult(url=url, status=None, body=None, error=problem)
        client = self._client or self._open()
        conditional: dict[str, str] = {}
        if etag:
            conditional["If-None-Match"] = etag
        if last_modified:
            conditional["If-Modified-Since"] = last_modified

        progress = _Progress(url, sent_etag=etag, sent_last_modified=last_modified)
        error: str | None = None
        started = time.perf_counter()
        try:
            progress.slot = await self._enter(url)
            started = time.perf_counter()
            deadline = asyncio.timeout(self.timeout)
            try:
                async with deadline:
                    await self._follow(client, url, conditional, progress)
            except TimeoutError:
                if not deadline.expired():
                    raise  # an OS-level timeout, not ours: described below
                what = "no response" if progress.status is None else "the response did not finish"
                error = f"{what} within {_seconds(self.timeout)} s (total deadline)"
        except Failure as exc:
            error = str(exc)
        except Exception as exc:  # turned into words; the caller records them
            error = describe_error(exc, progress.final_url or url)
        finally:
            if progress.slot is not None:
                self._leave(progress.slot)
        elapsed = time.perf_counter() - started
        try:
            return self._result(progress, error, elapsed)
        except Exception as exc:  # a bug reading the response must not escape: see the module doc
            return FetchResult(
                url=url,
                status=progress.status,
                body=None,
                error=clean_text(describe_error(exc, url), ERROR_MAX, html=False),
                elapsed=elapsed,
            )

    def _result(self, progress: _Progress, error: str | None, elapsed: float) -> FetchResult:
        status = progress.status
        headers = progress.headers
        body = progress.body if error is None and status == 200 else None
        if error is None and status not in (200, 304) and status is not None:
            error = _status_words(status, progress.reason)
        if error is not None:
            # Reason phrases, header values and low-level messages come from the
            # server: make them as safe to print as any feed title.
            error = clean_text(error, ERROR_MAX, html=False) or "unknown error"
        retry_after = None
        if status in (429, 503):
            retry_after = parse_retry_after(headers.get("retry-after"))
        ok = error is None and status in (200, 304)
        etag = headers.get("etag")
        last_modified = headers.get("last-modified")
        if status == 304:
            # Not every server repeats the validators on a 304; the ones we sent
            # are still the right ones for the next request.
            etag = etag or progress.sent_etag
            last_modified = last_modified or progress.sent_last_modified
        return FetchResult(
            url=progress.url,
            status=status,
            body=body,
            headers=headers,
            etag=etag,
            last_modified=last_modified,
            final_url=progress.final_url,
            permanent_url=progress.permanent_url if ok else None,
            error=error,
            retry_after=retry_after,
            elapsed=elapsed,
        )

    async def _follow(
        self,
        client: httpx.AsyncClient,
        url: str,
        conditional: dict[str, str],
        progress: _Progress,
    ) -> None:
        """Walk the redirect chain, moving the host slot along with it."""
        seen = {url.split("#", 1)[0]}
        current = url
        hops = 0
        while True:
            progress.final_url = current
            async with client.stream("GET", current, headers=conditional) as response:
                status = response.status_code
                location = response.headers.get("location")
                if status not in _REDIRECTS or not location:
                    progress.status = status
                    progress.reason = response.reason_phrase
                    progress.headers = dict(response.headers.items())
                    if status == 200:
                        progress.body = await self._read_body(response)
                    else:
                        await _drain(response)
                    if status in _REDIRECTS:
                        raise Failure(
                            f"{_status_words(status)} without a Location header to follow"
                        )
                    return
                await _drain(response)
                try:
                    target = response.url.join(location.strip())
                except (httpx.InvalidURL, ValueError):
                    raise Failure("the server redirected to an invalid URL") from None
            nxt = str(target)
            if target.scheme not in ("http", "https"):
                raise Failure(f"redirected to a non-http(s) URL ({target.scheme}:)")
            hops += 1
            if hops > self.max_redirects:
                raise Failure(f"too many redirects (more than {self.max_redirects})")
            key = nxt.split("#", 1)[0]
            if key in seen:
                raise Failure("redirect loop")
            seen.add(key)
            if progress.still_permanent and status in _PERMANENT:
                progress.permanent_url = nxt
            else:
                progress.still_permanent = False
            if _host_key(nxt) != _host_key(current) and progress.slot is not None:
                old, progress.slot = progress.slot, None
                self._leave(old)
                progress.slot = await self._enter(nxt)
            current = nxt

    async def _read_body(self, response: httpx.Response) -> bytes:
        decoder = decoder_for(response.headers, self.max_bytes)
        async for chunk in response.aiter_raw():
            decoder.feed(chunk)
        return decoder.result()


async def _drain(response: httpx.Response) -> None:
    """Read a small unwanted body so the connection can be reused; give up on big ones."""
    read = 0
    async for chunk in response.aiter_raw():
        read += len(chunk)
        if read > DRAIN_LIMIT:
            return
