"""Bootstrap and check the actor gazetteer against ISO 3166-1.

The committed ``crisiswatch/classify/data/actors.toml`` is the source of truth:
this script only printed its first skeleton (names and codes from pycountry) and
now guards it. ``--check`` fails when an ISO 3166-1 country is missing, when a
table names a code ISO does not know, or when the matcher cannot load the data.
``--skeleton`` prints tables for any missing country, to paste and then finish
by hand.

    python scripts/build_gazetteer.py --check
    python scripts/build_gazetteer.py --skeleton
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path

import pycountry

ROOT = Path(__file__).resolve().parent.parent
GAZETTEER = ROOT / "crisiswatch" / "classify" / "data" / "actors.toml"
# Codes the labelling guide uses that ISO 3166-1 does not assign.
EXTRA_CODES = {"XKX": "Kosovo"}


def iso_countries() -> dict[str, tuple[str, list[str]]]:
    """ISO3 -> (display name, extra names) with pycountry's comma forms dropped."""
    out: dict[str, tuple[str, list[str]]] = {}
    for country in pycountry.countries:
        common = getattr(country, "common_name", None)
        name = common or country.name
        extras = []
        for candidate in (country.name, getattr(country, "official_name", None)):
            if candidate and candidate != name and "," not in candidate and "(" not in candidate:
                extras.append(candidate.removeprefix("the "))
        out[country.alpha_3] = (name, extras)
    for code, name in EXTRA_CODES.items():
        out[code] = (name, [])
    return out


def skeleton(codes: list[str]) -> str:
    iso = iso_countries()
    lines = []
    for code in codes:
        name, extras = iso[code]
        lines.append(f"[countries.{code}]")
        lines.append(f'name = "{name}"')
        if extras:
            joined = ", ".join(f'"{e}"' for e in extras)
            lines.append(f"aliases = [{joined}]")
        lines.append("")
    return "\n".join(lines)


def check() -> int:
    data = tomllib.loads(GAZETTEER.read_text(encoding="utf-8"))
    have = set(data.get("countries", {}))
    iso = set(iso_countries())
    problems = []
    if missing := sorted(iso - have):
        problems.append(f"missing countries: {', '.join(missing)}")
    if unknown := sorted(have - iso):
        problems.append(f"codes ISO does not know: {', '.join(unknown)}")
    try:
        sys.path.insert(0, str(ROOT))
        from crisiswatch.classify.actors import ActorMatcher

        ActorMatcher()
    except Exception as exc:  # report any load error as a check failure
        problems.append(f"matcher failed to load the gazetteer: {exc}")
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print(f"ok: {len(have)} countries")
    return 1 if problems else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--check", action="store_true")
    group.add_argument("--skeleton", action="store_true")
    args = parser.parse_args()
    if args.check:
        return check()
    existing: set[str] = set()
    if GAZETTEER.exists():
        existing = set(tomllib.loads(GAZETTEER.read_text(encoding="utf-8")).get("countries", {}))
    print(skeleton(sorted(set(iso_countries()) - existing)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
