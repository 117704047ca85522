"""`crisiswatch collect`: poll feeds into the database, once or until stopped."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
import tempfile
from collections.abc import Iterator, Sequence
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import click

from crisiswatch.cli.common import Fail, common_options, load
from crisiswatch.config import Config, FeedConfig
from crisiswatch.lock import CollectorLock
from crisiswatch.store import StoreError

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from crisiswatch.pipeline import FeedOutcome, PollSummary

DEMO_INTERVAL = 5  # seconds between polls of a demo feed
DEMO_RELEASE_EVERY = 5.0  # seconds between two releases of demo news


@contextlib.contextmanager
def demo_feeds(config: Config, db_given: bool) -> Iterator[tuple[Config, list[FeedConfig]]]:
    """Serve the bundled seeds on 127.0.0.1 and point a temporary DB at them.

    The temporary DB's folder lives exactly as long as this context: it is removed
    on a normal exit, on Ctrl-C and on errors, so demo runs leave nothing in /tmp.
    """
    from dataclasses import replace

    from crisiswatch.demo import DemoServer

    # Six hours of seed news are held back and released every few seconds, so the
    # demo keeps visibly receiving items for its first few minutes.
    with DemoServer(backlog=timedelta(hours=6), release_every=DEMO_RELEASE_EVERY) as server:
        feeds = [
            FeedConfig(url=url, name=name, interval=DEMO_INTERVAL) for name, url in server.feeds
        ]
        if db_given:
            yield config, feeds
            return
        # ignore_cleanup_errors: a file still open (on Windows) must not turn a
        # clean exit into a traceback over a temporary folder.
        with tempfile.TemporaryDirectory(
            prefix="crisiswatch-demo-", ignore_cleanup_errors=True
        ) as folder:
            yield replace(config, db_path=Path(folder) / "demo.db"), feeds


class _Reporter:
    """A progress bar on a terminal, plain lines when piped."""

    def __init__(self, live: bool) -> None:
        self.tty = sys.stderr.isatty()
        self.live = live
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    def started(self, total: int) -> None:
        if self.tty and total:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self._progress = Progress(
                TextColumn("polling"),
                BarColumn(),
                MofNCompleteColumn(),
                # A feed's name is the user's text, not markup: "Reuters [World]" must
                # show as written and "Kyiv Post [/opinion]" must not crash the bar.
                TextColumn("{task.description}", markup=False),
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task("", total=total)

    def feed_done(self, outcome: FeedOutcome) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, advance=1, description=outcome.name[:30])
            if outcome.status == "failed":
                self._progress.console.print(
                    f"[red]failed[/] {_plain(outcome.name)}: {_plain(outcome.error)}",
                    markup=True,
                    highlight=False,
                )
            return
        if outcome.status == "failed":
            click.echo(f"failed  {outcome.name}: {outcome.error}", err=True)
        elif outcome.status == "ok" and (outcome.new_items or outcome.warning):
            note = f" ({outcome.warning})" if outcome.warning else ""
            click.echo(f"ok      {outcome.name}: {outcome.new_items} new{note}", err=True)

    def done(self, summary: PollSummary) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
        if summary.outcomes or self.live is False:
            click.echo(summary.line())


def _plain(text: str | None) -> str:
    from rich.markup import escape

    return escape(text or "")


@click.command("collect")
@click.option("--once", is_flag=True, help="Poll every due feed once, print a summary, exit.")
@click.option("--all", "force", is_flag=True, help="Poll every enabled feed, due or not.")
@click.option("--demo", is_flag=True, help="Collect the bundled demo feeds (offline, temp DB).")
@common_options
def collect_cmd(once: bool, force: bool, demo: bool) -> None:
    """Poll the configured feeds and store new items.

    Without --once it keeps polling each feed at its interval until Ctrl-C or
    SIGTERM, then finishes the write in progress and exits. Exit code is 0 even
    when some feeds fail: `crisiswatch feeds` shows why.
    """
    config = load(require_feeds=not demo)
    ctx = click.get_current_context()
    with contextlib.ExitStack() as stack:
        feeds: list[FeedConfig] | tuple[FeedConfig, ...] = config.feeds
        if demo:
            config, feeds = stack.enter_context(
                demo_feeds(config, bool(ctx.meta.get("crisiswatch.db")))
            )
            temporary = "" if ctx.meta.get("crisiswatch.db") else " (temporary)"
            click.echo(f"demo database: {config.db_path}{temporary}", err=True)
        lock = stack.enter_context(CollectorLock(config.db_path))
        try:
            locked = lock.acquire()
        except OSError as exc:
            raise Fail(f"{config.db_path}: cannot create the lock file ({exc.strerror})") from None
        if not locked:
            raise Fail(
                f"{config.db_path}: another crisiswatch collector is already writing here; "
                "stop it first or use another --db"
            )
        try:
            asyncio.run(_collect(config, feeds, once=once, force=force or demo))
        except StoreError as exc:
            raise Fail(str(exc)) from None


async def _collect(config: Config, feeds: Sequence[FeedConfig], *, once: bool, force: bool) -> None:
    from crisiswatch.pipeline import Callbacks, Collector

    reporter = _Reporter(live=not once)
    callbacks = Callbacks(
        poll_started=reporter.started, feed_done=reporter.feed_done, poll_done=reporter.done
    )
    collector = Collector(
        config.db_path,
        feeds,
        settings=config.collector,
        extra_aliases=config.extra_aliases,
        callbacks=callbacks,
    )
    async with collector:
        if once:
            summary = await collector.poll_once(force=force)
            if summary.store_error:
                click.echo(f"crisiswatch: warning: {summary.store_error}", err=True)
            return
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, stop.set)
        click.echo(f"collecting {len(feeds)} feeds into {config.db_path}; Ctrl-C to stop", err=True)
        await collector.run(stop)
        click.echo("stopped cleanly", err=True)
