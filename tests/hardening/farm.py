"""A local farm of feeds with many items, for tests that need heavy writes.

Feeds are published in rounds: each round adds new feed paths, so every run
of the collector has plenty of new items to write while the documents it
already stored stay byte-for-byte the same (and cost no parsing). Served by
the plain test server on 127.0.0.1; a handler may sleep to spread responses.
"""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tests.feedserver import FeedServer, Reply, rss

ROOT = Path(__file__).resolve().parents[2]

_PLACES = ["Ukraine", "Russia", "Israel", "Iran", "Sudan", "Taiwan", "China", "Yemen", "Syria"]
_EVENTS = [
    "{a} reports shelling near the border with {b}",
    "Talks between {a} and {b} resume in Geneva",
    "{a} says drone strike hit a depot; {b} denies involvement",
    "Floods displace thousands in {a}",
    "{a} imposes new sanctions on {b}",
]


def farm_items(feed: str, count: int) -> list[dict[str, str]]:
    """Items with enough words that the full-text index does real work."""
    rng = random.Random(feed)
    items = []
    for n in range(count):
        a, b = rng.sample(_PLACES, 2)
        items.append(
            {
                "title": rng.choice(_EVENTS).format(a=a, b=b) + f" ({feed} #{n})",
                "link": f"https://farm.example/{feed}/{n}",
                "guid": f"{feed}-{n}",
                "description": f"Correspondents in {a} described the situation in detail; "
                f"officials in {b} promised a statement later today. Item {n} of {feed}.",
                "pubDate": "Wed, 25 Nov 2026 10:00:00 GMT",
            }
        )
    return items


class Farm:
    """Feeds published in rounds on a `FeedServer`; remembers every guid it offered."""

    def __init__(
        self,
        server: FeedServer,
        items_per_feed: int,
        delay: Callable[[], float] | None = None,
    ) -> None:
        self.server = server
        # http.server listens with a backlog of 5: a burst of collector connections
        # would see SYNs dropped and retried a second later. Widen it.
        server.httpd.socket.listen(256)
        self.items_per_feed = items_per_feed
        self.delay = delay
        self.urls: list[str] = []
        self.offered: set[tuple[str, str]] = set()  # (feed url, guid)

    def publish(self, feeds: int) -> list[str]:
        """Add `feeds` new feeds; returns their URLs."""
        added = []
        for _ in range(feeds):
            name = f"f{len(self.urls)}"
            items = farm_items(name, self.items_per_feed)
            body = rss(items, title=f"Farm {name}")

            def handler(req: object, _h: object, body: bytes = body) -> Reply:
                if self.delay is not None:
                    time.sleep(self.delay())  # the server may be slow; tests never sleep
                return Reply(200, body, {"Content-Type": "application/rss+xml"})

            url = self.server.route(f"/{name}.xml", handler)
            self.urls.append(url)
            self.offered.update((url, it["guid"]) for it in items)
            added.append(url)
        return added

    def write_config(self, path: Path, per_host: int = 16) -> Path:
        lines = ["[collector]", "timeout = 20", f"per_host = {per_host}", ""]
        for n, url in enumerate(self.urls):
            lines += ["[[feeds]]", f'name = "farm {n}"', f'url = "{url}"', ""]
        path.write_text("\n".join(lines))
        return path


def crisiswatch(*args: str, **kwargs: object) -> subprocess.Popen[str]:
    """Start `python -m crisiswatch ...` in its own process group (so it can be killed whole)."""
    env = {**os.environ, "CRISISWATCH_CONFIG": "", "NO_COLOR": "1"}
    return subprocess.Popen(  # type: ignore[call-overload]
        [sys.executable, "-m", "crisiswatch", *args],
        cwd=ROOT,
        env=env,
        text=True,
        start_new_session=True,
        **kwargs,
    )


def row_count(db: Path) -> int:
    """Items committed so far, read without disturbing the writer (0 before the schema)."""
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error:
        return 0
    try:
        return conn.execute("SELECT count(*) FROM items").fetchone()[0]
    except sqlite3.Error:
        return 0
    finally:
        conn.close()
