"""`crisiswatch reclassify`: bring stored items up to the current classifier."""

from __future__ import annotations

import click

from crisiswatch.cli.common import Fail, common_options, load
from crisiswatch.store import Store, StoreError


@click.command("reclassify")
@common_options
def reclassify_cmd() -> None:
    """Re-tag stored items whose classifier version is older, so a rule fix reaches history."""
    from crisiswatch.classify import Classifier

    config = load(require_feeds=False)
    classifier = Classifier(extra_aliases=config.extra_aliases)
    done = 0
    try:
        with Store(config.db_path) as store:
            last = 0
            while batch := store.stale_items(classifier.version, after_rowid=last):
                store.update_classification(
                    [
                        (rowid, classifier.classify(title, summary))
                        for rowid, title, summary in batch
                    ]
                )
                done += len(batch)
                last = batch[-1][0]
    except StoreError as exc:
        raise Fail(str(exc)) from None
    click.echo(f"reclassified {done} items with classifier {classifier.version}")
