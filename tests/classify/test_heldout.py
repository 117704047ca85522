"""The held-out batches: whole-set scores must clear the issue's bars.

Each `heldout_N.jsonl` was written to LABELS.md as wire-style items before the
rules were tuned on it (batch 3 after reading the rules, see
docs/methodology.md). Per-item checks would freeze today's few misses; the
bars are what the issue asks of unseen text, so a change that breaks the
rules' generality shows up here as a fall below them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from crisiswatch.classify import Classifier
from crisiswatch.evaluate import Outcome, Report, load_labelled, score
from tests.classify import DEV_SET

HERE = Path(__file__).parent
BATCHES = sorted(HERE.glob("heldout_*.jsonl"))
DEV = DEV_SET

# The bars for unseen text.
ACTOR_F1 = 0.95
LEVEL_EXACT = 0.85
WITHIN_ONE = 0.97
FALSE_ALARMS = 0.03
MISSES = 0.03


def _report(path: Path) -> Report:
    classifier = Classifier()
    outcomes = []
    for item in load_labelled(path):
        result = classifier.classify(item.title, item.summary)
        outcomes.append(Outcome(item, tuple(result.actors), result.level))
    return score(outcomes)


def test_there_are_held_out_batches() -> None:
    assert len(BATCHES) >= 3
    assert all(len(load_labelled(path)) >= 75 for path in BATCHES)


@pytest.mark.parametrize("path", BATCHES, ids=lambda p: p.stem)
def test_batch_clears_the_bars(path: Path) -> None:
    report = _report(path)
    worst = [(o.gold.id, o.gold.level, o.level, o.gold.title) for o in report.worst]
    assert report.actor_f1 >= ACTOR_F1, worst
    assert report.level_exact >= LEVEL_EXACT, worst
    assert report.level_within_one >= WITHIN_ONE, worst
    assert report.false_alarm_rate <= FALSE_ALARMS, worst
    assert report.miss_rate <= MISSES, worst


def test_batches_have_unique_ids_and_titles() -> None:
    ids, titles = [], []
    for path in BATCHES:
        for item in load_labelled(path):
            ids.append(item.id)
            titles.append(item.title)
    assert len(set(ids)) == len(ids)
    assert len(set(titles)) == len(titles)


@pytest.mark.skipif(not DEV.exists(), reason="shared dev set not present")
def test_dev_set_stays_perfect() -> None:
    report = _report(DEV)
    assert (report.actor_f1, report.level_exact) == (1.0, 1.0), report.worst
