"""The fast paths must not change a single output.

`Classifier.classify` folds ASCII text once and scans it once with the merged
automaton; `ActorMatcher.find` and `LevelEngine.assess` each scan on their own.
Both routes must give the same evidence, item for item.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from crisiswatch.classify import Classifier, _classification
from crisiswatch.classify.actors import ActorMatcher
from crisiswatch.classify.counts import ages_in, count_near
from crisiswatch.classify.levels import LevelEngine
from crisiswatch.classify.rules import SOUGHT_TAGS
from crisiswatch.models import Classification, Evidence
from tests.classify import DEV_SET

HERE = Path(__file__).parent
LABELLED = [*HERE.glob("*.jsonl"), DEV_SET]
ITEMS = [
    (row["title"], row.get("summary", ""))
    for path in LABELLED
    if path.exists()
    for row in map(json.loads, path.read_text(encoding="utf-8").splitlines())
]
WORDS = sorted(
    {word for title, summary in ITEMS for word in re.findall(r"[\w'-]+", title + " " + summary)}
)


ACTORS = ActorMatcher()
LEVELS = LevelEngine()


def separate(title: str, summary: str) -> tuple[tuple[str, ...], int, bool, tuple[Evidence, ...]]:
    """The slow route: each engine scans with its own automaton."""
    actors = ACTORS.find(title, summary)
    level, deescalation, evidence = LEVELS.assess(title, summary, actors)
    return ActorMatcher.actors(actors), level, deescalation, (*actors, *evidence)


def merged(title: str, summary: str) -> tuple[tuple[str, ...], int, bool, tuple[Evidence, ...]]:
    """The fast route, before quotes.py's layer (which wraps both routes alike)."""
    result = CLASSIFIER._classify(title, summary)
    return result.actors, result.level, result.deescalation, result.evidence


CLASSIFIER = Classifier()


def test_every_labelled_item_is_the_same_both_ways() -> None:
    assert len(ITEMS) > 1000
    for title, summary in ITEMS:
        assert merged(title, summary) == separate(title, summary), title


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(WORDS), max_size=14),
    st.lists(st.sampled_from(WORDS), max_size=20),
    st.sampled_from(["", ".", ",", "?", " -", ";"]),
)
def test_shuffled_words_are_the_same_both_ways(
    title: list[str], summary: list[str], mark: str
) -> None:
    text_title = " ".join(title) + mark
    text_summary = " ".join(summary)
    assert merged(text_title, text_summary) == separate(text_title, text_summary)


def test_user_aliases_go_through_the_merged_scan() -> None:
    classifier = Classifier(extra_aliases={"UKR": ["Zaporizhia oblast"]})
    result = classifier.classify("Shelling hits Zaporizhia oblast", "")
    assert result.actors == ("UKR",) and result.level == 3
    assert result.evidence[0].note.startswith("user alias")


def test_fast_classification_equals_the_dataclass() -> None:
    evidence = (Evidence("title", 0, 4, "Iran", "actor", "IRN", "name of Iran"),)
    fast = _classification(("IRN",), 3, False, evidence, "1.x")
    assert fast == Classification(("IRN",), 3, False, evidence, "1.x")
    assert type(fast) is Classification


def test_every_tag_the_engine_looks_for_is_indexed() -> None:
    """`near` skips its check at run time; this reads every literal tag in the engine."""
    engine = HERE.parents[1] / "crisiswatch" / "classify"
    source = "".join(path.read_text() for path in sorted(engine.glob("*.py")))
    asked = set(re.findall(r"near\([^,()]+, \"(\w+)\"", source))
    asked |= set(re.findall(r"tagged\.get\(\"(\w+)\"", source))
    assert asked and asked <= SOUGHT_TAGS, asked - SOUGHT_TAGS


def test_an_age_set_off_by_commas_is_not_a_toll() -> None:
    words = ["seiichi", "morimura", "90", "who", "exposed", "atrocities", "dies"]
    ages = ages_in("Seiichi Morimura, 90, Who Exposed Atrocities, Dies")
    assert ages == {90}
    assert count_near(words, 6, 6, 4, ages=ages) == 0
    assert count_near(words, 6, 6, 4) == 90  # without the commas it would count
    assert ages_in("Gunmen kill 41, police say") == frozenset()
    # "... who died Tuesday. He was 85." is an age too
    assert count_near(["died", "tuesday", "he", "was", "85"], 0, 6, 4) == 0
    assert count_near(["toll", "was", "85"], 0, 6, 4) == 85


def test_compound_number_words() -> None:
    words = ["twenty", "six", "tourists", "were", "shot", "dead"]
    assert count_near(words, 4, 6, 4) == 26
    assert count_near(["six", "killed"], 1, 6, 4) == 6


def test_control_characters_take_the_slow_path_with_the_same_result() -> None:
    for title, summary in [
        ("Russian\x01drones hit Kyiv", "Air\x01defences were active."),
        ("Israeli strike\x02on Gaza", ""),
        ("Ceasefire \u2014 talks resume", "Qatar\u2019s mediators said."),
    ]:
        assert merged(title, summary) == separate(title, summary)
