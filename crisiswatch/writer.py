"""The collector's one writer thread, with group commit.

Every database call of a poll runs here, in the order it was asked for, so the
event loop never waits on the disk and SQLite never sees two writers. Feed
results that arrive close together (`batched`) share one transaction: each
commit rewrites the index pages it touched, so ten feeds in one commit cost
little more than one. A result waits at most `max_delay` for company.

Nothing queued is dropped: `close()` runs every job already asked for before
the thread ends, including jobs whose caller was cancelled meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, InvalidStateError
from dataclasses import dataclass, field
from typing import Any, Protocol

MAX_BATCH = 32  # feeds per transaction
MAX_DELAY = 0.03  # seconds a feed's items may wait for others to share a commit


class Batcher(Protocol):
    def run_batch(self, jobs: list[Callable[[], Any]]) -> list[Any]: ...


@dataclass(slots=True)
class _Job:
    fn: Callable[[], Any]
    batched: bool
    future: Future[Any] = field(default_factory=Future)


_STOP = object()


class Writer:
    """A single thread that runs store calls in order, batching feed writes."""

    def __init__(self, *, max_batch: int = MAX_BATCH, max_delay: float = MAX_DELAY) -> None:
        self.max_batch = max(1, max_batch)
        self.max_delay = max_delay
        self.batcher: Batcher | None = None  # set by the first job (it opens the store)
        self._queue: queue.SimpleQueue[_Job | object] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="crisiswatch-writer", daemon=True)
        self._thread.start()
        self._closed = False

    async def call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run `fn` on the writer thread, on its own, after everything asked before."""
        return await self._submit(_Job(lambda: fn(*args, **kwargs), batched=False))

    async def batched(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Like `call`, inside a transaction shared with neighbouring batched calls.

        `fn` must not open or close a transaction itself; an exception it raises
        undoes only its own writes and is raised here.
        """
        return await self._submit(_Job(lambda: fn(*args, **kwargs), batched=True))

    async def _submit(self, job: _Job) -> Any:
        if self._closed:
            raise RuntimeError("the writer is closed")
        self._queue.put(job)
        return await asyncio.wrap_future(job.future)

    def close(self) -> None:
        """Run what is queued, then stop the thread (blocks until it has)."""
        if not self._closed:
            self._closed = True
            self._queue.put(_STOP)
        self._thread.join()

    # -- the thread ----------------------------------------------------------------

    def _run(self) -> None:
        held: _Job | object | None = None
        while True:
            job = held if held is not None else self._queue.get()
            held = None
            if job is _STOP:
                return
            assert isinstance(job, _Job)
            if not job.batched or self.batcher is None:
                _settle(job, _attempt(job.fn))
                continue
            batch = [job]
            deadline = time.monotonic() + self.max_delay
            while len(batch) < self.max_batch:
                try:
                    nxt = self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
                except queue.Empty:
                    break
                if isinstance(nxt, _Job) and nxt.batched:
                    batch.append(nxt)
                else:  # a plain call or the stop: it runs after this batch
                    held = nxt
                    break
            results = self.batcher.run_batch([one.fn for one in batch])
            for one, result in zip(batch, results, strict=True):
                _settle(one, result)


def _attempt(fn: Callable[[], Any]) -> Any:
    try:
        return fn()
    except Exception as exc:
        return exc


def _settle(job: _Job, result: Any) -> None:
    # The caller may have been cancelled meanwhile; the write stands all the same.
    with contextlib.suppress(InvalidStateError):
        if isinstance(result, Exception):
            job.future.set_exception(result)
        else:
            job.future.set_result(result)
