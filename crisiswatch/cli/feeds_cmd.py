"""`crisiswatch feeds`: every feed's health, for people or (--json) machines."""

from __future__ import annotations

import json
from dataclasses import asdict, replace

import click

from crisiswatch.cli.common import Fail, common_options, load
from crisiswatch.config import Config
from crisiswatch.models import FeedHealth
from crisiswatch.store import Store, StoreError


@click.command("feeds")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list for machines.")
@common_options
def feeds_cmd(as_json: bool) -> None:
    """Show each feed's health: last status, last success, errors, next poll."""
    health = _health(load(require_feeds=False))
    if as_json:
        click.echo(json.dumps([asdict(h) for h in health], indent=2, ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"{len(health)} feeds", expand=False)
    for column in ("feed", "status", "last ok", "errors", "next poll", "items", "problem"):
        table.add_column(column, overflow="fold")
    for h in health:
        state = Text("failing", "bold red") if h.consecutive_errors else Text("ok", "green")
        if not h.enabled:
            state = Text("disabled", "dim")
        elif h.last_status is None:
            state = Text("not polled", "yellow")
        problem = h.error or h.warning or ""
        table.add_row(
            Text(h.name),
            state,
            Text(h.last_ok or "never"),
            Text(str(h.consecutive_errors)),
            Text(h.next_poll or "now"),
            Text(str(h.items_total)),
            Text(problem, "red" if h.error else "yellow"),
        )
    Console().print(table)


def _health(config: Config) -> list[FeedHealth]:
    """This config's feeds as the database knows them, read without writing anything.

    Syncing the feeds table from here would disable, in a database that
    several configs share, every feed missing from this config, and the
    collector polling them would stop. A config with no enabled feeds shows
    every enabled feed stored.
    """
    configured = [feed for feed in config.feeds if feed.enabled]
    try:
        with Store(config.db_path, readonly=True) as store:
            stored = store.feed_health([f.url for f in configured] if configured else None)
    except StoreError as exc:
        if config.db_path.exists() or not configured:
            raise Fail(str(exc)) from None
        click.echo(
            f"crisiswatch: note: {config.db_path}: no database yet; nothing polled", err=True
        )
        stored = []
    if not configured:
        return stored
    known = {h.url: h for h in stored}
    health = [
        replace(known[f.url], name=f.name, tags=list(f.tags))
        if f.url in known
        else FeedHealth(url=f.url, name=f.name, tags=list(f.tags))
        for f in configured
    ]
    return sorted(health, key=lambda h: (h.consecutive_errors == 0, h.name))
