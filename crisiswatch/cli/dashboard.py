"""`crisiswatch` with no command: the dashboard, with the collector running beside it.

Textual, the pipeline and the demo server are imported only here, inside
`run`, so `crisiswatch --help` and the other commands stay quick to start.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import TYPE_CHECKING

import click

from crisiswatch.cli.common import Fail
from crisiswatch.config import Config, FeedConfig
from crisiswatch.lock import CollectorLock
from crisiswatch.store import Store, StoreError

if TYPE_CHECKING:
    from crisiswatch.pipeline import BackgroundCollector
    from crisiswatch.tui.status import CollectorStatus


def run(config: Config, *, demo: bool, db_given: bool, collect: bool) -> None:
    """Open the dashboard; poll in-process unless another collector owns the DB."""
    from crisiswatch.tui.status import CollectorStatus

    with contextlib.ExitStack() as stack:
        feeds: Sequence[FeedConfig] = config.feeds
        if demo:
            from crisiswatch.cli.collect_cmd import demo_feeds

            config, feeds = stack.enter_context(demo_feeds(config, db_given))
        status = CollectorStatus(mode="read-only (--no-collect)")
        owner = False
        if collect:
            lock = stack.enter_context(CollectorLock(config.db_path))
            try:
                owner = lock.acquire()
            except OSError as exc:
                raise Fail(
                    f"{config.db_path}: cannot create the lock file ({exc.strerror})"
                ) from None
            if not owner:
                status.mode = "read-only: another collector writes this DB"
        _prepare_db(config, feeds, writable=owner or not collect)
        background: BackgroundCollector | None = None
        if owner:
            background = _start_collector(config, feeds, status)
            stack.callback(background.stop)
        from crisiswatch.tui.app import CrisisApp

        CrisisApp(config, status=status).run()
    if background is not None and background.alive:
        click.echo("crisiswatch: the collector did not stop in time", err=True)


def _prepare_db(config: Config, feeds: Sequence[FeedConfig], *, writable: bool) -> None:
    """Create and migrate the DB before the first read, so the view never waits on it."""
    if not writable and config.db_path.exists():
        return
    try:
        with Store(config.db_path) as store:
            store.sync_feeds(feeds)
    except StoreError as exc:
        if config.db_path.exists():
            return  # e.g. a read-only file: the dashboard can still read it
        raise Fail(str(exc)) from None


def _start_collector(
    config: Config, feeds: Sequence[FeedConfig], status: CollectorStatus
) -> BackgroundCollector:
    from crisiswatch.pipeline import BackgroundCollector, Callbacks, Collector

    callbacks = Callbacks(
        poll_started=status.poll_started,
        feed_done=status.feed_done,
        poll_done=status.poll_done,
    )
    collector = Collector(
        config.db_path,
        feeds,
        settings=config.collector,
        extra_aliases=config.extra_aliases,
        callbacks=callbacks,
    )
    background = BackgroundCollector(collector).start()
    if background.error:
        status.mode = f"collector failed: {background.error}"
        return background
    status.mode = "collecting"
    status.poll_now = background.poll_now
    return background
