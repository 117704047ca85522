"""A learned second reading that may lower the level the rules chose, never raise it.

The rules read phrases; the way news uses a war word ("attacks" a rival, "killed"
in a robbery, a "strike" on a budget) often shows only in the other words of the
item, across more wordings than rules can list. A linear model over the rules'
reading and the item's words, trained on labelled items (`scripts/train_review.py`),
weighs those words. It only lowers: a badge the rules found no evidence for is never
invented, and every lowering names the words that weighed most for it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from crisiswatch.classify.datafile import DataFileError, read_json, reading
from crisiswatch.classify.evidence import make_evidence
from crisiswatch.models import Evidence

# Bump when `features` changes what it emits: the weights must then be retrained
# (a test holds the weights file to this number).
FEATURES = 5
LEVELS = 6
# The price of a wrong level: its distance, plus more for a miss (a real act of
# force read as 0-1) than for a false alarm, since the review can only lower.
MISS_PRICE = 6.0
FALSE_ALARM_PRICE = 1.0
_SHOWN = 3  # words named in the evidence of a lowering

# Words by byte translation, several times faster than a regular expression: anything
# not an ASCII letter (a non-ASCII character arrives as "?") becomes a space, capitals
# become small letters, and every character keeps its place (evidence spans rely on it).
_FOLD = bytes(
    c + 32 if 65 <= c <= 90 else c if 97 <= c <= 122 else 32  # A-Z, a-z, the rest
    for c in range(256)
)
# Words that carry grammar, not meaning: no weight of their own (an analyst shown
# "of" as the reason for a level learns nothing).
_GRAMMAR_WORDS = (
    "a an the of in on at to for by with from and or as is are was were be been being "
    "it its s that this these those has have had into than then there their they he she "
    "his her we our you your i who which what after before during about up out but if so"
)
_GRAMMAR = frozenset(_GRAMMAR_WORDS.split())
# A feature's six weights (one a level) packed into one integer, each in its own
# _BITS bits as whole thousandths plus _OFFSET, so never negative. Packed integers
# add column by column: an item's scores are one addition per feature, exact (so the
# same in any order, whatever order a set gives), and a feature is one object to
# fetch, not seven.
_SCALE = 1000
_BITS = 40
_OFFSET = 1 << 24  # above any weight in thousandths (so a row's field < 2**25)
_MASK = (1 << _BITS) - 1


def _fold(text: str) -> str:
    """The text with only its ASCII letters kept, lower-cased, one character for one."""
    return text.encode("ascii", "replace").translate(_FOLD).decode("ascii")


def _words(text: str) -> list[str]:
    """The text's words (runs of ASCII letters), lower-cased."""
    return _fold(text).split()


def features(
    title: str, summary: str, level: int, actors: int, tags: Iterable[str] = ()
) -> set[str]:
    """The names of an item's features, as the weights file keys them.

    The rules' reading (their level, and the levels and modifiers their evidence
    names, as `tags`), how many countries are named, the words of either field
    ("w:") and the title's words apart ("t:"). Word pairs were tried and did no
    better on news the review had not read (docs/methodology.md).
    """
    title_words, summary_words = _words(title), _words(summary)
    return {
        f"level={level}",
        f"actors={min(actors, 3)}",
        *[f"rule:{tag}" for tag in tags],
        *[f"w:{w}" for w in title_words if w not in _GRAMMAR],
        *[f"w:{w}" for w in summary_words if w not in _GRAMMAR],
        *[f"t:{w}" for w in title_words if w not in _GRAMMAR],
    }


def _price(gold: int, chosen: int) -> float:
    price = float(abs(gold - chosen))
    if gold >= 3 and chosen <= 1:
        price += MISS_PRICE
    if gold <= 1 and chosen >= 3:
        price += FALSE_ALARM_PRICE
    return price


# _COLUMNS[chosen][gold]: what choosing `chosen` costs if the truth is `gold`.
_COLUMNS = tuple(tuple(_price(gold, chosen) for gold in range(LEVELS)) for chosen in range(LEVELS))


class Review:
    """A weights file, read once; `lower` is called for every item the rules put above 0.

    Compiled with the rest of the hot path (`native.py`), so the file's path is given
    by the caller: a compiled module does not live beside the data.
    """

    def __init__(self, path: Path) -> None:
        with reading(path):  # a broken file is one line naming it, not a traceback
            data: dict[str, Any] = read_json(path)
            if data["meta"]["features"] != FEATURES:
                raise DataFileError(
                    f"{path}: trained on features {data['meta']['features']}, the code reads "
                    f"{FEATURES}: run scripts/train_review.py"
                )
            self.meta: dict[str, Any] = data["meta"]
            self.bias: tuple[float, ...] = tuple(data["bias"])
            self.weights: dict[str, tuple[float, ...]] = {
                name: tuple(row) for name, row in data["weights"].items()
            }
            # An item adds at most one row a weight, plus the bias and two rows that may be
            # zeros: fewer than 2**15 rows of fields below 2**25 stay within _BITS.
            if len(self.weights) + 3 >= 1 << (_BITS - 25):
                raise DataFileError(f"{path}: too many weights to pack")
            # The hot path's copies, packed (`_pack`) and keyed so that scoring builds no
            # feature name: by the bare word, and for the rules' reading by level, by count
            # of countries and by tag (`_rows`; a test holds it to `features`).
            self._bias = _pack(self.bias)
            self._by_word: dict[str, int] = {}
            self._by_title_word: dict[str, int] = {}
            self._by_tag: dict[str, int] = {}
            table = {"w": self._by_word, "t": self._by_title_word, "rule": self._by_tag}
            for name, row in self.weights.items():
                kind, _, key = name.partition(":")
                if kind in table:
                    table[kind][key] = _pack(row)
            absent = (0.0,) * LEVELS
            self._by_level = [_pack(self.weights.get(f"level={n}", absent)) for n in range(LEVELS)]
            self._by_actors = [_pack(self.weights.get(f"actors={n}", absent)) for n in range(4)]

    def _rows(
        self, title: str, summary: str, level: int, actors: int, tags: Iterable[str]
    ) -> list[int]:
        """The packed weights of the features present: those of `features(...)`, faster.

        The rules' level and count of countries always give a row (of zeros if the
        file has none for them); other features without weights are left out.
        """
        title_words = set(_words(title))
        return self._packed(title_words, title_words.union(_words(summary)), level, actors, tags)

    def _packed(
        self, title_words: set[str], seen: set[str], level: int, actors: int, tags: Iterable[str]
    ) -> list[int]:
        """`_rows` for words already split: `lower` splits them once for both of its uses."""
        words, title_only, by_tag = self._by_word, self._by_title_word, self._by_tag
        # Grammar words are never in the weights, so need no filtering here.
        return [
            self._by_level[level],
            self._by_actors[min(actors, 3)],
            *[by_tag[tag] for tag in set(tags) if tag in by_tag],
            *[words[w] for w in seen if w in words],
            *[title_only[w] for w in title_words if w in title_only],
        ]

    def probabilities(self, rows: list[int]) -> list[float]:
        """The chance of each level 0-5, from the packed weights of the features present."""
        scores = _unpack(self._bias + sum(rows), len(rows) + 1)
        top = max(scores)
        exps = [math.exp((score - top) / _SCALE) for score in scores]
        whole = sum(exps)
        return [e / whole for e in exps]

    def lower(
        self,
        title: str,
        summary: str,
        level: int,
        actors: int,
        tags: Iterable[str] = (),
        floor: int = 0,
    ) -> tuple[int, tuple[Evidence, ...]]:
        """The level after review, never below `floor`, with evidence for a lowering
        (none if kept)."""
        folded_title, folded_summary = _fold(title), _fold(summary)
        title_words = set(folded_title.split())
        seen = title_words.union(folded_summary.split())
        chance = self.probabilities(self._packed(title_words, seen, level, actors, tags))
        best, best_price = level, math.inf
        for chosen in range(level, floor - 1, -1):  # ties keep the higher, the rules' reading
            price = 0.0
            for gold, cost in enumerate(_COLUMNS[chosen]):
                price += chance[gold] * cost
            if price < best_price - 1e-12:
                best, best_price = chosen, price
        if best == level:
            return level, ()
        pull = self._pull(level, best, title_words, seen)
        if not pull:
            # A lowering no word of the text speaks for is not made: it could not be explained.
            return level, ()
        below = sum(chance[:level])
        return best, self._evidence(
            level, best, below, pull, (title, summary), (folded_title, folded_summary)
        )

    def _pull(
        self, level: int, chosen: int, title_words: set[str], seen: set[str]
    ) -> list[tuple[int, str]]:
        """The words whose weights favour the lower level over the rules' level: how much
        (in thousandths, negated so they sort heaviest first) and which. A title word
        weighs twice, as a word and as a title word (the "w:" and "t:" features)."""
        pull: list[tuple[int, str]] = []
        by_word, by_title_word = self._by_word, self._by_title_word
        for word in seen:
            weight = 0
            packed = by_word.get(word)
            if packed is not None:
                weight += _weight(packed, chosen) - _weight(packed, level)
            if word in title_words:
                packed = by_title_word.get(word)
                if packed is not None:
                    weight += _weight(packed, chosen) - _weight(packed, level)
            if weight > 0:
                pull.append((-weight, word))
        return pull

    def _evidence(
        self,
        level: int,
        chosen: int,
        below: float,
        pull: list[tuple[int, str]],
        texts: tuple[str, str],
        folded: tuple[str, str],
    ) -> tuple[Evidence, ...]:
        """The heaviest words of `pull`, each shown where it first occurs (title first).

        The folded text keeps every character's position (one character for one), so a
        word found in it with a space either side is the word at that place in the text.
        """
        padded = (f" {folded[0]} ", f" {folded[1]} ")
        placed: list[tuple[int, int, int, int]] = []
        for weight, word in pull:
            rank, start = 0, padded[0].find(f" {word} ")
            if start < 0:
                rank, start = 1, padded[1].find(f" {word} ")
            placed.append((weight, rank, start, start + len(word)))
        placed.sort()
        out: list[Evidence] = []
        for weight, rank, start, end in placed[:_SHOWN]:
            note = (
                f"learned review ({below:.0%} likely below the rules' {level}): "
                f"weighs {-weight / _SCALE:+.2f} for {chosen} over {level}"
            )
            field = "title" if rank == 0 else "summary"
            text = texts[rank][start:end]
            out.append(make_evidence(field, start, end, text, "review", str(chosen), note))
        return tuple(out)


def _pack(row: Iterable[float]) -> int:
    """Six weights in one integer (see _BITS)."""
    packed = 0
    for column, weight in enumerate(row):
        thousandths = round(weight * _SCALE)
        if abs(thousandths) >= _OFFSET:
            raise ValueError(f"weight {weight} is out of range")
        packed |= (thousandths + _OFFSET) << (_BITS * column)
    return packed


def _unpack(packed: int, count: int) -> list[int]:
    """Each level's sum, in thousandths, of `count` packed rows added together."""
    return [((packed >> (_BITS * column)) & _MASK) - count * _OFFSET for column in range(LEVELS)]


def _weight(packed: int, level: int) -> int:
    """One level's weight, in thousandths, of a packed row."""
    return ((packed >> (_BITS * level)) & _MASK) - _OFFSET


def rule_tags(evidence: Iterable[Evidence]) -> set[str]:
    """What the rules' evidence stands for, as features: "level=3", "modifier=threat"."""
    return {f"{e.kind}={e.value}" for e in evidence if e.kind in ("level", "modifier")}
