"""Country names for display come from the gazetteer, with no optional package."""

from __future__ import annotations

from crisiswatch.tui.names import all_countries, country_name, find_country


def test_country_names_come_from_the_gazetteer() -> None:
    """The panels, palette and watch prompt name every ISO country without extra packages."""
    assert country_name("RUS") == "Russia"
    assert country_name("irn") == "Iran"
    assert country_name("ZZZ") == "ZZZ"
    assert len(all_countries()) >= 249
    assert find_country("Taiwan") == "TWN"
    assert find_country("south korea") == "KOR"
