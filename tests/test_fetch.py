"""Fetcher against a real HTTP server on 127.0.0.1 (no mocks, no internet)."""

from __future__ import annotations

import asyncio
import gzip
import socket
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler

import httpx
import pytest

from crisiswatch import __version__
from crisiswatch.fetch import Fetcher, FetchResult, describe_error, parse_retry_after
from tests.feedserver import FeedServer, Reply, Request, rss

FEED = rss([{"title": "Troops withdraw", "link": "https://example.org/1"}])
MiB = 1024 * 1024


@pytest.fixture
def stop() -> Iterator[threading.Event]:
    """Set at teardown so slow handlers end instead of lingering in the server."""
    event = threading.Event()
    yield event
    event.set()


def stream(
    status: int, headers: dict[str, str], chunks: Callable[[], Iterator[bytes]]
) -> Callable[[Request, BaseHTTPRequestHandler], None]:
    """A handler that writes its body piece by piece until the client hangs up."""

    def handler(_req: Request, h: BaseHTTPRequestHandler) -> None:
        h.close_connection = True
        try:
            h.send_response(status)
            for key, value in {"Connection": "close", **headers}.items():
                h.send_header(key, value)
            h.end_headers()
            for chunk in chunks():
                h.wfile.write(chunk)
        except OSError:  # the client gave up, which is the point
            pass

    return handler


async def fetch(url: str, **options: object) -> FetchResult:
    async with Fetcher(**options) as fetcher:  # type: ignore[arg-type]
        return await fetcher.fetch(url)


# -- basics ------------------------------------------------------------------------------


def test_sniffio_is_installed_for_httpcore() -> None:
    """httpcore imports sniffio on every request; were it missing (anyio 4 no longer
    brings it), each attempt would search sys.path again. It is a declared dependency."""
    import importlib.util

    assert importlib.util.find_spec("sniffio") is not None


async def test_plain_200(feed_server: FeedServer) -> None:
    url = feed_server.static("/feed.xml", FEED, Content_Type="application/rss+xml")
    result = await fetch(url)
    assert result.status == 200
    assert result.body == FEED
    assert result.error is None
    assert result.final_url == url
    assert result.permanent_url is None
    assert result.headers["content-type"] == "application/rss+xml"
    assert all(key == key.lower() for key in result.headers)
    assert result.elapsed > 0


async def test_request_headers(feed_server: FeedServer) -> None:
    url = feed_server.static("/feed.xml", FEED)
    await fetch(url)
    sent = feed_server.hits("/feed.xml")[0].headers
    assert sent["user-agent"] == (
        f"crisiswatch/{__version__} (+https://github.com/crisiswatch/crisiswatch)"
    )
    assert sent["accept-encoding"] == "gzip, deflate"
    assert "application/rss+xml" in sent["accept"]
    assert "if-none-match" not in sent and "if-modified-since" not in sent


async def test_custom_user_agent(feed_server: FeedServer) -> None:
    url = feed_server.static("/feed.xml", FEED)
    await fetch(url, user_agent="probe/1")
    assert feed_server.hits("/feed.xml")[0].headers["user-agent"] == "probe/1"


async def test_conditional_get_round_trip_with_etag(feed_server: FeedServer) -> None:
    url = feed_server.static("/feed.xml", FEED, ETag='"v1"')
    async with Fetcher() as fetcher:
        first = await fetcher.fetch(url)
        assert first.status == 200 and first.etag == '"v1"'
        second = await fetcher.fetch(url, etag=first.etag, last_modified=first.last_modified)
    assert feed_server.hits("/feed.xml")[1].headers["if-none-match"] == '"v1"'
    assert second.status == 304
    assert second.not_modified
    assert second.body is None
    assert second.error is None
    assert second.etag == '"v1"'


async def test_conditional_get_with_last_modified(feed_server: FeedServer) -> None:
    stamp = "Mon, 06 Jan 2025 10:00:00 GMT"

    def handler(req: Request, _h: BaseHTTPRequestHandler) -> Reply:
        if req.headers.get("if-modified-since") == stamp:
            return Reply(304)
        return Reply(200, FEED, {"Last-Modified": stamp})

    url = feed_server.route("/lm.xml", handler)
    async with Fetcher() as fetcher:
        first = await fetcher.fetch(url)
        assert first.last_modified == stamp and first.etag is None
        second = await fetcher.fetch(url, last_modified=first.last_modified)
    assert second.not_modified and second.body is None


async def test_304_without_validators_keeps_the_ones_sent(feed_server: FeedServer) -> None:
    url = feed_server.static("/bare304", b"", status=304)
    async with Fetcher() as fetcher:
        result = await fetcher.fetch(
            url, etag='"v7"', last_modified="Mon, 06 Jan 2025 10:00:00 GMT"
        )
    assert result.not_modified and result.error is None
    assert result.etag == '"v7"'
    assert result.last_modified == "Mon, 06 Jan 2025 10:00:00 GMT"


async def test_not_modified_is_reusable_many_times(feed_server: FeedServer) -> None:
    """Hundreds of calls through one client: no PoolTimeout, no leaked slots."""
    url = feed_server.static("/feed.xml", FEED, ETag='"v1"')
    async with Fetcher(concurrency=8, per_host=8) as fetcher:
        results = await asyncio.gather(*(fetcher.fetch(url, etag='"v1"') for _ in range(300)))
    assert {r.status for r in results} == {304}
    assert all(r.error is None for r in results)


# -- HTTP errors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "words"),
    [(404, "HTTP 404 Not Found"), (410, "HTTP 410 Gone"), (500, "HTTP 500 Internal Server Error")],
)
async def test_http_errors_in_words(feed_server: FeedServer, status: int, words: str) -> None:
    url = feed_server.static("/gone.xml", b"<html>nope</html>", status=status)
    result = await fetch(url)
    assert result.status == status
    assert result.error == words
    assert result.body is None
    assert result.retry_after is None


async def test_hostile_reason_phrase_is_not_repeated_raw(feed_server: FeedServer) -> None:
    def odd_status(_req: Request, h: BaseHTTPRequestHandler) -> None:
        h.send_response(599, "\x1b]0;owned\x07Bad \x1b[31mthing")
        h.send_header("Content-Length", "0")
        h.end_headers()

    result = await fetch(feed_server.route("/odd", odd_status))
    assert result.status == 599
    assert result.error == "HTTP 599 Bad thing"


async def test_hostile_header_in_an_error_is_made_printable(feed_server: FeedServer) -> None:
    url = feed_server.static("/enc", b"x", Content_Encoding="\x1b[2Jzz", Connection="close")
    result = await fetch(url)
    assert result.error == "the server used a content encoding we did not ask for (zz)"


async def test_429_with_retry_after_seconds(feed_server: FeedServer) -> None:
    url = feed_server.static("/slow.xml", b"", status=429, Retry_After="120")
    result = await fetch(url)
    assert result.status == 429
    assert result.error == "HTTP 429 Too Many Requests"
    assert result.retry_after == 120.0


async def test_503_with_retry_after_http_date(feed_server: FeedServer) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=90), usegmt=True)
    url = feed_server.static("/busy.xml", b"", status=503, Retry_After=when)
    result = await fetch(url)
    assert result.error == "HTTP 503 Service Unavailable"
    assert result.retry_after is not None and 80 <= result.retry_after <= 91


def test_retry_after_forms() -> None:
    now = datetime(2025, 1, 6, 10, 0, 0, tzinfo=UTC)
    assert parse_retry_after("0", now) == 0.0
    assert parse_retry_after(" 30 ", now) == 30.0
    assert parse_retry_after("Mon, 06 Jan 2025 10:02:00 GMT", now) == 120.0
    assert parse_retry_after("Mon, 06 Jan 2025 09:00:00 GMT", now) == 0.0  # already past
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after("-5", now) is None
    assert parse_retry_after(None, now) is None


# -- redirects -------------------------------------------------------------------------------


def redirect(code: int, location: str) -> Callable[[Request, BaseHTTPRequestHandler], Reply]:
    """A handler that answers every request with `code` and a Location header."""

    def handler(_r: Request, _h: BaseHTTPRequestHandler) -> Reply:
        return Reply(code, b"", {"Location": location})

    return handler


def chain(server: FeedServer, name: str, codes: list[int]) -> str:
    """/name/0 -> /name/1 -> ... with the given status codes, ending at the feed."""
    for i, code in enumerate(codes):
        server.route(f"/{name}/{i}", redirect(code, f"{i + 1}"))
    server.static(f"/{name}/{len(codes)}", FEED, ETag='"end"')
    return server.url(f"/{name}/0")


async def test_redirect_chain_of_three(feed_server: FeedServer) -> None:
    url = chain(feed_server, "c3", [302, 307, 303])
    result = await fetch(url)
    assert result.status == 200 and result.body == FEED and result.error is None
    assert result.url == url
    assert result.final_url == feed_server.url("/c3/3")
    assert result.etag == '"end"'
    assert result.permanent_url is None


async def test_five_redirects_allowed_six_refused(feed_server: FeedServer) -> None:
    ok = await fetch(chain(feed_server, "c5", [302] * 5))
    assert ok.status == 200 and ok.error is None
    too_many = await fetch(chain(feed_server, "c6", [302] * 6))
    assert too_many.error == "too many redirects (more than 5)"
    assert too_many.body is None
    assert len(feed_server.hits("/c6/6")) == 0  # it stopped before the seventh request


async def test_redirect_loop_detected(feed_server: FeedServer) -> None:
    feed_server.route("/a", lambda _r, _h: Reply(302, b"", {"Location": "/b"}))
    feed_server.route("/b", lambda _r, _h: Reply(302, b"", {"Location": "/a"}))
    result = await fetch(feed_server.url("/a"))
    assert result.error == "redirect loop"
    assert len(feed_server.hits("/a")) == 1


async def test_301_recorded_as_permanent(feed_server: FeedServer) -> None:
    url = chain(feed_server, "moved", [301])
    result = await fetch(url)
    assert result.status == 200
    assert result.permanent_url == feed_server.url("/moved/1")


async def test_308_then_302_records_only_the_permanent_part(feed_server: FeedServer) -> None:
    result = await fetch(chain(feed_server, "mixed", [308, 302]))
    assert result.permanent_url == feed_server.url("/mixed/1")
    assert result.final_url == feed_server.url("/mixed/2")


async def test_302_then_301_is_not_permanent(feed_server: FeedServer) -> None:
    result = await fetch(chain(feed_server, "temp", [302, 301]))
    assert result.status == 200 and result.permanent_url is None


async def test_permanent_move_to_a_broken_url_is_not_recorded(feed_server: FeedServer) -> None:
    feed_server.route("/old", lambda _r, _h: Reply(301, b"", {"Location": "/missing"}))
    result = await fetch(feed_server.url("/old"))
    assert result.status == 404 and result.permanent_url is None


async def test_conditional_headers_follow_redirects(feed_server: FeedServer) -> None:
    url = chain(feed_server, "cond", [301])
    async with Fetcher() as fetcher:
        result = await fetcher.fetch(url, etag='"end"')
    assert result.not_modified
    assert feed_server.hits("/cond/1")[0].headers["if-none-match"] == '"end"'


async def test_redirect_to_another_scheme_refused(feed_server: FeedServer) -> None:
    feed_server.route("/ftp", lambda _r, _h: Reply(302, b"", {"Location": "ftp://example.org/"}))
    result = await fetch(feed_server.url("/ftp"))
    assert result.error == "redirected to a non-http(s) URL (ftp:)"


async def test_redirect_without_location(feed_server: FeedServer) -> None:
    url = feed_server.static("/nowhere", b"", status=302)
    result = await fetch(url)
    assert result.error == "HTTP 302 Found without a Location header to follow"


# -- bodies: encodings and the size cap ------------------------------------------------------------


async def test_gzip_body_decoded(feed_server: FeedServer) -> None:
    url = feed_server.static("/gz.xml", gzip.compress(FEED), Content_Encoding="gzip")
    result = await fetch(url)
    assert result.body == FEED


async def test_multi_member_gzip_decoded(feed_server: FeedServer) -> None:
    body = gzip.compress(FEED[:50]) + gzip.compress(FEED[50:])
    url = feed_server.static("/gz2.xml", body, Content_Encoding="gzip")
    assert (await fetch(url)).body == FEED


async def test_deflate_body_decoded_zlib_and_raw(feed_server: FeedServer) -> None:
    raw = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    raw_body = raw.compress(FEED) + raw.flush()
    wrapped = feed_server.static("/z.xml", zlib.compress(FEED), Content_Encoding="deflate")
    bare = feed_server.static("/raw.xml", raw_body, Content_Encoding="deflate")
    assert (await fetch(wrapped)).body == FEED
    assert (await fetch(bare)).body == FEED


async def test_corrupt_gzip_reported(feed_server: FeedServer) -> None:
    url = feed_server.static(
        "/bad.gz", b"\x1f\x8bthis is not gzip", Content_Encoding="gzip", Connection="close"
    )
    result = await fetch(url)
    assert result.body is None
    assert result.error is not None and result.error.startswith(
        "the body could not be decompressed"
    )


async def test_unrequested_encoding_refused(feed_server: FeedServer) -> None:
    url = feed_server.static("/br.xml", b"\x8b\x02\x80", Content_Encoding="br", Connection="close")
    result = await fetch(url)
    assert result.error == "the server used a content encoding we did not ask for (br)"


async def test_declared_length_over_the_cap(feed_server: FeedServer) -> None:
    # "Connection: close" so the server does not wait for a next request on a
    # connection the client abandons mid-body (it would log a reset).
    url = feed_server.static("/big.xml", b"x" * (2 * MiB), Connection="close")
    result = await fetch(url, max_bytes=MiB)
    assert result.error == "body larger than the 1 MiB cap"
    assert result.body is None and result.status == 200


async def test_endless_plain_body_stops_at_the_cap(
    feed_server: FeedServer, stop: threading.Event
) -> None:
    def endless() -> Iterator[bytes]:
        block = b"<item>" + b"x" * 65_530
        for _ in range(100_000):  # ~6 GiB if nobody stopped it
            if stop.is_set():
                return
            yield block

    url = feed_server.route("/endless", stream(200, {}, endless))
    tracemalloc.start()
    try:
        result = await fetch(url, max_bytes=2 * MiB)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.error == "body larger than the 2 MiB cap"
    assert result.body is None
    assert peak < 8 * MiB


def _bomb_blocks() -> tuple[bytes, bytes]:
    """A gzip header+block and a repeatable block, each inflating to 1 MiB of zeros.

    After Z_FULL_FLUSH the compressor forgets its history, so the second block
    can be repeated as often as we like and the stream stays valid.
    """
    zeros = bytes(MiB)
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    head = packer.compress(zeros) + packer.flush(zlib.Z_FULL_FLUSH)
    block = packer.compress(zeros) + packer.flush(zlib.Z_FULL_FLUSH)
    return head, block


async def test_gzip_bomb_stops_at_the_cap_with_bounded_memory(
    feed_server: FeedServer, stop: threading.Event
) -> None:
    head, block = _bomb_blocks()
    assert len(block) < 4096  # 1 MiB of zeros in a few KiB: a bomb indeed
    written = {"bytes": 0}

    def bomb() -> Iterator[bytes]:
        yield head
        for _ in range(100_000):  # 100 GiB once inflated
            if stop.is_set():
                return
            written["bytes"] += len(block)
            yield block * 16

    url = feed_server.route("/bomb", stream(200, {"Content-Encoding": "gzip"}, bomb))
    tracemalloc.start()
    try:
        result = await fetch(url, max_bytes=4 * MiB)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.error == "body larger than the 4 MiB cap"
    assert result.body is None
    # Inflating even one 64 KiB network read of this stream in one go would need
    # 16+ MiB; the decoder never holds more than the cap plus a little.
    assert peak < 4 * MiB + 2 * MiB
    assert written["bytes"] < 50 * MiB  # the server was cut off early, not drained


async def test_gzip_body_just_under_the_cap_is_fine(feed_server: FeedServer) -> None:
    body = b"a" * (MiB - 10)
    url = feed_server.static("/under.gz", gzip.compress(body), Content_Encoding="gzip")
    result = await fetch(url, max_bytes=MiB)
    assert result.error is None and result.body == body


# -- time ----------------------------------------------------------------------------------


async def test_total_deadline_beats_a_trickling_server(
    feed_server: FeedServer, stop: threading.Event
) -> None:
    def trickle() -> Iterator[bytes]:
        for _ in range(100):  # 20 s of one byte every 0.2 s; each byte resets a read timeout
            yield b"x"
            if stop.wait(0.2):
                return

    url = feed_server.route("/trickle", stream(200, {"Content-Length": "100"}, trickle))
    started = time.perf_counter()
    result = await fetch(url, timeout=1.0)
    took = time.perf_counter() - started
    assert result.error == "the response did not finish within 1 s (total deadline)"
    assert result.status == 200 and result.body is None
    assert 0.9 <= took < 4.0  # the deadline, plus slack for a loaded machine


async def test_total_deadline_without_any_response(
    feed_server: FeedServer, stop: threading.Event
) -> None:
    def silent(_req: Request, _h: BaseHTTPRequestHandler) -> None:
        stop.wait(30)

    url = feed_server.route("/silent", silent)
    result = await fetch(url, timeout=0.5)
    assert result.error == "no response within 0.5 s (total deadline)"
    assert result.status is None


# -- connection problems -----------------------------------------------------------------------


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_connection_refused() -> None:
    result = await fetch(f"http://127.0.0.1:{closed_port()}/feed.xml")
    assert result.status is None
    assert result.error == "connection refused"


async def test_server_hangs_up_without_answering(feed_server: FeedServer) -> None:
    def hang_up(_req: Request, h: BaseHTTPRequestHandler) -> None:
        h.close_connection = True

    url = feed_server.route("/hangup", hang_up)
    result = await fetch(url)
    assert result.status is None
    assert result.error is not None
    assert result.error.startswith("the server broke the HTTP protocol")


@pytest.mark.parametrize(
    "url",
    ["ftp://example.org/feed", "file:///etc/passwd", "javascript:alert(1)", "feed.xml", ""],
)
async def test_only_http_urls(url: str) -> None:
    result = await fetch(url)
    assert result.error == "only http(s) feeds are supported"
    assert result.status is None


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http:///feed.xml", "invalid URL: no host name"),
        ("http://exa mple.org/", "invalid URL: it contains spaces or control characters"),
    ],
)
async def test_malformed_urls(url: str, words: str) -> None:
    assert (await fetch(url)).error == words


def test_dns_failure_described() -> None:
    low = socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    try:
        try:
            raise low
        except OSError as exc:
            raise httpx.ConnectError(str(exc)) from exc
    except httpx.ConnectError as wrapped:
        assert describe_error(wrapped, "http://example.invalid/feed") == (
            "could not resolve host example.invalid"
        )


def test_refusal_inside_an_exception_group_described() -> None:
    group = ExceptionGroup("attempts", [ConnectionRefusedError(111, "Connection refused")])
    try:
        try:
            raise OSError("All connection attempts failed") from group
        except OSError as exc:
            raise httpx.ConnectError(str(exc)) from exc
    except httpx.ConnectError as wrapped:
        assert describe_error(wrapped, "http://127.0.0.1:9/") == "connection refused"


# -- concurrency -----------------------------------------------------------------------------------


class Gate:
    """Counts requests in flight and holds each until `expected` are in (bounded)."""

    def __init__(self, expected: int) -> None:
        self.expected = expected
        self.active = 0
        self.peak = 0
        self.cond = threading.Condition()

    def handler(self, _req: Request, _h: BaseHTTPRequestHandler) -> Reply:
        with self.cond:
            self.active += 1
            self.peak = max(self.peak, self.active)
            self.cond.notify_all()
            self.cond.wait_for(lambda: self.active >= self.expected, timeout=2)
        # let the group overlap a moment longer, so an over-limit extra would be seen
        with self.cond:
            self.cond.wait_for(lambda: self.active > self.expected, timeout=0.05)
            self.active -= 1
        return Reply(200, FEED)


async def test_per_host_cap(feed_server: FeedServer) -> None:
    gate = Gate(expected=3)
    url = feed_server.route("/gate", gate.handler)
    async with Fetcher(concurrency=32, per_host=3) as fetcher:
        results = await asyncio.gather(*(fetcher.fetch(url) for _ in range(9)))
    assert all(r.status == 200 for r in results)
    assert gate.peak == 3


async def test_global_cap(feed_server: FeedServer) -> None:
    gate = Gate(expected=2)
    url = feed_server.route("/gate", gate.handler)
    async with Fetcher(concurrency=2, per_host=10) as fetcher:
        results = await asyncio.gather(*(fetcher.fetch(url) for _ in range(6)))
    assert all(r.status == 200 for r in results)
    assert gate.peak == 2


async def test_cancellation_propagates_and_frees_the_slot(
    feed_server: FeedServer, stop: threading.Event
) -> None:
    entered = threading.Event()

    def silent(_req: Request, _h: BaseHTTPRequestHandler) -> None:
        entered.set()
        stop.wait(30)

    slow = feed_server.route("/silent", silent)
    quick = feed_server.static("/feed.xml", FEED)
    async with Fetcher(concurrency=1, per_host=1) as fetcher:
        task = asyncio.create_task(fetcher.fetch(slow))
        assert await asyncio.to_thread(entered.wait, 5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        result = await asyncio.wait_for(fetcher.fetch(quick), 5)
    assert result.status == 200


async def test_one_client_with_a_small_pool_per_origin(feed_server: FeedServer) -> None:
    """Connections are kept per origin: each pool check looks at a few, not all."""
    from crisiswatch.origin_pools import OriginPools

    other = FeedServer("127.0.0.2").start()
    try:
        urls = [feed_server.static("/a.xml", FEED), other.static("/b.xml", FEED)]
        async with Fetcher(concurrency=32, per_host=2) as fetcher:
            for _ in range(3):  # sequential rounds reuse the kept connections
                results = await asyncio.gather(*(fetcher.fetch(u) for u in urls * 4))
                assert all(r.status == 200 for r in results)
            client = fetcher._client
            assert client is not None
            transport = client._transport
            assert isinstance(transport, OriginPools)
            pools = transport._pools
            assert sorted(key[1] for key in pools) == [b"127.0.0.1", b"127.0.0.2"]
            for pool in pools.values():
                assert 1 <= len(pool._pool.connections) <= 2
        assert transport._pools == {}  # closed with the client
    finally:
        other.stop()


@pytest.mark.parametrize(
    "value",
    [
        "\xb2",  # superscript two: str.isdigit() says yes, int() says no
        "\u2460",  # circled digit one
        "\u0663",  # Arabic-Indic three: int() would take it, HTTP does not
        "1\xb2",
        "Mon, 99 Zzz 99999999999999999999 99:99:99 +9999",
        "Fri, 31 Dec 99999 23:59:59 GMT",
        "\x00",
    ],
)
def test_retry_after_that_is_not_http_is_ignored(value: str) -> None:
    assert parse_retry_after(value, datetime(2025, 1, 6, tzinfo=UTC)) is None


def test_retry_after_with_thousands_of_digits_is_a_long_wait() -> None:
    wait = parse_retry_after("9" * 5000)  # int() refuses strings this long
    assert wait is not None and 3600 * 24 * 365 < wait < float("inf")


@pytest.mark.parametrize("status", [429, 503])
async def test_unicode_digit_retry_after_is_a_failure_not_an_exception(
    feed_server: FeedServer, status: int
) -> None:
    """`Retry-After: ²` once raised ValueError out of fetch(), which promises never to raise."""
    url = feed_server.static("/sq.xml", b"", status=status, Retry_After="\xb2")
    result = await fetch(url)
    assert result.headers.get("retry-after") == "\xb2"  # it did reach the client
    assert result.status == status and result.error is not None and str(status) in result.error
    assert result.retry_after is None
