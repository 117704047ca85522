"""The escalation half of the classifier: which level 0-5 a news item reports.

All words live in `data/levels.toml` (loaded by `rules.py`); this module only
knows the mechanics, and `counts.py` reads the numbers.
One Aho-Corasick pass over the normalised title and summary (`scanner.py`)
finds every phrase; overlapping hits keep the longest (so "strikes a deal" beats
"strikes"). Then a few context rules run over the handful of hits:

- cues that change a word's meaning in its sentence (a sports report, a labour
  dispute, a natural disaster, a missile test, a crowd being policed);
- verbs that only mean force next to a weapon ("drones hit");
- scale: casualty counts, "hundreds of missiles", "massive";
- force used on or at a nuclear site is level 5;
- modifiers scoping over nearby words ("threatens to", "could", "denies",
  "anniversary of", "warns ... against"), never past the end of the clause;
- weak background words ("the war") count only when nothing else does.

The level is the highest surviving piece of evidence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime

import ahocorasick

from crisiswatch.classify.counts import WEAPON_NOUNS, count_near
from crisiswatch.classify.evidence import make_evidence
from crisiswatch.classify.rules import (
    NORMALISE,
    RULES_FILE,
    Entry,
    Rules,
    expand,
    load_rules,
    normalise,
)
from crisiswatch.classify.scanner import SEP, Hit, joined_text, scan
from crisiswatch.models import Evidence

__all__ = [
    "RULES_FILE",
    "Entry",
    "LevelEngine",
    "Rules",
    "count_near",
    "expand",
    "load_rules",
    "make_evidence",
    "normalise",
]

# A clause ends at ; : ! ? brackets, quotes, a full stop or comma before a space,
# or a spaced dash; a sentence only at ; ! ? or a full stop. "U.S." ends nothing.
_PUNCT = re.compile(r"[.,;:!?()\[\]\"\u201c\u201d\u2013\u2014-]")  # a plain charset: fast
_SENTENCE_MARKS = frozenset(".;!?")
_SENTENCE_END = re.compile(r"[;!?]|\.(?=\s|$)")
_WH_QUESTION = re.compile(r"(?i)\b(?:what|who|why|how|where|which|whose)\b")
_SOFT_MARKS = frozenset(".,-\u2013\u2014")  # these end a clause only in some contexts
_CHARS_PER_WORD = 16  # generous: hits further apart than this per word are out of reach
# A year right before an act dates it ("the 1994 genocide"); these words before the
# year make it a starting point instead ("since 2014"), and these between the year and
# the act put the act in another clause ("halted in 2021 after insurgents attacked").
# Words that may follow a country named as an object ("war on Russia in 1941", "on Iran
# and its allies"); any other word makes the country an adjective ("Spanish airport fees").
_AFTER_A_STATE = frozenset(
    {"in", "and", "after", "over", "on", "for", "as", "with", "from", "at", "by", "amid"}
    | {"following", "since", "to", "or", "but", "while", "when", "its", "itself"}
)
_INDEFINITE = frozenset({"a", "an", "any"})
_ACTIVE_KILL = frozenset({"kills", "kill"})
# Words that make a casualty count a running total rather than one event's toll.
_CUMULATIVE = (
    " so far this year ",
    " so far ",
    " this year ",
    " since january ",
    " since the start ",
    " in total ",
    " to date ",
    " over the past ",
    " over the last ",
    " in the past year ",
    " since the beginning ",
    " last year ",
    " a year ",
    " per month ",
)


_YEAR_AS_START = frozenset({"since", "from", "until", "till", "by"})
_CLAUSE_WORDS = frozenset(
    {"after", "before", "when", "while", "as", "and", "but", "then", "since", "until"}
    | {"because", "where", "that", "which", "who", "amid", "following", "despite", "than"}
)
_DASHES = frozenset("-\u2013\u2014")

_LEVEL_TEXT = ("0", "1", "2", "3", "4", "5")
_tuple_new = tuple.__new__  # make_evidence, inlined in _Item.add
_FORCE_CONTEXT = frozenset({"exercise", "scale", "sustained", "territory", "nuclear_site"})
_SALVO = re.compile(r"\d\d\d|hundreds|thousands")
_CANCELS_PEACE = frozenset({"negation", "rejection", "denial", "prevention"})
_CANCELS_ACT = frozenset({"negation", "prevention"})
# After "<country> clashes", these make it a verb of words ("Russia clashes with the West").
_VERBAL_LINKS = frozenset(("with", "over", "on", "at", "in"))
_REMAINS = frozenset(("bodies", "remains", "dead"))
_PASSIVE_AUXILIARIES = frozenset(("be", "been", "being", "get", "got", "have", "has", "had"))
# After a backward-looking "ends", these words show it has an object ("the truce that
# ended the fighting", "the deal ends years of talks"): it does not reject what precedes.
_OBJECT_STARTS = frozenset(
    ("the", "a", "an", "its", "their", "his", "her", "more", "years", "decades", "months",
     "weeks", "two", "three", "hostilities", "fighting", "border", "conflict", "war", "violence",
     "crisis", "standoff", "row", "feud", "dispute", "tensions", "clashes", "blockade", "siege",
     "occupation")
)  # fmt: skip


def _substrings(words: list[str]) -> ahocorasick.Automaton | None:
    """An automaton that finds any of `words` as a substring (None if there are none)."""
    if not words:
        return None
    automaton = ahocorasick.Automaton()
    for word in words:
        automaton.add_word(word, word)
    automaton.make_automaton()
    return automaton


class LevelEngine:
    """Built once; `assess` keeps no state between items, so it is thread-safe."""

    def __init__(self, rules: Rules | None = None) -> None:
        self.rules = rules or load_rules()
        settings = self.rules.settings
        self.casualty_major = int(settings.get("casualty_major", 24))
        self.salvo_major = int(settings.get("salvo_major", 100))
        self.pair_window = int(settings.get("pair_window", 8))
        self.scale_window = int(settings.get("scale_window", 3))
        self._matches = self.rules.automaton.iter
        # Framing by the title (see levels.toml): compiled once, read only when it can apply.
        genres = "|".join(re.escape(g) for g in settings.get("frame_genres", ()))
        tails = "|".join(re.escape(t) for t in settings.get("frame_retrospective", ()))
        # "On this day in 1950: ..." names its year before the colon.
        self.genre = (
            re.compile(rf"(?i)\s*(?:{genres})(?:\s+in\s+\d{{3,4}})?\s*:\s") if genres else None
        )
        # Acts dated this year or earlier are history (see _Item.dated_past).
        self.history_until = datetime.now(UTC).year - 2
        self.retrospective = (
            re.compile(rf"(?i)[,:;\u2013\u2014]\s*((?:[\w-]+\s+)?(?:{tails}))\W*$")
            if tails
            else None
        )
        # Searched in the folded summary (lower case, punctuation as spaces) as padded
        # substrings, by a small automaton: one C pass, whatever the length of the lists.
        breach = [
            " " + word[:-1] if word.endswith("*") else f" {word} "
            for word in settings.get("frame_breach", ())
        ]
        peace = [f" {w} " for raw in settings.get("frame_breach_peace", ()) for w in expand(raw)]
        test = [f" {w} " for w in settings.get("frame_breach_test", ())]
        self.breach, self.breach_peace = _substrings(breach + test), _substrings(breach + peace)
        self.war_commerce = frozenset(settings.get("war_commerce", ()))
        # "Ten years on, Mosul ...": the "... on" tails leading the title ("A year later:
        # Israel strikes again" is news, so "later" does not lead).
        leads = "|".join(
            re.escape(t) for t in settings.get("frame_retrospective", ()) if t.endswith(" on")
        )
        self.retrospective_lead = (
            re.compile(rf"(?i)((?:[\w-]+\s+)?(?:{leads}))\s*,") if leads else None
        )
        # The last words of the retrospective tails: a cheap test before the regex.
        self.retro_ends = tuple(
            {" " + t.split()[-1] for t in settings.get("frame_retrospective", ())}
        )

    def assess(
        self,
        title: str,
        summary: str = "",
        actors: Sequence[Evidence] = (),
        folded: tuple[str, str] | None = None,
    ) -> tuple[int, bool, list[Evidence]]:
        """(level, deescalation, evidence) for one item.

        `actors` is the actor matcher's evidence, if known: "Israeli fire" is gunfire.
        `folded` is `(normalise(title), normalise(summary))` if the caller has it.
        """
        if folded is None:
            folded = (title.translate(NORMALISE), summary.translate(NORMALISE))
        joined = joined_text(*folded)
        hits = scan(self._matches(joined), title, summary, set(), [], [])
        return self.decide(title, summary, joined, hits, actors)

    def decide(
        self,
        title: str,
        summary: str,
        joined: str,
        hits: list[_Hit],
        actors: Sequence[Evidence] = (),
    ) -> tuple[int, bool, list[Evidence]]:
        """`assess` after the scan: `hits` are the scanner's level hits in `joined`."""
        if not hits:
            return 0, False, []
        return _Item(self, title, summary, joined, len(title) + 4, hits, actors).decide()


def _ends_clause(text: str, i: int) -> bool:
    """Is the punctuation at text[i] a clause end? Not in "2.5", "U.S." or "Iran-backed"."""
    char = text[i]
    after = text[i + 1] if i + 1 < len(text) else " "
    if char in ".,":
        if not after.isspace():
            return False
        return char == "," or not (text[i - 1 : i].isupper() and not text[i - 2 : i - 1].isalpha())
    if char in _DASHES:
        return text[i - 1 : i].isspace() and after.isspace()
    return True


# The scanner's record of a level phrase: (start, stop, entry), a span of the joined
# text. A plain tuple, as hits are made for every phrase found: [0] start, [1] stop,
# [2] the Entry.
_Hit = Hit


def _between(x: _Hit, y: _Hit) -> tuple[int, int]:
    """The gap between two non-overlapping hits, in either order."""
    return (x[1], y[0]) if x[1] <= y[0] else (y[1], x[0])


class _Item:
    """Working state for one item; lives only inside `LevelEngine.assess`."""

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

    def ends_between(self, a: int, b: int, sentence: bool = False) -> bool:
        """Does a clause (or, with `sentence`, a sentence) end between positions a and b?

        Checked on demand over the few characters between two hits, which is cheaper
        than finding every clause of the item up front.
        """
        if a <= self.offset - 2 < b:  # the title/summary separator ends both
            return True
        if self.original is None:
            self.original = " " + self.title + SEP + self.summary + " "
        text = self.original
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

    def text(self, hit: _Hit) -> str:
        return self.joined[hit[0] : hit[1]]

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

    def _calm_disaster(self) -> _Hit | None:
        """A disaster cue anywhere in an item with no violence at all in it.

        "Landslide buries village; hundreds feared dead": the deaths are in
        another clause, but nothing in the item suggests anyone killed them.
        """
        disasters = self.tagged.get("disaster")
        if not disasters:
            return None
        for other in self.hits:
            tags = other[2].tags
            if "munition" in tags or "armed_group" in tags or "gunfire" in tags:
                return None
            if "force" in tags and "casualty" not in tags and not other[2].pair:
                return None
        return disasters[0]

    def violence_near(self, hit: _Hit) -> bool:
        """A weapon, an armed group or an act of force in the sentence, not just deaths."""
        for other in self.hits:
            tags = other[2].tags
            violent = "munition" in tags or "armed_group" in tags
            if not violent and "force" in tags and "casualty" not in tags:
                violent = not other[2].pair
            if (
                violent
                and other is not hit
                and not self.ends_between(*_between(other, hit), sentence=True)
            ):
                return True
        return False

    def modifier_for(self, hit: _Hit, modifiers: list[_Hit]) -> _Hit | None:
        """The strongest modifier whose scope covers `hit`."""
        best: _Hit | None = None
        best_rank = 99
        for mod in modifiers:
            entry = mod[2]
            if mod[1] <= hit[0]:
                a, b, reach = mod[1], hit[0], entry.ahead
            elif mod[0] >= hit[1] and entry.behind:
                if mod[0] - hit[1] > _CHARS_PER_WORD * (entry.behind + 1):
                    continue  # out of reach: the cheap test first
                if "indefinite_only" in entry.tags and not self._indefinite(hit):
                    continue
                if entry.effect == "rejection" and not hit[2].deescalation:
                    continue  # "talks collapse" looks back; "threatens to quit" does not
                if entry.effect == "rejection" and self._has_object(mod):
                    continue  # "the deal ends years of talks": the deal is not rejected
                a, b, reach = hit[1], mod[0], entry.behind
            else:
                continue
            if b - a > _CHARS_PER_WORD * (reach + 1) or self.gap(a, b) > reach:
                continue
            if "participle_only" in entry.tags and not self.text(hit).endswith("ed"):
                continue  # "frees kidnapped soldiers", but not "released footage of strikes"
            if "bodies_only" in entry.tags and self.text(hit) not in _REMAINS:
                continue  # "returns 1,000 bodies", but not "returns fire"
            if a == mod[1] and "announce" in entry.tags and self._participle_after_verb(a, hit):
                continue  # "orders troops to rescue abducted girls": the abduction happened
            if self.ends_between(a, b) or (a == mod[1] and self._broken(mod, hit)):
                continue
            if entry.requires and self.near(mod, entry.requires, 4, after=False) is None:
                continue
            if entry.rank < best_rank:  # threats and hypotheses rank alike: the first wins
                best, best_rank = mod, entry.rank
        return best

    def actor_before(self, hit: _Hit) -> Evidence | None:
        """The country named right before the hit ("Israeli fire", "Russia's shelling")."""
        if hit[0] < self.offset:
            field, text, start = "title", self.title, hit[0] - 1
        else:
            field, text, start = "summary", self.summary, hit[0] - self.offset
        for actor in self.actors:
            if (
                actor.field == field
                and actor.end <= start
                and not text[actor.end : start].strip(" '\u2019s")
            ):
                return actor
        return None

    def actor_after(self, hit: _Hit, chars: int = 24) -> Evidence | None:
        """A country named right after the hit ("declares war on Russia")."""
        if hit[0] < self.offset:
            field, end = "title", hit[1] - 1
        else:
            field, end = "summary", hit[1] - self.offset
        for actor in self.actors:
            if actor.field == field and end <= actor.start <= end + chars:
                return actor
        return None

    def state_after(self, hit: _Hit) -> bool:
        """Is the hit's object a country, not a thing named after one ("Spanish airport fees")?"""
        actor = self.actor_after(hit)
        if actor is None:
            return False
        text = self.title if actor.field == "title" else self.summary
        if text[actor.end : actor.end + 2] in ("'s", "\u2019s"):
            return False  # "war on Hungary's energy": a thing of the country's
        rest = text[actor.end : actor.end + 24].split(None, 1)
        return not rest or not rest[0][0].isalnum() or rest[0].lower() in _AFTER_A_STATE

    def asked(self, hit: _Hit) -> bool:
        """Is the hit inside a question ("Will Iran retaliate?")?"""
        if self.original is None:
            self.original = " " + self.title + SEP + self.summary + " "
        text = self.original
        end = self.offset - 2 if hit[0] < self.offset else len(text)
        match = _SENTENCE_END.search(text, hit[1], end)
        if match is None or match.group() != "?":
            return False
        # "What sanctions has the EU imposed?", "Who are the rebels fighting in Congo?":
        # a wh-question takes the act as given; "Will Israel strike Iran?" does not.
        begin = self.offset if hit[0] >= self.offset else 0
        for mark in _SENTENCE_END.finditer(text, begin, hit[0]):
            begin = mark.end()
        return _WH_QUESTION.search(text, begin, hit[0]) is None

    def dated_past(self, hit: _Hit) -> bool:
        """Is the act dated years back, right before it ("the 1994 genocide", "1999 abuses")?

        A year at most two words before the act, with nothing between that opens
        another clause ("in 2021 after insurgents attacked" dates the pause, not
        the attack); or an "-era" word ("dictatorship-era killings"). "Since
        2014" makes the year a start, not a date. A past-tense verb is dated only
        by a year right before it.
        """
        if "dated" not in self.tagged:
            return False
        words = self.joined[max(0, hit[0] - 4 * _CHARS_PER_WORD) : hit[0]].split()[-4:]
        if SEP in words:
            words = words[words.index(SEP) + 1 :]
        verb = self.text(hit).endswith("ed")
        for back, word in enumerate(reversed(words)):
            if word in _CLAUSE_WORDS or back > 2:
                return False
            if word == "era":
                return True
            if len(word) == 4 and word.isdigit() and 1900 <= int(word) <= self.engine.history_until:
                if verb and back:
                    return False
                previous = words[-back - 2] if back + 2 <= len(words) else ""
                return previous not in _YEAR_AS_START
        return False

    def storied(self, hit: _Hit, value: int, note: str) -> tuple[int, str]:
        """The level of an act told as history or as fiction: 0 ("the 1994 genocide",
        "Mosul siege drama opens festival"); otherwise unchanged. Deaths stay real."""
        if value >= 3 and self.dated_past(hit):
            return 0, f"'{self.text(hit)}' is dated years back: history, not news"
        if (
            "casualty" not in hit[2].tags
            and "fiction" in self.tagged
            and (cue := self.near(hit, "fiction", 8)) is not None
        ):
            self.add(cue, "modifier", "fiction", "a film, show, book or game: not an event")
            return 0, f"'{self.text(hit)}' in a story ('{self.text(cue)}'), not an event"
        return value, note

    def asked_note(self, hit: _Hit) -> str:
        return f"'{self.text(hit)}' asked about, not reported as happening"

    def _indefinite(self, hit: _Hit) -> bool:
        """Is the act introduced by "a", "an" or "any" ("a Chinese blockade or invasion")?"""
        words = self.joined[max(0, hit[0] - 4 * _CHARS_PER_WORD) : hit[0]].split()[-4:]
        return not _INDEFINITE.isdisjoint(words)

    def _next_word(self, hit: _Hit) -> str:
        rest = self.joined[hit[1] : hit[1] + 24].split(None, 1)
        return rest[0] if rest else ""

    def _participle_after_verb(self, a: int, hit: _Hit) -> bool:
        """Is `hit` a past participle right after another verb ("to rescue abducted")?

        Then it describes a state that already exists; "to be attacked" is still ahead.
        """
        between = self.joined[a : hit[0]].split()
        return (
            len(between) == 1
            and between[0] not in _PASSIVE_AUXILIARIES
            and self.joined[hit[0] : hit[1]].endswith("ed")
        )

    def _has_object(self, mod: _Hit) -> bool:
        """Is the verb followed by its object ("ended the fighting"), not a pause?"""
        rest = self.joined[mod[1] : mod[1] + 24].split(None, 1)
        return (
            bool(rest) and rest[0] in _OBJECT_STARTS and not self.ends_between(mod[1], mod[1] + 1)
        )

    def _broken(self, mod: _Hit, hit: _Hit) -> bool:
        return any(h[0] >= mod[1] and h[1] <= hit[0] for h in self.tagged.get("breaker", ()))

    # -- decision ----------------------------------------------------------------------

    def decide(self) -> tuple[int, bool, list[Evidence]]:
        modifiers, cancelling = self.modifiers, self.cancelling
        asking = "?" in self.title or "?" in self.summary
        present = self.tagged
        sport = self._sport() if "sport" in present else None
        storied = "fiction" in present or "dated" in present  # history or fiction possible
        level, deescalation, weak, counted = 0, False, [], False
        title_peace = False  # a de-escalation that stands, in the title
        consumed = self.consumed  # weapons a verb already spoke for (filled as we go)
        threat_only = self.threat_only  # filled by context_level as it goes
        add = self.add
        for hit in self.ordered:
            if hit[0] in consumed:
                continue
            entry = hit[2]
            if entry.plain:  # the common case: a word whose level no context changes
                value, note = entry.level, entry.note
                if (value >= 2 and (modifiers or asking)) or (value == 1 and cancelling):
                    value, note = self.scoped(hit, value, note, asking)
                    if value is None:
                        continue
                if storied and value >= 2:
                    value, note = self.storied(hit, value, note)
                counted = True
                if value:  # routine words ("budget") explain nothing
                    add(hit, "level", _LEVEL_TEXT[value], note)
                    if value > level:
                        level = value
                continue
            tags = entry.tags
            if "weak" in tags:
                weak.append(hit)
                continue
            if sport is not None and "soft" in tags:
                add(sport, "modifier", "sport", sport[2].note + ": not military")
                continue
            if not entry.always and entry.needs.isdisjoint(present):
                value, note = entry.level, entry.note
            else:
                value, note = self.context_level(hit)
                if value is None:
                    continue
            only_threat = hit[0] in threat_only or "threat_only" in tags
            if (
                (value >= 2 and (modifiers or asking))
                or (value == 1 and cancelling)
                or entry.deescalation
                or only_threat
            ):
                value, note = self.scoped(hit, value, note, asking, only_threat)
                if value is None:
                    continue
            if storied and value >= 2:
                value, note = self.storied(hit, value, note)
            counted = True
            if entry.deescalation and value == 0:
                deescalation = True
                title_peace = title_peace or hit[0] < self.offset
                add(hit, "deescalation", "0", note)
            elif "metaphor" in tags:
                add(hit, "modifier", "metaphor", note)
            else:
                add(hit, "level", _LEVEL_TEXT[value], note)
            if value > level:
                level = value
        if weak and not counted:
            for hit in weak:
                value, note = hit[2].level or 0, hit[2].note
                if self.commercial_war(hit):
                    continue
                mod = self.modifier_for(hit, modifiers) if modifiers else None
                if mod is not None and (changed := self.modified(hit, value, note, mod))[0] is None:
                    continue
                if mod is not None:
                    value, note = changed  # type: ignore[assignment]
                if value >= 2 and asking and self.asked(hit):
                    value, note = 1, self.asked_note(hit)
                self.add(hit, "level", str(value), note)
                level = max(level, value)
        if level:  # the frame of the title (see the frame_* settings): cheap tests first
            title = self.title
            if (
                ":" in title or " on," in title or title.endswith(self.engine.retro_ends)
            ) and self.no_event():
                level = 0
            elif title_peace or (
                # a test or drill in the title (the lists are in text order)
                ((tests := present.get("test")) and tests[0][0] < self.offset)
                or ((drills := present.get("exercise")) and drills[0][0] < self.offset)
            ):
                level = self.title_frame(level, title_peace)
            elif modifiers and modifiers[0][0] < self.offset and self._history_title():
                level = self.title_frame(level, True)
        return level, deescalation, self.evidence

    def scoped(
        self, hit: _Hit, value: int, note: str, asking: bool, only_threat: bool = False
    ) -> tuple[int | None, str]:
        """The word's level under the modifier that reaches it and inside a question.

        None: it no longer counts (negated, denied; or a threat-only verb no threat reaches).
        """
        modifiers = self.modifiers
        mod = self.modifier_for(hit, modifiers) if modifiers else None
        if value == 1 and mod is not None and mod[2].effect not in _CANCELS_ACT:
            mod = None  # only a negation or prevention undoes friction
        if mod is not None:
            changed, note = self.modified(hit, value, note, mod)
            if changed is None:
                return None, ""
            value = changed
        elif only_threat:
            return None, ""
        if value >= 2 and asking and self.asked(hit):
            return 1, self.asked_note(hit)
        return value, note

    def no_event(self) -> bool:
        """Does the title report no event: a non-news genre or a retrospective?

        "Review: ...", "Editor's note: ..."; "Beirut's port blast, five years on".
        """
        engine, title = self.engine, self.title
        if engine.genre is not None and ":" in title[:24] and engine.genre.match(title):
            label = (1, 1 + title.index(":"), self.hits[0][2])
            self.add(label, "modifier", "genre", "a non-news genre: no event reported")
            return True
        if (
            engine.retrospective is not None
            and title.endswith(engine.retro_ends)
            and (match := engine.retrospective.search(title)) is not None
        ) or (
            engine.retrospective_lead is not None
            and (match := engine.retrospective_lead.match(title)) is not None
        ):
            tail = (1 + match.start(1), 1 + match.end(1), self.hits[0][2])
            self.add(tail, "modifier", "commemoration", "a retrospective: history, not news")
            return True
        return False

    def title_frame(self, level: int, peace: bool) -> int:
        """The level when the title's event keeps the summary's force words as background.

        A title whose event is a de-escalation that stands (`peace`) or a test or
        drill, with no act of force in it: the summary adds background ("areas hit by
        recent fighting") or the same test ("shells landed in the sea"), unless it
        reports a breach. The level is then the title's own.
        """
        frame = None
        for hit in self.hits:
            if hit[0] >= self.offset:
                break
            entry = hit[2]
            if (peace and (entry.deescalation or entry.effect == "commemoration")) or (
                entry.level and ("test" in entry.tags or "exercise" in entry.tags)
            ):
                frame = hit
                break
        if frame is None:
            return level
        # The title's own level, worked out here rather than in the hot loop ("0"-"5").
        top = max(
            (e.value for e in self.evidence if e.kind == "level" and e.field == "title"),
            default="0",
        )
        title_top = int(top)
        if level <= title_top or title_top >= 3:
            return level
        summary = self.joined[self.offset - 1 :]  # the folded summary, padded
        peace = frame[2].deescalation or frame[2].effect == "commemoration"
        breach = self.engine.breach_peace if peace else self.engine.breach
        if breach is not None and next(breach.iter(summary), None) is not None:
            return level  # "despite the truce", "violating the ceasefire": new news
        kind = (
            "an anniversary"
            if frame[2].effect == "commemoration"
            else "a de-escalation"
            if peace
            else "a test or drill"
        )
        note = f"the title reports {kind}: force words in the summary are background"
        self.add(frame, "modifier", "frame", note)
        return title_top

    def _history_title(self) -> bool:
        """Does the title mark an anniversary ("Hiroshima marks 80 years since ...")?"""
        return any(
            mod[0] < self.offset and mod[2].effect == "commemoration" for mod in self.modifiers
        )

    def commercial_war(self, hit: _Hit) -> bool:
        """A background "war" after a commercial noun ("a transatlantic fare war")."""
        words = self.joined[max(0, hit[0] - 2 * _CHARS_PER_WORD) : hit[0]].split()[-2:]
        if words and words[-1] == "\x01":
            return False
        if self.engine.war_commerce.isdisjoint(words) or "military_cue" in self.tagged:
            return False
        self.add(hit, "modifier", "metaphor", "a commercial war: competition, not fighting")
        return True

    def _sport(self) -> _Hit | None:
        """A sports cue, unless weapons or soldiers show the item is not about sport."""
        sport = None
        for hit in self.hits:
            tags = hit[2].tags
            if ("munition" in tags or "military_cue" in tags) and "soft" not in tags:
                return None
            if sport is None and "sport" in hit[2].tags:
                sport = hit
        return sport

    def context_level(self, hit: _Hit) -> tuple[int | None, str]:
        """The level a word has in its sentence, before modifiers."""
        entry, tags = hit[2], hit[2].tags
        level, note = entry.level or 0, entry.note
        if "state_measure" in tags:  # "US tariffs", "China's tariffs": one state against others
            actor = self.actor_before(hit)
            if actor is None:
                return None, ""
            return 1, f"{actor.text} {self.text(hit)}: a state's measure, friction"
        if ("munition" in tags or "hardware" in tags) and (
            cue := self.near(hit, "purchase")
        ) is not None:  # "Poland signs deal for 180 more K2 tanks": procurement
            self.add(cue, "modifier", "purchase", "weapons bought for one's own forces")
            return 0, f"'{self.text(hit)}' bought, not used: an arms purchase"
        if "enters" in tags:  # "rebels enter Goma": ground taken; "rebels enter talks": nothing
            actor = self.actor_after(hit, 16)
            if actor is None:
                return None, ""
            return 4, f"{self.text(hit)} {actor.text}: a ground offensive"
        if "war_on" in tags and not self.state_after(hit):
            # "declares war on airport fees": a campaign against a thing, not a state
            return 0, f"'{self.text(hit)}' a thing, not a state: a figure of speech"
        if "atrocity" in tags and (cue := self.near(hit, "court")) is not None:
            # "court jails ex-officers over killings", "war crimes conviction upheld"
            self.add(cue, "modifier", "justice", "a court case: the violence it judges is past")
            return 0, f"'{self.text(hit)}' before a court: justice, not fighting"
        if "court" in tags and (cue := self.near(hit, "atrocity")) is not None:
            return 0, f"'{self.text(hit)}' for past violence ('{self.text(cue)}'): justice"
        if (
            "court" in tags
            and (cue := self.near(hit, "crime")) is not None
            and self.near(hit, "foreigners", 3) is None
        ):  # "court jails ex-bank executive over money laundering": ordinary justice
            return 0, f"'{self.text(hit)}' for a crime ('{self.text(cue)}'): ordinary justice"
        if (
            "disaster_sense" in tags
            and (cue := self.near(hit, "disaster") or self._calm_disaster()) is not None
            and self.near(hit, "military_cue") is None
        ):  # "tsunami warning", "roads cut off by floods": nature, not a rival
            return 0, f"'{self.text(hit)}' next to a disaster ('{self.text(cue)}'), not a rival"
        if entry.pair:
            partner = None
            for tag in entry.pair:
                if (partner := self.near(hit, tag, entry.pair_window)) is not None:
                    break
            if partner is not None and "disaster" in tags and "casualty" in partner[2].tags:
                partner = None  # "Storm Ciaran kills 7": the dead do not make it an assault
            if partner is None:
                if (
                    "gunfire" in tags
                    and (actor := self.actor_before(hit)) is not None
                    and self._next_word(hit) not in _VERBAL_LINKS
                ):  # "Tripoli clashes", "Israeli fire"; not "Russia clashes with the West"
                    return 3, f"{actor.text} {self.text(hit)}: gunfire or shelling"
                if "threat_verb" in tags:  # "vows to keep targeting ships": only as a threat
                    self.threat_only.add(hit[0])
                    return 2, note
                return (level or None), note
            if "munition" in partner[2].tags:
                return self.weapon_used(hit, partner)
            level = entry.pair_level
            note = entry.pair_note or f"{self.text(hit)} ({self.text(partner)}): {note}"
        elif "munition" in tags and (space := self.near(hit, "space")) is not None:
            self.add(space, "modifier", "space", "a space launch, not a weapon")
            return 0, "space launch"
        elif "munition" in tags and (trade := self.near(hit, "business")) is not None:
            self.add(trade, "modifier", "business", "a product or market, not a weapon in use")
            return 0, "a product, not a weapon in use"
        if "civil_sense" in tags and (trade := self.near(hit, "business")) is not None:
            return 0, f"'{self.text(hit)}' in a business story ('{self.text(trade)}'): civilian"
        if "labour" in tags:
            if self.near(hit, "strike_object", 2, before=False) is not None:
                return None, ""  # "strikes a deal", "strikes an upbeat tone"
            if self.near(hit, "labour_cue") and not self.near(hit, "military_cue"):
                return 1, "labour strike: friction, not force"
        if "civil" in tags and (cue := self.near(hit, "protest_cue")) is not None:
            return min(level, 1), f"civil protest action ('{self.text(cue)}'): friction"
        if "crowd" in tags and (cue := self.near(hit, "protest_cue")) is not None:
            return min(level, 2), f"crowd control at a protest ('{self.text(cue)}')"
        if (
            ("casualty" in tags or "blast" in tags)
            and (cue := self.near(hit, "disaster") or self._calm_disaster()) is not None
            and not ("gunfire" in cue[2].tags and self.actor_before(cue))
            and not self.violence_near(hit)
        ):
            self.add(cue, "modifier", "disaster", "deaths from a disaster or accident")
            return 0, "deaths from a disaster or accident, not conflict"
        if "counted" in tags:
            after = 12 if "toll" in tags else 4
            # "kills four": an active verb's count follows it ("dozens wounded" before it
            # counts someone else).
            before = 0 if self.text(hit) in _ACTIVE_KILL else 6
            count = self._count(hit, before=before, after=after, not_before=WEAPON_NOUNS)
            if count >= self.engine.casualty_major:
                if self._cumulative(hit):
                    return level or 3, f"{count} killed over time: a running toll, not one attack"
                return 4, f"{count}+ killed: mass-casualty violence"
            if level == 0 and "natural" not in tags:
                cue = self.near(hit, "protest_cue") or self.near(hit, "military_cue")
                if cue is None and "disaster" not in self.tagged:
                    # "Protesters demand his exit; seven found dead": with no disaster in
                    # the item, a crowd or armed men anywhere in it explain the deaths.
                    cue = next(iter(self.tagged.get("protest_cue", ())), None) or next(
                        iter(self.tagged.get("military_cue", ())), None
                    )
                if cue is not None:
                    return 3, f"deaths with '{self.text(cue)}': deadly violence"
        if (
            "arguable" in tags
            and (cue := self.near(hit, "argument", 2, before=False)) is not None
            and self.near(hit, "military_cue") is None
        ):
            return 1, f"{self.text(hit)} {self.text(cue)}: a verbal attack, friction"
        if "cyberable" in tags and (cue := self.near(hit, "cyber", 4)) is not None:
            return 2, f"{self.text(hit)} on computers ('{self.text(cue)}'): a cyberattack"
        if "force" in tags and level >= 3:
            return self.force_level(hit, level, note)
        if "capability" in tags and (cue := self.near(hit, "test")) is not None:
            self.add(cue, "modifier", "test", "a missile test: what it could carry is no threat")
            return 2, f"'{self.text(hit)}' describes the weapon tested: a missile test"
        if "nuclear" in tags and (cue := self.near(hit, "assessment")) is not None:
            return (
                1,
                f"'{self.text(hit)}' in a study or analysis ('{self.text(cue)}'), not a threat",
            )
        if "blast" in tags and (space := self.near(hit, "space")) is not None:
            return 0, f"a launch failure ('{self.text(space)}'), not an attack"
        if "blast" in tags and (site := self.near(hit, "nuclear_site")) is not None:
            return 5, f"explosion on or at a nuclear site ('{self.text(site)}')"
        return level, note

    def weapon_used(self, hit: _Hit, munition: _Hit) -> tuple[int | None, str]:
        """A verb next to a weapon: test, space launch, large salvo or attack."""
        self.consumed.add(munition[0])
        if (space := self.near(hit, "space")) is not None:
            self.add(space, "modifier", "space", "a space launch, not a weapon")
            return 0, "space launch"
        if (cue := self.near(hit, "test")) is not None or "test" in munition[2].tags:
            self.add(cue or munition, "modifier", "test", "fired as a test, not at a target")
            return 2, "missile launch or test: coercion short of force"
        weapon = self.text(munition)
        if _SALVO.search(self.joined, max(0, munition[0] - 24), munition[0]):
            count = self._count(munition, before=3, after=0)
            if count >= self.engine.salvo_major:
                return 4, f"a salvo of {count}+ {weapon}: a large attack"
        if "scale" in self.tagged and self.near(munition, "scale", 2, after=False) is not None:
            return 4, f"{self.text(hit)} many {weapon}: a large attack"
        note = f"{weapon} {self.text(hit)}: weapons used, limited use of force"
        return self.force_level(hit, 3, note)

    def force_level(self, hit: _Hit, level: int, note: str) -> tuple[int, str]:
        """Force in context: part of an exercise, scaled up, or at a nuclear site."""
        tagged = self.tagged
        if _FORCE_CONTEXT.isdisjoint(tagged):
            return level, note
        if "exercise" in tagged and "casualty" not in hit[2].tags:
            drill = self.near(hit, "exercise", 6)
            if drill is not None and not self.ends_between(*_between(drill, hit)):
                word = self.text(hit)
                return 2, f"'{word}' in an exercise ('{self.text(drill)}'): a show of force"
        if level == 3:
            window = self.engine.scale_window
            if (cue := self.near(hit, "scale", window, after=False)) is not None:
                level, note = 4, f"{self.text(cue)} {self.text(hit)}: large-scale attack"
            elif (cue := next(iter(tagged.get("sustained", ())), None)) is not None:
                level, note = 4, f"{self.text(hit)} {self.text(cue)}: sustained fighting"
            elif "capture" in hit[2].tags and self.near(hit, "territory", 3) is not None:
                level, note = 4, "a town or city taken: ground offensive"
        if (site := self.near(hit, "nuclear_site")) is not None:
            return 5, f"force on or at a nuclear site ('{self.text(site)}')"
        return level, note

    def _cumulative(self, hit: _Hit) -> bool:
        """A toll summed over time ("have killed 30 so far this year", "40 since January")."""
        sep = self.offset - 2  # the title/summary separator: a toll stays in its field
        lo, hi = (0, sep) if hit[0] < sep else (sep + 1, len(self.joined))
        window = self.joined[
            max(lo, hit[0] - 6 * _CHARS_PER_WORD) : min(hi, hit[1] + 8 * _CHARS_PER_WORD)
        ]
        return any(marker in window for marker in _CUMULATIVE)

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
        return count_near(words, len(head), before, after, not_before)

    def modified(self, hit: _Hit, value: int, note: str, mod: _Hit) -> tuple[int | None, str]:
        """Apply a modifier's effect; None means the word no longer counts."""
        effect, word = mod[2].effect, self.text(hit)
        self.add(mod, "modifier", effect, mod[2].note)
        if hit[2].deescalation:
            if effect in _CANCELS_PEACE:
                return 1, f"'{word}' rejected or failed: friction"
            return value, note
        if hit[0] in self.threat_only or "threat_only" in hit[2].tags:
            if effect != "threat" or self.near(hit, "disaster") is not None:
                return None, ""  # "warned of more rain": weather, not a threat
            if (
                hit[0] in self.threat_only
                and "announce" in mod[2].tags
                and "military_cue" not in self.tagged
            ):
                return None, ""  # "tariffs to fall", "inflation will hit 5%": no armed actor
            return 2, f"threatened '{word}': explicit threat"
        if effect == "threat":
            if "nuclear" in hit[2].tags:
                return 5, f"explicit nuclear threat ('{word}')"
            return 2, f"threatened '{word}': explicit threat, not an act"
        if effect == "hypothetical":
            if "nuclear_use" in hit[2].tags and self.near(hit, "assessment") is None:
                return 5, f"nuclear use held out as a possibility ('{word}'): a nuclear threat"
            return 1, f"'{word}' is hypothetical or predicted, not happening"
        if effect == "delivery":
            if "nuclear" in hit[2].tags:
                return value, note  # nuclear arms moved or doctrine approved: still nuclear
            return 2, f"'{word}' supplied, not used: arms delivery"
        if "nuclear" in hit[2].tags and effect != "commemoration":
            return 1, f"'{word}' mentioned, not threatened: nuclear rhetoric"
        return None, ""  # negated, prevented, commemorated, denied, warned against
