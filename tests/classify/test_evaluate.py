"""Scoring arithmetic, checked on small hand-computed examples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crisiswatch.evaluate import (
    LabelError,
    Labelled,
    Outcome,
    format_report,
    load_labelled,
    parse_labelled,
    score,
)


def gold(level: int, actors: tuple[str, ...] = (), ident: str = "x") -> Labelled:
    return Labelled(ident, f"title {ident}", "", actors, level)


def outcome(gold_level: int, level: int, gold_actors=(), actors=(), ident="x") -> Outcome:
    return Outcome(gold(gold_level, tuple(gold_actors), ident), tuple(actors), level)


def test_perfect_predictions() -> None:
    report = score([outcome(0, 0), outcome(3, 3, ["ISR"], ["ISR"]), outcome(5, 5)])
    assert (report.actor_precision, report.actor_recall, report.actor_f1) == (1.0, 1.0, 1.0)
    assert (report.level_exact, report.level_within_one, report.level_macro_f1) == (1, 1, 1)
    assert report.false_alarm_rate == 0.0 and report.miss_rate == 0.0
    assert report.worst == ()


def test_actor_scores_are_micro_over_items() -> None:
    report = score(
        [
            outcome(0, 0, ["ISR", "IRN"], ["ISR"]),  # tp 1, fn 1
            outcome(0, 0, ["UKR"], ["UKR", "RUS", "USA"]),  # tp 1, fp 2
        ]
    )
    assert report.actor_precision == pytest.approx(2 / 4)
    assert report.actor_recall == pytest.approx(2 / 3)
    assert report.actor_f1 == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3))


def test_level_accuracy_and_macro_f1() -> None:
    report = score([outcome(0, 0), outcome(1, 2), outcome(3, 5), outcome(3, 3)])
    assert report.level_exact == 0.5
    assert report.level_within_one == 0.75
    # classes present: 0 (f1 1), 1 (0), 2 (0), 3 (2*1/(2+1)), 5 (0)
    assert report.level_macro_f1 == pytest.approx((1 + 0 + 0 + 2 / 3 + 0) / 5)


def test_false_alarms_and_misses() -> None:
    report = score(
        [
            outcome(0, 3),  # false alarm
            outcome(1, 2),  # fine
            outcome(1, 1),
            outcome(4, 1),  # miss
            outcome(3, 2),  # not a miss: 2 is not 0-1
            outcome(5, 5),
        ]
    )
    assert (report.false_alarms, report.low_gold) == (1, 3)
    assert report.false_alarm_rate == pytest.approx(1 / 3)
    assert (report.misses, report.high_gold) == (1, 3)
    assert report.miss_rate == pytest.approx(1 / 3)


def test_rates_without_items_in_the_denominator_are_zero() -> None:
    report = score([outcome(2, 2)])
    assert report.false_alarm_rate == 0.0 and report.miss_rate == 0.0


def test_confusion_rows_are_gold_columns_predicted() -> None:
    report = score([outcome(0, 3), outcome(0, 3), outcome(4, 4)])
    assert report.confusion[0][3] == 2 and report.confusion[4][4] == 1
    assert sum(map(sum, report.confusion)) == 3


def test_worst_sorts_by_level_error_then_actor_errors() -> None:
    report = score(
        [
            outcome(0, 1, ident="small"),
            outcome(0, 4, ident="big"),
            outcome(2, 2, ["ISR"], ["ISR", "IRN", "USA"], ident="actors"),
            outcome(2, 2, ident="right"),
        ],
        worst=3,
    )
    assert [o.gold.id for o in report.worst] == ["big", "small", "actors"]


def test_empty_prediction_sets_are_not_penalised() -> None:
    report = score([outcome(0, 0)])
    assert report.actor_f1 == 1.0


def test_format_report_shows_every_figure() -> None:
    text = format_report(score([outcome(0, 4, ["ISR"], [], ident="d1")]), "header")
    for needle in (
        "header",
        "precision",
        "within-one",
        "macro-F1",
        "false-alarm rate",
        "miss rate",
    ):
        assert needle in text
    assert "d1: level 0 -> 4" in text and "confusion" in text


def test_report_to_dict_is_json() -> None:
    data = score([outcome(1, 3, ["UKR"], ["UKR"])]).to_dict()
    assert json.loads(json.dumps(data))["false_alarm_rate"] == 1.0
    assert data["worst"][0]["gold"] == {"actors": ["UKR"], "level": 1}


# -- reading labelled files --------------------------------------------------------------


def lines(*rows: object) -> list[bytes]:
    return [(r if isinstance(r, str) else json.dumps(r)).encode() + b"\n" for r in rows]


def test_parse_labelled() -> None:
    items = parse_labelled(
        lines(
            {"id": "a", "title": "T", "actors": ["isr"], "level": 3},
            "",
            {"title": "U", "summary": None, "actors": [], "level": 0},
        ),
        "f.jsonl",
    )
    assert items[0] == Labelled("a", "T", "", ("ISR",), 3)
    assert items[1].id == "line 3" and items[1].summary == ""


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("{not json", "f.jsonl:2: not valid JSON"),
        ("[1, 2]", "f.jsonl:2: expected a JSON object"),
        ({"title": 5, "actors": [], "level": 1}, "f.jsonl:2: 'title'"),
        ({"title": "t", "actors": [], "level": 6}, "f.jsonl:2: 'level'"),
        ({"title": "t", "actors": [], "level": True}, "f.jsonl:2: 'level'"),
        ({"title": "t", "actors": "ISR", "level": 1}, "f.jsonl:2: 'actors'"),
        ({"title": "t", "level": 1}, "f.jsonl:2: 'actors'"),
    ],
)
def test_bad_lines_name_file_and_line(row: object, message: str) -> None:
    with pytest.raises(LabelError, match=message):
        parse_labelled(lines({"title": "ok", "actors": [], "level": 0}, row), "f.jsonl")


def test_level_only_files_when_actors_are_not_needed() -> None:
    """The review's trainer reads the level cases, which carry no actors."""
    rows = lines({"title": "t", "level": 2}, {"title": "u", "actors": ["irn"], "level": 3})
    items = parse_labelled(rows, "f.jsonl", need_actors=False)
    assert [(i.actors, i.level) for i in items] == [((), 2), (("IRN",), 3)]
    with pytest.raises(LabelError, match=r"f\.jsonl:1: 'actors'"):
        parse_labelled(
            lines({"title": "t", "actors": "IRN", "level": 2}), "f.jsonl", need_actors=False
        )


def test_deeply_nested_line_is_a_label_error() -> None:
    deep = (
        b'{"title": "t", "actors": [], "level": 1, "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    )
    with pytest.raises(LabelError, match=r"f\.jsonl:1: not valid JSON \(nested too deeply\)"):
        parse_labelled([deep], "f.jsonl")


def test_invalid_utf8_and_empty_files() -> None:
    with pytest.raises(LabelError, match=r"f\.jsonl:1: not valid UTF-8"):
        parse_labelled([b"\xff\xfe\n"], "f.jsonl")
    with pytest.raises(LabelError, match="no labelled items"):
        parse_labelled([b"\n"], "f.jsonl")


def test_load_labelled_missing_file(tmp_path: Path) -> None:
    with pytest.raises(LabelError, match="no such file"):
        load_labelled(tmp_path / "nope.jsonl")
    with pytest.raises(LabelError, match="is a directory"):
        load_labelled(tmp_path)
