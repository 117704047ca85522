"""Country names for display: the one place that turns an ISO3 code into words.

The names come from the classifier's gazetteer, so the dashboard and the
classifier never disagree about which countries exist.
"""

from __future__ import annotations

from functools import cache

from crisiswatch.classify.gazetteer import country_names


def country_name(code: str) -> str:
    """A short English name; the code itself when the gazetteer does not know it."""
    return country_names().get(code.upper(), code.upper())


@cache
def all_countries() -> tuple[tuple[str, str], ...]:
    """(code, name) for every country the dashboard can offer, sorted by name."""
    return tuple(sorted(country_names().items(), key=lambda pair: pair[1]))


def find_country(text: str) -> str | None:
    """A code from what someone typed: "irn", "Iran" or "Iran (IRN)"."""
    text = text.strip()
    if text.endswith(")") and "(" in text:
        text = text[text.rindex("(") + 1 : -1]
    wanted = text.casefold()
    if not wanted:
        return None
    countries = all_countries()
    for code, name in countries:
        if wanted in (code.casefold(), name.casefold()):
            return code
    starts = [code for code, name in countries if name.casefold().startswith(wanted)]
    return starts[0] if len(starts) == 1 else None
