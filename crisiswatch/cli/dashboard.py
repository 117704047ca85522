"""`crisiswatch` with no command: the dashboard, with the collector running beside it.

The collector runs in a child process (crisiswatch/tui/collector_process.py),
never in the UI's process: a collecting thread there would share the GIL with
Textual and stall the keys during a large poll.

Textual and the demo server are imported only here, inside `run`, so
`crisiswatch --help` and the other commands stay quick to start.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

import click

from crisiswatch.cli.common import Fail
from crisiswatch.config import Config, FeedConfig
from crisiswatch.lock import CollectorLock
from crisiswatch.store import Store, StoreError

if TYPE_CHECKING:
    from crisiswatch.tui.collector_process import CollectorProcess
    from crisiswatch.tui.status import CollectorStatus


def run(config: Config, *, demo: bool, db_given: bool, collect: bool) -> None:
    """Open the dashboard; collect beside it unless another collector owns the DB."""
    from crisiswatch.classify.gazetteer import country_names

    country_names()  # the panels' names: a broken gazetteer is one line here, not in the app
    with session(config, demo=demo, db_given=db_given, collect=collect) as (config, status, child):
        from crisiswatch.tui.app import CrisisApp

        CrisisApp(config, status=status).run()
    if child is not None and child.alive:
        click.echo("crisiswatch: the collector did not stop in time", err=True)


@contextlib.contextmanager
def session(
    config: Config, *, demo: bool, db_given: bool, collect: bool
) -> Iterator[tuple[Config, CollectorStatus, CollectorProcess | None]]:
    """Everything around the app: demo feeds, the lock, the DB, the collector process.

    Yields the config to show (the demo's temporary DB), the status the header
    reads, and the collector process if this dashboard owns the DB; on exit the
    collector is stopped before the lock and the demo server go.
    """
    from crisiswatch.tui.status import CollectorStatus

    with contextlib.ExitStack() as stack:
        feeds: Sequence[FeedConfig] = config.feeds
        if demo:
            from crisiswatch.cli.collect_cmd import demo_feeds

            config, feeds = stack.enter_context(demo_feeds(config, db_given))
        status = CollectorStatus(mode="read-only (--no-collect)")
        owner = False
        lock = stack.enter_context(CollectorLock(config.db_path))
        if collect:
            try:
                owner = lock.acquire()
            except OSError as exc:
                raise Fail(
                    f"{config.db_path}: cannot create the lock file ({exc.strerror})"
                ) from None
            if not owner:
                status.mode = "read-only: another collector writes this DB"
        _prepare_db(config, feeds, owner=owner, collect=collect)
        child: CollectorProcess | None = None
        if owner:
            child = _start_collector(config, feeds, status, lock)
            stack.callback(child.stop)
        yield config, status, child


def _prepare_db(config: Config, feeds: Sequence[FeedConfig], *, owner: bool, collect: bool) -> None:
    """Create and migrate the DB before the first read, so the view never waits on it.

    Only the owner, whose collector polls these feeds, syncs the feeds table:
    a sync disables every feed missing from this config, and in a database
    shared with another config that would stop its collector's feeds. A
    `--no-collect` dashboard writes nothing at all (not even a new file for a
    mistyped --db); one that found another collector creates the schema that
    collector is about to create anyway.
    """
    if not owner and (not collect or config.db_path.exists()):
        return
    try:
        with Store(config.db_path) as store:
            if owner:
                store.sync_feeds(feeds)
    except StoreError as exc:
        if config.db_path.exists():
            return  # e.g. a read-only file: the dashboard can still read it
        raise Fail(str(exc)) from None


def _start_collector(
    config: Config,
    feeds: Sequence[FeedConfig],
    status: CollectorStatus,
    lock: CollectorLock | None = None,
) -> CollectorProcess:
    """Start the collector process; it takes over the lock, which this process lets go."""
    from crisiswatch.tui.collector_process import CollectorProcess

    collector = CollectorProcess(
        config.db_path,
        feeds,
        status,
        settings=config.collector,
        extra_aliases=config.extra_aliases,
        lock_fd=lock.fileno() if lock is not None else None,
    )
    try:
        collector.start()
    except OSError as exc:
        status.mode = f"collector failed: {exc}"
        return collector
    finally:
        if lock is not None:
            lock.release()  # the child holds the same lock now, for as long as it lives
    return collector
