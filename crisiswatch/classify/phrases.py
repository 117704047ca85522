"""Many phrases found in one pass over a text, each with what it stands for.

A thin table over `ahocorasick_rs` (the Rust `aho-corasick` crate): the automaton
holds only the phrases, and a match's index says which value it found. The
automaton is built on first use, so a table that is only merged into another
(the fast path's single scan, see `Classifier`) never costs a build of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Generic, TypeVar

from ahocorasick_rs import AhoCorasick, MatchKind

Value = TypeVar("Value")

# A phrase found: (its index in the table, start, end), in the text's characters,
# end exclusive; every occurrence of every phrase, in order of their ends.
Match = tuple[int, int, int]

# Lone surrogates (bytes that were never text, decoded leniently) cannot be UTF-8,
# which the automaton reads: they become a character no phrase holds, one for one.
_SURROGATE = re.compile("[\ud800-\udfff]")


class PhraseTable(Generic[Value]):
    """Phrases and their values; a phrase given twice keeps its last value."""

    __slots__ = ("_automaton", "keys", "values")

    def __init__(self, pairs: Iterable[tuple[str, Value]]) -> None:
        table = dict(pairs)
        self.keys: tuple[str, ...] = tuple(table)
        self.values: tuple[Value, ...] = tuple(table.values())
        self._automaton: AhoCorasick | None = None

    def __len__(self) -> int:
        return len(self.keys)

    def items(self) -> Iterator[tuple[str, Value]]:
        return zip(self.keys, self.values, strict=True)

    def matches(self, text: str) -> list[Match]:
        """Every occurrence of every phrase, overlapping ones included."""
        return self._find(text, overlapping=True)

    def found_in(self, text: str) -> bool:
        """Does any phrase occur in the text?"""
        return bool(self._find(text, overlapping=False))

    def _find(self, text: str, overlapping: bool) -> list[Match]:
        automaton = self._automaton
        if automaton is None:
            # Two threads may both build it: each gets a correct automaton, one is kept.
            automaton = self._automaton = AhoCorasick(self.keys, matchkind=MatchKind.Standard)
        try:
            return automaton.find_matches_as_indexes(text, overlapping=overlapping)
        except UnicodeEncodeError:
            readable = _SURROGATE.sub("\ufffd", text)
            return automaton.find_matches_as_indexes(readable, overlapping=overlapping)
