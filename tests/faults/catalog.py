"""The faults: what each path does wrong, and what the collector must make of it.

Each `Fault` installs itself on a `FaultServer` and says what a protected
collector shows afterwards: the words its health must contain (`reason`, a
regular expression matched against the feed's error or warning), whether the
poll of that feed must fail, and an optional check of what was stored. A
fault whose feed is still usable (hostile text, bad links, odd dates) is not
a failure: its protection is what reaches the database, so it has a check.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from crisiswatch.models import from_iso, utcnow
from tests.faults import feeds as f
from tests.faults.server import Conn, FaultServer, Handler

TRICKLE_PACE = 1.0  # seconds per byte for the trickling faults
# A .invalid name never resolves; a label over 63 letters makes the C resolver
# give up before it builds a query, so not even a DNS packet leaves 127.0.0.1.
UNRESOLVABLE = "x" * 64 + ".crisiswatch-fault.invalid"


@dataclass(frozen=True, slots=True)
class Lab:
    """Per-run settings and the local secret an external entity tries to read."""

    secret_path: Path
    secret: str


@dataclass(slots=True)
class Observed:
    """What one fault feed came to: its health row, its stored items, its polls."""

    url: str
    health: Any  # crisiswatch.models.FeedHealth
    items: list[dict[str, Any]]
    outcomes: list[Any] = field(default_factory=list)  # one FeedOutcome per poll, or None
    visits: list[Any] = field(default_factory=list)  # server-side connections

    @property
    def words(self) -> str:
        return " | ".join(w for w in (self.health.error, self.health.warning) if w)


Check = Callable[[Observed, Lab], None]


@dataclass(frozen=True, slots=True)
class Fault:
    name: str
    what: str
    install: Callable[[FaultServer, Lab], str]
    reason: str | None = None  # regex for the health's error/warning, case-insensitive
    fails: bool | None = True  # the poll outcome must be failed (True) / ok (False) / either
    check: Check | None = None
    polls: int = 2  # how many polls of this feed the collection makes (2, or 1 if gone)
    memory: bool = False  # its protection is about memory: measured alone in a subprocess


# -- small handlers ------------------------------------------------------------------------


def _static(
    body: bytes,
    status: str = "200 OK",
    *,
    content_type: str = "application/rss+xml; charset=utf-8",
    headers: tuple[tuple[str, str], ...] = (),
) -> Callable[[Conn], None]:
    def handler(conn: Conn) -> None:
        conn.reply(status, body, headers, content_type=content_type)

    return handler


def _path(server: FaultServer, name: str, handler: Handler) -> str:
    return server.route(f"/{name}.xml", handler)


def _trickle_body(conn: Conn) -> None:
    conn.head("200 OK", [("Content-Type", "application/rss+xml")])
    for chunk in f.endless_feed(chunk_items=1):
        for byte in chunk:
            if conn.wait_closed(pace=TRICKLE_PACE) or not conn.write(bytes([byte])):
                return


def _trickle_head(conn: Conn) -> None:
    head = b"HTTP/1.1 200 OK\r\n" + b"X-Slow: patience\r\n" * 10_000
    for byte in head:
        if conn.wait_closed(pace=TRICKLE_PACE) or not conn.write(bytes([byte])):
            return


def _endless_headers(conn: Conn) -> None:
    conn.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n")
    line = b"X-Filler: " + b"a" * 1000 + b"\r\n"
    conn.stream(line * 64 for _ in iter(int, 1))


def _not_http(conn: Conn) -> None:
    conn.write(b"SSH-2.0-OpenSSH_9.6 not a web server\r\n")


def _reset_mid_body(conn: Conn) -> None:
    import socket
    import struct

    conn.head("200 OK", [("Content-Type", "application/rss+xml"), ("Content-Length", "100000")])
    conn.write(f.healthy_rss(0)[:1000])
    # SO_LINGER 0 makes close() send RST: the connection dies, it does not end.
    conn.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def _huge(declared: bool) -> Callable[[Conn], None]:
    total = 100 * 1024 * 1024

    def handler(conn: Conn) -> None:
        headers = [("Content-Type", "application/rss+xml")]
        if declared:
            headers.append(("Content-Length", str(total)))
        if conn.head("200 OK", headers):
            conn.stream(f.sized(total, f.endless_feed()))

    return handler


def _gzip_bomb(conn: Conn) -> None:
    member = f.gzip_bomb_member()
    copies = 16  # 1 GiB once inflated, about 1 MiB on the wire
    headers = [
        ("Content-Type", "application/rss+xml"),
        ("Content-Encoding", "gzip"),
        ("Content-Length", str(len(member) * copies)),
    ]
    if conn.head("200 OK", headers):
        conn.stream(member for _ in range(copies))


def _deflate_bomb(conn: Conn) -> None:
    body = f.deflate_bomb()
    conn.reply("200 OK", body, [("Content-Encoding", "deflate")])


def _redirect_chain(server: FaultServer, lab: Lab) -> str:
    hops = 9
    for n in range(hops):
        server.route(
            f"/chain/{n}.xml",
            _static(b"", "302 Found", headers=(("Location", f"/chain/{n + 1}.xml"),)),
        )
    server.route(f"/chain/{hops}.xml", _static(f.healthy_rss(99)))
    return server.url("/chain/0.xml")


def _redirect_loop(server: FaultServer, lab: Lab) -> str:
    server.route("/loop/a.xml", _static(b"", "302 Found", headers=(("Location", "/loop/b.xml"),)))
    server.route("/loop/b.xml", _static(b"", "301 Moved", headers=(("Location", "/loop/a.xml"),)))
    return server.url("/loop/a.xml")


def _churning(conn: Conn) -> None:
    token = random.getrandbits(64)
    items = [
        f.item_xml(
            f"Churning story {n}",
            guid=f"churn-{token:x}-{n}",
            link=f"https://churn.example/{n}",
        )
        for n in range(5)
    ]
    conn.reply("200 OK", f.rss(items))


# -- hostile documents ---------------------------------------------------------------------

ESCAPES = {
    "colour": "\x1b[31;1mRED\x1b[0m",
    "clear": "\x1b[2J\x1b[H",
    "title": "\x1b]0;owned window\x07",
    "clipboard": "\x1b]52;c;cm0gLXJmIH4K\x07",
    "hyperlink": "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\",
    "c1_csi": "\x9b2J",
    "nul": "\x00",
    "bell": "\x07",
    "backspace": "\x08\x08\x08",
}


def _escapes_raw() -> bytes:
    items = []
    for n, (kind, seq) in enumerate(ESCAPES.items()):
        items.append(
            f.item_xml(
                f"Raw {kind} {seq} headline {n}",
                guid=f"raw-{n}",
                link=f"https://raw.example/{n}",
                summary=f"Summary with {seq} inside {n}",
            )
        )
    return f.rss(items)


def _as_refs(text: str) -> str:
    return "".join(f"&#{ord(ch)};" if ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 else ch for ch in text)


def _escapes_refs() -> bytes:
    items = []
    for n, (kind, seq) in enumerate(ESCAPES.items()):
        items.append(
            f.item_xml(
                f"Ref {kind} {_as_refs(seq)} headline {n}",
                guid=f"ref-{n}",
                link=f"https://ref.example/{n}",
                summary=f"&lt;p&gt;Escaped {_as_refs(seq)} html {n}&lt;/p&gt;"
                + _as_refs("\x1b[5m")
                + "blink",
            )
        )
    return f.rss(items)


BIDI = "\u202eevil\u202c \u2066iso\u2069 \u200bzero\u200d\ufeff \u061carabic mark\u200e\u200f"


def _bidi() -> bytes:
    items = [
        f.item_xml(
            f"Bidi {BIDI} headline {n}",
            guid=f"bidi-{n}",
            link=f"https://bidi.example/{n}",
            summary=f"Bidi summary {BIDI}",
        )
        for n in range(3)
    ]
    return f.rss(items)


MARKUP_TITLES = [
    "[bold red blink]BREAKING[/] [link=file:///etc/passwd]click[/link]",
    "[@click=app.quit]Quit the dashboard[/]",
    "Closing tag first [/] then [/bold] then [red",
    "Textual $variable and [reverse]reverse[/reverse]",
]


def _markup() -> bytes:
    items = [
        f.item_xml(
            title.replace("&", "&amp;").replace("<", "&lt;"),
            guid=f"markup-{n}",
            link=f"https://markup.example/{n}",
            summary="&lt;script&gt;alert(1)&lt;/script&gt;&lt;b onclick=x&gt;bold&lt;/b&gt; "
            + title.replace("&", "&amp;").replace("<", "&lt;"),
        )
        for n, title in enumerate(MARKUP_TITLES)
    ]
    return f.rss(items)


BAD_LINKS = [
    "javascript:alert(document.cookie)",
    " JaVaScRiPt:alert(1)",
    "java&#9;script:alert(1)",
    "file:///etc/passwd",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "https://user:password@evil.example/",
    "https://ok.example/&#27;[2J",
    "https://ok.example/with space",
    "http://[::1/broken-ipv6",
]
GOOD_LINK = "https://good.example/story?id=1&amp;x=2"


def _bad_links() -> bytes:
    items = [
        f.item_xml(f"Bad link {n}", guid=f"link-{n}", link=link) for n, link in enumerate(BAD_LINKS)
    ]
    items.append(f.item_xml("Good link", guid="link-good", link=GOOD_LINK))
    # protocol-relative: resolved against the feed's own http URL, so it is kept
    items.append(f.item_xml("Relative link", guid="link-rel", link="//relative.example/x"))
    return f.rss(items)


def _duplicates() -> bytes:
    items = [
        f.item_xml(f"Duplicate {n}", guid="same-guid", link=f"https://dup.example/{n}")
        for n in range(6)
    ]
    items += [f.item_xml(f"Unique {n}", guid=f"unique-{n}") for n in range(3)]
    items += [f.item_xml("Unique 0", guid="unique-0")]  # the very same entry again
    return f.rss(items)


# (pubDate, must come out as our estimate); None means no pubDate at all.
BAD_DATES: list[tuple[str | None, bool]] = [
    (None, True),
    ("Thu, 01 Jan 1970 00:00:00 GMT", True),
    ("Fri, 31 Dec 9999 23:59:59 GMT", True),
    ("Mon, 30 Feb 2026 10:00:00 GMT", True),
    ("yesterdayish, around teatime", True),
    ("Sun, 99 Zzz 99999999999999999999 99:99:99 +9999", True),
    ("1" * 5000, True),
    # ISO dates with fields no calendar has: feedparser rolls them over (to 2000-01-01,
    # 2026-01-01, a day in 2026...), the collector treats them as missing.
    ("-0001-00-00T00:00:00Z", True),
    ("0000-00-00T00:00:00Z", True),
    ("2025-13-45T00:00:00Z", True),
    ("-2025-01-06T00:00:00Z", True),
    ("9999-12-31T23:59:59Z", True),
]


def _bad_dates() -> bytes:
    items = [
        f.item_xml(f"Odd date {n}", guid=f"date-{n}", date=date)
        for n, (date, _) in enumerate(BAD_DATES)
    ]
    return f.rss(items)


def _wrong_encoding() -> bytes:
    text = f.rss_text(
        [
            f.item_xml(f"Café in São Paulo {n} – “quoted”", guid=f"enc-{n}", summary="Naïve résumé")
            for n in range(3)
        ]
    )
    return text.encode("cp1252")  # while the declaration says utf-8


def _huge_title() -> bytes:
    big = "Enormous " * (1024 * 1024 // 9)
    return f.rss([f.item_xml(big, guid="huge-0", summary=big), f.item_xml("Normal", guid="huge-1")])


def _pathological() -> bytes:
    """One element with 60,000 attributes: quadratic time and +40 MB in feedparser."""
    attrs = " ".join(f'a{n}="{n}"' for n in range(60_000))
    return f.rss([f"<item><title {attrs}>slow</title><guid>slow</guid></item>"])


def _deep_nesting() -> bytes:
    """200,000 nested elements in 1.4 MB: about +60 MB in feedparser (+290 MB at 7 MB)."""
    depth = 200_000
    nested = "<a>" * depth + "x" + "</a>" * depth
    return f.rss([f"<item><title>Deep</title><description>{nested}</description></item>"])


def _slow_parse() -> bytes:
    """A million empty elements: valid, shallow, plain, and ten seconds of parsing."""
    return f.rss([f.item_xml("Slow", guid="slow") + "<x/>" * 1_000_000])


def _billion_laughs() -> bytes:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
    ]
    prolog = "<!DOCTYPE rss [" + "".join(entities) + "]>"
    return f.rss([f.item_xml("Laughs &lol9;", guid="lol", summary="&lol9;")], prolog=prolog)


def _quadratic() -> bytes:
    """One big entity used many times: under expat's amplification limit, but huge."""
    prolog = '<!DOCTYPE rss [<!ENTITY big "' + "A" * 1_000_000 + '">]>'
    return f.rss([f.item_xml("Blowup " + "&big;" * 90, guid="quad")], prolog=prolog)


def _quadratic_line_start() -> bytes:
    """The same blowup where feedparser looks: it keeps such "safe" entities itself."""
    prolog = '\n<!DOCTYPE rss [\n<!ENTITY big "' + "B" * 1_000_000 + '">\n]>'
    return f.rss([f.item_xml("Blowup " + "&big;" * 90, guid="quad")], prolog=prolog)


def _xxe(lab: Lab) -> bytes:
    prolog = f'<!DOCTYPE rss [<!ENTITY secret SYSTEM "file://{lab.secret_path}">]>'
    return f.rss(
        [f.item_xml("External &secret; entity", guid="xxe", summary="Leak: &secret;")],
        prolog=prolog,
    )


def _xxe_parameter(lab: Lab) -> bytes:
    prolog = (
        f'<!DOCTYPE rss [<!ENTITY % remote SYSTEM "file://{lab.secret_path}">%remote;'
        f'<!ENTITY echo "[&#37;remote;]">]>'
    )
    return f.rss([f.item_xml("Parameter &echo; entity", guid="xxe-p")], prolog=prolog)


def _truncated() -> bytes:
    whole = f.rss([f.item_xml(**f.healthy_item(50, n)) for n in range(5)])
    return whole[: whole.rfind(b"<item>") + 40]  # stop inside the last item


def _invalid() -> bytes:
    items = [f.item_xml(**f.healthy_item(51, n)) for n in range(3)]
    items.insert(1, "<item><title>Crossed <b>tags</title></b></item>")
    return f.rss(items).replace(b"</channel>", b"</chanel>")


# -- checks --------------------------------------------------------------------------------


def _expect_items(count: int) -> Check:
    def check(obs: Observed, lab: Lab) -> None:
        assert len(obs.items) == count, [i["title"] for i in obs.items]

    return check


def _check_escapes(obs: Observed, lab: Lab) -> None:
    assert len(obs.items) == len(ESCAPES)
    titles = " ".join(i["title"] for i in obs.items)
    assert "RED" in titles and "headline 0" in titles  # the words survive, the sequences not
    for item in obs.items:
        assert "[31" not in item["title"] and "]52;" not in item["title"], item["title"]


def _check_bidi(obs: Observed, lab: Lab) -> None:
    assert len(obs.items) == 3
    for item in obs.items:
        assert "evil" in item["title"] and "arabic mark" in item["title"]


def _check_markup(obs: Observed, lab: Lab) -> None:
    assert len(obs.items) == len(MARKUP_TITLES)
    for item in obs.items:
        assert "<script" not in item["summary"] and "alert(1)" not in item["summary"]
        assert "onclick" not in item["summary"]


def _check_links(obs: Observed, lab: Lab) -> None:
    links = {i["title"]: i["url"] for i in obs.items}
    assert len(links) == len(BAD_LINKS) + 2
    assert links.pop("Good link") == "https://good.example/story?id=1&x=2"
    assert links.pop("Relative link") == "http://relative.example/x"
    assert set(links.values()) == {None}, links


def _check_dates(obs: Observed, lab: Lab) -> None:
    assert len(obs.items) == len(BAD_DATES)
    now = utcnow()
    for item in obs.items:
        when = from_iso(item["published"])
        assert when.year >= 1990 and when <= now + timedelta(minutes=10), item
        _, estimated = BAD_DATES[int(item["title"].rsplit(" ", 1)[1])]
        if estimated:
            assert item["published_estimated"] == 1, item


def _check_encoding(obs: Observed, lab: Lab) -> None:
    assert len(obs.items) == 3
    assert all(i["title"].startswith("Café in São Paulo") for i in obs.items), obs.items


def _check_huge_title(obs: Observed, lab: Lab) -> None:
    assert len(obs.items) == 2
    for item in obs.items:
        assert len(item["title"]) <= 300 and len(item["summary"]) <= 2000


def _check_laughs(obs: Observed, lab: Lab) -> None:
    for item in obs.items:
        assert "lollollol" not in item["title"] + item["summary"]


def _check_quadratic(obs: Observed, lab: Lab) -> None:
    for item in obs.items:
        assert "AAAAAAAAAA" not in item["title"], "the entity was expanded"
        assert "BBBBBBBBBB" not in item["title"], "the entity was expanded"


def _check_gone(obs: Observed, lab: Lab) -> None:
    assert not obs.health.enabled
    assert len(obs.visits) == 1, "a feed that answered 410 was polled again"


def _next_poll_at_least(seconds: float, at_most: float | None = None) -> Check:
    def check(obs: Observed, lab: Lab) -> None:
        wait = (from_iso(obs.health.next_poll) - utcnow()).total_seconds()
        assert wait >= seconds - 60, wait
        if at_most is not None:
            assert wait <= at_most + 60, f"parked for {wait:.0f} s"

    return check


def _no_secret(obs: Observed, lab: Lab) -> None:
    for item in obs.items:
        assert lab.secret not in json.dumps(item)


def _retry_date() -> str:
    return format_datetime(utcnow() + timedelta(hours=2), usegmt=True)


# -- the catalogue -------------------------------------------------------------------------

NET = "connection|connect|resolve|refused"
DEADLINE = r"(no response|did not finish) within [\d.]+ s"
TOO_BIG = r"larger than the [\d.]+ (MiB|KiB|GiB) cap"


def _route(name: str, handler: Handler) -> Callable[[FaultServer, Lab], str]:
    return lambda server, lab: _path(server, name, handler)


def _doc(name: str, build: Callable[[], bytes], **kw: Any) -> Callable[[FaultServer, Lab], str]:
    return lambda server, lab: _path(server, name, _static(build(), **kw))


FAULTS: list[Fault] = [
    Fault(
        "connection_refused",
        "nothing listens on the port",
        lambda server, lab: server.refused_url(),
        reason="connection refused",
    ),
    Fault(
        "unresolvable_host",
        "the host name is under .invalid (with a 64-letter label, so no DNS query leaves)",
        lambda server, lab: f"http://{UNRESOLVABLE}/rss.xml",
        reason=f"could not resolve host {UNRESOLVABLE}",
    ),
    Fault(
        "connect_timeout",
        "SYNs are dropped (full accept queue)",
        lambda server, lab: server.blackhole_url(),
        reason=f"{DEADLINE}|could not connect .* in time",
    ),
    Fault(
        "never_sends_a_byte",
        "accepts, reads the request, says nothing",
        _route("silent", lambda conn: conn.wait_closed()),
        reason=f"no response within [\\d.]+ s|{DEADLINE}",
    ),
    Fault(
        "trickle_body",
        "headers, then one body byte a second forever",
        _route("trickle-body", _trickle_body),
        reason=r"did not finish within [\d.]+ s",
    ),
    Fault(
        "trickle_head",
        "the status line and headers at one byte a second",
        _route("trickle-head", _trickle_head),
        reason=r"no response within [\d.]+ s",
    ),
    Fault(
        "endless_headers",
        "an endless stream of header lines",
        _route("endless-headers", _endless_headers),
        reason="broke the HTTP protocol|header",
        memory=True,
    ),
    Fault(
        "not_http",
        "answers with an SSH banner",
        _route("not-http", _not_http),
        reason="broke the HTTP protocol",
    ),
    Fault(
        "reset_mid_body",
        "promises 100 kB, sends 1 kB, resets the connection",
        _route("reset", _reset_mid_body),
        reason="connection was lost|reset the connection|broke the HTTP protocol",
    ),
    Fault(
        "redirect_chain",
        "nine 302s in a row",
        _redirect_chain,
        reason=r"too many redirects \(more than 5\)",
    ),
    Fault("redirect_loop", "a -> b -> a", _redirect_loop, reason="redirect loop"),
    Fault(
        "redirect_to_file",
        "302 to file:///etc/passwd",
        _doc(
            "redirect-file",
            lambda: b"",
            status="302 Found",
            headers=(("Location", "file:///etc/passwd"),),
        ),
        reason=r"non-http\(s\) URL \(file:\)",
    ),
    Fault(
        "http_404",
        "404 Not Found",
        _doc("404", lambda: b"gone?", status="404 Not Found"),
        reason="HTTP 404 Not Found",
    ),
    Fault(
        "http_410",
        "410 Gone",
        _doc("410", lambda: b"gone", status="410 Gone"),
        reason="gone for good.*410",
        check=_check_gone,
        polls=1,
    ),
    Fault(
        "http_429_retry_after",
        "429 with Retry-After: 3600",
        _doc(
            "429",
            lambda: b"slow down",
            status="429 Too Many Requests",
            headers=(("Retry-After", "3600"),),
        ),
        reason="HTTP 429 Too Many Requests",
        check=_next_poll_at_least(3600),
    ),
    Fault(
        "http_503_retry_date",
        "503 with Retry-After as an HTTP date two hours ahead",
        lambda server, lab: _path(
            server,
            "503",
            lambda conn: conn.reply(
                "503 Service Unavailable", b"", [("Retry-After", _retry_date())]
            ),
        ),
        reason="HTTP 503 Service Unavailable",
        check=_next_poll_at_least(7200),
    ),
    Fault(
        "retry_after_absurd",
        "429 with Retry-After of 30,000 years",
        _doc(
            "429-absurd",
            lambda: b"",
            status="429 Too Many Requests",
            headers=(("Retry-After", "999999999999"),),
        ),
        reason="HTTP 429",
        check=_next_poll_at_least(3600, at_most=24 * 3600 * 1.25),
    ),
    Fault(
        "http_500",
        "500 Internal Server Error",
        _doc("500", lambda: b"boom", status="500 Internal Server Error"),
        reason="HTTP 500 Internal Server Error",
    ),
    Fault(
        "status_line_escape",
        "a status line carrying an OSC title-setting escape",
        _route(
            "status-escape",
            lambda conn: conn.write(b"HTTP/1.1 599 \x1b]0;owned\x07\r\nContent-Length: 0\r\n\r\n"),
        ),
        reason="broke the HTTP protocol|HTTP 599",
    ),
    Fault(
        "status_line_c1",
        "an unknown status whose reason phrase holds C1 controls",
        _route(
            "status-c1",
            lambda conn: conn.write(
                b"HTTP/1.1 599 \x9b2J\x9d0;owned\x9c Custom\r\nContent-Length: 0\r\n\r\n"
            ),
        ),
        reason="HTTP 599",
    ),
    Fault(
        "html_page",
        "an HTML page instead of a feed",
        _doc(
            "html",
            lambda: (
                b"<!doctype html><html><head><title>Welcome</title></head>"
                b"<body><p>Our news</p></body></html>"
            ),
            content_type="text/html",
        ),
        reason="HTML page",
    ),
    Fault("empty_body", "200 with an empty body", _doc("empty", lambda: b""), reason="empty body"),
    Fault(
        "json_instead_of_xml",
        "a JSON document",
        _doc(
            "json",
            lambda: json.dumps(
                {
                    "version": "https://jsonfeed.org/version/1",
                    "items": [{"id": "1", "title": "JSON story"}],
                }
            ).encode(),
            content_type="application/json",
        ),
        reason="JSON",
    ),
    Fault(
        "binary_garbage",
        "64 kB of random bytes",
        _doc(
            "garbage",
            lambda: random.Random(5).randbytes(65536),
            content_type="application/octet-stream",
        ),
        reason="not a feed",
    ),
    Fault(
        "truncated_xml",
        "a feed cut off inside its last item",
        _doc("truncated", _truncated),
        reason="malformed XML",
        fails=False,
        check=_expect_items(4),
    ),
    Fault(
        "invalid_xml",
        "crossed tags and a misspelt closing tag",
        _doc("invalid", _invalid),
        reason="malformed XML",
        fails=False,
    ),
    Fault(
        "bad_gzip",
        "Content-Encoding: gzip over a plain body",
        _doc("bad-gzip", lambda: f.healthy_rss(0), headers=(("Content-Encoding", "gzip"),)),
        reason="could not be decompressed",
    ),
    Fault(
        "gzip_bomb",
        "1 MiB of gzip inflating to 1 GiB",
        _route("gzip-bomb", _gzip_bomb),
        reason=TOO_BIG,
        memory=True,
    ),
    Fault(
        "deflate_bomb",
        "130 kB of deflate inflating to 256 MiB",
        _route("deflate-bomb", _deflate_bomb),
        reason=TOO_BIG,
        memory=True,
    ),
    Fault(
        "huge_body",
        "a 100 MB body with no Content-Length",
        _route("huge", _huge(False)),
        reason=TOO_BIG,
        memory=True,
    ),
    Fault(
        "huge_declared",
        "Content-Length: 100 MB",
        _route("huge-declared", _huge(True)),
        reason=TOO_BIG,
        memory=True,
    ),
    Fault(
        "billion_laughs",
        "nested entities expanding to 3 GB",
        _doc("laughs", _billion_laughs),
        reason="amplification|entit",
        fails=None,
        check=_check_laughs,
        memory=True,
    ),
    Fault(
        "quadratic_blowup",
        "a 1 MB entity referenced 90 times (under expat's amplification limit)",
        _doc("quadratic", _quadratic),
        reason="entit|DTD|DOCTYPE|amplification",
        fails=None,
        check=_check_quadratic,
        memory=True,
    ),
    Fault(
        "quadratic_blowup_line_start",
        "the same, laid out so feedparser keeps the entity as 'safe'",
        _doc("quadratic-line-start", _quadratic_line_start),
        reason="entit|DTD|DOCTYPE|amplification",
        fails=None,
        check=_check_quadratic,
        memory=True,
    ),
    Fault(
        "external_entity_file",
        "an external entity pointing at a local secret file",
        lambda server, lab: _path(server, "xxe", _static(_xxe(lab))),
        fails=None,
        check=_no_secret,
    ),
    Fault(
        "external_parameter_entity",
        "a parameter entity pointing at a local secret file",
        lambda server, lab: _path(server, "xxe-param", _static(_xxe_parameter(lab))),
        fails=None,
        check=_no_secret,
    ),
    Fault(
        "wrong_encoding",
        "declares utf-8, sends windows-1252",
        _doc("encoding", _wrong_encoding),
        reason="encoding",
        fails=False,
        check=_check_encoding,
    ),
    Fault(
        "huge_title",
        "a 1 MB title and summary",
        _doc("huge-title", _huge_title),
        fails=False,
        check=_check_huge_title,
        memory=True,
    ),
    Fault(
        "pathological_parse",
        "60,000 attributes on one element (quadratic in feedparser)",
        _doc("pathological", _pathological),
        reason=r"pathological XML: an element with 60,000 attributes",
        memory=True,
    ),
    Fault(
        "deep_nesting",
        "200,000 elements nested inside each other",
        _doc("deep", _deep_nesting),
        reason=r"pathological XML: elements nested more than \d+ deep",
        memory=True,
    ),
    Fault(
        "slow_parse",
        "a million empty elements: nothing wrong but the time it takes to parse",
        _doc("slow", _slow_parse),
        reason=r"parsing took longer than [\d.]+ s",
        memory=True,
    ),
    Fault(
        "escapes_raw",
        "raw ESC, C1, NUL, BEL bytes in titles and summaries",
        _doc("escapes-raw", _escapes_raw),
        fails=False,
        check=_check_escapes,
    ),
    Fault(
        "escapes_as_references",
        "the same sequences as &#27; character references",
        _doc("escapes-refs", _escapes_refs),
        fails=False,
        check=_check_escapes,
    ),
    Fault(
        "bidi_and_invisible",
        "bidi overrides, isolates and zero-width characters",
        _doc("bidi", _bidi),
        fails=False,
        check=_check_bidi,
    ),
    Fault(
        "markup_in_text",
        "Rich/Textual markup and <script> in titles and summaries",
        _doc("markup", _markup),
        fails=False,
        check=_check_markup,
    ),
    Fault(
        "hostile_links",
        "javascript:, file:, data:, userinfo and escape links",
        _doc("links", _bad_links),
        fails=False,
        check=_check_links,
    ),
    Fault(
        "duplicate_guids",
        "six entries share one GUID, one entry repeats",
        _doc("duplicates", _duplicates),
        fails=False,
        check=_expect_items(4),
    ),
    Fault(
        "absurd_dates",
        "missing, 1970, year 9999, 30 February, gibberish",
        _doc("dates", _bad_dates),
        fails=False,
        check=_check_dates,
    ),
    Fault(
        "churning_guids",
        "new GUIDs for the same stories on every fetch",
        _route("churn", _churning),
        fails=False,
        check=_expect_items(5),
    ),
]

HOSTILE_TEXT = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def by_name() -> dict[str, Fault]:
    return {fault.name: fault for fault in FAULTS}
