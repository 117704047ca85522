"""`crisiswatch feeds`: every feed's health, for people or (--json) machines."""

from __future__ import annotations

import json
from dataclasses import asdict

import click

from crisiswatch.cli.common import Fail, common_options, load
from crisiswatch.store import Store, StoreError


@click.command("feeds")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list for machines.")
@common_options
def feeds_cmd(as_json: bool) -> None:
    """Show each feed's health: last status, last success, errors, next poll."""
    config = load(require_feeds=False)
    try:
        with Store(config.db_path) as store:
            store.sync_feeds(config.feeds)
            health = store.feed_health()
    except StoreError as exc:
        if not config.db_path.exists():
            raise Fail(str(exc)) from None
        # Read-only file or full disk: the health already stored is still worth showing.
        try:
            with Store(config.db_path, readonly=True) as store:
                health = store.feed_health()
        except StoreError:
            raise Fail(str(exc)) from None
        click.echo(f"crisiswatch: warning: {exc}", err=True)
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
