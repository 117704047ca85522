"""The colours of levels and evidence, one scheme for the dashboard and the command line.

Plain Rich style strings, so `crisiswatch classify` can use them without loading the
dashboard; an analyst who learns that magenta means "the review weighed this word" in
one place can rely on it in the other.
"""

from __future__ import annotations

from crisiswatch.models import Evidence

LEVEL_COLORS = {
    0: "grey58",
    1: "green3",
    2: "yellow3",
    3: "dark_orange",
    4: "red1",
    5: "magenta2",
}

_KIND_STYLES = {
    "actor": "bold cyan",
    "deescalation": "bold green",
    "review": "italic magenta",
    "modifier": "yellow",
}


def level_style(level: int) -> str:
    return LEVEL_COLORS.get(max(0, min(5, level)), "grey58")


def evidence_style(evidence: Evidence) -> str:
    """How a matched phrase is marked: a level's phrase in that level's colour."""
    if evidence.kind == "level":
        level = int(evidence.value) if evidence.value.isdigit() else 0
        return f"bold underline {level_style(level)}"
    return _KIND_STYLES.get(evidence.kind, "bold italic")
