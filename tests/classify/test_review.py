"""The learned review: it only lowers, always explains, and its weights match its code."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crisiswatch.classify import VERSION, WEIGHTS_FILE, Classifier, classify
from crisiswatch.classify.review import (
    FEATURES,
    LEVELS,
    Review,
    _fold,
    _pack,
    _unpack,
    _words,
    features,
)
from tests.classify.test_classify_cli import run

RULES = Classifier(review=False)
REVIEW = Review(WEIGHTS_FILE)
ZEROS = _pack([0.0] * LEVELS)
WORDS = (
    "Israel Iran strike strikes missile kills 41 dozens war threatens could warns police "
    "shooting robbery court trial election striker derby win budget attacks rival , . ' "
    "nuclear plant drones protest workers price 1,200 year old man arrested"
)
NEWSY = st.lists(st.sampled_from(WORDS.split(" ")), max_size=40).map(" ".join)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(NEWSY, NEWSY)
def test_the_review_only_lowers_and_names_its_words(title: str, summary: str) -> None:
    rules, reviewed = RULES.classify(title, summary), classify(title, summary)
    assert reviewed.actors == rules.actors and reviewed.deescalation == rules.deescalation
    assert reviewed.level <= rules.level
    notes = [e for e in reviewed.evidence if e.kind == "review"]
    assert reviewed.evidence[: len(rules.evidence)] == rules.evidence
    if reviewed.level < rules.level:
        assert notes and all(e.value == str(reviewed.level) for e in notes)
        for e in notes:
            assert (title if e.field == "title" else summary)[e.start : e.end] == e.text
    else:
        assert not notes


def test_a_school_expulsion_is_lowered_with_the_words_that_show_it() -> None:
    # A case from cases_levels.jsonl the rules alone get wrong: "expels" is friction
    # between states (1), but a university expelling students is no conflict (0).
    title = "University expels three students over cheating"
    assert RULES.classify(title).level == 1
    result = classify(title)
    assert result.level == 0
    shown = {e.text for e in result.evidence if e.kind == "review"}
    assert shown and shown <= set(title.split()) - {"over"}
    assert all("likely below the rules' 1" in e.note for e in result.evidence if e.kind == "review")


def test_unmistakable_force_is_lowered_no_further_than_the_floor() -> None:
    # Real news the review lowered to 0 where the labellers kept 3: the words around the
    # act are those of a tribute or a court report, but a gunman opening fire is force.
    title = "Son of a federal judge killed after a gunman opened fire at her home"
    summary = "The judge's son died and her husband was wounded, the court said on Monday."
    assert RULES.classify(title, summary).level == 3
    result = classify(title, summary)
    assert result.level == 2  # lowered (the review's reading), but not explained away
    held = [e for e in result.evidence if e.kind == "modifier" and e.value == "held"]
    assert [e.text for e in held] == ["gunman"]
    assert title[held[0].start : held[0].end] == "gunman"
    assert all(e.value == "2" for e in result.evidence if e.kind == "review")


def test_the_floor_holds_in_the_review_itself() -> None:
    review = Review(WEIGHTS_FILE)
    title = "Son of a federal judge killed after a gunman opened fire at her home"
    summary = "The judge's son died and her husband was wounded, the court said on Monday."
    assert review.lower(title, summary, 3, 1)[0] == 0
    level, evidence = review.lower(title, summary, 3, 1, floor=2)
    assert level == 2 and evidence and all(e.value == "2" for e in evidence)
    assert review.lower(title, summary, 3, 1, floor=3) == (3, ())  # nothing left to lower


@pytest.mark.parametrize(
    "title",
    [
        "Missile strike on market kills 41",
        "Russia launches hundreds of missiles at Ukraine",
        "Drone attack at nuclear power plant",
        "Rebels threaten to attack the capital",
    ],
)
def test_clear_acts_and_threats_keep_the_rules_level(title: str) -> None:
    assert classify(title).level == RULES.classify(title).level


def test_features_name_the_rules_reading_and_the_words() -> None:
    title, summary = "Troops shell the border town", "Officials said the shelling went on"
    found = features(title, summary, 3, 1, {"level=3"})
    assert {"level=3", "actors=1", "rule:level=3", "w:troops", "t:troops", "w:said"} <= found
    assert "w:the" not in found and "t:said" not in found  # grammar; a summary word


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(NEWSY, NEWSY, st.integers(1, 5), st.integers(0, 5))
def test_the_fast_scoring_reads_the_same_features(
    title: str, summary: str, level: int, actors: int
) -> None:
    """`Review._rows` skips building feature names; it must find the same weights."""
    review, tags = REVIEW, ("level=3", "modifier=threat")
    names = features(title, summary, level, actors, tags)
    expected = [_pack(review.weights[name]) for name in names if name in review.weights]
    found = [row for row in review._rows(title, summary, level, actors, tags) if row != ZEROS]
    assert sorted(found) == sorted(expected)


@given(st.lists(st.lists(st.integers(-9_999, 9_999), min_size=6, max_size=6), max_size=300))
def test_packed_weights_add_up_column_by_column(rows: list[list[int]]) -> None:
    packed = sum(_pack([weight / 1000 for weight in row]) for row in rows)
    assert _unpack(packed, len(rows)) == [sum(row[level] for row in rows) for level in range(6)]


@given(st.text())
def test_words_are_the_runs_of_ascii_letters_in_place(text: str) -> None:
    """The byte translation finds each run of ASCII letters where the text has it, so
    the evidence of a lowering can quote the text at the place the fold found it."""
    runs = list(re.finditer("[A-Za-z]+", text))
    assert _words(text) == [run.group().lower() for run in runs]
    folded = _fold(text)
    assert len(folded) == len(text)
    assert all(folded[run.start() : run.end()] == run.group().lower() for run in runs)


def test_weights_file_matches_the_features_it_was_trained_on() -> None:
    review = REVIEW
    assert review.meta["features"] == FEATURES, "features changed: run scripts/train_review.py"
    assert len(review.bias) == LEVELS
    assert all(len(row) == LEVELS for row in review.weights.values())
    assert review.meta["items"] >= 10_000
    assert any(name.startswith("rule:") for name in review.weights)
    assert all(name.split(":")[0] in {"w", "t", "rule"} or "=" in name for name in review.weights)


def test_stale_weights_are_refused(tmp_path: Path) -> None:
    data = json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))
    data["meta"]["features"] = FEATURES - 1
    stale = tmp_path / "review.json"
    stale.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match="trained on features"):
        Review(stale)


def test_rules_alone_and_other_weights_carry_their_own_version() -> None:
    assert RULES.version == VERSION + "-rules"
    assert classify("x").version == VERSION
    trial = Classifier(review=REVIEW)  # how the trainer scores weights it has just written
    assert trial.version == VERSION + "-trial"
    title = "University expels three students over cheating"
    assert trial.classify(title).level == classify(title).level == 0


def test_the_same_text_gets_the_same_reading_in_every_process(tmp_path: Path) -> None:
    """Features come from sets, whose order follows the hash seed: the output must not."""
    cases = Path(__file__).with_name("cases_levels.jsonl").read_bytes()
    outputs = [
        run("classify", "--jsonl", stdin=cases, cwd=tmp_path, env={"PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2")
    ]
    assert outputs[0] == outputs[1] and outputs[0].count(b"\n") == cases.count(b"\n")
