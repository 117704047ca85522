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

The level is the highest surviving piece of evidence. This module builds the
engine once (lexicon, framing settings); `judge.py` reads one item with it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from crisiswatch.classify.counts import count_near
from crisiswatch.classify.datafile import reading
from crisiswatch.classify.evidence import make_evidence
from crisiswatch.classify.judge import ItemJudge
from crisiswatch.classify.phrases import PhraseTable
from crisiswatch.classify.rules import (
    NORMALISE,
    RULES_FILE,
    Entry,
    Rules,
    expand,
    load_rules,
    normalise,
)
from crisiswatch.classify.scanner import Hit, joined_text, scan
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


def _substrings(words: list[str]) -> PhraseTable[str] | None:
    """A table that finds any of `words` as a substring (None if there are none)."""
    return PhraseTable((word, word) for word in words) if words else None


# Counts of years written out, for a retrospective tail with no punctuation before it.
_NUMBER_WORDS = (
    "a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|"
    "twenty-five|thirty|forty|fifty|sixty|seventy|seventy-five|eighty|hundred"
)


class LevelEngine:
    """Built once; `assess` keeps no state between items, so it is thread-safe."""

    def __init__(self, rules: Rules | None = None) -> None:
        self.rules = rules or load_rules()
        self._phrases = self.rules.phrases
        with reading(RULES_FILE, "[settings]: "):
            self._read_settings(self.rules.settings)

    def _read_settings(self, settings: dict[str, Any]) -> None:
        """Thresholds and the title-framing lists, compiled once."""
        self.casualty_major = int(settings.get("casualty_major", 24))
        self.salvo_major = int(settings.get("salvo_major", 100))
        self.injured_major = int(settings.get("injured_major", 1000))
        self.pair_window = int(settings.get("pair_window", 8))
        self.scale_window = int(settings.get("scale_window", 3))
        # Framing by the title (see levels.toml): compiled once, read only when it can apply.
        genres = "|".join(re.escape(g) for g in settings.get("frame_genres", ()))
        tails = "|".join(re.escape(t) for t in settings.get("frame_retrospective", ()))
        # "On this day in 1950: ..." names its year before the colon.
        self.genre = (
            re.compile(rf"(?i)\s*(?:{genres})(?:\s+in\s+\d{{3,4}})?\s*:\s") if genres else None
        )
        # Acts dated this year or earlier are history (see judge.ItemJudge.dated_past).
        self.history_until = datetime.now(UTC).year - 2
        # The "... on" tails: they may lead the title, and a count of years may end it.
        ons = "|".join(
            re.escape(t) for t in settings.get("frame_retrospective", ()) if t.endswith(" on")
        )
        # Set off by punctuation, or a count of years "on" ("Rabaa massacre 10 years on";
        # not "still missing 12 years later", which goes on).
        self.retrospective = (
            re.compile(
                rf"(?i)(?:[,:;\u2013\u2014]\s*|\s(?=(?:\d+|{_NUMBER_WORDS})\s+(?:{ons})\W*$))"
                rf"((?:[\w-]+\s+)?(?:{tails}))\W*$"
            )
            if tails
            else None
        )
        # Searched in the folded summary (lower case, punctuation as spaces) as padded
        # substrings, by a small automaton: one native pass, whatever the lists' length.
        breach = [
            " " + word[:-1] if word.endswith("*") else f" {word} "
            for word in settings.get("frame_breach", ())
        ]
        peace = [f" {w} " for raw in settings.get("frame_breach_peace", ()) for w in expand(raw)]
        test = [f" {w} " for w in settings.get("frame_breach_test", ())]
        self.breach, self.breach_peace = _substrings(breach + test), _substrings(breach + peace)
        news = [f" {w} " for w in settings.get("frame_breach_history", ())]
        self.breach_history = _substrings(news + peace)
        self.war_commerce = frozenset(settings.get("war_commerce", ()))
        # "Ten years on, Mosul ...": the "... on" tails leading the title ("A year later:
        # Israel strikes again" is news, so "later" does not lead).
        self.retrospective_lead = re.compile(rf"(?i)((?:[\w-]+\s+)?(?:{ons}))\s*,") if ons else None
        # "..., dies at 89": framing.py checks the age against frame_obituary_age.
        deaths = "|".join(re.escape(t) for t in settings.get("frame_obituary", ()))
        self.obituary = re.compile(rf"(?i)\b(?:{deaths})\s+(\d+)\W*$") if deaths else None
        self.obituary_age = int(settings.get("frame_obituary_age", 40))
        # "Rogue review – it's Megan Fox v a lion": a genre named before a spaced dash.
        dashed_genres = [str(g).lower() for g in settings.get("frame_genres_dashed", ())]
        dashed = "|".join(re.escape(g) for g in dashed_genres)
        # (one group: the genre's own word, which the evidence quotes)
        self.genre_dash = re.compile(rf"(?i)\s({dashed})\s+[-–—]\s") if dashed else None
        self.genre_dash_words = tuple(f" {g} " for g in dashed_genres)  # a cheap test first
        # Acts the learned review may not lower below `review_floor` (see levels.toml).
        self.review_floor = int(settings.get("review_floor", 0))
        self.review_floor_words = frozenset(settings.get("review_floor_words", ()))
        # "Hosni Mubarak obituary": a title that ends by naming its genre.
        self.obituary_ends = tuple(" " + t for t in settings.get("frame_obituary_title", ()))
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
        phrases = self._phrases
        hits = scan(phrases.matches(joined), phrases.values, title, summary, set(), [], [])
        return self.decide(title, summary, joined, hits, actors)

    def decide(
        self,
        title: str,
        summary: str,
        joined: str,
        hits: list[Hit],
        actors: Sequence[Evidence] = (),
    ) -> tuple[int, bool, list[Evidence]]:
        """`assess` after the scan: `hits` are the scanner's level hits in `joined`."""
        if not hits:
            return 0, False, []
        return ItemJudge(self, title, summary, joined, len(title) + 4, hits, actors).decide()
