"""Dashboard figures on a 1,000,000-item database, and event-loop stalls during a collection.

    python bench/dashboard.py            # first paint, memory, open country, search
    python bench/dashboard.py --stall    # worst event-loop stall while 200 feeds are collected
    python bench/dashboard.py --stall --verbose   # ... and every stall over 50 ms

The database is built once with bulk SQL (same schema, through `Store`'s
migrations) and cached under /tmp. The app runs headless at 120x40 with the
real thread workers. Targets: first paint <= 1 s, RSS < 200 MB, open a country
or a search result <= 200 ms, no event-loop stall > 100 ms.

--stall runs the dashboard as `crisiswatch` does: the collector in its own
process (with the collector lock), a local farm of feeds standing in for the
internet. A key is sent every 50 ms during the poll. Besides the worst stall
it prints the worst time for a key to take effect, and, for the worst loop
turns, how much was the UI's own work and how much was waiting for a CPU held
by other processes (on a busy 2-core machine the latter dominates).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import random
import shutil
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from crisiswatch.config import Config, FeedConfig
from crisiswatch.models import from_iso, to_iso
from crisiswatch.store import Store

ITEMS = 1_000_000
DB = Path(tempfile.gettempdir()) / f"crisiswatch-bench-{ITEMS}.db"
NOW = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
COUNTRIES = [
    "UKR",
    "RUS",
    "ISR",
    "PSE",
    "LBN",
    "IRN",
    "YEM",
    "SDN",
    "COD",
    "TWN",
    "CHN",
    "PRK",
    "USA",
    "GBR",
    "FRA",
    "DEU",
    "IND",
    "PAK",
    "AFG",
    "IRQ",
    "SYR",
    "TUR",
    "SAU",
    "EGY",
    "LBY",
    "ETH",
    "SOM",
    "NGA",
    "MLI",
    "VEN",
    "COL",
    "MEX",
    "BRA",
    "ARM",
    "AZE",
    "SRB",
    "GEO",
    "KOR",
    "JPN",
    "PHL",
]
ZOOMS = ("RUS", "ISR", "IRN", "CHN", "SDN")  # opened before UKR, whose page is then scrolled
WATCH = ("UKR", "RUS", "ISR", "PSE", "LBN", "IRN", "YEM", "SDN", "COD", "TWN", "CHN", "PRK")
WORDS = [
    "missile",
    "strike",
    "talks",
    "border",
    "sanctions",
    "drone",
    "attack",
    "ceasefire",
    "protest",
    "troops",
    "shelling",
    "election",
    "refinery",
    "port",
    "grain",
    "aid",
    "convoy",
    "summit",
    "warning",
    "navy",
    "exercise",
    "hostage",
]


def rss_mb() -> tuple[float, float]:
    """Current and peak resident memory of this process, in MB."""
    fields = {}
    with open("/proc/self/status") as fh:
        for line in fh:
            key, _, value = line.partition(":")
            fields[key] = value
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def build(path: Path, items: int) -> None:
    """Bulk-insert straight through SQL; the FTS triggers index every row as in real use."""
    started = time.perf_counter()
    tmp = path.with_suffix(".building")
    for leftover in tmp.parent.glob(tmp.name + "*"):
        leftover.unlink()
    store = Store(tmp)
    feeds = [FeedConfig(f"https://feed{i}.bench/rss", f"Feed {i}", 600) for i in range(60)]
    store.sync_feeds(feeds)
    ok = to_iso(NOW)
    for row in store.due_feeds(NOW):
        store.record_poll(row.id, last_status=200, last_ok=ok, last_attempt=ok)
    rng = random.Random(7)
    conn = store.conn
    span = 365 * 24 * 3600
    batch = 20_000
    # Oldest first, as a collector appends them: rowid order follows `seen`.
    ages = sorted((int(span * rng.random() ** 3) for _ in range(items)), reverse=True)
    with conn:
        conn.execute("BEGIN")
        for start in range(0, items, batch):
            rows, links = [], []
            for n in range(start, min(items, start + batch)):
                # Skewed: more recent items, most levels low.
                age = ages[n]
                published = to_iso(NOW - timedelta(seconds=age))
                level = min(5, int(rng.expovariate(1.1)))
                actors = sorted(set(rng.choices(COUNTRIES[:20], k=rng.randint(1, 2))))
                feed = rng.randint(1, len(feeds))
                words = " ".join(rng.choices(WORDS, k=6))
                title = f"{actors[0]} {words} report {n}"
                key = hashlib.blake2b(str(n).encode(), digest_size=12).hexdigest()
                rows.append(
                    (
                        n + 1,
                        key,
                        key[::-1],
                        feed,
                        f"g{n}",
                        title,
                        f"Summary {words}.",
                        f"https://bench.example/{n}",
                        published,
                        published,
                        " ".join(actors),
                        level,
                    )
                )
                links += [(n + 1, code, level, published, feed) for code in actors]
            conn.executemany(
                "INSERT INTO items (rowid, id, fingerprint, feed_id, guid, title, summary, url, "
                "published, seen, actors, level) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                rows,
            )
            conn.executemany("INSERT INTO item_country VALUES (?,?,?,?,?)", links)
    conn.execute("ANALYZE")
    store.close()
    for suffix in ("", "-wal", "-shm"):
        src = Path(str(tmp) + suffix)
        if src.exists():
            src.rename(str(path) + suffix)
    print(f"built {items:,} items in {time.perf_counter() - started:.0f} s -> {path}")


def prepare(path: Path) -> None:
    """Bring a cached DB to the current schema, as the dashboard's start does for its own DB.

    (The read-only view never migrates: a DB cached before a new migration,
    such as items(seen), was measured without its index.)
    """
    with Store(path) as store:
        store.migrate()


def built_at(path: Path) -> datetime:
    """The clock the DB was built for (its newest item), so every run sees the same windows."""
    with Store(path, readonly=True) as store:
        newest = store.conn.execute("SELECT max(published) FROM items").fetchone()[0]
    return from_iso(newest) + timedelta(minutes=1)


def evict(path: Path) -> None:
    """Drop the DB's pages from the OS cache: the first start of a morning, not a warm rerun."""
    for suffix in ("", "-wal", "-shm"):
        name = Path(str(path) + suffix)
        if name.exists():
            fd = os.open(name, os.O_RDONLY)
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)


async def until(condition, timeout: float = 30.0) -> float:
    """Seconds until `condition()` holds, polling the loop briefly."""
    started = time.perf_counter()
    while not condition():
        if time.perf_counter() - started > timeout:
            raise TimeoutError("condition not reached")
        await asyncio.sleep(0.002)
    return time.perf_counter() - started


async def painted(app) -> None:
    """Wait until the screen has been drawn once more after the change."""
    done = asyncio.Event()
    app.call_after_refresh(done.set)
    await done.wait()


async def ui_bench(db: Path, *, cold: bool = False) -> dict[str, float]:
    from crisiswatch.tui.app import CrisisApp
    from crisiswatch.tui.item_screen import ItemScreen
    from crisiswatch.tui.paged_table import PagedTable
    from crisiswatch.tui.search_screen import SearchScreen

    config = Config(source=Path("bench"), feeds=(), db_path=db, watch=WATCH)
    clock = built_at(db)
    if cold:
        evict(db)
    started = time.perf_counter()
    app = CrisisApp(config, now=lambda: clock)
    figures: dict[str, float] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        figures["first frame"] = time.perf_counter() - started
        await until(lambda: app.loaded > 0 and all(p.data for p in app.grid.panels))
        await painted(app)
        figures["first paint with data"] = time.perf_counter() - started
        figures["rss after load MB"], _ = rss_mb()

        t = time.perf_counter()
        app.request_reload()
        before = app.loaded
        await until(lambda: app.loaded > before)
        figures["full refresh (12 panels)"] = time.perf_counter() - t

        # Several countries, the worst counts: one lucky open proves little.
        first_rows, complete = [], []
        for code in (*ZOOMS, "UKR"):
            await pilot.pause(0.2)
            t = time.perf_counter()
            app.zoom(code)  # what Enter on a panel does
            await until(
                lambda: (
                    type(app.screen).__name__ == "CountryScreen" and app.screen.query(PagedTable)
                )
            )
            screen = app.screen
            table = screen.query_one(PagedTable)
            await until(lambda table=table: table.row_count > 0)
            await painted(app)
            first_rows.append(time.perf_counter() - t)
            await until(lambda screen=screen: getattr(screen, "data", None) is not None)
            await painted(app)
            complete.append(time.perf_counter() - t)
            if code != "UKR":
                await pilot.press("escape")
        figures[f"open country: first rows (worst of {len(first_rows)})"] = max(first_rows)
        figures[f"open country: complete (worst of {len(complete)})"] = max(complete)
        figures["open country: complete (median)"] = sorted(complete)[len(complete) // 2]
        t = time.perf_counter()
        await pilot.press("end")
        await until(lambda: table.row_count > 100)
        figures["next page on scroll"] = time.perf_counter() - t
        await pilot.press("escape")

        t = time.perf_counter()
        search = SearchScreen()
        await app.push_screen(search)
        await painted(app)
        figures["open the search screen"] = time.perf_counter() - t
        results = search.query_one(PagedTable)
        box = search.query_one("#query")
        box.value = "missile ceasefire"
        t = time.perf_counter()
        await box.action_submit()  # Enter in the search box
        await until(lambda: results.row_count > 0)
        await painted(app)
        figures["search results"] = time.perf_counter() - t
        results.focus()
        await pilot.pause(0.2)
        item = results.highlighted_item()
        t = time.perf_counter()
        await app.push_screen(ItemScreen(item))  # what Enter on a result does
        await painted(app)
        figures["open a search result"] = time.perf_counter() - t
        figures["rss now MB"], figures["rss peak MB"] = rss_mb()
    return figures


async def stall_bench(feeds: int, verbose: bool = False) -> dict[str, float]:
    """The dashboard as `crisiswatch` runs it: the collector in its own process, with the lock.

    While it polls `feeds` feeds, a watcher measures how late a 5 ms sleep wakes
    (an event-loop stall), and a key is sent every 50 ms through the driver, as
    a terminal would, timing how long until the focus has moved.
    """
    from farm import Farm
    from textual import events

    from crisiswatch.cli.dashboard import _prepare_db, _start_collector
    from crisiswatch.lock import CollectorLock
    from crisiswatch.tui.app import CrisisApp
    from crisiswatch.tui.status import CollectorStatus

    folder = Path(tempfile.mkdtemp(prefix="crisiswatch-stall-"))
    with Farm(feeds=feeds, items=50) as farm:
        # The farm stands in for servers elsewhere on the internet: on this
        # machine it must not take the dashboard's CPU, only what is left over.
        os.setpriority(os.PRIO_PROCESS, farm._proc.pid, 19)
        feed_configs = tuple(FeedConfig(u, f"farm {i}", 600) for i, u in enumerate(farm.urls))
        config = Config(
            source=folder / "c.toml", feeds=feed_configs, db_path=folder / "s.db", watch=WATCH
        )
        lock = CollectorLock(config.db_path)
        assert lock.acquire()
        _prepare_db(config, feed_configs, writable=True)
        status = CollectorStatus()
        app = CrisisApp(config, status=status)
        applies: list[float] = []
        original_apply = app._apply

        def timed_apply(result):  # how long the UI thread spends applying one refresh
            t = time.perf_counter()
            original_apply(result)
            applies.append(time.perf_counter() - t)

        app._apply = timed_apply
        figures: dict[str, float] = {}
        async with app.run_test(size=(120, 40)):
            await until(lambda: app.loaded > 0 and len(app.grid.panels) == len(WATCH))
            await until(lambda: all(p._ready for p in app.grid.panels))
            await painted(app)
            worst = 0.0
            worst_cpu = 0.0
            worst_wait = 0.0
            stalls: list[str] = []
            tid = threading.get_native_id()

            def scheduler() -> tuple[float, float]:
                """This thread's seconds on a CPU and waiting for one (Linux schedstat)."""
                try:
                    with open(f"/proc/self/task/{tid}/schedstat") as fh:
                        ran, waited, _ = fh.read().split()
                except OSError:
                    return 0.0, 0.0
                return int(ran) / 1e9, int(waited) / 1e9

            async def watch_loop() -> None:
                # A stall is the UI's own work (ran) plus waiting for a CPU that
                # other processes hold (waited): both are shown, to tell them apart.
                nonlocal worst, worst_cpu, worst_wait
                while True:
                    t = time.perf_counter()
                    ran0, waited0 = scheduler()
                    await asyncio.sleep(0.005)
                    lag = time.perf_counter() - t - 0.005
                    ran1, waited1 = scheduler()
                    ran, waited = ran1 - ran0, waited1 - waited0
                    worst = max(worst, lag)
                    worst_cpu = max(worst_cpu, ran)
                    worst_wait = max(worst_wait, waited)
                    if lag > 0.05:
                        stalls.append(
                            f"  stall {lag * 1000:.0f} ms at {t - started:.2f} s: UI thread ran "
                            f"{ran * 1000:.0f} ms, waited for a CPU {waited * 1000:.0f} ms "
                            f"(refreshes {app.loaded})"
                        )

            started = time.perf_counter()
            monitor = asyncio.create_task(watch_loop())
            collector = _start_collector(config, feed_configs, status, lock)
            keys: list[float] = []
            try:
                while status.last_done is None and time.perf_counter() - started < 120:
                    panels = app.grid.panels
                    before = app.screen.focused
                    key = "right" if before is panels[0] else "left"
                    t = time.perf_counter()
                    app._driver.send_message(events.Key(key, None))  # a person at the keys
                    await until(lambda b=before: app.screen.focused is not b, timeout=10)
                    keys.append(time.perf_counter() - t)
                    await asyncio.sleep(0.05)
                collect_seconds = time.perf_counter() - started
                await asyncio.sleep(2.5)  # the refresh that follows the poll
            finally:
                monitor.cancel()
                stopped = collector.stop()
            if verbose:
                print("\n".join(stalls) or "  no stall over 50 ms")
                print(
                    f"  collector pid {collector.pid} (dashboard {os.getpid()}), "
                    f"stopped: {stopped}; reports: {status.last_line}"
                )
            figures["collection seconds"] = collect_seconds
            figures["worst refresh apply ms"] = max(applies) * 1000 if applies else 0.0
            figures["items stored"] = float(app.seen_rowid)
            figures["keys pressed during collection"] = float(len(keys))
            figures["worst key response ms"] = max(keys) * 1000 if keys else 0.0
            figures["worst event-loop stall ms"] = worst * 1000
            figures["worst UI work in one loop turn ms"] = worst_cpu * 1000
            figures["worst wait for a CPU in a turn ms"] = worst_wait * 1000
            figures["rss peak MB"] = rss_mb()[1]
    shutil.rmtree(folder, ignore_errors=True)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stall", action="store_true", help="measure stalls during collection")
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--verbose", action="store_true", help="list each stall over 50 ms")
    parser.add_argument(
        "--cold", action="store_true", help="drop the DB from the OS page cache first (Linux)"
    )
    args = parser.parse_args()
    if args.stall:
        figures = asyncio.run(stall_bench(args.feeds, args.verbose))
        targets = {"worst event-loop stall ms": 100.0}
    else:
        if args.rebuild or not DB.exists():
            build(DB, ITEMS)
        prepare(DB)
        figures = asyncio.run(ui_bench(DB, cold=args.cold))
        targets = {
            "first paint with data": 1.0,
            "rss peak MB": 200.0,
            "open country: first rows (worst of 6)": 0.2,
            "open country: complete (worst of 6)": 0.2,
            "open the search screen": 0.2,
            "search results": 0.2,
            "open a search result": 0.2,
        }
    failed = False
    for name, value in figures.items():
        unit = "" if name.endswith(("MB", "ms")) or name.startswith(("items", "keys")) else " s"
        mark = ""
        if name in targets:
            ok = value <= targets[name]
            failed |= not ok
            mark = f"   target <= {targets[name]:g}: {'ok' if ok else 'MISSED'}"
        print(f"{name:40} {value:10.3f}{unit}{mark}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
