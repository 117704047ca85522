"""Conflict words used about markets, sport, politics, disasters and space.

Written after the held-out batches to probe false alarms directly: each line is
a plain reading under LABELS.md (figures of speech, accidents and launches do
not raise the level; real violence still does).
"""

from __future__ import annotations

import pytest

from crisiswatch.classify import classify


@pytest.mark.parametrize(
    ("title", "level"),
    [
        ("Arsenal beat Chelsea 3-1 to stay top", 0),
        ("Arsenal's attack too strong for Spurs", 0),
        ("Tesla shares explode higher after earnings", 0),
        ("Box office bomb sinks studio's quarter", 0),
        ("Nvidia launches new AI chip", 0),
        ("Company targets 10% growth next year", 0),
        ("Exports hit by US tariffs", 0),
        ("Minister under fire over housing plan", 1),
        ("Critics blast budget as unfair", 1),
        ("Senator slams Fed over rate decision", 1),
        ("Pitch invasion halts cup final", 0),
        ("Tax raid on bank headquarters", 0),
        ("Charm offensive: Xi woos European business leaders", 0),
        ("Streaming giants fight for subscribers", 0),
        ("Djokovic crushes Nadal in straight sets", 0),
        ("Markets crash as recession fears grow", 0),
        ("Killer heatwave grips India", 0),
        ("Lawmakers clash over immigration bill", 1),
        ("Oil prices shoot up on supply fears", 0),
        ("Virus outbreak kills 30 in Congo", 0),
        ("Measles outbreak hits Texas", 0),
        ("Fire destroys historic church in Paris", 0),
        ("Explosion at fireworks factory kills 12", 0),
        ("Plane crash in Nepal kills 68", 0),
        ("Shark attack kills surfer in Australia", 0),
        ("Landmine kills two children in Cambodia", 3),
        ("Unexploded bomb from WWII found in London", 0),
        ("Ex-soldier shot dead in Belfast", 3),
        ("Mass shooting at Texas mall kills 8", 3),
        ("School shooting in Finland kills one", 3),
        ("Gang war in Ecuador prisons leaves 30 dead", 4),
        ("Drug cartels battle for control of Tijuana", 3),
        ("Turf war between gangs kills 5 in Haiti", 3),
        ("Trade war escalates as China hits back with tariffs", 1),
        ("Tariff war hits European exporters", 0),
        ("Cyberattack hits British retailer Marks & Spencer", 2),
        ("Ransomware gang attacks US hospital chain", 2),
        ("Russia's central bank raises rates to fight inflation", 0),
        ("Argentina wins battle against inflation", 0),
        ("Israel's opposition attacks Netanyahu's budget", 1),
        ("Hamas official says group 'ready' for deal", 0),
        ("Kremlin says Putin ready to meet Zelenskiy", 0),
        ("Iran ready to resume nuclear talks", 0),
        ("Taiwan's navy holds rescue drill", 0),
        ("Japan holds tsunami evacuation drill", 0),
        ("Chinese rocket launches weather satellite", 0),
        ("SpaceX rocket explodes during test", 0),
        ("India launches moon mission", 0),
    ],
)
def test_figurative_and_civilian_uses(title: str, level: int) -> None:
    result = classify(title)
    assert result.level == level, [(e.value, e.text, e.note) for e in result.evidence]
