"""One Aho-Corasick pass over an item for both lexicons (countries and levels).

Both engines match whole words in the same folded text: letters and digits
lower-cased, everything else a space, one character for one. For ASCII text
the two foldings agree, so `Classifier` merges the two automata and reads the
text once; each engine keeps its own automaton for direct use and for text
outside ASCII, where the foldings differ.

The text is `" " + title + SEP + summary + " "`, folded. Every key is a
phrase padded with a space on each side, so a hit starts and ends on a word
boundary, and no key can span the separator.

A phrase's value is `(size, level_entry, actor_index, actor_entry)`: the
phrase length, what the phrase means to the level engine (or None) and to the
actor matcher (index -1 and None if nothing). Each side resolves overlaps its
own way, blind to the other side's phrases:

- levels: the longest of overlapping hits wins, of equal ones the first;
- actors: leftmost-longest, after a case check on the original text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

SEP = " \x01 "  # between title and summary: no phrase can span it

# How a country phrase must be written in the original text.
CASE_ANY = 0  # written lower-case first in the gazetteer ("al-Shabaab"): any case
CASE_INITIAL = 1  # written capitalised ("China"): needs a capital first letter
CASE_UPPER = 2  # written in capitals ("US", "IRGC"): needs all capitals

# What a gazetteer phrase is.
ACTOR = "actor"
IGNORE = "ignore"  # hides a country word inside it ("Paris Hilton")
CUE = "cue"  # only context for the rules ("Atlanta" for Georgia)

# (start, -length, index): sorting gives leftmost, then longest.
Candidate = tuple[int, int, int]


# A level phrase found in the joined text: (start, stop, entry), where entry is
# a rules.Entry. A plain tuple: one is made for nearly every phrase found.
Hit = tuple[int, int, Any]


def joined_text(folded_title: str, folded_summary: str) -> str:
    """The haystack: both folded fields, padded, with the separator between them."""
    return " " + folded_title + SEP + folded_summary + " "


def scan(
    matches: list[tuple[int, int, int]],
    values: Sequence[tuple[int, Any, int, Any]],
    title: str,
    summary: str,
    cues: set[int],
    title_candidates: list[Candidate],
    summary_candidates: list[Candidate],
) -> list[Hit]:
    """Level hits, overlaps resolved; actor candidates and cues are collected on the side.

    `matches` is `PhraseTable.matches(joined_text(...))` and `values` that table's
    values. Actor candidates are in the coordinates of their own field and already
    case-checked.
    """
    offset = len(title) + 4  # where the summary starts in the joined text
    hits: list[Hit] = []
    last_stop = -1  # hits[-1].stop, kept in a local: read for every match
    for key, first, stop in matches:
        size, entry, index, actor = values[key]
        # The phrase without its padding: start at its first letter, end at the
        # closing space.
        start, end = first + 1, stop - 1
        if actor is not None:
            if actor.cue_ids:
                cues.update(actor.cue_ids)
            if actor.kind != CUE:
                if start < offset:
                    text, at, out = title, start - 1, title_candidates
                else:
                    text, at, out = summary, start - offset, summary_candidates
                case = actor.case
                if not case or (
                    text[at].isupper() if case == CASE_INITIAL else text[at : at + size].isupper()
                ):
                    out.append((at, -size, index))
        if entry is None:
            continue
        # Matches arrive in order of their end. Keep the longest of overlapping ones
        # ("strikes a deal" over "strikes"); of equal ones, the first.
        if last_stop > start:
            keep = len(hits)
            while keep and hits[keep - 1][1] > start:
                if size <= hits[keep - 1][1] - hits[keep - 1][0]:
                    break  # overlaps a hit at least as long: drop it
                keep -= 1
            else:
                del hits[keep:]  # the shorter hits it overlaps
                hits.append((start, end, entry))
                last_stop = end
        else:
            hits.append((start, end, entry))
            last_stop = end
    return hits
