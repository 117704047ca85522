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
    """`text` without edge quotes, and for each of its characters the index it had.

    None when there is nothing to take out.
    """
    cuts = _edge_quotes(text) if has_quotes(text) else None
    if not cuts:
        return None
    cuts.sort()
    pieces: list[str] = []
    kept: list[int] = []
    last = 0
    for cut in cuts:
        pieces.append(text[last:cut])
        kept.extend(range(last, cut))
        last = cut + 1
    pieces.append(text[last:])
    kept.extend(range(last, len(text)))
    return "".join(pieces), kept


def restore(
    evidence: tuple[Evidence, ...],
    title: str,
    summary: str,
    maps: dict[str, list[int] | None],
) -> tuple[Evidence, ...]:
    """Evidence found in the squeezed text, with spans and text from the original."""
    out = []
    for item in evidence:
        index = maps.get(item.field)
        if index is None or item.end <= item.start:
            out.append(item)
            continue
        start, end = index[item.start], index[item.end - 1] + 1
        original = title if item.field == "title" else summary
        out.append(item._replace(start=start, end=end, text=original[start:end]))
    return tuple(out)
