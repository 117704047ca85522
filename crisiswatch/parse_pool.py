"""Parse feeds in worker processes, with a time limit per feed.

feedparser is pure Python and CPU-bound, and a hostile or pathological
document can keep it busy for a long time. Running it in the event loop (or a
thread) would freeze the dashboard, and a thread cannot be stopped. Worker
processes can: pebble kills a worker that overruns its time limit and starts
a fresh one, and the feed is reported as skipped.

Workers are started on first use, so a poll in which every feed answers 304
pays nothing. They are started with "forkserver" (or "spawn"), never "fork":
the dashboard runs threads, and forking a threaded process can deadlock.

Memory: a parse costs a worker several times the feed's size at its peak
(parse.py refuses the structures that cost far more), and CPython and malloc
do not hand all of it back afterwards. After a big parse the worker collects
and trims its heap; when it still holds more than `RETAIN_LIMIT` above what
it started with, the pool retires its workers (they finish what they are
doing and exit) and new ones take over, so a long-running collector never
keeps the high-water mark of its biggest feed.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import ctypes
import gc
import multiprocessing
import multiprocessing.forkserver
import os
import signal
import threading
from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar

from pebble import ProcessExpired, ProcessPool

from crisiswatch.models import ParsedFeed
from crisiswatch.sanitize import clean_text

T = TypeVar("T")

_WORKER_CLASSIFIER: Any = None
_WORKER_PROBLEM: str | None = None
_WORKER_START_RSS = 0  # bytes, once the worker is ready

RETAIN_LIMIT = 24 * 1024 * 1024  # memory a worker may keep above its start before it is replaced
_TIDY_BODY = 1024 * 1024  # after a body this big, collect and trim the heap
_TIDY_GROWTH = 8 * 1024 * 1024  # ... or after a parse that left this much behind


def _rss() -> int:
    """Resident memory of this process in bytes (0 where /proc is missing)."""
    try:
        with open("/proc/self/statm", "rb") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _malloc_trim() -> None:
    """Give free heap pages back to the system (glibc keeps them otherwise)."""
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to trim
        ctypes.CDLL(None).malloc_trim(0)  # the symbols the process has loaded, libc's included


def _init_worker(extra_aliases: dict[str, list[str]] | None) -> None:
    """Build this worker's classifier once; remember a failure instead of dying.

    A failing initializer would make pebble restart the worker in a loop, so the
    failure is reported on every feed instead, where someone will read it.
    """
    global _WORKER_CLASSIFIER, _WORKER_PROBLEM, _WORKER_START_RSS
    # pebble installs a Python-level SIGTERM handler, which cannot run while the
    # parser is stuck inside C code; the default action ends the process at once.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        from crisiswatch.classify import Classifier

        _WORKER_CLASSIFIER = Classifier(extra_aliases)
    except Exception as exc:
        _WORKER_PROBLEM = f"{type(exc).__name__}: {exc}"
    _WORKER_START_RSS = _rss()


def _parse_job(
    body: bytes, feed_url: str, headers: dict[str, str] | None
) -> tuple[ParsedFeed, int]:
    """The parsed feed, and the memory this worker holds above its start (bytes).

    The body itself is still alive here and is not counted: it goes with the job.
    """
    from crisiswatch.parse import parse_feed

    if _WORKER_PROBLEM is not None:
        return ParsedFeed(error=f"the classifier could not be loaded ({_WORKER_PROBLEM})"), 0
    parsed = parse_feed(body, feed_url=feed_url, headers=headers, classifier=_WORKER_CLASSIFIER)
    # Store rows, not dataclasses: the collector's process unpickles plain tuples
    # and does no per-item work of its own.
    parsed = replace(parsed, items=(), rows=parsed.store_rows())
    held = _rss() - _WORKER_START_RSS - len(body)
    if len(body) >= _TIDY_BODY or held >= _TIDY_GROWTH:
        gc.collect()
        _malloc_trim()
        held = _rss() - _WORKER_START_RSS - len(body)
    return parsed, max(0, held)


class ParseFailure(Exception):
    """A pool-level failure (time limit, crash, shutdown), phrased for people."""


def _start_context() -> Any:
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        # Workers forked from a server that already imported the parser start in
        # milliseconds, which matters when a stuck worker has to be replaced.
        context.set_forkserver_preload(
            ["crisiswatch.parse_pool", "crisiswatch.parse", "crisiswatch.classify.warm"]
        )
        return context
    return multiprocessing.get_context("spawn")


def _death(exc: ProcessExpired) -> str:
    code = exc.exitcode
    if isinstance(code, int) and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        hint = ", probably out of memory" if name == "SIGKILL" else ""
        return f"killed by {name}{hint}"
    return f"exit code {code}"


class ParsePool:
    """Worker processes that parse and classify feeds under a time limit."""

    def __init__(
        self,
        *,
        workers: int | None = None,
        timeout: float = 20.0,
        extra_aliases: dict[str, list[str]] | None = None,
    ) -> None:
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.timeout = timeout
        self.extra_aliases = extra_aliases
        self._pool: ProcessPool | None = None
        self._closed = False
        self._lock = threading.Lock()
        self._pending: set[concurrent.futures.Future[Any]] = set()
        self._retire = False  # a worker kept too much memory: new workers for the next feed
        self.retired = 0  # how many times that happened
        self._retiring: list[ProcessPool] = []  # pools finishing their last feeds

    def _get_pool(self, *, fresh: bool = False) -> ProcessPool:
        with self._lock:
            if self._closed:
                raise ParseFailure("the parse pool is closed")
            if fresh and self._pool is not None:
                old, self._pool = self._pool, None
                old.stop()  # joined in the background: it may be waiting on a dying worker
                threading.Thread(target=old.join, daemon=True).start()
            if self._retire and self._pool is not None:
                old, self._pool = self._pool, None
                old.close()  # its workers finish the feeds they have, then exit
                self._retiring = [p for p in self._retiring if p.active] + [old]
                threading.Thread(target=old.join, daemon=True).start()
            self._retire = False
            if self._pool is None:
                self._pool = ProcessPool(
                    max_workers=self.workers,
                    initializer=_init_worker,
                    initargs=(self.extra_aliases,),
                    context=_start_context(),
                )
            return self._pool

    def prestart(self) -> None:
        """Have the fork server load the parser now, while the first feeds download.

        It imports feedparser and builds the classifier's automata (~0.25 s of
        CPU) before the first worker can fork; started here, that overlaps the
        network instead of following the first body. Returns at once.
        """
        if self._pool is not None or self._closed:
            return
        context = _start_context()
        if context.get_start_method() == "forkserver":
            with contextlib.suppress(Exception):  # the first parse starts it, or says why not
                multiprocessing.forkserver.ensure_running()

    def _schedule(
        self, fn: Callable[..., T], args: tuple[Any, ...]
    ) -> concurrent.futures.Future[T]:
        try:
            try:
                return self._get_pool().schedule(fn, args=args, timeout=self.timeout)
            except RuntimeError:
                # pebble marks the whole pool broken when an idle worker dies (say,
                # the OOM killer picked it); one replacement pool is worth a try.
                return self._get_pool(fresh=True).schedule(fn, args=args, timeout=self.timeout)
        except ParseFailure:
            raise
        except Exception as exc:
            first_line = (str(exc).strip() or type(exc).__name__).splitlines()[0]
            raise ParseFailure(f"could not start the parse workers ({first_line})") from None

    def _forget(self, future: concurrent.futures.Future[Any]) -> None:
        with self._lock:
            self._pending.discard(future)

    async def _call(self, fn: Callable[..., T], *args: Any) -> T:
        """Run `fn(*args)` in a worker; failures come back as ParseFailure."""
        future = self._schedule(fn, args)
        with self._lock:
            self._pending.add(future)
        future.add_done_callback(self._forget)
        try:
            return await asyncio.wrap_future(future)
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if future.cancelled() and task is not None and not task.cancelling():
                raise ParseFailure("the parse pool was shut down; the feed was skipped") from None
            raise
        except TimeoutError:
            raise ParseFailure(
                f"parsing took longer than {self.timeout:g} s; the feed was skipped"
            ) from None
        except ProcessExpired as exc:
            raise ParseFailure(
                f"the parser process died ({_death(exc)}); the feed was skipped"
            ) from None
        except concurrent.futures.BrokenExecutor as exc:
            raise ParseFailure(f"the parse workers failed ({exc}); the feed was skipped") from None
        except Exception as exc:
            raise ParseFailure(f"parsing failed ({type(exc).__name__}: {exc})") from None

    async def parse(
        self, body: bytes, *, feed_url: str, headers: dict[str, str] | None = None
    ) -> ParsedFeed:
        """Parse in a worker; never raises except cancellation."""
        # Only the content type matters to the parser; send nothing else across.
        wanted = None
        if headers:
            content_type = headers.get("content-type") or headers.get("Content-Type")
            wanted = {"content-type": content_type} if content_type else None
        try:
            parsed, held = await self._call(_parse_job, body, feed_url, wanted)
        except ParseFailure as exc:
            # may quote an exception raised in the worker: keep it printable
            return ParsedFeed(error=clean_text(str(exc), 500, html=False) or "parsing failed")
        if held > RETAIN_LIMIT:
            with self._lock:
                if not self._retire:
                    self._retire = True
                    self.retired += 1
        return parsed

    def close(self) -> None:
        """Stop the workers now; feeds still being parsed come back as errors."""
        with self._lock:
            self._closed = True
            pool, self._pool = self._pool, None
            retiring, self._retiring = self._retiring, []
        for old in retiring:
            old.stop()
        if pool is None:
            return
        pool.stop()
        with self._lock:
            pending = list(self._pending)
        for future in pending:
            future.cancel()
        with contextlib.suppress(TimeoutError):
            pool.join(timeout=10)

    def __enter__(self) -> ParsePool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    async def __aenter__(self) -> ParsePool:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await asyncio.to_thread(self.close)
