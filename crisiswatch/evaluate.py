"""Score the classifier against hand-labelled items (the format of dev.jsonl).

Reading the file is kept apart from scoring so the arithmetic is pure and
testable: `parse_labelled` -> classify -> `score` -> `format_report`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LEVELS = range(6)


class LabelError(ValueError):
    """A problem in a labelled file, as one line naming the file and line."""


@dataclass(frozen=True, slots=True)
class Labelled:
    id: str
    title: str
    summary: str
    actors: tuple[str, ...]
    level: int


@dataclass(frozen=True, slots=True)
class Outcome:
    """One item: its gold labels and what the classifier said."""

    gold: Labelled
    actors: tuple[str, ...]
    level: int

    @property
    def level_error(self) -> int:
        return abs(self.level - self.gold.level)

    @property
    def actor_errors(self) -> int:
        return len(set(self.actors) ^ set(self.gold.actors))


@dataclass(frozen=True, slots=True)
class Report:
    items: int
    actor_precision: float
    actor_recall: float
    actor_f1: float
    level_exact: float
    level_within_one: float
    level_macro_f1: float
    false_alarms: int  # gold 0-1, predicted >= 3
    low_gold: int  # items with gold 0-1
    misses: int  # gold >= 3, predicted 0-1
    high_gold: int  # items with gold >= 3
    confusion: tuple[tuple[int, ...], ...]  # rows gold level, columns predicted
    worst: tuple[Outcome, ...] = field(default=())

    @property
    def false_alarm_rate(self) -> float:
        return self.false_alarms / self.low_gold if self.low_gold else 0.0

    @property
    def miss_rate(self) -> float:
        return self.misses / self.high_gold if self.high_gold else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "items": self.items,
            "actors": {
                "precision": self.actor_precision,
                "recall": self.actor_recall,
                "f1": self.actor_f1,
            },
            "level": {
                "exact": self.level_exact,
                "within_one": self.level_within_one,
                "macro_f1": self.level_macro_f1,
            },
            "false_alarm_rate": self.false_alarm_rate,
            "false_alarms": self.false_alarms,
            "gold_0_1": self.low_gold,
            "miss_rate": self.miss_rate,
            "misses": self.misses,
            "gold_3_plus": self.high_gold,
            "confusion": [list(row) for row in self.confusion],
            "worst": [
                {
                    "id": o.gold.id,
                    "title": o.gold.title,
                    "gold": {"actors": list(o.gold.actors), "level": o.gold.level},
                    "predicted": {"actors": list(o.actors), "level": o.level},
                }
                for o in self.worst
            ],
        }


def parse_labelled(
    lines: Iterable[bytes], name: str, *, need_actors: bool = True
) -> list[Labelled]:
    """Labelled items from JSON lines; any bad line is a LabelError naming it.

    `need_actors=False` reads files labelled with a level only (the review's trainer
    reads the level cases): a line without "actors" then has none.
    """
    items: list[Labelled] = []
    for number, raw in enumerate(lines, start=1):
        where = f"{name}:{number}"
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise LabelError(f"{where}: not valid UTF-8") from None
        if not text.strip():
            continue
        try:
            row = json.loads(text)
        except json.JSONDecodeError as exc:
            raise LabelError(f"{where}: not valid JSON ({exc.msg}, column {exc.colno})") from None
        except RecursionError:
            raise LabelError(f"{where}: not valid JSON (nested too deeply)") from None
        items.append(_labelled(row, where, number, need_actors))
    if not items:
        raise LabelError(f"{name}: no labelled items")
    return items


def _labelled(row: Any, where: str, number: int, need_actors: bool) -> Labelled:
    if not isinstance(row, dict):
        raise LabelError(f"{where}: expected a JSON object")
    title, summary = row.get("title"), row.get("summary") or ""
    if not isinstance(title, str) or not isinstance(summary, str):
        raise LabelError(f"{where}: 'title' (and 'summary' if given) must be strings")
    level = row.get("level")
    if type(level) is not int or level not in LEVELS:
        raise LabelError(f"{where}: 'level' must be an integer 0-5, got {level!r}")
    actors = row.get("actors", None if need_actors else [])
    if not isinstance(actors, list) or not all(isinstance(a, str) for a in actors):
        raise LabelError(f"{where}: 'actors' must be a list of ISO3 codes")
    ident = row.get("id")
    return Labelled(
        id=str(ident) if ident is not None else f"line {number}",
        title=title,
        summary=summary,
        actors=tuple(sorted({a.upper() for a in actors})),
        level=level,
    )


def load_labelled(path: Path, *, need_actors: bool = True) -> list[Labelled]:
    try:
        with path.open("rb") as handle:
            return parse_labelled(handle, str(path), need_actors=need_actors)
    except FileNotFoundError:
        raise LabelError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise LabelError(f"{path}: is a directory, not a JSON lines file") from None
    except OSError as exc:
        raise LabelError(f"{path}: cannot read ({exc.strerror or exc})") from None


def _ratio(numerator: int, denominator: int) -> float:
    """0/0 counts as perfect: nothing to get wrong."""
    return numerator / denominator if denominator else 1.0


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def score(outcomes: Sequence[Outcome], worst: int = 10) -> Report:
    """Micro actor P/R/F1 over items' actor sets, level accuracy, alarms, confusion."""
    tp = fp = fn = 0
    confusion = [[0] * len(LEVELS) for _ in LEVELS]
    for o in outcomes:
        gold, predicted = set(o.gold.actors), set(o.actors)
        tp += len(gold & predicted)
        fp += len(predicted - gold)
        fn += len(gold - predicted)
        confusion[o.gold.level][o.level] += 1
    precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    n = len(outcomes)
    class_f1 = []
    for level in LEVELS:
        hit = confusion[level][level]
        gold_n = sum(confusion[level])
        predicted_n = sum(row[level] for row in confusion)
        if gold_n or predicted_n:
            class_f1.append(2 * hit / (gold_n + predicted_n))
    low = [o for o in outcomes if o.gold.level <= 1]
    high = [o for o in outcomes if o.gold.level >= 3]
    wrong = [o for o in outcomes if o.level_error or o.actor_errors]
    wrong.sort(key=lambda o: (-o.level_error, -o.actor_errors))
    return Report(
        items=n,
        actor_precision=precision,
        actor_recall=recall,
        actor_f1=_f1(precision, recall),
        level_exact=_ratio(sum(o.level_error == 0 for o in outcomes), n),
        level_within_one=_ratio(sum(o.level_error <= 1 for o in outcomes), n),
        level_macro_f1=sum(class_f1) / len(class_f1) if class_f1 else 1.0,
        false_alarms=sum(o.level >= 3 for o in low),
        low_gold=len(low),
        misses=sum(o.level <= 1 for o in high),
        high_gold=len(high),
        confusion=tuple(tuple(row) for row in confusion),
        worst=tuple(wrong[:worst]),
    )


def format_report(report: Report, header: str = "") -> str:
    """The report as plain text for a terminal."""
    lines = [header] if header else []
    lines += [
        f"actors   precision {report.actor_precision:.3f}   recall {report.actor_recall:.3f}"
        f"   F1 {report.actor_f1:.3f}",
        f"level    exact {report.level_exact:.3f}   within-one {report.level_within_one:.3f}"
        f"   macro-F1 {report.level_macro_f1:.3f}",
        f"alarms   false-alarm rate {report.false_alarm_rate:.3f}"
        f" ({report.false_alarms}/{report.low_gold} items with gold 0-1 predicted >=3)",
        f"         miss rate {report.miss_rate:.3f}"
        f" ({report.misses}/{report.high_gold} items with gold >=3 predicted 0-1)",
        "",
        "confusion (rows: gold level, columns: predicted level)",
        "gold\\pred" + "".join(f"{level:>6}" for level in LEVELS),
    ]
    for level, row in enumerate(report.confusion):
        cells = "".join(f"{count or '.':>6}" for count in row)
        lines.append(f"{level:>9}{cells}")
    if report.worst:
        lines += ["", "worst mistakes (largest level error, then actor errors)"]
        for o in report.worst:
            lines.append(
                f"  {o.gold.id}: level {o.gold.level} -> {o.level}, actors"
                f" [{' '.join(o.gold.actors)}] -> [{' '.join(o.actors)}]"
            )
            lines.append(f"      {_one_line(o.gold.title)}")
    return "\n".join(lines)


def _one_line(text: str, width: int = 110) -> str:
    """A title safe to print: no control characters, one line, cut to width."""
    clean = "".join(ch if ch.isprintable() else " " for ch in text)
    return clean if len(clean) <= width else clean[: width - 1] + "…"
