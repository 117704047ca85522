"""What every command shares: --config/--db, loading them, and one-line errors."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import click

from crisiswatch.config import Config, ConfigError, load_config

F = TypeVar("F", bound=Callable[..., Any])


class Fail(click.ClickException):
    """A user-facing error: one line on stderr, exit code 2, no traceback."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(f"crisiswatch: error: {self.format_message()}", err=True)


def common_options(fn: F) -> F:
    """Add --config and --db to a command; values given on the group are the fallback."""

    @click.option(
        "--config",
        "config_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Config file (default: $CRISISWATCH_CONFIG, ./config.toml, user dir, packaged).",
    )
    @click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="SQLite database file (overrides [storage] path).",
    )
    @functools.wraps(fn)
    def wrapper(*args: Any, config_path: Path | None, db_path: Path | None, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        root = ctx.find_root().params
        ctx.meta["crisiswatch.config"] = config_path or root.get("config_path")
        ctx.meta["crisiswatch.db"] = db_path or root.get("db_path")
        return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def load(*, require_feeds: bool = True) -> Config:
    """The validated config for the current command, or a one-line error (exit 2)."""
    ctx = click.get_current_context()
    try:
        return load_config(
            ctx.meta.get("crisiswatch.config"),
            db=ctx.meta.get("crisiswatch.db"),
            require_feeds=require_feeds,
        )
    except ConfigError as exc:
        raise Fail(str(exc)) from None


class IsoDate(click.ParamType):
    """An ISO 8601 date or date-time; naive values are taken as UTC."""

    name = "ISO-DATE"

    def convert(self, value: Any, param: Any, ctx: Any) -> datetime:
        if isinstance(value, datetime):
            return value
        text = str(value).strip()
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            self.fail(
                f"{text!r} is not an ISO date; use YYYY-MM-DD or YYYY-MM-DDTHH:MM", param, ctx
            )
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)


class CountryCode(click.ParamType):
    name = "ISO3"

    def convert(self, value: Any, param: Any, ctx: Any) -> str:
        code = str(value).strip().upper()
        if len(code) != 3 or not code.isalpha():
            self.fail(f"{value!r} is not an ISO 3166-1 alpha-3 code like UKR", param, ctx)
        return code
