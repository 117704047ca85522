"""Feed documents for the fault server: healthy ones and the raw material of hostile ones.

Documents are built as text and encoded at the end, so a fault can put any
byte it likes (NUL, ESC, a wrong encoding) exactly where it wants it.
"""

from __future__ import annotations

import functools
import zlib
from collections.abc import Iterator
from email.utils import format_datetime

from crisiswatch.models import utcnow

HEALTHY_FEEDS = 5
HEALTHY_ITEMS = 12


def item_xml(
    title: str,
    *,
    guid: str | None = None,
    link: str | None = None,
    summary: str | None = None,
    date: str | None = "now",
) -> str:
    """One <item>; values are inserted verbatim (the caller escapes or does not)."""
    parts = [f"<title>{title}</title>"]
    if guid is not None:
        parts.append(f'<guid isPermaLink="false">{guid}</guid>')
    if link is not None:
        parts.append(f"<link>{link}</link>")
    if summary is not None:
        parts.append(f"<description>{summary}</description>")
    if date == "now":
        date = format_datetime(utcnow())
    if date is not None:
        parts.append(f"<pubDate>{date}</pubDate>")
    return "<item>" + "".join(parts) + "</item>"


def rss_text(items: list[str], *, title: str = "Fault feed", prolog: str = "") -> str:
    """An RSS 2.0 document; `prolog` (a DOCTYPE) goes on the XML declaration's line.

    feedparser strips entity declarations only from a DOCTYPE that starts a
    line, so the hostile documents put theirs where it does not look.
    """
    return (
        f'<?xml version="1.0" encoding="utf-8"?>{prolog}\n<rss version="2.0"><channel>'
        f"<title>{title}</title><link>https://fault.example/</link><description>x</description>"
        + "".join(items)
        + "</channel></rss>\n"
    )


def rss(items: list[str], *, title: str = "Fault feed", prolog: str = "") -> bytes:
    return rss_text(items, title=title, prolog=prolog).encode("utf-8")


def healthy_item(feed: int, n: int) -> dict[str, str]:
    return {
        "title": f"Healthy feed {feed} reports story {n} from the capital",
        "guid": f"healthy-{feed}-{n}",
        "link": f"https://healthy.example/{feed}/{n}",
        "summary": f"Officials gave details of event {n} reported by feed {feed}.",
    }


def healthy_rss(feed: int, items: int = HEALTHY_ITEMS) -> bytes:
    return rss([item_xml(**healthy_item(feed, n)) for n in range(items)], title=f"Healthy {feed}")


def healthy_atom(feed: int, items: int = HEALTHY_ITEMS) -> bytes:
    stamp = utcnow().strftime("%Y-%m-%dT%H:%M:%SZ")
    entries = "".join(
        f"<entry><title>{it['title']}</title><id>{it['guid']}</id>"
        f'<link href="{it["link"]}"/><updated>{stamp}</updated>'
        f"<summary>{it['summary']}</summary></entry>"
        for it in (healthy_item(feed, n) for n in range(items))
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Healthy {feed}</title><id>urn:healthy:{feed}</id><updated>{stamp}</updated>"
        f"{entries}</feed>"
    ).encode()


def endless_feed(chunk_items: int = 200) -> Iterator[bytes]:
    """A feed that never ends, produced a chunk at a time (never held whole in memory)."""
    yield rss_text([]).split("</channel>")[0].encode()
    n = 0
    while True:
        yield "".join(
            item_xml(f"Endless story {n + i}", guid=f"endless-{n + i}", date=None)
            for i in range(chunk_items)
        ).encode()
        n += chunk_items


def sized(total: int, chunks: Iterator[bytes]) -> Iterator[bytes]:
    """Exactly `total` bytes from an endless chunk stream."""
    left = total
    for chunk in chunks:
        if left <= 0:
            return
        yield chunk[:left]
        left -= len(chunk)


@functools.cache
def gzip_bomb_member() -> bytes:
    """One gzip member of 64 MiB of spaces (about 64 KiB compressed), built once."""
    squeeze = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b" " * (1 << 20)
    parts = [squeeze.compress(rss_text([]).split("</channel>")[0].encode())]
    parts += [squeeze.compress(block) for _ in range(64)]
    parts.append(squeeze.flush())
    return b"".join(parts)


@functools.cache
def deflate_bomb() -> bytes:
    """A zlib stream inflating to 256 MiB of spaces, built once."""
    squeeze = zlib.compressobj(9)
    block = b" " * (1 << 20)
    return b"".join([*(squeeze.compress(block) for _ in range(256)), squeeze.flush()])
