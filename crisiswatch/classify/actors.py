"""Find the countries a news item is about: the actor half of the classifier.

The gazetteer (``gazetteer.py``, compiled from ``data/actors.toml``) gives one
table of phrases (an Aho-Corasick automaton); the scanner reads an item with it.
Here the hits become evidence:

* Overlapping hits are resolved leftmost-longest, which is what makes
  "South Sudan", "New Mexico" and the ``[ignore]`` phrases ("Paris Hilton",
  "South China Sea") win over the country word inside them.
* Case is checked on the original text afterwards ("US" is not "us", "China"
  is not "fine china"), then the context rules of ``[rules]`` run: given
  names and surnames, club names, venue-only places, combining forms and
  cue-driven switches (Georgia the state, Turkey the bird, Tripoli in Lebanon).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from crisiswatch.classify.evidence import make_evidence
from crisiswatch.classify.gazetteer import (
    APOSTROPHES,
    HYPHENS,
    ActorEntry,
    compile_gazetteer,
    default_gazetteer,
    fold,
)
from crisiswatch.classify.phrases import PhraseTable
from crisiswatch.classify.scanner import ACTOR, Candidate, joined_text, scan
from crisiswatch.models import Evidence

# Lower-case particles inside surnames ("le Clos", "van der Berg", "bin Salman").
_NAME_PARTICLES = frozenset(
    {"le", "la", "de", "du", "des", "van", "von", "der", "den", "da", "di", "del", "della"}
    | {"dos", "das", "bin", "ibn", "al", "el", "ben", "ter", "zu"}
)
_NEXT_WORD = re.compile(r"[ \t\u00a0]+([^\W\d_][\w'\u2019-]*)")
_PREV_WORD = re.compile(r"([^\W\d_][\w'\u2019.-]*)[ \t\u00a0]+$")
_WORDS = re.compile(r"[^\W\d_]+")


class _Field:
    """One field's text, with lazily computed facts that only some rules need."""

    __slots__ = ("_shouting", "_title", "name", "text")

    def __init__(self, name: str, text: str) -> None:
        self.name = name
        self.text = text
        self._shouting: bool | None = None
        self._title: bool | None = None

    @property
    def shouting(self) -> bool:
        """All-capitals headline: capitals carry no information there."""
        if self._shouting is None:
            upper = sum(map(str.isupper, self.text))
            lower = sum(map(str.islower, self.text))
            self._shouting = upper >= 4 and upper > 4 * lower
        return self._shouting

    @property
    def title_case(self) -> bool:
        """Headline Case: a capitalised word may be a verb, not a name."""
        if self._title is None:
            long_words = [w for w in _WORDS.findall(self.text) if len(w) > 3]
            capitalised = sum(w[0].isupper() for w in long_words)
            self._title = self.shouting or (
                len(long_words) >= 3 and capitalised >= 0.75 * len(long_words)
            )
        return self._title


class ActorMatcher:
    """Tags title and summary with the ISO3 codes of the countries they name."""

    def __init__(self, extra_aliases: dict[str, list[str]] | None = None) -> None:
        if extra_aliases:
            self._phrases, self._entries, self._words = compile_gazetteer(extra_aliases)
        else:
            self._phrases, self._entries, self._words = default_gazetteer()

    def find(
        self, title: str, summary: str = "", folded: tuple[str, str] | None = None
    ) -> list[Evidence]:
        """Evidence for every country phrase, title first, in text order.

        `folded` is `(fold(title), fold(summary))` when the caller has it already.
        """
        if folded is None:
            folded = (fold(title), fold(summary))
        cues: set[int] = set()
        title_candidates: list[Candidate] = []
        summary_candidates: list[Candidate] = []
        matches = self._phrases.matches(joined_text(*folded))
        values = self._phrases.values
        scan(matches, values, title, summary, cues, title_candidates, summary_candidates)
        return self.evidence(title, summary, title_candidates, summary_candidates, cues)

    @property
    def phrases(self) -> PhraseTable[Any]:
        """Folded, padded phrase -> the scanner's value; read-only once built."""
        return self._phrases

    def evidence(
        self,
        title: str,
        summary: str,
        title_candidates: list[Candidate],
        summary_candidates: list[Candidate],
        cues: set[int],
    ) -> list[Evidence]:
        """Evidence from the scanner's case-checked candidates and the item's cues.

        Per field, overlapping phrases resolve leftmost, then longest ("South
        Sudan" over "Sudan", an [ignore] phrase over the country inside it).
        """
        evidence: list[Evidence] = []
        alone: list[Evidence] = []
        if title_candidates:
            self._field_evidence("title", title, title_candidates, cues, evidence, alone)
        if summary_candidates:
            self._field_evidence("summary", summary, summary_candidates, cues, evidence, alone)
        if alone:
            # "the Supreme Court" is the US's only when no other country is named
            home = {e.value for e in alone}
            if any(e.value not in home for e in evidence if e not in alone):
                return [e for e in evidence if e not in alone]
        return evidence

    def _field_evidence(
        self,
        name: str,
        text: str,
        candidates: list[Candidate],
        cues: set[int],
        evidence: list[Evidence],
        alone: list[Evidence],
    ) -> None:
        """Append the field's actor evidence to `evidence` (and to `alone` too, for a
        word that counts only when no other country is named)."""
        entries = self._entries
        if len(candidates) > 1:
            candidates.sort()
        field_: _Field | None = None
        reached = -1
        for start, negative_length, index in candidates:
            if start < reached:
                continue
            end = reached = start - negative_length
            entry = entries[index]
            if entry.kind != ACTOR:
                continue  # an [ignore] phrase: it only hides what it overlaps
            if entry.trailing_dot and text[end : end + 1] == ".":
                end += 1
            if entry.rule is None:
                phrase, note = text[start:end], entry.note
                for code in entry.codes:
                    evidence.append(make_evidence(name, start, end, phrase, "actor", code, note))
                continue
            if field_ is None:
                field_ = _Field(name, text)
            found = self._resolve(field_, start, end, entry, cues)
            evidence.extend(found)
            if entry.rule.alone:
                alone.extend(found)

    @staticmethod
    def actors(evidence: Iterable[Evidence]) -> tuple[str, ...]:
        """Sorted unique ISO3 codes of the actor evidence."""
        return tuple(sorted({e.value for e in evidence if e.kind == "actor"}))

    def _resolve(
        self, field_: _Field, start: int, end: int, entry: ActorEntry, cues: set[int]
    ) -> list[Evidence]:
        codes, note = entry.codes, entry.note
        rule = entry.rule
        if rule is not None:
            text = field_.text
            if rule.combining and not (
                text[end : end + 1] in HYPHENS and text[end + 1 : end + 2].isalpha()
            ):
                return []
            if rule.caps_unsafe and field_.shouting:
                return []
            if rule.venue_only and not self._after_venue_word(text, start):
                return []
            if (rule.first_name or rule.club) and self._name_follows(field_, end):
                return []
            if rule.surname and self._given_name_before(field_, start):
                return []
            for switch in rule.switches:
                if cues & switch.if_any and not cues & switch.unless_any:
                    if not switch.code:
                        return []
                    codes, note = (switch.code,), switch.note
                    break
        phrase = field_.text[start:end]
        name = field_.name
        return [make_evidence(name, start, end, phrase, "actor", code, note) for code in codes]

    def _name_follows(self, field_: _Field, end: int) -> bool:
        """Is the country word followed by a capitalised name ("Chad Smith", "Atlanta Hawks")?"""
        match = _NEXT_WORD.match(field_.text, end)
        if match is None:
            return False
        token = match.group(1).rstrip(APOSTROPHES + "-")
        for suffix in ("'s", "\u2019s"):
            token = token.removesuffix(suffix)
        if token in _NAME_PARTICLES:  # "Chad le Clos", "Jordan van der Berg": the surname follows
            return self._name_follows(field_, match.end())
        if not token or not token[0].isupper():
            return False
        lowered = token.lower()
        head = fold(token).split()
        if lowered in self._words.common or (head and head[0] in self._words.alias_heads):
            return False
        # In Headline Case a capitalised verb or plural ("Jordan Intercepts
        # Drones") looks like a name; its ending gives it away.
        return not (field_.title_case and lowered.endswith(("s", "ed", "ing")))

    def _given_name_before(self, field_: _Field, start: int) -> bool:
        """Is the country word a surname after a known given name ("Michael Jordan")?"""
        match = _PREV_WORD.search(field_.text, max(0, start - 40), start)
        if match is None:
            return False
        token = match.group(1)
        if field_.shouting:
            token = token.title()
        return token in self._words.given

    def _after_venue_word(self, text: str, start: int) -> bool:
        match = _PREV_WORD.search(text, max(0, start - 40), start)
        return match is not None and match.group(1).lower() in self._words.venue
