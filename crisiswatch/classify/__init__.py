"""Tag a news item with the countries involved and an escalation level 0-5.

Two independent engines, each explaining itself with `Evidence`:
`actors.ActorMatcher` finds countries, `levels.LevelEngine` picks the level;
then `review.Review`, learned from labelled items, may lower a level the rules
over-read (never raise one), naming the words it weighed.
`VERSION` changes whenever either engine's code or data changes, so stored
items tagged by an older classifier can be found and re-tagged.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from crisiswatch.classify import native
from crisiswatch.classify.actors import ActorMatcher
from crisiswatch.classify.evidence import make_evidence
from crisiswatch.classify.gazetteer import DATA_FILES
from crisiswatch.classify.judge import ItemJudge
from crisiswatch.classify.levels import RULES_FILE, LevelEngine
from crisiswatch.classify.phrases import PhraseTable
from crisiswatch.classify.quotes import has_quotes, restore, squeeze
from crisiswatch.classify.review import Review, rule_tags
from crisiswatch.classify.scanner import SEP, Candidate, scan
from crisiswatch.models import Classification, Evidence

# The learned review's weights (scripts/train_review.py writes them).
WEIGHTS_FILE = Path(__file__).with_name("data") / "review.json"

# Letters and digits lower-cased, the title/summary separator kept, all else a space.
_ASCII_FOLD = bytes(
    ord(c.lower()) if c.isalnum() or c == "\x01" else 32 for c in map(chr, range(128))
) + (b" " * 128)
_SET = tuple(getattr(Classification, name).__set__ for name in Classification.__dataclass_fields__)
assert tuple(Classification.__dataclass_fields__) == (
    "actors", "level", "deescalation", "evidence", "version"
), "Classification changed: update _classification"  # fmt: skip


def _classification(
    actors: tuple[str, ...],
    level: int,
    deescalation: bool,
    evidence: tuple[Evidence, ...],
    version: str,
) -> Classification:
    """The same as Classification(...), built without the frozen-dataclass __init__."""
    result = object.__new__(Classification)
    set_actors, set_level, set_deescalation, set_evidence, set_version = _SET
    set_actors(result, actors)
    set_level(result, level)
    set_deescalation(result, deescalation)
    set_evidence(result, evidence)
    set_version(result, version)
    return result


# Typography with a one-character ASCII twin that both engines read the same way.
_TYPOGRAPHY = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u00a0": " ",
    }
)


def _quote_originals(
    evidence: tuple[Evidence, ...], title: str, summary: str
) -> tuple[Evidence, ...]:
    """Evidence found in an ASCII twin of the text, quoting the text as given."""
    out = []
    for item in evidence:
        original = (title if item.field == "title" else summary)[item.start : item.end]
        if original != item.text:
            field, start, end, _, kind, value, note = item
            item = make_evidence(field, start, end, original, kind, value, note)
        out.append(item)
    return tuple(out)


def merge(actors: PhraseTable[Any], levels: PhraseTable[Any]) -> PhraseTable[Any]:
    """One table with both lexicons' phrases: values as scanner.py lays them out."""
    values: dict[str, tuple[int, Any, int, Any]] = dict(levels.items())
    for key, (size, _, index, entry) in actors.items():
        level = values.get(key)
        values[key] = (size, level[1] if level else None, index, entry)
    return PhraseTable(values.items())


_merged: PhraseTable[Any] | None = None


def _merged_default(actors: PhraseTable[Any], levels: PhraseTable[Any]) -> PhraseTable[Any]:
    """The merged table for the built-in gazetteer: one per process."""
    global _merged
    if _merged is None:
        _merged = merge(actors, levels)
    return _merged


ENGINE = 1  # bump by hand for a change of method that the hash below would not show


def _fingerprint(paths: list[Path]) -> str:
    digest = hashlib.blake2b(digest_size=4)
    for path in paths:
        if path.exists():
            digest.update(path.name.encode() + b"\x00" + path.read_bytes() + b"\x00")
    return digest.hexdigest()


# The modules whose code decides the output: a change to any of them re-tags history.
_CODE = (
    "levels.py",
    "judge.py",
    "framing.py",
    "context.py",
    "history.py",
    "story.py",
    "itemtext.py",
    "civil.py",
    "namedactors.py",
    "weapons.py",
    "justice.py",
    "unrest.py",
    "casualties.py",
    "scope.py",
    "quotes.py",
    "rules.py",
    "counts.py",
    "evidence.py",
    "datafile.py",
    "scanner.py",
    "phrases.py",
    "actors.py",
    "gazetteer.py",
    "review.py",
    "__init__.py",
)
_SOURCES = [
    RULES_FILE,
    WEIGHTS_FILE,
    *sorted(DATA_FILES),
    *(Path(__file__).with_name(name) for name in _CODE),
]
VERSION = f"{ENGINE}.{_fingerprint(_SOURCES)}"

_engine: LevelEngine | None = None
_CORE = native.load()
_review: Review | None = None


def _shared_review() -> Review:
    """One per process, compiled if the core is: the weights are read-only once loaded."""
    global _review
    if _review is None:
        _review = (_CORE[2] if _CORE else Review)(WEIGHTS_FILE)
    return _review


def _level_engine() -> LevelEngine:
    """One engine per process: its phrase table is read-only once built."""
    global _engine
    if _engine is None:
        _engine = LevelEngine()
    return _engine


class Classifier:
    """Actors plus level for one item; build once, call `classify` many times."""

    def __init__(
        self,
        extra_aliases: dict[str, list[str]] | None = None,
        *,
        review: bool | Review = True,
    ) -> None:
        """`review=False` gives the rules' reading alone; a `Review` of other weights is
        what the trainer scores held-out items with (to train and to measure the review)."""
        self.extra_aliases = extra_aliases or {}
        self._review: Review | None
        if isinstance(review, bool):
            self._review = _shared_review() if review else None
        else:
            self._review = review
        self._actors = ActorMatcher(self.extra_aliases)
        self._levels = _level_engine()
        # The hot path: compiled if the installed build has it, else the Python one.
        self._scan: Any
        self._judge: Any
        self._scan, self._judge = _CORE[:2] if _CORE else (scan, ItemJudge)
        if self.extra_aliases:
            self._merged = merge(self._actors.phrases, self._levels.rules.phrases)
        else:
            self._merged = _merged_default(self._actors.phrases, self._levels.rules.phrases)
        # Output of other weights, or of none, must never pass for the shipped classifier's.
        self.version = (
            VERSION if review is True else VERSION + ("-rules" if not review else "-trial")
        )
        if self.extra_aliases:  # user aliases are data too: a change must re-tag history
            blob = json.dumps(self.extra_aliases, sort_keys=True, ensure_ascii=False)
            self.version += "+" + hashlib.blake2b(blob.encode(), digest_size=3).hexdigest()

    def classify(self, title: str, summary: str = "") -> Classification:
        """Actor evidence first, then level evidence, then the review of a level above 0."""
        found = self._rules(title, summary)
        if found.level == 0 or self._review is None:
            return found
        held = self._held(found)
        floor = self._levels.review_floor if held is not None else 0
        level, evidence = self._review.lower(
            title, summary, found.level, len(found.actors), rule_tags(found.evidence), floor
        )
        if not evidence:
            return found
        if held is not None and level == floor:  # say why it went no lower
            field, start, end, text, _, _, _ = held
            note = f"'{text}' leaves no doubt of force: the review lowers it no further"
            evidence += (make_evidence(field, start, end, text, "modifier", "held", note),)
        return _classification(
            found.actors, level, found.deescalation, found.evidence + evidence, found.version
        )

    def _held(self, found: Classification) -> Evidence | None:
        """Level evidence in words the review may not explain away (`review_floor_words`)."""
        if found.level < 3:
            return None
        words = self._levels.review_floor_words
        for item in found.evidence:
            if item.kind == "level" and int(item.value) >= 3 and item.text.lower() in words:
                return item
        return None

    def _rules(self, title: str, summary: str) -> Classification:
        """The rules' reading: actors, and the level their phrases give."""
        if not (title.isascii() and summary.isascii()):
            # Typographic quotes, dashes and no-break spaces are most of the non-ASCII in
            # news: with them made ASCII (one character for one) the text takes the fast
            # path, and the evidence quotes the text as given.
            ascii_title, ascii_summary = (
                title.translate(_TYPOGRAPHY),
                summary.translate(_TYPOGRAPHY),
            )
            if ascii_title.isascii() and ascii_summary.isascii():
                found = self._rules(ascii_title, ascii_summary)
                evidence = _quote_originals(found.evidence, title, summary)
                return _classification(
                    found.actors, found.level, found.deescalation, evidence, found.version
                )
        # "'" is the only quote ASCII text can hold; other text is checked in full.
        if (
            ("'" in title or "'" in summary)
            if title.isascii() and summary.isascii()
            else (has_quotes(title) or has_quotes(summary))
        ):
            squeezed_title, squeezed_summary = squeeze(title), squeeze(summary)
            if squeezed_title or squeezed_summary:
                found = self._classify(
                    squeezed_title[0] if squeezed_title else title,
                    squeezed_summary[0] if squeezed_summary else summary,
                )
                maps = {
                    "title": squeezed_title[1] if squeezed_title else None,
                    "summary": squeezed_summary[1] if squeezed_summary else None,
                }
                evidence = restore(found.evidence, title, summary, maps)
                return _classification(
                    found.actors, found.level, found.deescalation, evidence, found.version
                )
        return self._classify(title, summary)

    def _classify(self, title: str, summary: str) -> Classification:
        if title.isascii() and summary.isascii() and "\x01" not in title and "\x01" not in summary:
            # Both engines fold ASCII the same way (letters and digits lower-cased,
            # everything else a space): fold once, scan once with the merged table.
            # The separator is the one character the fold keeps, so it must not occur
            # in the text itself (it never does in news; such text takes the slow path).
            joined = f" {title}{SEP}{summary} ".encode().translate(_ASCII_FOLD).decode()
            cues: set[int] = set()
            title_candidates: list[Candidate] = []
            summary_candidates: list[Candidate] = []
            merged = self._merged
            hits = self._scan(
                merged.matches(joined),
                merged.values,
                title,
                summary,
                cues,
                title_candidates,
                summary_candidates,
            )
            actor_evidence = self._actors.evidence(
                title, summary, title_candidates, summary_candidates, cues
            )
            if hits:  # LevelEngine.decide, with the core chosen above
                level, deescalation, level_evidence = self._judge(
                    self._levels, title, summary, joined, len(title) + 4, hits, actor_evidence
                ).decide()
            else:
                level, deescalation, level_evidence = 0, False, []
        else:
            actor_evidence = self._actors.find(title, summary)
            level, deescalation, level_evidence = self._levels.assess(
                title, summary, actor_evidence
            )
        if len(actor_evidence) > 1:  # all of it is actor evidence
            codes: tuple[str, ...] = tuple(sorted({e.value for e in actor_evidence}))
        else:
            codes = (actor_evidence[0].value,) if actor_evidence else ()
        return _classification(
            codes,
            level,
            deescalation,
            (*actor_evidence, *level_evidence),
            self.version,
        )


_default: Classifier | None = None


def classify(title: str, summary: str = "") -> Classification:
    """Classify with the built-in gazetteer and rules (no user aliases)."""
    global _default
    if _default is None:
        _default = Classifier()
    return _default.classify(title, summary)
