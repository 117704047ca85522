"""The item as the rules see it: its text, its hits, and where clauses end.

An `ItemText` holds one item's state (the joined text, the scanner's hits indexed by
cue tag, the evidence so far) and the questions every rule asks of positions: do two
hits share a clause, which tagged hit is nearest, is a word asked about. The rules
build on it: `story.StoryRules`, `civil.CivilRules`, `context.ContextRules`, then
`judge.ItemJudge`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from crisiswatch.classify.counts import ages_in, count_near
from crisiswatch.classify.scanner import SEP, Hit
from crisiswatch.models import Evidence

if TYPE_CHECKING:
    from crisiswatch.classify.levels import LevelEngine

# The scanner's record of a phrase: (start, stop, entry), a span of the joined text.
# A plain tuple, as one is made for every phrase found.
_Hit = Hit
_CHARS_PER_WORD = 16  # generous: hits further apart than this per word are out of reach
# A clause ends at ; : ! ? brackets, quotes, a full stop or comma before a space,
# or a spaced dash; a sentence only at ; ! ? or a full stop. "U.S." ends nothing.
_PUNCT = re.compile(r"[.,;:!?()\[\]\"\u201c\u201d\u2013\u2014-]")  # a plain charset: fast
_SENTENCE_MARKS = frozenset(".;!?")
_SENTENCE_END = re.compile(r"[;!?]|\.(?=\s|$)")
_GIVEN = frozenset(("after", "following", "amid", "despite", "since"))  # an act taken as given
# "Did the authorities fail the victims of the terror attack?": whose victims, it happened
_GIVEN_BY = frozenset(("victims", "survivors", "aftermath", "anniversary"))
# "Can US strikes on Yemen be justified?": what is judged lawful or justified was done.
_JUDGED = re.compile(r"(?i)\b(?:justif\w*|(?:un)?lawful|(?:il)?legal|self-defen[cs]e)\b")
_SOME = frozenset(("a", "an", "any"))  # an act of no one in particular: a scenario
_WH_QUESTION = re.compile(r"(?i)\b(?:what|who|why|how|where|which|whose)\b")
_DASHES = frozenset("-\u2013\u2014")
_SPACED_DASH = re.compile(r" [-\u2013\u2014] ")
# A sentence that opens as a question ("Will Iran strike back - and when?").
_ASKING = re.compile(
    r"(?i)(?:will|would|could|can|should|is|are|was|were|does|do|did|has|have|what|who|why|how"
    r"|where|which|whose|when)\b"
)
_SOFT_MARKS = frozenset(".,-\u2013\u2014")  # these end a clause only in some contexts
_CANCELS_ACT = frozenset({"negation", "prevention"})
_ABBREVIATIONS = frozenset(
    ("jan", "feb", "mar", "apr", "aug", "sep", "sept", "oct", "nov", "dec", "mr", "mrs", "ms",
     "dr", "gen", "lt", "col", "sgt", "capt", "rep", "sen", "gov", "st", "no", "vs", "jr", "sr")
)  # fmt: skip
_tuple_new = tuple.__new__  # make_evidence, inlined in ItemText.add


def _ends_clause(text: str, i: int) -> bool:
    """Is the punctuation at text[i] a clause end? Not in "2.5", "U.S." or "Iran-backed"."""
    char = text[i]
    after = text[i + 1] if i + 1 < len(text) else " "
    if char in ".,":
        if not after.isspace():
            return False
        if char == ",":
            return True
        if text[i - 1 : i].isupper() and not text[i - 2 : i - 1].isalpha():
            return False  # "U.S."
        # "Oct. 7", "Gen. Smith", "Mr. Trump": an abbreviation, not a sentence end
        start = i
        while start > 0 and text[start - 1].isalpha():
            start -= 1
        return text[start:i].lower() not in _ABBREVIATIONS
    if char in _DASHES:
        return text[i - 1 : i].isspace() and after.isspace()
    return True


class ItemText:
    """One item's working state and its position helpers; lives only inside
    `LevelEngine.assess`, as the base of the judge."""

    __slots__ = (
        "_shown", "actors", "cancelling", "consumed", "engine", "evidence", "hits",
        "joined", "modifiers", "offset", "ordered", "original", "summary", "tagged", "threat_only",
        "title",
    )  # fmt: skip

    def __init__(
        self,
        engine: LevelEngine,
        title: str,
        summary: str,
        joined: str,
        offset: int,
        hits: list[_Hit],
        actors: Sequence[Evidence],
    ) -> None:
        self.engine, self.title, self.summary = engine, title, summary
        self.joined, self.offset, self.hits = joined, offset, hits
        # One pass: the cue index, the modifiers, and the words that carry a level, in
        # the order decide reads them: verbs that pair with a weapon first ("drones hit"),
        # so the verb speaks for both.
        tagged: dict[str, list[_Hit]] = {}
        modifiers: list[_Hit] = []
        paired: list[_Hit] = []
        levelled: list[_Hit] = []
        cancelling = False
        for hit in hits:
            entry = hit[2]
            if entry.cues:
                for tag in entry.cues:
                    if tag in tagged:
                        tagged[tag].append(hit)
                    else:
                        tagged[tag] = [hit]
            if entry.effect:
                modifiers.append(hit)
                cancelling = cancelling or entry.effect in _CANCELS_ACT
            if entry.level is not None:
                (paired if entry.pair else levelled).append(hit)
        self.tagged, self.modifiers, self.cancelling = tagged, modifiers, cancelling
        self.ordered = paired + levelled if paired else levelled
        self.original: str | None = None  # the raw text in joined coordinates, on first need
        # Starts of hits a weapon verb already explained, and of verbs that count only
        # inside a threat ("vows to keep targeting ships"): set while deciding.
        self.consumed: set[int] = set()
        self.threat_only: set[int] = set()
        self.actors = actors
        self.evidence: list[Evidence] = []
        self._shown: set[int] = set()

    # -- positions ---------------------------------------------------------------------

    def raw(self) -> str:
        """The text as written (case kept), in the coordinates of `joined`."""
        if self.original is None:
            self.original = " " + self.title + SEP + self.summary + " "
        return self.original

    def ends_between(self, a: int, b: int, sentence: bool = False) -> bool:
        """Does a clause (or, with `sentence`, a sentence) end between positions a and b?

        Checked on demand over the few characters between two hits, which is cheaper
        than finding every clause of the item up front.
        """
        if a <= self.offset - 2 < b:  # the title/summary separator ends both
            return True
        text = self.raw()
        for match in _PUNCT.finditer(text, a, b):
            i = match.start()
            char = text[i]
            if char in _SOFT_MARKS and not _ends_clause(text, i):
                continue
            if not sentence or char in _SENTENCE_MARKS:
                return True
        return False

    def gap(self, a: int, b: int) -> int:
        """Words strictly between positions a and b of the joined text."""
        return len(self.joined[a:b].split()) if a < b else 0

    def words_before(self, pos: int, n: int) -> list[str]:
        """The last `n` words of the joined text before position `pos`."""
        return self.joined[max(0, pos - n * _CHARS_PER_WORD) : pos].split()[-n:]

    def words_after(self, pos: int, n: int) -> list[str]:
        """The first `n` words of the joined text from position `pos`."""
        return self.joined[pos : pos + n * _CHARS_PER_WORD].split()[:n]

    def text(self, hit: _Hit) -> str:
        return self.joined[hit[0] : hit[1]]

    def actor_before(self, hit: _Hit) -> Evidence | None:
        """The country named right before the hit ("Israeli fire", "Russia's shelling")."""
        return self.actor_ending_at(hit[0])

    def actor_ending_at(self, pos: int) -> Evidence | None:
        """The country named right before a position of the joined text."""
        if pos < self.offset:
            field, text, start = "title", self.title, pos - 1
        else:
            field, text, start = "summary", self.summary, pos - self.offset
        for actor in self.actors:
            if (
                actor.field == field
                and actor.end <= start
                and not text[actor.end : start].strip(" '\u2019s")
            ):
                return actor
        return None

    def _count(
        self, hit: _Hit, before: int, after: int, not_before: frozenset[str] = frozenset()
    ) -> int:
        """A count next to `hit`, read in its own field (the nearest number wins)."""
        sep = self.offset - 2
        lo, hi = (0, sep) if hit[0] < sep else (sep + 1, len(self.joined))
        lo = max(lo, hit[0] - _CHARS_PER_WORD * before)
        hi = min(hi, hit[1] + _CHARS_PER_WORD * after)
        head = self.joined[lo : hit[0]].split()
        words = [*head, *self.joined[hit[0] : hi].split()]
        ages = ages_in(self.title if hit[0] < sep else self.summary)
        return count_near(words, len(head), before, after, not_before, ages)

    def joined_start(self, found: Evidence) -> int:
        """Where evidence (kept in its field's coordinates) starts in the joined text."""
        return found.start + (1 if found.field == "title" else self.offset)

    def _possessive(self, actor: Evidence) -> bool:
        """Is the actor followed by "'s" ("Hungary's energy", "Sunak's lifestyle")?"""
        text = self.title if actor.field == "title" else self.summary
        return text[actor.end : actor.end + 2] in ("'s", "\u2019s")

    def add(self, hit: _Hit, kind: str, value: str, note: str) -> None:
        """Evidence for `hit`, in the coordinates of its own field."""
        at = hit[0]
        if kind == "modifier":  # one modifier may change several words: show it once
            if at in self._shown:
                return
            self._shown.add(at)
        if at < self.offset:
            field, text, start = "title", self.title, at - 1
        else:
            field, text, start = "summary", self.summary, at - self.offset
        end = start + hit[1] - at
        # make_evidence, inlined: this runs for nearly every word that counts.
        self.evidence.append(
            _tuple_new(Evidence, (field, start, end, text[start:end], kind, value, note))
        )

    # -- context -----------------------------------------------------------------------

    def near(
        self, hit: _Hit, tag: str, window: int = 99, after: bool = True, before: bool = True
    ) -> _Hit | None:
        """The closest other hit tagged `tag` in the same sentence, within `window` words.

        `tag` must be in SOUGHT_TAGS (a test checks every call site).
        """
        candidates = self.tagged.get(tag)
        if not candidates:
            return None
        best, best_gap = None, window + 1
        for other in candidates:
            if before and other[1] <= hit[0]:
                a, b = other[1], hit[0]
            elif after and other[0] >= hit[1]:
                a, b = hit[1], other[0]
            else:
                continue  # the hit itself, or on the wrong side
            if b - a > _CHARS_PER_WORD * best_gap:
                continue  # too far to be within the window: skip counting words
            gap = len(self.joined[a:b].split())
            if gap < best_gap and not self.ends_between(a, b, sentence=True):
                best, best_gap = other, gap
        return best

    def asked(self, hit: _Hit) -> bool:
        """Is the hit inside a question ("Will Iran retaliate?")?"""
        text = self.raw()
        end = self.offset - 2 if hit[0] < self.offset else len(text)
        match = _SENTENCE_END.search(text, hit[1], end)
        if match is None or match.group() != "?":
            return False
        # "Is the truce over after Israeli strikes?": what the question starts from
        # has happened.
        if not _GIVEN.isdisjoint(self.words_before(hit[0], 3)):
            return False
        if not _GIVEN_BY.isdisjoint(self.words_before(hit[0], 6)):
            return False
        if _JUDGED.search(text, hit[1], match.start()) and _SOME.isdisjoint(
            self.words_before(hit[0], 4)
        ):  # "Would an attack on Iran be legal?" stays a question
            return False
        if ":" in text[hit[1] : match.start()]:
            return False  # "Ukraine invasion: are the attacks war crimes?": a label
        begin = self.offset if hit[0] >= self.offset else 0
        for mark in _SENTENCE_END.finditer(text, begin, hit[0]):
            begin = mark.end()
        lead = text[begin : hit[0]].lstrip(" \"'\u2018\u201c")
        if _SPACED_DASH.search(text, hit[1], match.start()) and not _ASKING.match(lead):
            return False  # "Iran has struck US bases - what forces does it have?": told, then asked
        if lead.startswith("As ") and "," not in lead:
            return False  # "As Russia's invasion continues, is it ...?": the clause is given
        # "What sanctions has the EU imposed?", "Who are the rebels fighting in Congo?":
        # a wh-question takes the act as given; "Will Israel strike Iran?" does not.
        return _WH_QUESTION.search(text, begin, hit[0]) is None

    def asked_note(self, hit: _Hit) -> str:
        return f"'{self.text(hit)}' asked about, not reported as happening"

    def _next_word(self, hit: _Hit) -> str:
        rest = self.joined[hit[1] : hit[1] + 24].split(None, 1)
        return rest[0] if rest else ""
