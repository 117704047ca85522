"""The level lexicon: `data/levels.toml` read into one table of phrases.

Kept apart from the matching engine (levels.py) so the data format, its
validation and the text normalisation it relies on can be read in one place.
Each phrase maps to an `Entry` (what it means); loading checks that every tag
an entry looks for is one the engine indexes, and that no phrase means two things.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from crisiswatch.classify.datafile import DataFileError, read_toml, reading
from crisiswatch.classify.phrases import PhraseTable

RULES_FILE = Path(__file__).parent / "data" / "levels.toml"

# Lower-case, keep letters and digits, blank out everything else, one character
# for one, so a span found in the normalised text indexes the original string.
NORMALISE: dict[int, str] = {}
for _code in range(0x370):
    _char = chr(_code)
    _lower = _char.lower()
    NORMALISE[_code] = (_lower if len(_lower) == 1 else _char) if _char.isalnum() else " "
for _char in "\u2018\u2019\u201a\u201b\u201c\u201d\u2010\u2011\u2012\u2013\u2014\u2026\u2028\u2029":
    NORMALISE[ord(_char)] = " "

# What a modifier does to a level-bearing word in its scope, strongest first.
EFFECTS = (
    "negation",
    "prevention",
    "commemoration",
    "comparison",
    "denial",
    "against",
    "rejection",
    "delivery",
    "framework",
    "threat",
    "hypothetical",
)
RANK = {name: rank for rank, name in enumerate(EFFECTS)}
# One braced phrase may stand for at most this many phrases: the lexicon is built at
# start-up in every process, so a cross-product of word lists is a cost, not a rule.
MAX_EXPANSION = 2500

# Tags that `near` looks for: only these are indexed per item.
SOUGHT_TAGS = frozenset(
    {"munition", "military_cue", "vessel", "closable", "passage", "space", "test", "exercise"}
    | {"foreigners"}
    | {"strike_object", "labour_cue", "protest_cue", "disaster", "scale", "territory", "cyber"}
    | {"nuclear_site", "assessment", "warn", "breaker", "sport", "sustained", "business"}
    | {"argument", "court", "atrocity", "fiction", "dated", "purchase", "crime", "walkout"}
    | {"crime_act", "motive", "scenario", "infrastructure", "nuclear", "nuclear_arms"}
    | {"dispute_word", "captives", "truce_word", "vice", "animals", "armed_group"}
    | {"diplomats", "expellees", "conflict_word", "tractors", "past_war", "theft"}
    | {"assault", "slaying", "police_report", "private_person", "public_figure"}
    | {"nature_force", "stakes", "political", "coup", "named_war", "shot_down", "spread"}
    | {"recording", "designating", "rampage", "places", "many"}
)
# For each tag context_level reads, the cue tags whose presence can change the level:
# without any of them in the item, the word keeps its own level.
_NEEDS: dict[str, frozenset[str]] = {
    "munition": frozenset({"space", "business", "purchase", "sport"}),
    "hardware": frozenset({"purchase", "disaster"}),
    "enforcement": frozenset({"vice", "crime", "disaster"}),
    "labour": frozenset({"strike_object", "labour_cue", "walkout"}),
    "civil": frozenset({"protest_cue"}),
    "crowd": frozenset({"protest_cue"}),
    "casualty": frozenset(
        {"disaster", "animals", "past_war", "protest_cue", "labour_cue", "walkout", "breaker"}
    ),
    "combat": frozenset({"disaster"}),
    "animal_attack": frozenset({"animals"}),
    "farm_protest": frozenset({"tractors"}),
    "theft_sense": frozenset({"theft"}),
    "blast": frozenset({"disaster", "nuclear_site", "space"}),
    "cyberable": frozenset({"cyber"}),
    "force": frozenset(
        {"exercise", "scale", "sustained", "territory", "nuclear_site", "crime_act", "court"}
        | {"past_war", "private_person", "animals", "nature_force", "named_war", "breaker"}
        | {"spread", "places", "many", "police_report"}
    ),
    "nuclear": frozenset({"assessment"}),
    "capability": frozenset({"test"}),
    "disaster_sense": frozenset({"disaster", "stakes", "space"}),
    "civil_sense": frozenset({"business", "space"}),
    "atrocity": frozenset({"court"}),
    "court": frozenset({"atrocity", "crime", "private_person"}),
    "coup": frozenset({"court"}),
}
_ALWAYS = frozenset(
    {"war_on", "state_measure", "trade_measure", "enters", "sends_troops", "capture", "injury"}
    | {"arguable", "state_act", "front_line", "legal", "rulable", "needs_rival", "gathering"}
    | {"statecraft", "repression", "owned_threat"}
)  # tags whose words are always read in context
# Tags whose words context_level may change; a word without them keeps its level.
_CONTEXT_TAGS = frozenset(
    {"weak", "soft", "games", "labour", "civil", "crowd", "casualty", "blast", "counted", "force"}
    | {"munition", "threat_only", "metaphor", "cyberable", "nuclear", "disaster_sense", "arguable"}
    | {
        "civil_sense",
        "atrocity",
        "court",
        "legal",
        "rulable",
        "needs_rival",
        "war_on",
        "state_measure",
        "trade_measure",
        "repression",
        "owned_threat",
        "capability",
        "enters",
        "hardware",
        "capture",
        "coup",
        "sends_troops",
        "enforcement",
        "combat",
        "injury",
        "animal_attack",
        "farm_protest",
        "theft_sense",
        "state_act",
        "front_line",
        "gathering",
        "statecraft",
    }
)


def normalise(text: str) -> str:
    """Same length as `text`: lower case, punctuation and symbols turned to spaces."""
    return text.translate(NORMALISE)


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
    rank: int = 99  # a modifier's strength: threats and hypotheses rank alike (set by load_rules)


@dataclass(frozen=True, slots=True)
class Rules:
    phrases: PhraseTable[Any]  # padded phrase -> (phrase length, Entry, -1, None): scanner.py
    settings: dict[str, Any]


def _entry(path: Path, group: dict[str, Any]) -> Entry:
    """One [[term]], [[modifier]] or [[cue]] table as the engine reads it."""
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
        cues=tuple(sorted(entry.tags & SOUGHT_TAGS)),
        needs=needs,
        always=bool(entry.pair) or bool(entry.tags & ({"counted"} | _ALWAYS)),
        # A supply, a threat and a hypothesis rank alike: the outermost (first)
        # one decides, so "warns it is ready to strike" is a threat, "may be ready
        # to" is not, and "urges allies to speed up deliveries of arms" is a plea.
        rank=min(RANK[entry.effect], RANK["delivery"]) if entry.effect in RANK else 99,
    )
    for tag in (*entry.pair, *([entry.requires] if entry.requires else [])):
        if tag not in SOUGHT_TAGS:
            raise DataFileError(f"{path}: {entry.name!r} looks for {tag!r}, which is not indexed")
    if entry.effect and entry.effect not in RANK:
        raise DataFileError(f"{path}: unknown effect {entry.effect!r} in {entry.name!r}")
    return entry


def load_rules(path: Path = RULES_FILE) -> Rules:
    """Parse the TOML lexicon into its phrase table (once per process)."""
    data = read_toml(path)
    table: dict[str, tuple[int, Entry, int, None]] = {}
    seen: dict[str, str] = {}
    for section in ("term", "modifier", "cue"):
        names: set[str] = set()
        for number, group in enumerate(data.get(section, []), 1):
            with reading(path, f"[[{section}]] number {number}: "):
                entry = _entry(path, group)
                if entry.name in names:  # rules find entries by name: one name, one entry
                    raise DataFileError(f"{path}: two {section}s named {entry.name!r}")
                names.add(entry.name)
                for raw in group["phrases"]:
                    phrases = expand(raw)
                    if len(phrases) > MAX_EXPANSION:  # each phrase costs start-up time
                        raise DataFileError(
                            f"{path}: {raw[:40]!r}... in {entry.name!r} expands to "
                            f"{len(phrases)} phrases (at most {MAX_EXPANSION}): split it or "
                            "use a pair"
                        )
                    for phrase in phrases:
                        # Spaces written (or left by an empty alternative) collapse;
                        # punctuation folds to a space, one for one, as in the text:
                        # "Jan. 6" is "jan  6" in both, "25% tariffs" is "25  tariffs".
                        key = " " + normalise(" ".join(phrase.split())).strip(" ") + " "
                        if seen.get(key, entry.name) != entry.name:
                            raise DataFileError(
                                f"{path}: {phrase!r} in {entry.name!r} and {seen[key]!r}"
                            )
                        seen[key] = entry.name
                        # The scanner's value layout: (size, level entry, actor index,
                        # actor entry).
                        table[key] = (len(key) - 2, entry, -1, None)
    return Rules(PhraseTable(table.items()), data.get("settings", {}))
