"""`crisiswatch export`: stored items with their classification, streamed to stdout."""

from __future__ import annotations

import csv
import json
import sys
from datetime import datetime

import click

from crisiswatch.cli.common import CountryCode, Fail, IsoDate, common_options, load
from crisiswatch.store import Store, StoreError

FIELDS = (
    "id",
    "feed",
    "title",
    "summary",
    "url",
    "published",
    "actors",
    "level",
    "deescalation",
    "evidence",
    "classifier_version",
)


@click.command("export")
@click.option(
    "--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True
)
@click.option("--since", type=IsoDate(), help="Only items published at or after this date.")
@click.option("--country", type=CountryCode(), help="Only items involving this ISO3 country.")
@click.option(
    "--min-level", type=click.IntRange(0, 5), default=0, show_default=True, help="Lowest level."
)
@common_options
def export_cmd(fmt: str, since: datetime | None, country: str | None, min_level: int) -> None:
    """Write items (oldest first) with actors, level and evidence as JSON lines or CSV."""
    config = load(require_feeds=False)
    try:
        store = Store(config.db_path, readonly=True)
    except StoreError as exc:
        raise Fail(str(exc)) from None
    out = sys.stdout
    writer = csv.DictWriter(out, fieldnames=FIELDS, extrasaction="ignore") if fmt == "csv" else None
    if writer:
        writer.writeheader()
    try:
        for item in store.export(since=since, country=country, min_level=min_level):
            row = item.to_dict()
            if writer:
                row["actors"] = " ".join(row["actors"])
                row["evidence"] = json.dumps(row["evidence"], ensure_ascii=False)
                row["deescalation"] = int(row["deescalation"])
                writer.writerow(row)
            else:
                out.write(json.dumps({k: row[k] for k in FIELDS}, ensure_ascii=False) + "\n")
    except BrokenPipeError:  # `| head` closed the pipe: not an error
        sys.stderr.close()
    finally:
        store.close()
