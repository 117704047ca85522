"""Typographic quotes and dashes read exactly like their ASCII twins.

Feeds write "Russia’s ‘special operation’ – day 3" where our labelled sets write
"Russia's 'special operation' - day 3". The classifier must give both the same
actors, level and evidence spans, and the evidence must quote the text it was given.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from crisiswatch.classify import Classifier

HERE = Path(__file__).parent
ITEMS = [
    (item["title"], item.get("summary", ""))
    for path in sorted(HERE.glob("*.jsonl"))
    for item in map(json.loads, path.read_text(encoding="utf-8").splitlines())
]


def curl(text: str) -> str:
    """The same text as a typesetter would print it."""
    text = re.sub(r"(?<=\w)'(?=\w)", "\u2019", text)
    text = re.sub(r"(?:^|(?<=\s))'", "\u2018", text).replace("'", "\u2019")
    text = re.sub(r'(?:^|(?<=\s))"', "\u201c", text).replace('"', "\u201d")
    return text.replace(" - ", " \u2013 ").replace(" -- ", " \u2014 ")


TWINS = [(t, s) for t, s in ITEMS if (curl(t), curl(s)) != (t, s)]


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier()


def test_there_are_twins_to_compare() -> None:
    assert len(TWINS) > 500


def test_typographic_twins_classify_alike(classifier: Classifier) -> None:
    def shape(title: str, summary: str) -> tuple[object, ...]:
        found = classifier.classify(title, summary)
        spans = [(e.field, e.start, e.end, e.kind, e.value) for e in found.evidence]
        return found.actors, found.level, found.deescalation, spans

    different = [
        (title, summary)
        for title, summary in TWINS
        if shape(title, summary) != shape(curl(title), curl(summary))
    ]
    assert different == []


def test_evidence_quotes_the_typographic_text(classifier: Classifier) -> None:
    for title, summary in TWINS:
        curly_title, curly_summary = curl(title), curl(summary)
        for item in classifier.classify(curly_title, curly_summary).evidence:
            source = curly_title if item.field == "title" else curly_summary
            assert source[item.start : item.end] == item.text
