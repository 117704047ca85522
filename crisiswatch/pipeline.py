"""fetch -> parse -> classify -> store, for every due feed, reporting through callbacks.

The event loop only waits: bodies are parsed and classified in worker
processes (`ParsePool`), and every database write runs on one dedicated writer
thread, so neither a slow feed nor a slow disk blocks the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from crisiswatch.config import CollectorConfig, FeedConfig
from crisiswatch.fetch import Fetcher, FetchResult
from crisiswatch.models import ParsedFeed, from_iso, to_iso, utcnow
from crisiswatch.parse_pool import ParsePool
from crisiswatch.sanitize import clean_text
from crisiswatch.schedule import next_poll
from crisiswatch.store import FeedRow, Store, StoreError, describe_db_error
from crisiswatch.writer import Writer

Status = Literal["ok", "not_modified", "failed"]

log = logging.getLogger(__name__)
ERROR_MAX = 300  # characters of an unexpected error's message


@dataclass(frozen=True, slots=True)
class FeedOutcome:
    """What one feed's poll came to, for progress lines and the summary."""

    url: str
    name: str
    status: Status
    new_items: int = 0
    error: str | None = None
    warning: str | None = None
    seconds: float = 0.0


@dataclass(slots=True)
class PollSummary:
    outcomes: list[FeedOutcome] = field(default_factory=list)
    seconds: float = 0.0
    store_error: str | None = None

    def count(self, status: Status) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def new_items(self) -> int:
        return sum(o.new_items for o in self.outcomes)

    def line(self) -> str:
        text = (
            f"{len(self.outcomes)} feeds: {self.count('ok')} ok, "
            f"{self.count('not_modified')} not modified, {self.count('failed')} failed; "
            f"{self.new_items} new items in {self.seconds:.1f} s"
        )
        if self.store_error:
            text += f"; {self.store_error}"
        return text


@dataclass(slots=True)
class Callbacks:
    """Hooks for a view; all are called on the collector's event loop thread."""

    poll_started: Callable[[int], None] | None = None  # number of feeds due
    feed_done: Callable[[FeedOutcome], None] | None = None
    poll_done: Callable[[PollSummary], None] | None = None


def _body_hash(body: bytes) -> str:
    return hashlib.blake2b(body, digest_size=16).hexdigest()


class Collector:
    """Polls feeds into one database. Use as an async context manager."""

    def __init__(
        self,
        db_path: str | Path,
        feeds: Iterable[FeedConfig],
        *,
        settings: CollectorConfig | None = None,
        extra_aliases: dict[str, list[str]] | None = None,
        callbacks: Callbacks | None = None,
        parse_workers: int | None = None,
    ) -> None:
        self.db_path = Path(db_path)
        self.feeds = tuple(feeds)
        self.settings = settings or CollectorConfig()
        self.extra_aliases = extra_aliases
        self.callbacks = callbacks or Callbacks()
        self.parse_workers = parse_workers
        self._writer = Writer()
        self._store: Store | None = None
        self._fetcher: Fetcher | None = None
        self._pool: ParsePool | None = None
        self._feed_names = {f.url: f.name for f in self.feeds}
        # The feeds this collector polls. The feeds table is shared by every config
        # that uses the database, and its `enabled` column says what the last sync
        # wanted: polling by our own list means another config can never starve us.
        self._own_urls = [f.url for f in self.feeds if f.enabled]
        self._store_problem: str | None = None  # a failed write in the current poll

    # -- lifecycle -----------------------------------------------------------------------

    async def __aenter__(self) -> Collector:
        await self._write(self._open_store)
        s = self.settings
        self._fetcher = Fetcher(
            concurrency=s.concurrency,
            per_host=s.per_host,
            timeout=s.timeout,
            max_bytes=s.max_bytes,
        )
        await self._fetcher.__aenter__()
        self._pool = ParsePool(
            workers=self.parse_workers,
            timeout=s.parse_timeout,
            extra_aliases=self.extra_aliases,
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._fetcher is not None:
            await self._fetcher.__aexit__(None, None, None)
        if self._pool is not None:
            self._pool.close()
        await self._write(self._close_store)
        await asyncio.to_thread(self._writer.close)

    def _open_store(self) -> None:
        self._store = Store(self.db_path)
        self._store.sync_feeds(self.feeds)
        self._writer.batcher = self._store

    def _close_store(self) -> None:
        if self._store is not None:
            try:
                self._store.checkpoint()
            finally:
                self._store.close()

    async def _write(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run a store call on the single writer thread."""
        return await self._writer.call(fn, *args, **kwargs)

    @property
    def store(self) -> Store:
        assert self._store is not None, "use the Collector as an async context manager"
        return self._store

    # -- polling ---------------------------------------------------------------------

    async def poll_once(self, *, force: bool = False) -> PollSummary:
        """Poll every due feed (every enabled feed with `force`) concurrently, once."""
        started = time.perf_counter()
        summary = PollSummary()
        self._store_problem = None
        try:
            if force:
                due = await self._write(self.store.due_feeds, utcnow(), self._own_urls)
            else:
                due = await self._write(self.store.due_feeds, utcnow(), among=self._own_urls)
        except Exception as exc:  # the DB is unreadable: say so, poll nothing
            summary.store_error = describe_db_error(self.db_path, exc)
            return summary
        if any(feed.body_hash is None for feed in due):  # a feed never parsed: bodies are coming
            assert self._pool is not None
            self._pool.prestart()
        if self.callbacks.poll_started:
            self.callbacks.poll_started(len(due))
        tasks = [asyncio.create_task(self._poll_feed(feed)) for feed in due]
        try:
            for task in asyncio.as_completed(tasks):
                outcome = await task
                summary.outcomes.append(outcome)
                if self.callbacks.feed_done:
                    self.callbacks.feed_done(outcome)
        except asyncio.CancelledError:
            # Shutting down: stop the fetches; a write already on the writer
            # thread still runs to the end of its transaction.
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise
        # A full disk or a read-only file fails every feed alike and cannot be
        # recorded in their health rows: the summary is where it is seen.
        summary.store_error = self._store_problem
        try:
            await self._write(self.store.checkpoint)
        except Exception as exc:
            summary.store_error = describe_db_error(self.db_path, exc)
        summary.seconds = time.perf_counter() - started
        if self.callbacks.poll_done:
            self.callbacks.poll_done(summary)
        return summary

    async def _poll_feed(self, feed: FeedRow) -> FeedOutcome:
        """Poll one feed; never raises (but for cancellation).

        A bug that one feed's response triggers is recorded as that feed's
        failure: it must not end the poll and lose the other feeds' items.
        """
        started = time.perf_counter()
        try:
            return await self._poll_one(feed, started)
        except Exception as exc:
            name = self._feed_names.get(feed.url, feed.name)
            message = clean_text(
                f"unexpected error: {type(exc).__name__}: {exc}", ERROR_MAX, html=False
            )
            log.error("%s: %s", feed.url, message)
            with contextlib.suppress(Exception):  # health is advisory (see _record)
                errors = feed.consecutive_errors + 1
                now = utcnow()
                await self._record(
                    feed.id,
                    {
                        "last_attempt": to_iso(now),
                        "consecutive_errors": errors,
                        "error": message,
                        "next_poll": to_iso(next_poll(now, feed.interval, errors=errors)),
                    },
                )
            seconds = time.perf_counter() - started
            return FeedOutcome(feed.url, name, "failed", error=message, seconds=seconds)

    async def _poll_one(self, feed: FeedRow, started: float) -> FeedOutcome:
        name = self._feed_names.get(feed.url, feed.name)
        interval = feed.interval
        assert self._fetcher is not None and self._pool is not None
        result = await self._fetcher.fetch(
            feed.fetch_url, etag=feed.etag, last_modified=feed.last_modified
        )
        now = utcnow()
        health: dict[str, Any] = {"last_attempt": to_iso(now), "last_status": result.status}
        if result.permanent_url:
            health["fetch_url"] = result.permanent_url

        def done(status: Status, **kw: Any) -> FeedOutcome:
            return FeedOutcome(feed.url, name, status, seconds=time.perf_counter() - started, **kw)

        if result.error is not None or (not result.not_modified and result.body is None):
            return await self._failed(feed, name, result, health, done)

        healthy = {
            **health,
            "last_ok": to_iso(now),
            "consecutive_errors": 0,
            "error": None,
            "etag": result.etag,
            "last_modified": result.last_modified,
            "next_poll": to_iso(next_poll(now, interval)),
        }
        if result.not_modified:
            await self._record(feed.id, healthy)
            return done("not_modified")
        body = result.body or b""
        digest = _body_hash(body)
        if digest == feed.body_hash:  # same bytes as last time: nothing to parse
            await self._record(feed.id, healthy)
            return done("not_modified")

        parsed: ParsedFeed = await self._pool.parse(body, feed_url=feed.url, headers=result.headers)
        if parsed.error is not None:
            return await self._failed(feed, name, result, health, done, error=parsed.error)
        healthy = {**healthy, "body_hash": digest, "warning": parsed.warning}
        try:
            new = await self._writer.batched(
                self.store.insert_rows, feed.id, parsed.store_rows(), seen=now, health=healthy
            )
        except (StoreError, OSError, Exception) as exc:  # disk full, read-only...: keep running
            message = describe_db_error(self.db_path, exc)
            self._store_problem = message
            return done("failed", error=message)
        return done("ok", new_items=new, warning=parsed.warning)

    async def _failed(
        self,
        feed: FeedRow,
        name: str,
        result: FetchResult,
        health: dict[str, Any],
        done: Callable[..., FeedOutcome],
        error: str | None = None,
    ) -> FeedOutcome:
        now = utcnow()
        errors = feed.consecutive_errors + 1
        message = error or result.error or f"HTTP {result.status}"
        fields = {
            **health,
            "consecutive_errors": errors,
            "error": message,
            "next_poll": to_iso(
                next_poll(now, feed.interval, errors=errors, retry_after=result.retry_after)
            ),
        }
        if result.status == 410:
            fields["gone"] = 1
            fields["error"] = (
                "the server says this feed is gone for good (HTTP 410); it is no longer polled"
            )
        await self._record(feed.id, fields)
        return done("failed", error=fields["error"])

    async def _record(self, feed_id: int, fields: dict[str, Any]) -> None:
        # Health is advisory: a full disk must not stop the poll.
        with contextlib.suppress(Exception):
            await self._writer.batched(self.store.update_feed, feed_id, fields)

    async def run(self, stop: asyncio.Event, wake: asyncio.Event | None = None) -> None:
        """Poll due feeds until `stop` is set; `wake` asks for an immediate poll."""
        wake = wake or asyncio.Event()
        force = False
        while not stop.is_set():
            poll = asyncio.create_task(self.poll_once(force=force))
            stopper = asyncio.create_task(stop.wait())
            await asyncio.wait({poll, stopper}, return_when=asyncio.FIRST_COMPLETED)
            stopper.cancel()
            if not poll.done():
                poll.cancel()
                await asyncio.gather(poll, return_exceptions=True)
                return
            problem = None if poll.cancelled() else poll.exception()
            if problem is not None:  # a bug: say so, and poll again at the next due time
                words = clean_text(f"{type(problem).__name__}: {problem}", ERROR_MAX, html=False)
                log.error("the poll failed: %s", words)
            force = False
            delay = await self._write(self._seconds_until_next_poll)
            waiters = {asyncio.create_task(stop.wait()), asyncio.create_task(wake.wait())}
            _, pending = await asyncio.wait(
                waiters, timeout=delay, return_when=asyncio.FIRST_COMPLETED
            )
            for task in pending:
                task.cancel()
            if wake.is_set():
                wake.clear()
                force = True

    def _seconds_until_next_poll(self) -> float:
        nxt = self.store.next_poll_time(among=self._own_urls)
        if nxt is None:
            return 60.0
        return min(max((from_iso(nxt) - utcnow()).total_seconds(), 1.0), 300.0)
