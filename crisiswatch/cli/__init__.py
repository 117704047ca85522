"""The `crisiswatch` command: a click group whose subcommands live one per module.

With no subcommand it opens the dashboard. Errors are one line on stderr with
exit code 2, never a traceback.
"""

from __future__ import annotations

import gc
import importlib
import sys
from pathlib import Path

import click

from crisiswatch import __version__
from crisiswatch.cli.common import Fail, load

# name -> (module, attribute): a command's module is imported only when it runs,
# so `collect` does not pay for the classifier CLI's imports and vice versa.
COMMANDS = {
    "collect": ("crisiswatch.cli.collect_cmd", "collect_cmd"),
    "feeds": ("crisiswatch.cli.feeds_cmd", "feeds_cmd"),
    "export": ("crisiswatch.cli.export_cmd", "export_cmd"),
    "reclassify": ("crisiswatch.cli.reclassify_cmd", "reclassify_cmd"),
    "classify": ("crisiswatch.cli.classify_cmd", "classify_cmd"),
    "eval": ("crisiswatch.cli.classify_cmd", "eval_cmd"),
}


class LazyGroup(click.Group):
    """A click group that imports each subcommand's module on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS:
            module, attribute = COMMANDS[cmd_name]
            command: click.Command = getattr(importlib.import_module(module), attribute)
            return command
        return super().get_command(ctx, cmd_name)


DASHBOARD_HELP = """Open the live dashboard (the default when no command is given).

\b
Keys:
  arrows / h j k     move between country panels (l is the level filter)
  enter              zoom the focused country; on an item, open its detail
  escape             back
  /                  full-text search over all stored items
  l                  minimum level filter
  t                  time window (on a country's item table)
  p                  pause / resume live updates
  r                  poll all feeds now
  a / d              add / remove the focused country on the watchlist
  f                  feed health
  o                  open the item's link in a browser (http/https only)
  ?                  help, including how the escalation index is computed
  ctrl+p             command palette (themes, actions)
  q                  quit
"""


@click.group(
    cls=LazyGroup,
    invoke_without_command=True,
    help=DASHBOARD_HELP,
    context_settings={"max_content_width": 100},
)
@click.version_option(__version__, "--version", "-V", prog_name="crisiswatch")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Config file (default: $CRISISWATCH_CONFIG, ./config.toml, user dir, packaged).",
)
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="SQLite database file (overrides [storage] path).",
)
@click.option(
    "--demo", is_flag=True, help="Run on the bundled offline demo feeds with a temporary DB."
)
@click.option("--no-collect", is_flag=True, help="Only read the database; do not poll feeds.")
@click.pass_context
def cli(
    ctx: click.Context, config_path: Path | None, db_path: Path | None, demo: bool, no_collect: bool
) -> None:
    if ctx.invoked_subcommand is not None:
        # These two only shape the dashboard; ignoring them silently once let
        # `crisiswatch --demo export` export the real database.
        command = ctx.invoked_subcommand
        for flag, given in (("--demo", demo), ("--no-collect", no_collect)):
            if given:
                hint = "; use 'crisiswatch collect --demo'" if command == "collect" else ""
                raise click.UsageError(
                    f"{flag} only applies to the dashboard ('crisiswatch {flag}'), "
                    f"not to the '{command}' command{hint}",
                    ctx=ctx,
                )
        return
    ctx.meta["crisiswatch.config"] = config_path
    ctx.meta["crisiswatch.db"] = db_path
    config = load(require_feeds=not demo)
    from crisiswatch.cli.dashboard import run

    run(config, demo=demo, db_given=db_path is not None, collect=not no_collect)


def main(argv: list[str] | None = None) -> None:
    """Entry point: click in non-standalone mode so every error is a single line."""
    try:
        code = cli.main(args=argv, prog_name="crisiswatch", standalone_mode=False)
    except click.UsageError as exc:
        where = exc.ctx.command_path if exc.ctx else "crisiswatch"
        click.echo(f"{where}: error: {exc.format_message()} (see {where} --help)", err=True)
        sys.exit(2)
    except Fail as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except ValueError as exc:
        # The classifier's own data, edited or damaged: imported here, as importing the
        # classifier package costs every command's start, and it is loaded if this is one.
        from crisiswatch.classify.datafile import DataFileError

        if not isinstance(exc, DataFileError):
            raise
        click.echo(f"crisiswatch: error: {exc}", err=True)
        sys.exit(2)
    except click.ClickException as exc:
        click.echo(f"crisiswatch: error: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except (click.Abort, KeyboardInterrupt):
        click.echo("interrupted", err=True)
        sys.exit(130)
    # Nothing is left to collect: spare the interpreter's final sweep over every
    # object (tens of ms of each command's exit, a fifth of a warm poll).
    gc.freeze()
    sys.exit(code if isinstance(code, int) else 0)
