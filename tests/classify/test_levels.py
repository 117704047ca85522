"""The escalation level: hand-written tricky cases, the mechanics, and properties."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import crisiswatch.classify as classify_package
from crisiswatch.classify import VERSION, Classifier, classify
from crisiswatch.classify.gazetteer import known_codes
from crisiswatch.classify.levels import LevelEngine, count_near, expand, load_rules, normalise
from crisiswatch.models import Classification

CASES_FILE = Path(__file__).with_name("cases_levels.jsonl")
CASES = [json.loads(line) for line in CASES_FILE.read_text(encoding="utf-8").splitlines() if line]


def test_the_case_file_is_big_and_covers_every_level() -> None:
    assert len(CASES) >= 150
    assert {case["level"] for case in CASES} == set(range(6))
    assert len({case["title"] for case in CASES}) == len(CASES), "duplicate titles"


@pytest.mark.parametrize("case", CASES, ids=[c["title"][:60] for c in CASES])
def test_case_level(case: dict) -> None:
    result = classify(case["title"], case.get("summary", ""))
    explain = [(e.kind, e.value, e.text, e.note) for e in result.evidence]
    assert result.level == case["level"], explain


@pytest.mark.parametrize("case", [c for c in CASES if "actors" in c], ids=lambda c: c["title"][:60])
def test_case_actors(case: dict) -> None:
    assert list(classify(case["title"], case.get("summary", "")).actors) == case["actors"]


# -- the brief's own examples, one per rule ------------------------------------------------


@pytest.mark.parametrize(
    ("title", "level"),
    [
        ("Missile strike on market kills 41", 4),
        ("Missile strike on market kills 3", 3),
        ("Dozens killed in overnight shelling", 4),
        ("Earthquake kills 200 in mountain province", 0),
        ("Russia launches hundreds of missiles at Ukraine", 4),
        ("Iran and the US reach a nuclear deal", 0),
        ("Drone attack at nuclear power plant", 5),
        ("Minister raises nuclear alert level", 5),
        ("Army accused of chemical weapons attack on village", 5),
        ("Warring parties agree ceasefire", 0),
        ("Ceasefire violated as shelling hits border villages", 3),
        ("Insurer strikes a deal with regulators", 0),
        ("Supermarkets in price war over milk", 0),
        ("Leaders trade barbs in war of words", 1),
        ("Studios brace for the next round of the streaming wars", 0),
        ("Dock workers strike over pay", 1),
        ("Goalkeeper shoots down talk of retirement after cup clash", 0),
        ("Rebels threaten to attack the capital", 2),
        ("Government warns it could launch strikes", 2),
        ("Minister denies army shelled the town", 1),
        ("Nation marks anniversary of the 1994 invasion", 0),
        ("UN warns against military offensive in the north", 1),
        ("Israeli fire kills 30 near aid site", 4),
        ("Fire kills 30 in nightclub", 0),
        ("Will Israel strike Iran?", 1),
        ("Police arrest foreign nationals at protest", 2),
        ("Talks collapse as rebels reject truce", 1),
        ("Minister threatens to quit the coalition", 2),
    ],
)
def test_rule_examples(title: str, level: int) -> None:
    assert classify(title).level == level, [
        (e.value, e.text, e.note) for e in classify(title).evidence
    ]


def test_deescalation_is_flagged_and_level_zero() -> None:
    result = classify("Rivals agree to a truce and a prisoner swap")
    assert (result.level, result.deescalation) == (0, True)
    assert any(e.kind == "deescalation" for e in result.evidence)


def test_violated_ceasefire_is_not_deescalation() -> None:
    result = classify("Truce violated as artillery pounds frontline towns")
    assert result.level == 3 and not result.deescalation


def test_evidence_names_modifiers_and_levels() -> None:
    result = classify("Rebels threaten to attack the capital")
    kinds = {(e.kind, e.value) for e in result.evidence}
    assert ("level", "2") in kinds
    assert any(kind == "modifier" and value == "threat" for kind, value in kinds)
    for e in result.evidence:
        assert e.note, e


def test_summary_spans_index_the_summary() -> None:
    summary = "Officials said a drone strike hit the depot."
    result = classify("Quiet day in the capital", summary)
    hits = [e for e in result.evidence if e.field == "summary"]
    assert hits and all(summary[e.start : e.end] == e.text for e in hits)


def test_spans_survive_characters_that_change_length_when_lowered() -> None:
    title = "İstanbul: İİİ missile strike kills 3"  # "İ".lower() is two characters
    result = classify(title)
    assert result.level == 3
    assert all(title[e.start : e.end] == e.text for e in result.evidence if e.field == "title")


# -- mechanics -----------------------------------------------------------------------------


def test_expand_braces() -> None:
    assert expand("air strike{,s}") == ["air strike", "air strikes"]
    assert expand("{a,b} {c,d}") == ["a c", "a d", "b c", "b d"]


def test_normalise_keeps_length() -> None:
    text = "U.S.-led strikes on Kyiv's suburbs — 41 killed; İzmir"
    assert len(normalise(text)) == len(text)


@pytest.mark.parametrize(
    ("sentence", "at", "count"),
    [
        ("air strike kills 41 people", 2, 41),
        ("at least 1 200 people were killed", 6, 1200),
        ("dozens of civilians were reported killed", 5, 24),
        ("two dozen killed", 2, 24),
        ("general dies aged 92", 1, 0),
        ("in 2024 an attack killed no one", 4, 0),
        ("killed 5 km from the border", 0, 0),
    ],
)
def test_count_near(sentence: str, at: int, count: int) -> None:
    assert count_near(sentence.split(), at, 6, 4) == count


def test_rules_reject_a_phrase_in_two_groups(tmp_path: Path) -> None:
    rules = tmp_path / "levels.toml"
    rules.write_text(
        '[[term]]\nname = "a"\nlevel = 3\nphrases = ["strike"]\n'
        '[[term]]\nname = "b"\nlevel = 1\nphrases = ["Strike"]\n'
    )
    with pytest.raises(ValueError, match=r"(?i)strike"):
        load_rules(rules)


def test_rules_reject_two_groups_of_one_name(tmp_path: Path) -> None:
    rules = tmp_path / "levels.toml"
    rules.write_text(
        '[[term]]\nname = "a"\nlevel = 3\nphrases = ["strike"]\n'
        '[[term]]\nname = "a"\nlevel = 1\nphrases = ["protest"]\n'
    )
    with pytest.raises(ValueError, match="two terms named 'a'"):
        load_rules(rules)


def test_rules_reject_a_phrase_that_expands_too_far(tmp_path: Path) -> None:
    rules = tmp_path / "levels.toml"
    words = ",".join(f"w{i}" for i in range(60))
    rules.write_text(f'[[term]]\nname = "a"\nlevel = 3\nphrases = ["{{{words}}} {{{words}}}"]\n')
    with pytest.raises(ValueError, match="expands to 3600 phrases"):
        load_rules(rules)


def test_engine_runs_on_custom_rules(tmp_path: Path) -> None:
    rules = tmp_path / "levels.toml"
    rules.write_text('[[term]]\nname = "boom"\nlevel = 3\nnote = "n"\nphrases = ["kaboom"]\n')
    level, calm, evidence = LevelEngine(load_rules(rules)).assess("A kaboom in town")
    assert (level, calm, [e.text for e in evidence]) == (3, False, ["kaboom"])


def test_version_names_engine_and_data() -> None:
    assert VERSION.split(".")[0].isdigit() and len(VERSION.split(".")[1]) == 8
    assert classify("x").version == VERSION
    assert Classifier({"FRA": ["Hexagone"]}).version != VERSION


def test_version_hashes_every_module_that_decides_an_output() -> None:
    """A rule moved to a new module must still re-tag history when it changes."""
    package = Path(classify_package.__file__).parent
    # native.py picks the compiled or pure core (same outputs); warm.py only preloads.
    deciding = {path.name for path in package.glob("*.py")} - {"native.py", "warm.py"}
    assert deciding <= set(classify_package._CODE)


def test_extra_aliases_reach_the_actor_matcher() -> None:
    result = Classifier({"FRA": ["Hexagone"]}).classify("Hexagone sends troops to the border")
    assert result.actors == ("FRA",) and result.level == 2


# -- properties ----------------------------------------------------------------------------

ANY_TEXT = st.text(alphabet=st.characters(codec=None), max_size=300)
WORDS = (
    "Israel Iran strike strikes missile kills 41 dozens war threatens could not anniversary "
    "ceasefire , . ; : - ' U.S. nuclear plant drones hit attack clash police protest workers "
    "price İ ß ﬁ 😀 \u202e \x00 \ud800 \n "
    # digits that str.isdigit accepts and int() does not, and ones both accept
    "² ① ¹⁹⁹⁴ ٣٠ ５ 1994 1,200"
)
NEWSY = st.lists(st.sampled_from(WORDS.split(" ")), max_size=40).map(" ".join)
KNOWN = known_codes()


def _check(result: Classification, title: str, summary: str) -> None:
    assert 0 <= result.level <= 5
    assert set(result.actors) <= KNOWN
    assert list(result.actors) == sorted(set(result.actors))
    for e in result.evidence:
        text = title if e.field == "title" else summary
        assert e.field in ("title", "summary")
        assert text[e.start : e.end] == e.text
        assert e.kind in ("actor", "level", "modifier", "deescalation", "review")


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(ANY_TEXT, ANY_TEXT)
def test_any_text_is_classified(title: str, summary: str) -> None:
    result = classify(title, summary)
    _check(result, title, summary)
    assert classify(title, summary) == result


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(NEWSY, NEWSY)
def test_news_like_text_is_classified(title: str, summary: str) -> None:
    result = classify(title, summary)
    _check(result, title, summary)
    assert Classifier().classify(title, summary) == result


@pytest.mark.parametrize("number", ["²", "①", "¹⁹⁹⁴", "2 ³⁰⁰", "٣٠"])
def test_digit_like_characters_near_a_count(number: str) -> None:
    """`isdigit` is true for superscripts and circled digits, which `int` rejects."""
    result = classify(f"Russian strike kills {number} civilians in Kherson", f"In {number} ago")
    _check(result, f"Russian strike kills {number} civilians in Kherson", f"In {number} ago")
    assert result.level >= 3


# -- the documentation's worked examples stay true -------------------------------------------

METHODOLOGY = Path(__file__).resolve().parents[2] / "docs" / "methodology.md"


def _worked_examples() -> list[tuple[str, int]]:
    text = METHODOLOGY.read_text(encoding="utf-8")
    table = text.split("### Worked examples", 1)[1].split("\n## ", 1)[0]
    rows = [line.split("|") for line in table.splitlines() if line.startswith("| ")]
    return [(cells[1].strip(), int(cells[2])) for cells in rows if cells[2].strip().isdigit()]


@pytest.mark.parametrize(("title", "level"), _worked_examples())
def test_documented_examples(title: str, level: int) -> None:
    assert classify(title).level == level


def test_fast_evidence_equals_the_dataclass() -> None:
    from crisiswatch.classify.levels import make_evidence
    from crisiswatch.models import Evidence

    made = make_evidence("title", 1, 4, "war", "level", "4", "note")
    built = Evidence("title", 1, 4, "war", "level", "4", "note")
    assert made == built and hash(made) == hash(built) and made.to_dict() == built.to_dict()
    for evidence in (made, built):  # both refuse changes (the error type is CPython's choice)
        with pytest.raises((AttributeError, TypeError)):
            evidence.kind = "actor"  # type: ignore[misc]
