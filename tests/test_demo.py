"""The offline demo: seed feeds, their labels, and the server that replays them live.

Time is driven through an injected clock, never by sleeping.
"""

from __future__ import annotations

import calendar
import email.utils
import http.client
import io
import itertools
import json
import re
import socket
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import feedparser
import pytest

from crisiswatch.demo import REFERENCE_TIME, SEEDS_DIR, DemoServer

START = datetime(2031, 3, 14, 9, 26, 53, tzinfo=UTC)  # any moment far from the seeds' own dates
LABELS = SEEDS_DIR / "labels.jsonl"
RFC822 = re.compile(
    r"(?:(Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
    r" \d{4} \d{2}:\d{2}:\d{2} ([+-]\d{4}|GMT|UT|EST|EDT)"
)
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")


class Clock:
    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def server(clock: Clock) -> Iterator[DemoServer]:
    with DemoServer(now=clock, release_every=4.0) as running:
        yield running


def get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    """A bare GET, so a 304 is a status and not an exception."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    try:
        conn.request("GET", parts.path, headers=headers)
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def fetch_all(server: DemoServer) -> dict[str, Any]:
    """Every feed, parsed the way the pipeline parses it: from bytes."""
    parsed = {}
    for name, url in server.feeds:
        status, _, body = get(url)
        assert status == 200, name
        parsed[name] = feedparser.parse(io.BytesIO(body))
    return parsed


def entry_times(entry: Any) -> list[datetime]:
    stamps = [entry.get(key) for key in ("published_parsed", "updated_parsed")]
    return [datetime.fromtimestamp(calendar.timegm(s), UTC) for s in stamps if s]


def labels() -> list[dict[str, Any]]:
    return [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines() if line]


def feed_url(server: DemoServer, filename: str) -> str:
    return next(url for _, url in server.feeds if url.endswith("/" + filename))


# --------------------------------------------------------------------------- server


def test_listens_on_loopback_with_a_random_port(server: DemoServer) -> None:
    assert server.port > 0
    assert len(server.feeds) >= 8
    for name, url in server.feeds:
        assert name
        assert url.startswith(f"http://127.0.0.1:{server.port}/feeds/")
    other = DemoServer().start()
    try:
        assert other.port != server.port
    finally:
        other.stop()


def test_every_feed_parses_cleanly_with_entries(server: DemoServer) -> None:
    for name, parsed in fetch_all(server).items():
        assert not parsed.bozo, (name, parsed.get("bozo_exception"))
        assert parsed.entries, name
        assert parsed.feed.get("title") == name
    kinds = {p.version for p in fetch_all(server).values()}
    assert {"rss20", "atom10"} <= kinds


def test_all_items_are_served_once_everything_is_released(server: DemoServer, clock: Clock) -> None:
    clock.now = server.release_times[-1]
    total = sum(len(p.entries) for p in fetch_all(server).values())
    assert total >= 150
    assert total == len(labels())
    assert server.pending() == 0


def test_dates_are_moved_next_to_now_and_never_ahead_of_it(
    server: DemoServer, clock: Clock
) -> None:
    for moment in (clock.now, server.release_times[5], server.release_times[-1]):
        clock.now = moment
        stamps = [t for p in fetch_all(server).values() for e in p.entries for t in entry_times(e)]
        assert stamps
        assert max(stamps) <= moment
        assert min(stamps) >= moment - timedelta(days=8)
        assert max(stamps) >= moment - timedelta(hours=1)
        recent = [t for t in stamps if t >= moment - timedelta(hours=24)]
        assert len(recent) >= 40  # many items in the last day, not just a trickle


def test_reference_time_maps_to_the_start_time(server: DemoServer, clock: Clock) -> None:
    assert server.started_at == START.replace(microsecond=0)
    body = get(feed_url(server, "sahel-observer.xml"))[2].decode()
    # seed: updated 2026-01-01T11:30:00+00:00, 30 min before the reference time
    moved = START - timedelta(minutes=30)
    assert f"<updated>{moved:%Y-%m-%dT%H:%M:%S}+00:00</updated>" in body
    assert REFERENCE_TIME.isoformat() not in body


def test_future_items_are_withheld_then_released_in_small_groups(
    server: DemoServer, clock: Clock
) -> None:
    releases = server.release_times
    assert len(releases) >= 5
    assert releases == sorted(releases)
    assert releases[0] == START + timedelta(seconds=4)
    assert all(b - a == timedelta(seconds=4) for a, b in itertools.pairwise(releases))

    def count() -> int:
        return sum(len(p.entries) for p in fetch_all(server).values())

    counts = [count()]
    held = server.pending()
    assert held >= 10
    clock.advance(3.9)
    assert count() == counts[0]  # nothing before the first release
    for moment in releases:
        clock.now = moment
        counts.append(count())
    steps = [b - a for a, b in itertools.pairwise(counts)]
    assert all(1 <= step <= 3 for step in steps), steps
    assert counts[-1] - counts[0] == held


def test_a_released_item_is_dated_at_its_release(server: DemoServer, clock: Clock) -> None:
    clock.now = server.release_times[0]
    parsed = feedparser.parse(io.BytesIO(get(feed_url(server, "lakeshore-herald.xml"))[2]))
    newest = max(t for e in parsed.entries for t in entry_times(e))
    assert newest == server.release_times[0]


def test_speed_shortens_the_release_interval(clock: Clock) -> None:
    with DemoServer(now=clock, release_every=4.0, speed=4.0) as fast:
        assert fast.release_times[0] - fast.started_at == timedelta(seconds=1)
    with pytest.raises(ValueError):
        DemoServer(speed=0)


def test_the_non_utf8_feeds_decode_correctly(server: DemoServer) -> None:
    parsed = fetch_all(server)
    steppe = parsed["Steppe Courier"]
    assert steppe.encoding == "windows-1251"
    titles = [e.title for e in steppe.entries]
    assert "Almaty metro extension opens as «Алатау» station welcomes first passengers" in titles
    caribbean = parsed["Caribbean Sentinel"]
    assert caribbean.encoding == "iso-8859-1"
    assert "Nicolás Maduro orders militia mobilisation after US deployment" in [
        e.title for e in caribbean.entries
    ]
    _, headers, body = get(feed_url(server, "steppe-courier.xml"))
    assert headers["content-type"].endswith("charset=windows-1251")
    assert body.startswith(b'<?xml version="1.0" encoding="windows-1251"?>')
    assert "Алатау".encode("windows-1251") in body


def test_quirks_survive_serving(server: DemoServer) -> None:
    def text(filename: str, encoding: str = "utf-8") -> str:
        return get(feed_url(server, filename))[2].decode(encoding)

    assert "<description><![CDATA[<p>" in text("meridian-wire.xml")
    assert "&lt;p&gt;" in text("gulf-dispatch.xml")
    assert "<published>" not in text("sahel-observer.xml")
    assert "<updated>" in text("sahel-observer.xml")
    assert "<link>/south-asia/" in text("monsoon-times.xml")
    assert 'xml:base="https://pacific-ledger.example/"' in text("pacific-ledger.xml")
    assert "<dc:date>" in text("levant-daily.xml")
    parsed = fetch_all(server)
    undated = [e for p in parsed.values() for e in p.entries if not entry_times(e)]
    assert len(undated) >= 3


def test_served_dates_keep_their_original_spelling(server: DemoServer, clock: Clock) -> None:
    clock.now = server.release_times[-1]
    pattern = re.compile(r"<(pubDate|lastBuildDate|dc:date|published|updated)>([^<]*)<")
    seen: Counter[str] = Counter()
    for _, url in server.feeds:
        body = get(url)[2].decode("latin-1")  # dates are ASCII in every encoding used
        for tag, value in pattern.findall(body):
            if tag in ("pubDate", "lastBuildDate"):
                m = RFC822.fullmatch(value)
                assert m, value
                parsed = email.utils.parsedate_to_datetime(value)
                if m.group(1):  # the day of the week must still be right
                    assert m.group(1) == parsed.strftime("%a"), value
                seen["rfc822"] += 1
            else:
                assert RFC3339.fullmatch(value), value
                seen["rfc3339"] += 1
    assert seen["rfc822"] > 100
    assert seen["rfc3339"] > 50
    danube = get(feed_url(server, "danube-review.xml"))[2].decode()
    assert re.search(r"<published>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000\+01:00</published>", danube)
    lakeshore = get(feed_url(server, "lakeshore-herald.xml"))[2].decode()
    assert re.search(r"<pubDate>\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d EST</pubDate>", lakeshore)


def test_conditional_get_is_304_until_a_release(server: DemoServer, clock: Clock) -> None:
    url = feed_url(server, "lakeshore-herald.xml")  # holds the first release
    status, headers, body = get(url)
    assert status == 200
    etag, modified = headers["etag"], headers["last-modified"]

    status, again, rest = get(url, **{"If-None-Match": etag})
    assert (status, rest) == (304, b"")
    assert again["etag"] == etag
    assert get(url, **{"If-Modified-Since": modified})[0] == 304
    assert get(url, **{"If-None-Match": '"other", W/' + etag})[0] == 304
    assert get(url, **{"If-None-Match": '"stale"'})[0] == 200

    clock.now = server.release_times[0]
    status, fresh, new_body = get(url, **{"If-None-Match": etag})
    assert status == 200
    assert fresh["etag"] != etag
    assert len(new_body) > len(body)
    assert get(url, **{"If-Modified-Since": modified})[0] == 200
    assert get(url, **{"If-None-Match": fresh["etag"]})[0] == 304


def test_etag_is_a_hash_of_the_bytes_and_stable_between_releases(
    server: DemoServer, clock: Clock
) -> None:
    url = feed_url(server, "meridian-wire.xml")
    first = get(url)
    clock.advance(1)
    second = get(url)
    assert first[1]["etag"] == second[1]["etag"]
    assert first[2] == second[2]


def test_unknown_paths_404_and_the_index_lists_every_feed(server: DemoServer) -> None:
    assert get(server.base_url + "/feeds/nope.xml")[0] == 404
    assert get(server.base_url + "/feeds/labels.jsonl")[0] == 404
    assert get(server.base_url + "/etc/passwd")[0] == 404
    status, _, body = get(server.base_url + "/feeds.opml")
    assert status == 200
    for _, url in server.feeds:
        assert url.encode() in body


def test_the_server_is_silent(server: DemoServer, capfd: pytest.CaptureFixture[str]) -> None:
    get(server.base_url + "/missing")
    fetch_all(server)
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as raw:
        raw.sendall(b"BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n")  # unsupported: an error, no log
        reply = raw.recv(1024)
    assert reply.startswith(b"HTTP/1.1 501")
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_stop_is_idempotent_and_frees_the_port(clock: Clock) -> None:
    demo = DemoServer(now=clock).start()
    port = demo.port
    demo.stop()
    demo.stop()
    with pytest.raises(RuntimeError):
        _ = demo.feeds
    with pytest.raises(OSError):
        http.client.HTTPConnection("127.0.0.1", port, timeout=2).request("GET", "/")


# --------------------------------------------------------------------------- seeds and labels


def test_seeds_ship_inside_the_package_and_the_repo_links_them() -> None:
    assert SEEDS_DIR.parent.name == "demo"
    assert len(list(SEEDS_DIR.glob("*.xml"))) >= 8
    link = Path(__file__).resolve().parents[1] / "seeds"
    if link.exists() or link.is_symlink():
        assert link.is_symlink()
        assert link.resolve() == SEEDS_DIR.resolve()


def test_labels_cover_countries_and_levels_and_match_the_feeds(
    server: DemoServer, clock: Clock
) -> None:
    rows = labels()
    clock.now = server.release_times[-1]
    served = {(name, e.id) for name, parsed in fetch_all(server).items() for e in parsed.entries}
    names = {url.rsplit("/", 1)[1]: name for name, url in server.feeds}
    keys = [(names[row["feed"]], row["guid"]) for row in rows]
    assert len(set(keys)) == len(keys), "duplicate guid in labels.jsonl"
    assert set(keys) == served  # every label has an item, every item a label

    countries = {code for row in rows for code in row["actors"]}
    assert len(countries) >= 12
    assert all(re.fullmatch(r"[A-Z]{3}", code) for code in countries)
    assert all(row["actors"] == sorted(set(row["actors"])) for row in rows)
    levels = Counter(row["level"] for row in rows)
    assert set(levels) == {0, 1, 2, 3, 4, 5}
    assert levels[0] + levels[1] + levels[2] > levels[3] + levels[4] + levels[5]
    assert levels[4] + levels[5] < levels[3]


def test_labels_carry_the_tricky_cases() -> None:
    by_title = {row["title"]: row for row in labels()}

    def label(fragment: str) -> tuple[list[str], int]:
        row = next(r for t, r in by_title.items() if fragment in t)
        return row["actors"], row["level"]

    assert label("turkeys for holiday tables") == (["USA"], 0)  # Georgia the state, the bird
    assert label("Chad Whitaker") == ([], 0)
    assert label("Jordan Haddad") == ([], 0)
    assert label("price war") == ([], 0)
    assert label("strike a deal") == (["USA"], 0)
    assert label("War of words as tech founders") == ([], 0)
    assert label("Dockworkers strike") == (["USA"], 1)
    assert label("nuclear power plant") == (["POL"], 0)
    assert label("Typhoon leaves 31 dead") == (["PHL"], 0)
    assert label("Georgia's ruling party") == (["GEO"], 1)
    assert label("Pakistan vows") == (["IND", "PAK"], 2)
    assert label("Artillery duels") == (["IND", "PAK"], 3)
    assert label("death toll passes 40") == (["ISR", "LBN"], 4)
    assert label("Zaporizhzhia nuclear plant")[1] == 5
