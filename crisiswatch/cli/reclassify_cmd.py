"""`crisiswatch reclassify`: bring stored items up to the current classifier."""

from __future__ import annotations

import click

from crisiswatch.cli.common import Fail, common_options, load
from crisiswatch.store import Store, StoreError


class _Partial(Fail):
    """The run did its work, but not all of it: exit 1, not the usage code 2."""

    exit_code = 1


@click.command("reclassify")
@common_options
def reclassify_cmd() -> None:
    """Re-tag stored items whose classifier version is older, so a rule fix reaches history."""
    from crisiswatch.classify import Classifier

    config = load(require_feeds=False)
    classifier = Classifier(extra_aliases=config.extra_aliases)
    done, failed = 0, []
    try:
        with Store(config.db_path) as store:
            last = 0
            while batch := store.stale_items(classifier.version, after_rowid=last):
                tagged = []
                for rowid, title, summary in batch:
                    try:
                        tagged.append((rowid, classifier.classify(title, summary)))
                    except Exception:  # a classifier bug must not stop the rest of history
                        failed.append(rowid)
                store.update_classification(tagged)
                done += len(tagged)
                last = batch[-1][0]
    except StoreError as exc:
        raise Fail(str(exc)) from None
    click.echo(f"reclassified {done} items with classifier {classifier.version}")
    if failed:
        raise _Partial(
            f"{len(failed)} items could not be classified and keep their old tags "
            f"(first row {failed[0]}); please report it with that item's title"
        )
