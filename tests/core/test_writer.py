"""The writer thread: order kept, feed writes grouped into shared commits, failures isolated."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from crisiswatch.models import Classification, Item, item_row, utcnow
from crisiswatch.store import Store
from crisiswatch.writer import Writer
from tests.core.helpers import make_item, seeded_store
from tests.waiting import wait_until_async


class Recorder:
    """A batcher that records how the writer grouped its jobs."""

    def __init__(self) -> None:
        self.batches: list[int] = []

    def run_batch(self, jobs: list[Callable[[], Any]]) -> list[Any]:
        self.batches.append(len(jobs))
        out: list[Any] = []
        for job in jobs:
            try:
                out.append(job())
            except Exception as exc:
                out.append(exc)
        return out


async def test_batched_calls_arriving_together_share_one_batch() -> None:
    writer = Writer(max_batch=8, max_delay=5.0)  # the batch closes on size, not on time
    writer.batcher = recorder = Recorder()
    results = await asyncio.gather(*(writer.batched(lambda n=n: n * 2) for n in range(16)))
    writer.close()
    assert results == [n * 2 for n in range(16)]
    assert recorder.batches == [8, 8]


async def test_a_plain_call_runs_after_the_batch_queued_before_it() -> None:
    writer = Writer(max_batch=100, max_delay=5.0)
    writer.batcher = recorder = Recorder()
    order: list[str] = []
    jobs = [writer.batched(order.append, f"feed{n}") for n in range(3)]
    jobs.append(writer.call(order.append, "checkpoint"))
    await asyncio.gather(*jobs)
    writer.close()
    assert order == ["feed0", "feed1", "feed2", "checkpoint"]
    assert recorder.batches == [3]  # the plain call ended the batch without waiting 5 s


async def test_an_exception_reaches_its_own_caller_only() -> None:
    writer = Writer(max_batch=4, max_delay=5.0)
    writer.batcher = Recorder()

    def boom() -> None:
        raise ValueError("bad row")

    outcome = await asyncio.gather(
        writer.batched(lambda: "a"), writer.batched(boom), writer.batched(lambda: "c"),
        writer.batched(lambda: "d"), return_exceptions=True,
    )  # fmt: skip
    writer.close()
    assert outcome[0] == "a" and outcome[2] == "c" and outcome[3] == "d"
    assert isinstance(outcome[1], ValueError)


async def test_close_runs_jobs_whose_caller_was_cancelled() -> None:
    gate = threading.Event()
    writer = Writer(max_batch=1, max_delay=0)
    writer.batcher = Recorder()
    done: list[str] = []
    started = threading.Event()

    def hold() -> bool:
        started.set()
        return gate.wait(10)

    first = asyncio.ensure_future(writer.call(hold))
    queued = asyncio.ensure_future(writer.batched(done.append, "items of a feed"))
    await wait_until_async(
        lambda: started.is_set() and writer._queue.qsize() == 1,
        5.0,
        "the first job running and the second queued behind it",
    )
    queued.cancel()  # shutting down: nobody waits for the answer any more
    gate.set()
    await first
    writer.close()
    assert done == ["items of a feed"]


async def test_group_commit_on_a_real_store_rolls_back_only_the_failing_feed(
    tmp_path: Path,
) -> None:
    store, (feed_a, feed_b) = seeded_store(tmp_path / "a.db")
    rows_a = [item_row(*make_item("https://feed0.example/rss", n)) for n in range(5)]
    rows_b = [item_row(*make_item("https://feed1.example/rss", n)) for n in range(5)]

    def half_then_fail() -> int:
        store.insert_rows(feed_b, rows_b, seen=utcnow())
        raise RuntimeError("the worker sent something odd")

    results = store.run_batch(
        [
            lambda: store.insert_rows(feed_a, rows_a, seen=utcnow(), health={"last_status": 200}),
            half_then_fail,
        ]
    )
    assert results[0] == 5 and isinstance(results[1], RuntimeError)
    assert store.count_items() == 5  # feed B's partial insert was undone, feed A's kept
    assert not store.conn.in_transaction
    store.close()
    with Store(tmp_path / "a.db", readonly=True) as reader:
        assert reader.count_items() == 5
        assert [
            h.last_status for h in reader.feed_health() if h.url.startswith("https://feed0")
        ] == [200]


def test_a_full_disk_fails_the_feed_that_hit_it_and_stores_nothing_partial(
    tmp_path: Path,
) -> None:
    store, (feed, _) = seeded_store(tmp_path / "a.db")
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages}")  # the file may not grow: disk full
    rows = [item_row(*make_item("https://feed0.example/rss", n)) for n in range(400)]
    results = store.run_batch([lambda: 1, lambda: store.insert_rows(feed, rows, seen=utcnow())])
    assert results[0] == 1
    assert isinstance(results[1], Exception) and "full" in str(results[1])
    assert store.count_items() == 0 and not store.conn.in_transaction


@pytest.mark.parametrize("batched", [True, False])
async def test_writer_on_a_store_keeps_every_item(tmp_path: Path, batched: bool) -> None:
    store, (feed, _) = seeded_store(tmp_path / "a.db")
    writer = Writer(max_batch=4, max_delay=0.01)
    writer.batcher = store

    def pairs(k: int) -> list[tuple[Item, Classification]]:
        return [make_item("https://feed0.example/rss", n + 10 * k) for n in range(10)]

    if batched:  # inside shared transactions, as the collector writes
        jobs = [
            writer.batched(store.insert_rows, feed, [item_row(*p) for p in pairs(k)], seen=utcnow())
            for k in range(10)
        ]
    else:  # each in a transaction of its own
        jobs = [writer.call(store.add_items, feed, pairs(k), seen=utcnow()) for k in range(10)]
    counts = await asyncio.gather(*jobs)
    writer.close()
    assert counts == [10] * 10 and store.count_items() == 100
