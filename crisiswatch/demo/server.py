"""A local HTTP server that replays the bundled seed feeds as if they were live.

The seed files are written around a fixed reference time (`REFERENCE_TIME`).
On every request the server moves their dates so that the reference time lands
on the moment the server started: the newest seed items look minutes old and
the rest of the week falls into place behind them. Items dated after the
reference time are held back and released a group at a time, so a client that
polls every few seconds watches news arrive.

The files are edited as text, never re-serialised through an XML library, so
every quirk the demo means to exercise (CDATA, entity-escaped HTML, a
non-UTF-8 encoding, relative links, missing dates) reaches the client intact.
"""

from __future__ import annotations

import email.utils
import hashlib
import html
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import TypeGuard
from urllib.parse import quote, unquote, urlsplit

SEEDS_DIR = Path(__file__).resolve().parent / "seeds"
REFERENCE_TIME = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
FEED_SUFFIX = ".xml"

Clock = Callable[[], datetime]

# --------------------------------------------------------------------------- dates

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_ZONES = {"UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5}
_ZONES |= {"MST": -7, "MDT": -6, "PST": -8, "PDT": -7}

_RFC822 = re.compile(
    r"(?P<dow>(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),\s*)?"
    r"(?P<day>\d{1,2})\s+(?P<mon>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\s+"
    r"(?P<year>\d{4})\s+(?P<h>\d{2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?\s+"
    r"(?P<zone>[+-]\d{4}|UTC|UT|GMT|Z|[ECMP][SD]T)"
)
_RFC3339 = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})(?P<sep>[Tt ])(?P<time>\d{2}:\d{2}:\d{2})"
    r"(?P<frac>\.\d+)?(?P<zone>[Zz]|[+-]\d{2}:\d{2})"
)


@dataclass(frozen=True, slots=True)
class _Date:
    """A parsed date and the exact spelling to reproduce when it is moved."""

    moment: datetime
    render: Callable[[datetime], str]


def _parse_date(text: str) -> _Date | None:
    """Read an RFC 822 or RFC 3339 date, remembering its zone and layout."""
    if m := _RFC822.fullmatch(text):
        zone = m["zone"]
        if zone[0] in "+-":
            sign = -1 if zone[0] == "-" else 1
            offset = sign * timedelta(hours=int(zone[1:3]), minutes=int(zone[3:5]))
        else:
            offset = timedelta(hours=_ZONES[zone])
        tz = timezone(offset)
        moment = datetime(
            int(m["year"]),
            _MONTHS.index(m["mon"]) + 1,
            int(m["day"]),
            int(m["h"]),
            int(m["m"]),
            int(m["s"] or 0),
            tzinfo=tz,
        )
        dow, padded, seconds = m["dow"] is not None, len(m["day"]) == 2, m["s"] is not None

        def render822(when: datetime) -> str:
            local = when.astimezone(tz)
            head = f"{_DAYS[local.weekday()]}, " if dow else ""
            day = f"{local.day:02d}" if padded else str(local.day)
            clock = f"{local:%H:%M:%S}" if seconds else f"{local:%H:%M}"
            return f"{head}{day} {_MONTHS[local.month - 1]} {local.year} {clock} {zone}"

        return _Date(moment, render822)

    if m := _RFC3339.fullmatch(text):
        zone = m["zone"]
        if zone in "Zz":
            tz = UTC
        else:
            sign = -1 if zone[0] == "-" else 1
            tz = timezone(sign * timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6])))
        frac = m["frac"] or ""
        micro = int((frac[1:] + "000000")[:6]) if frac else 0
        moment = datetime.fromisoformat(f"{m['date']}T{m['time']}").replace(
            microsecond=micro, tzinfo=tz
        )
        sep, width = m["sep"], len(frac) - 1

        def render3339(when: datetime) -> str:
            local = when.astimezone(tz)
            digits = f".{local.microsecond:06d}"[: width + 1] if frac else ""
            if width > 6:
                digits = digits.ljust(width + 1, "0")
            return f"{local:%Y-%m-%d}{sep}{local:%H:%M:%S}{digits}{zone}"

        return _Date(moment, render3339)
    return None


# --------------------------------------------------------------------------- seeds

_PROLOG_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_HIDDEN = re.compile(r"<!\[CDATA\[.*?\]\]>|<!--.*?-->", re.S)
_BLOCK = re.compile(r"[ \t]*<(item|entry)\b[^>]*>.*?</\1\s*>[ \t]*(?:\r?\n)?", re.S)
_DATE_TAGS = "pubDate|lastBuildDate|dc:date|dcterms:modified|dcterms:created|published|updated"
_DATE_ELEMENT = re.compile(
    rf"<(?P<tag>{_DATE_TAGS})(?:\s[^>]*)?>(?P<lead>\s*)(?P<value>[^<]*?)\s*</(?P=tag)\s*>"
)
_PRIMARY = ("pubDate", "dc:date", "published", "updated", "dcterms:created", "dcterms:modified")
_TITLE = re.compile(r"<title\b[^>]*>(.*?)</title\s*>", re.S)


@dataclass(frozen=True, slots=True)
class _Field:
    """One date inside the document, with its span in the original text."""

    start: int
    end: int
    tag: str
    date: _Date


@dataclass(frozen=True, slots=True)
class _Block:
    """An `<item>` or `<entry>` and the dates to rewrite inside it."""

    start: int
    end: int
    fields: tuple[_Field, ...]
    primary: datetime | None


@dataclass(frozen=True, slots=True)
class _Seed:
    filename: str
    name: str
    encoding: str
    content_type: str
    text: str
    blocks: tuple[_Block, ...]
    channel_fields: tuple[_Field, ...]  # feed-level dates, outside any block


def _mask(text: str) -> str:
    """Blank out CDATA and comments (same length) so markup inside them is never matched."""
    return _HIDDEN.sub(lambda m: " " * len(m.group()), text)


def _fields(text: str, masked: str, start: int, end: int) -> list[_Field]:
    found = []
    for m in _DATE_ELEMENT.finditer(masked, start, end):
        date = _parse_date(text[m.start("value") : m.end("value")])
        if date is not None:
            found.append(_Field(m.start("value"), m.end("value"), m["tag"], date))
    return found


def _feed_name(text: str, masked: str, stop: int, fallback: str) -> str:
    m = _TITLE.search(masked, 0, stop)
    if not m:
        return fallback
    raw = text[m.start(1) : m.end(1)]
    raw = re.sub(r"<!\[CDATA\[(.*?)\]\]>", r"\1", raw, flags=re.S)
    name = " ".join(html.unescape(re.sub(r"<[^>]+>", "", raw)).split())
    return name or fallback


def _load_seed(path: Path) -> _Seed:
    data = path.read_bytes()
    m = _PROLOG_ENCODING.match(data)
    encoding = m.group(1).decode("ascii").lower() if m else "utf-8"
    text = data.decode(encoding)
    masked = _mask(text)
    blocks = []
    for b in _BLOCK.finditer(masked):
        fields = _fields(text, masked, b.start(), b.end())
        by_tag = {f.tag: f.date.moment for f in reversed(fields)}
        primary = next((by_tag[t] for t in _PRIMARY if t in by_tag), None)
        blocks.append(_Block(b.start(), b.end(), tuple(fields), primary))
    spans = [(b.start, b.end) for b in blocks]
    channel = [
        f
        for f in _fields(text, masked, 0, len(text))
        if not any(s <= f.start < e for s, e in spans)
    ]
    first = blocks[0].start if blocks else len(text)
    kind = "atom" if re.search(r"<feed\b", masked[:first]) else "rss"
    return _Seed(
        filename=path.name,
        name=_feed_name(text, masked, first, path.stem),
        encoding=encoding,
        content_type=f"application/{kind}+xml; charset={encoding}",
        text=text,
        blocks=tuple(blocks),
        channel_fields=tuple(channel),
    )


def load_seeds(folder: Path = SEEDS_DIR) -> list[_Seed]:
    """Every `*.xml` in the seeds folder, in file-name order (stable feed list)."""
    return [_load_seed(p) for p in sorted(folder.glob(f"*{FEED_SUFFIX}"))]


# --------------------------------------------------------------------------- rendering


@dataclass(frozen=True, slots=True)
class _Rendered:
    body: bytes
    etag: str
    last_modified: datetime | None


def _floor_second(moment: datetime) -> datetime:
    return moment.replace(microsecond=0)


def _as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class _Timeline:
    """When each held-back group of items is released, fixed once at start."""

    def __init__(
        self,
        seeds: list[_Seed],
        started: datetime,
        interval: float,
        backlog: timedelta = timedelta(0),
    ) -> None:
        self.started = started
        self.shift = started - REFERENCE_TIME
        self.hold_after = REFERENCE_TIME - backlog
        future = sorted({b.primary for s in seeds for b in s.blocks if self._held(b.primary)})
        self.group = {moment: index for index, moment in enumerate(future)}
        self.releases = [
            started + timedelta(seconds=interval * (i + 1)) for i in range(len(future))
        ]

    def _held(self, primary: datetime | None) -> TypeGuard[datetime]:
        return primary is not None and primary > self.hold_after

    def released(self, now: datetime) -> int:
        """How many groups are out by `now` (releases are sorted)."""
        return sum(1 for moment in self.releases if moment <= now)

    def served(self, block: _Block, released: int) -> tuple[bool, dict[int, datetime]]:
        """Whether the block is visible, and the moved date for each of its fields."""
        primary = block.primary
        if not self._held(primary):
            return True, {f.start: f.date.moment + self.shift for f in block.fields}
        index = self.group[primary]
        if index >= released:
            return False, {}
        # a released item is dated at its release, never ahead of it
        out = _floor_second(self.releases[index])
        return True, {f.start: min(out + (f.date.moment - primary), out) for f in block.fields}


def _render(seed: _Seed, timeline: _Timeline, released: int) -> _Rendered:
    plan = [(block, *timeline.served(block, released)) for block in seed.blocks]
    newest = max(
        (max(moved.values()) for _, visible, moved in plan if visible and moved), default=None
    )
    # feed-level dates follow the newest visible item, so they only change on a release
    stamp = newest if newest is not None else timeline.started
    edits = [(f.start, f.end, f.date.render(stamp)) for f in seed.channel_fields]
    for block, visible, moved in plan:
        if not visible:
            edits.append((block.start, block.end, ""))
            continue
        edits.extend((f.start, f.end, f.date.render(moved[f.start])) for f in block.fields)
    edits.sort()
    pieces: list[str] = []
    cursor = 0
    for start, end, replacement in edits:
        pieces.append(seed.text[cursor:start])
        pieces.append(replacement)
        cursor = end
    pieces.append(seed.text[cursor:])
    data = "".join(pieces).encode(seed.encoding)
    etag = '"' + hashlib.blake2b(data, digest_size=12).hexdigest() + '"'
    return _Rendered(data, etag, newest)


# --------------------------------------------------------------------------- HTTP


def _etags(header: str) -> set[str]:
    return {t.strip().removeprefix("W/") for t in header.split(",") if t.strip()}


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request: object, client_address: object) -> None:
        """Dropped connections are routine for a poller; the terminal belongs to the TUI."""


class DemoServer:
    """Serve the seed feeds on 127.0.0.1 with a random port, from a background thread."""

    def __init__(
        self,
        *,
        speed: float = 1.0,
        release_every: float = 4.0,
        backlog: timedelta = timedelta(0),
        now: Clock | None = None,
        seeds_dir: Path = SEEDS_DIR,
    ) -> None:
        """`backlog` also holds back the seed items of that span before the reference
        time, so an interactive demo keeps receiving news for longer."""
        if speed <= 0:
            raise ValueError("speed must be positive")
        if release_every < 0:
            raise ValueError("release_every must not be negative")
        self.speed = speed
        self.release_every = release_every
        self.backlog = backlog
        self._now: Clock = now or (lambda: datetime.now(UTC))
        self._seeds = {s.filename: s for s in load_seeds(seeds_dir)}
        if not self._seeds:
            raise FileNotFoundError(f"no *{FEED_SUFFIX} seed feeds in {seeds_dir}")
        self._timeline: _Timeline | None = None
        self._httpd: _QuietServer | None = None
        self._thread: threading.Thread | None = None
        self._cache: dict[tuple[str, int], _Rendered] = {}
        self._lock = threading.Lock()

    # -- lifecycle

    def start(self) -> DemoServer:
        if self._httpd is not None:
            return self
        started = _floor_second(_as_utc(self._now()))
        interval = self.release_every / self.speed
        self._timeline = _Timeline(list(self._seeds.values()), started, interval, self.backlog)
        with self._lock:
            self._cache.clear()  # renders belong to one timeline
        self._httpd = _QuietServer(("127.0.0.1", 0), self._handler_class())
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.1},
            name="crisiswatch-demo-server",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd, thread = self._httpd, self._thread
        self._httpd = self._thread = None
        if httpd is not None:
            httpd.shutdown()
            httpd.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- what clients need

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("DemoServer is not running; call start() first")
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def feeds(self) -> list[tuple[str, str]]:
        """(name, url) for every seed feed, in a stable order."""
        base = self.base_url
        return [(s.name, f"{base}/feeds/{quote(s.filename)}") for s in self._seeds.values()]

    @property
    def started_at(self) -> datetime:
        """The moment the seeds' reference time is mapped to."""
        return self._running_timeline().started

    @property
    def release_times(self) -> list[datetime]:
        """When each held-back group comes out, earliest first (for tests and the UI)."""
        return list(self._running_timeline().releases)

    def pending(self) -> int:
        """How many held-back items are still unreleased right now."""
        timeline = self._running_timeline()
        released = timeline.released(_as_utc(self._now()))
        return sum(
            1
            for seed in self._seeds.values()
            for block in seed.blocks
            if not timeline.served(block, released)[0]
        )

    # -- serving

    def _running_timeline(self) -> _Timeline:
        if self._timeline is None:
            raise RuntimeError("DemoServer is not running; call start() first")
        return self._timeline

    def render(self, filename: str) -> tuple[bytes, str, datetime | None]:
        """The feed as served right now: body, ETag and Last-Modified moment."""
        seed = self._seeds[filename]
        timeline = self._running_timeline()
        released = timeline.released(_as_utc(self._now()))
        key = (filename, released)
        with self._lock:
            hit = self._cache.get(key)
        if hit is None:
            hit = _render(seed, timeline, released)
            with self._lock:
                self._cache[key] = hit
        return hit.body, hit.etag, hit.last_modified

    def _opml(self) -> bytes:
        outlines = "".join(
            f'    <outline type="rss" text="{html.escape(name)}" xmlUrl="{html.escape(url)}"/>\n'
            for name, url in self.feeds
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?>\n<opml version="2.0">\n'
            "  <head><title>crisiswatch demo feeds</title></head>\n  <body>\n"
            f"{outlines}  </body>\n</opml>\n"
        ).encode()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            server_version = "crisiswatch-demo"
            sys_version = ""
            timeout = 30

            def log_message(self, format: str, *args: object) -> None:
                """Silent: the dashboard owns the terminal."""

            def do_HEAD(self) -> None:
                self._serve(head=True)

            def do_GET(self) -> None:
                self._serve(head=False)

            def _serve(self, *, head: bool) -> None:
                try:
                    status, headers, body = server._respond(self.path, self.headers)
                except Exception:
                    status, headers, body = 500, {"Content-Type": "text/plain"}, b"error\n"
                try:
                    self.send_response(status)
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(0 if status == 304 else len(body)))
                    self.end_headers()
                    if not head and status != 304:
                        self.wfile.write(body)
                except OSError:
                    self.close_connection = True

        return Handler

    def _respond(self, path: str, request: Message) -> tuple[int, dict[str, str], bytes]:
        """Route one request; `request` holds the incoming headers."""
        route = unquote(urlsplit(path).path)
        if route in ("/", "/feeds.opml"):
            return 200, {"Content-Type": "text/x-opml; charset=utf-8"}, self._opml()
        filename = route.removeprefix("/feeds/")
        if not route.startswith("/feeds/") or filename not in self._seeds:
            return 404, {"Content-Type": "text/plain; charset=utf-8"}, b"not found\n"
        body, etag, modified = self.render(filename)
        headers = {
            "Content-Type": self._seeds[filename].content_type,
            "ETag": etag,
            "Cache-Control": "no-cache",
        }
        if modified is not None:
            headers["Last-Modified"] = email.utils.format_datetime(_as_utc(modified), usegmt=True)
        inm = request.get("If-None-Match")
        ims = request.get("If-Modified-Since")
        if inm is not None:
            if etag in _etags(inm) or inm.strip() == "*":
                return 304, headers, b""
        elif ims and modified is not None:
            try:
                since = email.utils.parsedate_to_datetime(ims)
            except (TypeError, ValueError):
                since = None
            if since is not None and _floor_second(_as_utc(modified)) <= _as_utc(since):
                return 304, headers, b""
        return 200, headers, body
