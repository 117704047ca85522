"""Country names for display: the one place that turns an ISO3 code into words."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

GAZETTEER = Path(__file__).resolve().parents[1] / "classify" / "data" / "actors.toml"


@cache
def _gazetteer_names() -> dict[str, str]:
    """`name` per ISO3 table in the classifier's gazetteer, when it is installed."""
    try:
        data = tomllib.loads(GAZETTEER.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return {}
    names: dict[str, str] = {}
    for code, table in data.items():
        if isinstance(table, dict) and isinstance(table.get("name"), str):
            names[code.upper()] = table["name"]
    return names


@cache
def country_name(code: str) -> str:
    """A short English name; the code itself when nothing better is known."""
    code = code.upper()
    name = _gazetteer_names().get(code)
    if name:
        return name
    try:  # fallback until the gazetteer lands; pycountry is optional
        import pycountry
    except ImportError:
        return code
    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        return code
    text = getattr(country, "common_name", None) or country.name
    return str(text).split(",")[0]


@cache
def all_countries() -> tuple[tuple[str, str], ...]:
    """(code, name) for every country the dashboard can offer, sorted by name."""
    codes = set(_gazetteer_names())
    try:
        import pycountry

        codes.update(c.alpha_3 for c in pycountry.countries)
    except ImportError:
        pass
    return tuple(sorted(((c, country_name(c)) for c in codes), key=lambda p: p[1]))


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
