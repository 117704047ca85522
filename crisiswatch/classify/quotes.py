"""Single quotes around words, taken out before matching and put back in the evidence.

Both engines match phrases on whole words with punctuation folded to spaces, so
"take 'resolute' countermeasures" becomes "take  resolute  countermeasures":
two spaces, and the phrase "take resolute countermeasures" no longer matches.
Headlines quote words all the time ('special combat duty', 'genocide'). The
classifier therefore reads a copy with those quote marks removed, and maps each
evidence span back to the text it was given, quotes included.

Only single quotes at a word's edge go: an apostrophe between letters
("Russia's", "don't") stays a word break, as the gazetteer expects. Double
quotes stay too: they mark clause ends for the level engine's scopes.
"""

from __future__ import annotations

from bisect import bisect_right

from crisiswatch.classify.evidence import make_evidence
from crisiswatch.models import Evidence

QUOTES = ("'", "\u2018", "\u2019")


def has_quotes(text: str) -> bool:
    if text.isascii():  # a constant-time flag of the string
        return "'" in text
    return "'" in text or "\u2018" in text or "\u2019" in text


def _edge_quotes(text: str) -> list[int]:
    """Positions of single quotes that are not between two letters or digits."""
    cuts = []
    last = len(text) - 1
    for quote in ("'",) if text.isascii() else QUOTES:
        at = text.find(quote)
        while at != -1:
            if not (0 < at < last and text[at - 1].isalnum() and text[at + 1].isalnum()):
                cuts.append(at)
            at = text.find(quote, at + 1)
    return cuts


def squeeze(text: str) -> tuple[str, list[int]] | None:
    """`text` without edge quotes, and where the quotes were (`original_index` reads it).

    None when there is nothing to take out.
    """
    cuts = _edge_quotes(text) if has_quotes(text) else None
    if not cuts:
        return None
    cuts.sort()
    pieces = [text[: cuts[0]]]
    pieces.extend(text[a + 1 : b] for a, b in zip(cuts, [*cuts[1:], len(text)], strict=True))
    # For each cut, how many characters of the squeezed text come before it.
    return "".join(pieces), [cut - n for n, cut in enumerate(cuts)]


def original_index(shifted: list[int], index: int) -> int:
    """Where character `index` of the squeezed text stood in the original."""
    return index + bisect_right(shifted, index)


def restore(
    evidence: tuple[Evidence, ...],
    title: str,
    summary: str,
    maps: dict[str, list[int] | None],
) -> tuple[Evidence, ...]:
    """Evidence found in the squeezed text, with spans and text from the original."""
    out = []
    for item in evidence:
        shifted = maps.get(item.field)
        if shifted is None or item.end <= item.start or item.end - 1 < shifted[0]:
            out.append(item)  # before the first quote: the same span
            continue
        start = original_index(shifted, item.start)
        end = original_index(shifted, item.end - 1) + 1
        original = title if item.field == "title" else summary
        field, _, _, _, kind, value, note = item
        out.append(make_evidence(field, start, end, original[start:end], kind, value, note))
    return tuple(out)
