"""The actor gazetteer: ``data/actors.toml`` read, checked and compiled.

The words that stand for each country live in ``data/actors.toml`` (read its
header for the rules). Here they are expanded, folded and compiled once into one
table of phrases (``phrases.PhraseTable``, an Aho-Corasick automaton), so a news
item costs a single pass over its text whatever the size of the gazetteer;
``actors.ActorMatcher`` reads items with it.

* The text is *folded* one character for one character: ASCII letters are
  lower-cased, every other character (punctuation, spaces, accented or
  non-Latin letters) becomes a space. Spans found in the folded text are
  therefore spans in the original, with no offset bookkeeping.
* Every pattern is a folded phrase padded with a space on each side, and the
  folded text is padded the same way, so a hit can only start and end on a
  word boundary: "Iran" never fires inside "Tirana", while "Iran-backed",
  "Russia's" and "U.S.-led" all work.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from crisiswatch.classify.datafile import DataFileError, read_toml, reading
from crisiswatch.classify.phrases import PhraseTable
from crisiswatch.classify.scanner import ACTOR, CASE_ANY, CASE_INITIAL, CASE_UPPER, CUE, IGNORE

GAZETTEER = Path(__file__).resolve().parent / "data" / "actors.toml"
DATA_FILES: tuple[Path, ...] = (GAZETTEER,)

# Case rules (from the way a phrase is written in the gazetteer) and phrase kinds
# are shared with the scanner, which applies the case rules.
_CASE_ANY, _CASE_INITIAL, _CASE_UPPER = CASE_ANY, CASE_INITIAL, CASE_UPPER
_ACTOR, _IGNORE, _CUE = ACTOR, IGNORE, CUE

# What each gazetteer key says about the country, for Evidence.note.
_NOTES = {
    "name": "name of {name}",
    "aliases": "another name for {name}",
    "demonyms": "people or adjective of {name}",
    "capitals": "capital or seat of power of {name}, stands for its government or is a place in it",
    "leaders": "leader or office holder of {name}",
    "bodies": "state body or armed force of {name}",
    "groups": "armed group tied to {name}",
    "places": "place in {name}",
}
_CATEGORIES = tuple(_NOTES)

HYPHENS = "-\u2010\u2011\u2012\u2013"
APOSTROPHES = "'\u2019"


def _fold_table() -> bytes:
    table = bytearray(b" " * 256)
    for byte in range(256):
        char = chr(byte)
        if char.isascii() and char.isalnum():
            table[byte] = ord(char.lower())
    return bytes(table)


_FOLD = _fold_table()


def fold(text: str) -> str:
    """Lower-case ASCII and blank everything else, keeping one char per char."""
    return text.encode("ascii", "replace").translate(_FOLD).decode("ascii")


def _expand(alias: str) -> list[str]:
    """'Israeli(s)' is shorthand for 'Israeli' and 'Israelis'."""
    if alias.endswith("(s)"):
        stem = alias[:-3]
        return [stem, stem + "s"]
    return [alias]


def _case_of(alias: str) -> int:
    letters = [c for c in alias if c.isalpha()]
    if len(letters) >= 2 and all(c.isupper() for c in letters):
        return _CASE_UPPER
    if alias[:1].isupper():
        return _CASE_INITIAL
    return _CASE_ANY


def _core(alias: str) -> tuple[str, bool]:
    """The folded phrase to match, without the ASCII punctuation at its edges.

    Accented letters at an edge stay (as a blank) so "Malé" still needs its
    "é". Returns the core and whether the alias ended in a dot ("U.S.").
    """
    folded = fold(alias)
    start, end = 0, len(alias)
    while start < end and alias[start].isascii() and not alias[start].isalnum():
        start += 1
    while end > start and alias[end - 1].isascii() and not alias[end - 1].isalnum():
        end -= 1
    return folded[start:end], alias.endswith(".")


@dataclass(frozen=True, slots=True)
class _Switch:
    code: str  # "" means the word is not a country here
    note: str
    if_any: frozenset[int]
    unless_any: frozenset[int]


@dataclass(slots=True)
class _Rule:
    first_name: bool = False
    surname: bool = False
    club: bool = False
    venue_only: bool = False
    combining: bool = False
    caps_unsafe: bool = False
    alone: bool = False
    switches: tuple[_Switch, ...] = ()


@dataclass(slots=True)
class ActorEntry:
    """Everything one automaton key stands for."""

    length: int
    kind: str = _CUE
    codes: tuple[str, ...] = ()
    note: str = ""
    case: int = _CASE_ANY
    trailing_dot: bool = False
    rule: _Rule | None = None
    cue_ids: set[int] = field(default_factory=set)


@dataclass(slots=True)
class _Words:
    common: frozenset[str]
    given: frozenset[str]
    venue: frozenset[str]
    alias_heads: frozenset[str]


class GazetteerError(DataFileError):
    """The gazetteer data contradicts itself; raised at load, never per item."""


class _Builder:
    """Turns the parsed gazetteer (plus user aliases) into entries keyed by folded phrase."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.countries: dict[str, dict[str, Any]] = data["countries"]
        self.entries: dict[str, ActorEntry] = {}
        self.owner: dict[str, str] = {}  # key -> where it was defined, for error messages
        self.cue_ids: dict[str, int] = {}
        self.heads: set[str] = set()
        self.errors: list[str] = []

    def names(self) -> dict[str, str]:
        return {code: table["name"] for code, table in self.countries.items()}

    def _add(
        self,
        alias: str,
        kind: str,
        codes: tuple[str, ...],
        note: str,
        where: str,
        override: bool = False,
    ) -> None:
        core, trailing_dot = _core(alias)
        ascii_alnum = sum(c.isascii() and c.isalnum() for c in alias)
        if ascii_alnum < 2 or (not alias.isascii() and ascii_alnum < 3):
            self.errors.append(f"{where}: {alias!r} is too short to match safely")
            return
        case = _case_of(alias)
        entry = self.entries.get(core)
        if entry is None or (override and entry.kind != _CUE):
            entry = ActorEntry(length=len(core), cue_ids=entry.cue_ids if entry else set())
            self.entries[core] = entry
        if entry.kind == _CUE:
            entry.kind, entry.codes, entry.note, entry.case = kind, codes, note, case
            entry.trailing_dot = trailing_dot
            self.owner[core] = where
            return
        if entry.kind != kind or set(entry.codes) != set(codes):
            self.errors.append(
                f"{alias!r} ({where}) clashes with the same phrase in {self.owner[core]}; "
                "use [[shared]] or a [rules] switch"
            )
            return
        entry.case = min(entry.case, case)  # the most lenient spelling wins
        entry.trailing_dot = entry.trailing_dot or trailing_dot

    def _cue(self, phrase: str) -> int:
        core, _ = _core(phrase)
        if core not in self.cue_ids:
            self.cue_ids[core] = len(self.cue_ids)
            self.entries.setdefault(core, ActorEntry(length=len(core)))
        cue_id = self.cue_ids[core]
        self.entries[core].cue_ids.add(cue_id)
        return cue_id

    def build(self, extra_aliases: dict[str, list[str]]) -> tuple[dict[str, ActorEntry], _Words]:
        names = self.names()
        for code, table in self.countries.items():
            name = table["name"]
            # A territory with its own ISO code that the guide's "a city or region
            # inside it" reads as part of a country: Hong Kong and Macao count as China.
            owner = table.get("part_of", code)
            if owner not in self.countries:
                self.errors.append(f"countries.{code}.part_of: unknown code {owner}")
                owner = code
            suffix = f" (part of {names[owner]})" if owner != code else ""
            for category in _CATEGORIES:
                values = [name] if category == "name" else table.get(category, [])
                note = _NOTES[category].format(name=name) + suffix
                for written in values:
                    for alias in _expand(written):
                        self._add(alias, _ACTOR, (owner,), note, f"countries.{code}.{category}")
                        words = fold(alias).split()
                        if len(words) == 1 or category in ("name", "aliases", "demonyms"):
                            self.heads.add(words[0])
        for number, shared in enumerate(self.data.get("shared", [])):
            codes = tuple(sorted(shared["codes"]))
            for code in codes:
                if code not in self.countries:
                    self.errors.append(f"shared[{number}]: unknown code {code}")
            for written in shared["phrases"]:
                for alias in _expand(written):
                    self._add(alias, _ACTOR, codes, shared["note"], f"shared[{number}]")
        for group, phrases in self.data.get("ignore", {}).items():
            for written in phrases:
                for phrase in _expand(written):
                    self._add(phrase, _IGNORE, (), "", f"ignore.{group}")
        for code, aliases in extra_aliases.items():
            if code not in self.countries:
                raise GazetteerError(f"extra alias for unknown country code {code!r}")  # user input
            note = f"user alias for {names[code]}, from the configuration"
            for alias in aliases:
                self._add(alias, _ACTOR, (code,), note, f"user alias for {code}", override=True)
        self._rules()
        if self.errors:
            more = f" (and {len(self.errors) - 3} more)" if len(self.errors) > 3 else ""
            raise GazetteerError(f"{GAZETTEER}: " + "; ".join(self.errors[:3]) + more)
        words = self.data.get("words", {})
        common = frozenset(w.lower() for w in words.get("common", []))
        return self.entries, _Words(
            common=common,
            given=frozenset(words.get("given_names", [])),
            venue=frozenset(w.lower() for w in words.get("venue_words", [])),
            alias_heads=frozenset(self.heads),
        )

    def _context_switch(self, key: str, default_note: str) -> _Switch | None:
        """A shared switch to no country, from a top-level table such as [person_context]."""
        spec = self.data.get(key, {})
        if not spec.get("if_any"):
            return None
        return _Switch(
            code="",
            note=spec.get("note", default_note),
            if_any=frozenset(self._cue(p) for p in spec.get("if_any", [])),
            unless_any=frozenset(self._cue(p) for p in spec.get("unless_any", [])),
        )

    def _rules(self) -> None:
        # A word that is also a given name, in an item about people's private lives
        # ("twins", "a 12-year-old"), is a person; a town that names a football or
        # rugby club, in a sports report, is the club. Both are checked before the
        # word's own switches.
        person_switch = self._context_switch("person_context", "a given name, personal")
        sport_switch = self._context_switch("sport_context", "a club's home town in sport")
        for alias, spec in self.data.get("rules", {}).items():
            core, _ = _core(alias)
            entry = self.entries.get(core)
            if entry is None or entry.kind != _ACTOR:
                self.errors.append(f"rules.{alias}: no country phrase {alias!r} to apply it to")
                continue
            switches = []
            if (
                person_switch is not None
                and spec.get("first_name", False)
                and spec.get("person_context", True)
            ):
                switches.append(person_switch)
            if sport_switch is not None and spec.get("team_town", False):
                switches.append(sport_switch)
            for switch in spec.get("switch", []):
                code = switch["code"]
                if code and code not in self.countries:
                    self.errors.append(f"rules.{alias}: unknown code {code}")
                switches.append(
                    _Switch(
                        code=code,
                        note=switch["note"],
                        if_any=frozenset(self._cue(p) for p in switch.get("if_any", [])),
                        unless_any=frozenset(self._cue(p) for p in switch.get("unless_any", [])),
                    )
                )
            entry.rule = _Rule(
                first_name=spec.get("first_name", False),
                surname=spec.get("surname", False),
                club=spec.get("club", False),
                venue_only=spec.get("venue_only", False),
                combining=spec.get("combining", False),
                caps_unsafe=spec.get("caps_unsafe", False),
                alone=spec.get("alone", False),
                switches=tuple(switches),
            )


@cache
def _load() -> dict[str, Any]:
    return read_toml(GAZETTEER)


_COUNTRY_TABLE = re.compile(rb"^\[countries\.([A-Z]{3})\][ \t]*$", re.MULTILINE)


@cache
def known_codes() -> frozenset[str]:
    """Every ISO3 code the gazetteer knows (ISO 3166-1 plus XKX).

    Read off the table headers rather than the parsed file: every command
    validates the watchlist with these, and parsing 150 KB of TOML would add
    ~55 ms to each start. A test checks that both readings agree.
    """
    return frozenset(code.decode() for code in _COUNTRY_TABLE.findall(GAZETTEER.read_bytes()))


@cache
def country_names() -> dict[str, str]:
    """ISO3 -> the short English name the gazetteer gives it ("Iran", "Russia")."""
    with reading(GAZETTEER):
        return {code: table["name"] for code, table in _load()["countries"].items()}


@cache
def default_gazetteer() -> tuple[PhraseTable[Any], tuple[ActorEntry, ...], _Words]:
    return compile_gazetteer({})


def compile_gazetteer(
    extra_aliases: dict[str, list[str]],
) -> tuple[PhraseTable[Any], tuple[ActorEntry, ...], _Words]:
    with reading(GAZETTEER):
        entries, words = _Builder(_load()).build(extra_aliases)
    table = tuple(entries.values())
    # The scanner's value layout: (size, level entry, actor index, actor entry).
    phrases = PhraseTable(
        (f" {core} ", (entry.length, None, index, entry))
        for index, (core, entry) in enumerate(entries.items())
    )
    return phrases, table, words
