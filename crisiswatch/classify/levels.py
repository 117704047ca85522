"""The escalation half of the classifier: which level 0-5 a news item reports.

All words live in `data/levels.toml`; this module only knows the mechanics.
One Aho-Corasick pass over the normalised title and summary finds every
phrase; overlapping hits keep the longest (so "strikes a deal" beats
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
import tomllib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import ahocorasick

from crisiswatch.models import Evidence

RULES_FILE = Path(__file__).parent / "data" / "levels.toml"

# Evidence is a frozen, slotted dataclass; its generated __init__ sets every slot
# through object.__setattr__. On this hot path the same slots are set through their
# descriptors: about twice as fast, and an equal object (a test compares the two).
assert tuple(Evidence.__dataclass_fields__) == (
    "field", "start", "end", "text", "kind", "value", "note"
), "Evidence changed: update make_evidence"  # fmt: skip
_SET_FIELD, _SET_START, _SET_END, _SET_TEXT = (
    Evidence.field.__set__, Evidence.start.__set__, Evidence.end.__set__, Evidence.text.__set__
)  # fmt: skip
_SET_KIND, _SET_VALUE, _SET_NOTE = (
    Evidence.kind.__set__, Evidence.value.__set__, Evidence.note.__set__
)  # fmt: skip


def make_evidence(
    field: str, start: int, end: int, text: str, kind: str, value: str, note: str
) -> Evidence:
    """The same as Evidence(field, start, end, text, kind, value, note), built faster."""
    evidence = object.__new__(Evidence)
    _SET_FIELD(evidence, field)
    _SET_START(evidence, start)
    _SET_END(evidence, end)
    _SET_TEXT(evidence, text)
    _SET_KIND(evidence, kind)
    _SET_VALUE(evidence, value)
    _SET_NOTE(evidence, note)
    return evidence


# Lower-case, keep letters and digits, blank out everything else, one character
# for one, so a span found in the normalised text indexes the original string.
_NORMALISE: dict[int, str] = {}
for _code in range(0x370):
    _char = chr(_code)
    _lower = _char.lower()
    _NORMALISE[_code] = (_lower if len(_lower) == 1 else _char) if _char.isalnum() else " "
for _char in "\u2018\u2019\u201a\u201b\u201c\u201d\u2010\u2011\u2012\u2013\u2014\u2026\u2028\u2029":
    _NORMALISE[ord(_char)] = " "

# A clause ends at ; : ! ? brackets, quotes, a full stop or comma before a space,
# or a spaced dash; a sentence only at ; ! ? or a full stop. "U.S." ends nothing.
_PUNCT = re.compile(r"[.,;:!?()\[\]\"\u201c\u201d\u2013\u2014-]")  # a plain charset: fast
_SENTENCE_MARKS = frozenset(".;!?")
_SENTENCE_END = re.compile(r"[;!?]|\.(?=\s|$)")
_SOFT_MARKS = frozenset(".,-\u2013\u2014")  # these end a clause only in some contexts
_CHARS_PER_WORD = 16  # generous: hits further apart than this per word are out of reach
_DASHES = frozenset("-\u2013\u2014")
_SEP = " \x01 "  # between title and summary: no phrase can span it

# What a modifier does to a level-bearing word in its scope, strongest first.
EFFECTS = (
    "negation",
    "prevention",
    "commemoration",
    "denial",
    "against",
    "rejection",
    "delivery",
    "framework",
    "threat",
    "hypothetical",
)
_RANK = {name: rank for rank, name in enumerate(EFFECTS)}
_THREAT = _RANK["threat"]
_LEVEL_TEXT = ("0", "1", "2", "3", "4", "5")
_FORCE_CONTEXT = frozenset({"exercise", "scale", "sustained", "territory", "nuclear_site"})
_SALVO = re.compile(r"\d\d\d|hundreds|thousands")
_CANCELS_PEACE = frozenset({"negation", "rejection", "denial", "prevention"})
_CANCELS_ACT = frozenset({"negation", "prevention"})
# Tags that `near` looks for: only these are indexed per item.
_SOUGHT_TAGS = frozenset(
    {"munition", "military_cue", "vessel", "closable", "passage", "space", "test", "exercise"}
    | {"foreigners"}
    | {"strike_object", "labour_cue", "protest_cue", "disaster", "scale", "territory", "cyber"}
    | {"nuclear_site", "assessment", "warn", "breaker", "sport", "sustained", "business"}
)
# For each tag context_level reads, the cue tags whose presence can change the level:
# without any of them in the item, the word keeps its own level.
_NEEDS: dict[str, frozenset[str]] = {
    "munition": frozenset({"space", "business"}),
    "labour": frozenset({"strike_object", "labour_cue"}),
    "civil": frozenset({"protest_cue"}),
    "crowd": frozenset({"protest_cue"}),
    "casualty": frozenset({"disaster"}),
    "blast": frozenset({"disaster", "nuclear_site"}),
    "cyberable": frozenset({"cyber"}),
    "force": frozenset({"exercise", "scale", "sustained", "territory", "nuclear_site"}),
    "nuclear": frozenset({"assessment"}),
    "advisory": frozenset({"disaster"}),
}
# Tags whose words context_level may change; a word without them keeps its level.
_CONTEXT_TAGS = frozenset(
    {"weak", "soft", "labour", "civil", "crowd", "casualty", "blast", "counted", "force"}
    | {"munition", "threat_only", "metaphor", "cyberable", "nuclear", "advisory"}
)
# After a backward-looking "ends", these words show it has an object ("the truce that
# ended the fighting", "the deal ends years of talks"): it does not reject what precedes.
_OBJECT_STARTS = frozenset(
    ("the", "a", "an", "its", "their", "his", "her", "more", "years", "decades", "months",
     "weeks", "two", "three", "hostilities", "fighting")
)  # fmt: skip

# Number words a headline uses for casualties and salvo sizes.
_NUMBER_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "dozen": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
    "dozens": 24, "scores": 40, "hundreds": 200, "thousand": 1000, "thousands": 2000,
}  # fmt: skip
_TENS = frozenset(("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"))
_UNITS = frozenset(("two", "three", "four", "five", "six", "seven", "eight", "nine"))
_NOT_COUNTS = frozenset(
    ("km", "kilometres", "kilometers", "miles", "metres", "meters", "minutes", "hours", "days",
     "weeks", "months", "years", "percent", "per", "cent", "mph", "tonnes", "tons", "billion",
     "million", "bn", "m", "am", "pm", "th", "st", "nd", "rd")
)  # fmt: skip
_NOT_COUNT_AFTER = frozenset({"aged", "age", "at", "since", "in", "of"})


def normalise(text: str) -> str:
    """Same length as `text`: lower case, punctuation and symbols turned to spaces."""
    return text.translate(_NORMALISE)


def expand(phrase: str) -> list[str]:
    """`"air strike{,s}"` -> `["air strike", "air strikes"]`; braces may repeat."""
    match = re.search(r"\{([^{}]*)\}", phrase)
    if match is None:
        return [phrase]
    head, tail = phrase[: match.start()], phrase[match.end() :]
    return [out for alt in match.group(1).split(",") for out in expand(head + alt + tail)]


@dataclass(frozen=True, slots=True)
class Entry:
    """What one phrase means; many phrases share one entry."""

    name: str
    level: int | None  # None: a cue or modifier with no level of its own
    note: str
    tags: frozenset[str]
    effect: str = ""  # a modifier's effect on level words in its scope
    ahead: int = 0  # how many words after the phrase the effect reaches
    behind: int = 0  # ... and before it
    requires: str = ""  # a modifier that only works after a phrase with this tag
    deescalation: bool = False
    # The word has pair_level only next to a hit with one of the `pair` tags, at most
    # pair_window words away in the same sentence; otherwise its own level.
    pair: tuple[str, ...] = ()
    pair_window: int = 99
    pair_level: int = 3
    pair_note: str = ""
    plain: bool = False  # a level that no context rule can change (set by load_rules)
    cues: tuple[str, ...] = ()  # the tags other words look for (set by load_rules)
    needs: frozenset[str] = frozenset()  # cue tags that can change this word's level
    always: bool = False  # context_level must run (pairs, counts) whatever the cues


@dataclass(frozen=True, slots=True)
class Rules:
    automaton: Any  # padded phrase -> (phrase length, Entry)
    settings: dict[str, Any]


def load_rules(path: Path = RULES_FILE) -> Rules:
    """Parse the TOML lexicon and build the automaton (once per process)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    automaton = ahocorasick.Automaton()
    seen: dict[str, str] = {}
    for section in ("term", "modifier", "cue"):
        for group in data.get(section, []):
            entry = Entry(
                name=group["name"],
                level=group.get("level"),
                note=group.get("note", ""),
                tags=frozenset(group.get("tags", ())),
                effect=group.get("effect", ""),
                ahead=group.get("ahead", 0),
                behind=group.get("behind", 0),
                requires=group.get("requires", ""),
                deescalation=group.get("deescalation", False),
                pair=tuple(group.get("pair", ())),
                pair_window=group.get("pair_window", 99),
                pair_level=group.get("pair_level", 3),
                pair_note=group.get("pair_note", ""),
            )
            if entry.level is not None and not entry.pair and not entry.deescalation:
                entry = replace(entry, plain=not (entry.tags & _CONTEXT_TAGS))
            needs = frozenset().union(*(_NEEDS.get(tag, ()) for tag in entry.tags))
            entry = replace(
                entry,
                cues=tuple(sorted(entry.tags & _SOUGHT_TAGS)),
                needs=needs,
                always=bool(entry.pair) or "counted" in entry.tags,
            )
            for tag in (*entry.pair, *([entry.requires] if entry.requires else [])):
                if tag not in _SOUGHT_TAGS:
                    raise ValueError(
                        f"{path}: {entry.name!r} looks for {tag!r}, which is not indexed"
                    )
            if entry.effect and entry.effect not in _RANK:
                raise ValueError(f"{path}: unknown effect {entry.effect!r} in {entry.name!r}")
            for raw in group["phrases"]:
                for phrase in expand(raw):
                    key = " " + " ".join(normalise(phrase).split()) + " "
                    if seen.get(key, entry.name) != entry.name:
                        raise ValueError(f"{path}: {phrase!r} in {entry.name!r} and {seen[key]!r}")
                    seen[key] = entry.name
                    automaton.add_word(key, (len(key) - 2, entry))  # (phrase length, meaning)
    automaton.make_automaton()
    return Rules(automaton, data.get("settings", {}))


def count_near(words: list[str], at: int, before: int, after: int) -> int:
    """The count nearest to words[at] ("41", "dozens", "1 200"), 0 if there is none."""
    best, best_distance = 0, 99
    for i in range(max(0, at - before), min(len(words), at + after + 1)):
        word = words[i]
        if word.isdigit():
            if i > 0 and (words[i - 1].isdigit() or words[i - 1] in _NOT_COUNT_AFTER):
                continue  # the tail of "1,200", an age, a date
            value, j = int(word), i + 1
            while j < len(words) and len(words[j]) == 3 and words[j].isdigit():
                value, j = value * 1000 + int(words[j]), j + 1  # "1,200" reads "1 200"
            if (len(word) == 4 and 1900 <= value <= 2100) or (
                j < len(words) and words[j] in _NOT_COUNTS
            ):
                continue
        elif word in _NUMBER_WORDS:
            value = _NUMBER_WORDS[word]
            if word == "dozen" and i > 0 and words[i - 1] in _NUMBER_WORDS:
                value = 12 * _NUMBER_WORDS[words[i - 1]]
            elif word in _UNITS and i > 0 and words[i - 1] in _TENS:
                value += _NUMBER_WORDS[words[i - 1]]  # "twenty-six" reads "twenty six"
        else:
            continue
        if abs(i - at) < best_distance:
            best, best_distance = value, abs(i - at)
    return best


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

    def assess(
        self, title: str, summary: str = "", actors: Sequence[Evidence] = ()
    ) -> tuple[int, bool, list[Evidence]]:
        """(level, deescalation, evidence) for one item.

        `actors` is the actor matcher's evidence, if known: "Israeli fire" is gunfire.
        """
        norm_title = title.translate(_NORMALISE)
        joined = " " + norm_title + _SEP + summary.translate(_NORMALISE) + " "
        hits: list[_Hit] = []
        # Matches arrive in order of their end. Keep the longest of overlapping ones
        # ("strikes a deal" over "strikes"); of equal ones, the first.
        for end, (size, entry) in self._matches(joined):
            start = end - size  # `end` is the closing space of the padded phrase
            if hits and hits[-1].stop > start:
                keep = len(hits)
                while keep and hits[keep - 1].stop > start:
                    if end - start <= hits[keep - 1].stop - hits[keep - 1].start:
                        break  # overlaps a hit at least as long: drop it
                    keep -= 1
                else:
                    del hits[keep:]  # the shorter hits it overlaps
                    hits.append(_Hit(start, end, entry))
            else:
                hits.append(_Hit(start, end, entry))
        if not hits:
            return 0, False, []
        return _Item(self, title, summary, joined, len(norm_title) + 4, hits, actors).decide()


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


@dataclass(slots=True)
class _Hit:
    start: int  # span of the phrase in the joined, normalised text
    stop: int
    entry: Entry
    threat_only: bool = False  # counts only inside a threat (set by context_level)
    consumed: bool = False  # a weapon already explained by its verb (set by weapon_used)


def _between(x: _Hit, y: _Hit) -> tuple[int, int]:
    """The gap between two non-overlapping hits, in either order."""
    return (x.stop, y.start) if x.stop <= y.start else (y.stop, x.start)


class _Item:
    """Working state for one item; lives only inside `LevelEngine.assess`."""

    __slots__ = (
        "_shown", "actors", "engine", "evidence", "hits", "joined", "modifiers", "offset",
        "original", "summary", "tagged", "title",
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
        self.tagged: defaultdict[str, list[_Hit]] = defaultdict(list)
        tagged = self.tagged
        for hit in hits:
            for tag in hit.entry.cues:
                tagged[tag].append(hit)
        self.modifiers = [hit for hit in hits if hit.entry.effect]
        self.original: str | None = None  # the raw text in joined coordinates, on first need
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
            self.original = " " + self.title + _SEP + self.summary + " "
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
        return self.joined[hit.start : hit.stop]

    def add(self, hit: _Hit, kind: str, value: str, note: str) -> None:
        if kind == "modifier":  # one modifier may change several words: show it once
            if hit.start in self._shown:
                return
            self._shown.add(hit.start)
        if hit.start < self.offset:
            field, text, start = "title", self.title, hit.start - 1
        else:
            field, text, start = "summary", self.summary, hit.start - self.offset
        end = start + hit.stop - hit.start
        self.evidence.append(make_evidence(field, start, end, text[start:end], kind, value, note))

    # -- context -----------------------------------------------------------------------

    def near(
        self, hit: _Hit, tag: str, window: int = 99, after: bool = True, before: bool = True
    ) -> _Hit | None:
        """The closest other hit tagged `tag` in the same sentence, within `window` words."""
        assert tag in _SOUGHT_TAGS, f"{tag!r} is not indexed: add it to _SOUGHT_TAGS"
        candidates = self.tagged.get(tag)
        if not candidates:
            return None
        best, best_gap = None, window + 1
        for other in candidates:
            if before and other.stop <= hit.start:
                a, b = other.stop, hit.start
            elif after and other.start >= hit.stop:
                a, b = hit.stop, other.start
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
            tags = other.entry.tags
            if "munition" in tags or "armed_group" in tags or "gunfire" in tags:
                return None
            if "force" in tags and "casualty" not in tags and not other.entry.pair:
                return None
        return disasters[0]

    def violence_near(self, hit: _Hit) -> bool:
        """A weapon, an armed group or an act of force in the sentence, not just deaths."""
        for other in self.hits:
            tags = other.entry.tags
            violent = "munition" in tags or "armed_group" in tags
            if not violent and "force" in tags and "casualty" not in tags:
                violent = not other.entry.pair
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
            entry = mod.entry
            if mod.stop <= hit.start:
                a, b, reach = mod.stop, hit.start, entry.ahead
            elif mod.start >= hit.stop and entry.behind:
                if entry.effect == "rejection" and not hit.entry.deescalation:
                    continue  # "talks collapse" looks back; "threatens to quit" does not
                if entry.effect == "rejection" and self._has_object(mod):
                    continue  # "the deal ends years of talks": the deal is not rejected
                a, b, reach = hit.stop, mod.start, entry.behind
            else:
                continue
            if b - a > _CHARS_PER_WORD * (reach + 1) or self.gap(a, b) > reach:
                continue
            if self.ends_between(a, b) or (a == mod.stop and self._broken(mod, hit)):
                continue
            if entry.requires and self.near(mod, entry.requires, 4, after=False) is None:
                continue
            # A threat and a hypothesis rank alike: the outermost (first) one decides,
            # so "warns it is ready to strike" is a threat, "may be ready to" is not.
            rank = min(_RANK[entry.effect], _THREAT)
            if rank < best_rank:
                best, best_rank = mod, rank
        return best

    def actor_before(self, hit: _Hit) -> Evidence | None:
        """The country named right before the hit ("Israeli fire", "Russia's shelling")."""
        if hit.start < self.offset:
            field, text, start = "title", self.title, hit.start - 1
        else:
            field, text, start = "summary", self.summary, hit.start - self.offset
        for actor in self.actors:
            if (
                actor.field == field
                and actor.end <= start
                and not text[actor.end : start].strip(" '\u2019s")
            ):
                return actor
        return None

    def asked(self, hit: _Hit) -> bool:
        """Is the hit inside a question ("Will Iran retaliate?")?"""
        if self.original is None:
            self.original = " " + self.title + _SEP + self.summary + " "
        end = self.offset - 2 if hit.start < self.offset else len(self.original)
        match = _SENTENCE_END.search(self.original, hit.stop, end)
        return match is not None and match.group() == "?"

    def _has_object(self, mod: _Hit) -> bool:
        """Is the verb followed by its object ("ended the fighting"), not a pause?"""
        rest = self.joined[mod.stop : mod.stop + 24].split(None, 1)
        return bool(rest) and rest[0] in _OBJECT_STARTS and not self.ends_between(
            mod.stop, mod.stop + 1
        )

    def _broken(self, mod: _Hit, hit: _Hit) -> bool:
        return any(
            h.start >= mod.stop and h.stop <= hit.start for h in self.tagged.get("breaker", ())
        )

    # -- decision ----------------------------------------------------------------------

    def decide(self) -> tuple[int, bool, list[Evidence]]:
        modifiers = self.modifiers
        cancelling = any(mod.entry.effect in _CANCELS_ACT for mod in modifiers)
        asking = "?" in self.title or "?" in self.summary
        sport = self._sport() if "sport" in self.tagged else None
        level, deescalation, weak, counted = 0, False, [], False
        present = frozenset(self.tagged)
        # Verbs go first: a verb that pairs with a weapon ("drones hit") speaks for both.
        hits = self.hits
        if any(h.entry.pair for h in hits):
            hits = [h for h in hits if h.entry.pair] + [h for h in hits if not h.entry.pair]
        for hit in hits:
            entry = hit.entry
            if entry.level is None or hit.consumed:
                continue
            if "weak" in entry.tags:
                weak.append(hit)
                continue
            if sport is not None and "soft" in entry.tags:
                self.add(sport, "modifier", "sport", sport.entry.note + ": not military")
                continue
            if entry.plain or (not entry.always and entry.needs.isdisjoint(present)):
                value, note = entry.level, entry.note
            else:
                value, note = self.context_level(hit)
                if value is None:
                    continue
            if (
                (value >= 2 and (modifiers or asking))
                or (value == 1 and cancelling)
                or entry.deescalation
                or hit.threat_only
                or "threat_only" in entry.tags
            ):
                mod = self.modifier_for(hit, modifiers) if modifiers else None
                if value == 1 and mod is not None and mod.entry.effect not in _CANCELS_ACT:
                    mod = None  # only a negation or prevention undoes friction
                if mod is not None:
                    value, note = self.modified(hit, value, note, mod)
                elif hit.threat_only or "threat_only" in entry.tags:
                    continue
                if value is None:
                    continue
                if value >= 2 and asking and self.asked(hit):
                    value, note = 1, f"'{self.text(hit)}' asked about, not reported as happening"
            counted = True
            if entry.deescalation and value == 0:
                deescalation = True
                self.add(hit, "deescalation", "0", note)
            elif "metaphor" in entry.tags:
                self.add(hit, "modifier", "metaphor", note)
            elif value or not entry.plain:  # routine words ("budget") explain nothing
                self.add(hit, "level", _LEVEL_TEXT[value], note)
            level = max(level, value)
        if weak and not counted:
            for hit in weak:
                value, note = hit.entry.level or 0, hit.entry.note
                mod = self.modifier_for(hit, modifiers) if modifiers else None
                if mod is not None and (changed := self.modified(hit, value, note, mod))[0] is None:
                    continue
                if mod is not None:
                    value, note = changed  # type: ignore[assignment]
                self.add(hit, "level", str(value), note)
                level = max(level, value)
        return level, deescalation, self.evidence

    def _sport(self) -> _Hit | None:
        """A sports cue, unless weapons or soldiers show the item is not about sport."""
        sport = None
        for hit in self.hits:
            tags = hit.entry.tags
            if ("munition" in tags or "military_cue" in tags) and "soft" not in tags:
                return None
            if sport is None and "sport" in hit.entry.tags:
                sport = hit
        return sport

    def context_level(self, hit: _Hit) -> tuple[int | None, str]:
        """The level a word has in its sentence, before modifiers."""
        entry, tags = hit.entry, hit.entry.tags
        level, note = entry.level or 0, entry.note
        if entry.pair:
            partner = None
            for tag in entry.pair:
                if (partner := self.near(hit, tag, entry.pair_window)) is not None:
                    break
            if partner is None:
                if "gunfire" in tags and (actor := self.actor_before(hit)) is not None:
                    return 3, f"{actor.text} {self.text(hit)}: gunfire or shelling"
                if "threat_verb" in tags:  # "vows to keep targeting ships": only as a threat
                    hit.threat_only = True
                    return 2, note
                return (level or None), note
            if "munition" in partner.entry.tags:
                return self.weapon_used(hit, partner)
            level = entry.pair_level
            note = entry.pair_note or f"{self.text(hit)} ({self.text(partner)}): {note}"
        elif "munition" in tags and (space := self.near(hit, "space")) is not None:
            self.add(space, "modifier", "space", "a space launch, not a weapon")
            return 0, "space launch"
        elif "munition" in tags and (trade := self.near(hit, "business")) is not None:
            self.add(trade, "modifier", "business", "a product or market, not a weapon in use")
            return 0, "a product, not a weapon in use"
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
            and not ("gunfire" in cue.entry.tags and self.actor_before(cue))
            and not self.violence_near(hit)
        ):
            self.add(cue, "modifier", "disaster", "deaths from a disaster or accident")
            return 0, "deaths from a disaster or accident, not conflict"
        if "counted" in tags:
            count = self._count(hit, before=6, after=12 if "toll" in tags else 4)
            if count >= self.engine.casualty_major:
                return 4, f"{count}+ killed: mass-casualty violence"
            if level == 0 and "natural" not in tags:
                cue = self.near(hit, "protest_cue") or self.near(hit, "military_cue")
                if cue is not None:
                    return 3, f"deaths with '{self.text(cue)}': deadly violence"
        if "cyberable" in tags and (cue := self.near(hit, "cyber", 4)) is not None:
            return 2, f"{self.text(hit)} on computers ('{self.text(cue)}'): a cyberattack"
        if "force" in tags and level >= 3:
            return self.force_level(hit, level, note)
        if (
            "advisory" in tags
            and (cue := self.near(hit, "disaster")) is not None
            and self.near(hit, "military_cue") is None
        ):
            return 0, f"a warning about a disaster ('{self.text(cue)}'), not at a rival"
        if "nuclear" in tags and (cue := self.near(hit, "assessment")) is not None:
            return (
                1,
                f"'{self.text(hit)}' in a study or analysis ('{self.text(cue)}'), not a threat",
            )
        if "blast" in tags and (site := self.near(hit, "nuclear_site")) is not None:
            return 5, f"explosion on or at a nuclear site ('{self.text(site)}')"
        return level, note

    def weapon_used(self, hit: _Hit, munition: _Hit) -> tuple[int | None, str]:
        """A verb next to a weapon: test, space launch, large salvo or attack."""
        munition.consumed = True
        if (space := self.near(hit, "space")) is not None:
            self.add(space, "modifier", "space", "a space launch, not a weapon")
            return 0, "space launch"
        if (cue := self.near(hit, "test")) is not None or "test" in munition.entry.tags:
            self.add(cue or munition, "modifier", "test", "fired as a test, not at a target")
            return 2, "missile launch or test: coercion short of force"
        weapon = self.text(munition)
        if _SALVO.search(self.joined, max(0, munition.start - 24), munition.start):
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
        if "exercise" in tagged and "casualty" not in hit.entry.tags:
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
            elif "capture" in hit.entry.tags and self.near(hit, "territory", 3) is not None:
                level, note = 4, "a town or city taken: ground offensive"
        if (site := self.near(hit, "nuclear_site")) is not None:
            return 5, f"force on or at a nuclear site ('{self.text(site)}')"
        return level, note

    def _count(self, hit: _Hit, before: int, after: int) -> int:
        """A count next to `hit`, read in its own field (the nearest number wins)."""
        sep = self.offset - 2
        lo, hi = (0, sep) if hit.start < sep else (sep + 1, len(self.joined))
        lo = max(lo, hit.start - _CHARS_PER_WORD * before)
        hi = min(hi, hit.stop + _CHARS_PER_WORD * after)
        head = self.joined[lo : hit.start].split()
        return count_near([*head, *self.joined[hit.start : hi].split()], len(head), before, after)

    def modified(self, hit: _Hit, value: int, note: str, mod: _Hit) -> tuple[int | None, str]:
        """Apply a modifier's effect; None means the word no longer counts."""
        effect, word = mod.entry.effect, self.text(hit)
        self.add(mod, "modifier", effect, mod.entry.note)
        if hit.entry.deescalation:
            if effect in _CANCELS_PEACE:
                return 1, f"'{word}' rejected or failed: friction"
            return value, note
        if hit.threat_only or "threat_only" in hit.entry.tags:
            if effect != "threat":
                return None, ""
            if hit.threat_only and "announce" in mod.entry.tags and "military_cue" not in self.tagged:
                return None, ""  # "tariffs to fall", "inflation will hit 5%": no armed actor
            return 2, f"threatened '{word}': explicit threat"
        if effect == "threat":
            if "nuclear" in hit.entry.tags:
                return 5, f"explicit nuclear threat ('{word}')"
            return 2, f"threatened '{word}': explicit threat, not an act"
        if effect == "hypothetical":
            if "nuclear_use" in hit.entry.tags and self.near(hit, "assessment") is None:
                return 5, f"nuclear use held out as a possibility ('{word}'): a nuclear threat"
            return 1, f"'{word}' is hypothetical or predicted, not happening"
        if effect == "delivery":
            if "nuclear" in hit.entry.tags:
                return value, note  # nuclear arms moved or doctrine approved: still nuclear
            return 2, f"'{word}' supplied, not used: arms delivery"
        if "nuclear" in hit.entry.tags and effect != "commemoration":
            return 1, f"'{word}' mentioned, not threatened: nuclear rhetoric"
        return None, ""  # negated, prevented, commemorated, denied, warned against
