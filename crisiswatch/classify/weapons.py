"""Weapons and force in context: the verb next to a weapon, tests and salvos, and how
far an act of force reaches (an exercise, a large or sustained attack, a town taken,
a nuclear site).

`WeaponRules` sits between the readings of named countries (`namedactors.py`) and the
context rules (`context.py`), which call `weapon_used` for a verb paired with a weapon
and `force_level` for any act of force; `_count` reads the casualty and salvo counts
both use.
"""

from __future__ import annotations

import re

from crisiswatch.classify.civil import _between
from crisiswatch.classify.counts import place_count
from crisiswatch.classify.itemtext import _CHARS_PER_WORD, _Hit
from crisiswatch.classify.namedactors import ActorRules
from crisiswatch.models import Evidence

_FORCE_CONTEXT = frozenset(
    {"exercise", "scale", "sustained", "territory", "nuclear_site", "named_war", "spread"}
    | {"places"}
)
_BARE_DURATION = frozenset(("daily", "nightly"))  # count only in the act's own sentence
# Acts counted in the plural: dozens of them are a campaign, not a single strike.
_COUNTED_ACTS = frozenset(
    {"attacks", "strikes", "airstrikes", "air strikes", "raids", "drone strikes", "bombings"}
    | {"aerial attacks", "missile strikes", "missile attacks", "drone attacks", "air raids"}
    | {"rocket attacks", "attacks on", "strikes on", "airstrikes on", "air strikes on", "raids on"}
)
# Before "major" as a rank ("Army Major martyred"), not a scale ("a major attack").
_RANK_LEAD = frozenset(("army", "retired", "police", "marine", "marines", "air", "navy"))
# Acts named in the plural or as a process: "strikes", "attacks", "the shelling".
_ONGOING_FORMS = frozenset(("fighting", "shelling", "bombardment", "bombardments"))
_SALVO = re.compile(r"\d\d\d|hundreds|thousands")
# Places an act is counted over ("missiles hit at least 10 Ukrainian cities", "strikes
# on energy sites in 12 regions"): this many at once are a wide campaign.
_PLACES = re.compile(r"\b(?:cities|towns|regions|provinces|oblasts|villages|districts)\b")
_PLACES_MAJOR = 5
_PLACE_CUES = frozenset(("places", "territory"))
_LAUNCH_VERBS = frozenset(
    ("launch", "launches", "launched", "launching", "fire", "fires", "fired", "firing")
)
_TESTED = frozenset(("missile", "missiles", "icbm", "icbms"))  # weapons a state tests
_WEIGHT = "pound"  # "2,000-pound bombs": a weight, not a count
_PERSON_KILLED = frozenset(("slaying", "motive"))  # a killing or an assassination of someone


class WeaponRules(ActorRules):
    """The weapons half of the context rules; it keeps no state of its own."""

    __slots__ = ()

    def weapon_used(self, hit: _Hit, munition: _Hit) -> tuple[int | None, str]:
        """A verb next to a weapon: test, space launch, large salvo or attack."""
        if (
            "needs_user" in hit[2].tags
            and self.actor_before(hit) is None
            and self.near(hit, "armed_group", 3, after=False) is None
        ):
            return None, ""  # "farmers using drones": no state or armed group uses it
        self.consumed.add(munition[0])
        if (space := self.near(hit, "space")) is not None:
            self.add(space, "modifier", "space", "a space launch, not a weapon")
            return 0, "space launch"
        cue = self.near(hit, "test")
        if cue is not None and cue[0] == munition[0]:
            cue = None  # a weapon that is mostly tested ("ICBM") tells nothing by itself
        if cue is not None or ("test" in munition[2].tags and not self._aimed(munition)):
            # "fires ICBM", but not "fires ICBM at Ukrainian city"
            self.add(cue or munition, "modifier", "test", "fired as a test, not at a target")
            return 2, "missile launch or test: coercion short of force"
        weapon = self.text(munition)
        if self._launch_at_nothing(hit, munition):
            self.add(munition, "modifier", "test", "launched at no target: a weapons test")
            return 2, f"{weapon} {self.text(hit)} at no target: a missile test"
        if (salvo := _SALVO.search(self.joined, max(0, munition[0] - 24), munition[0])) and (
            _WEIGHT not in self.joined[salvo.end() : munition[0]]  # "2,000-pound bombs"
        ):
            count = self._count(munition, before=3, after=0)
            if count >= self.engine.salvo_major:
                return 4, f"a salvo of {count}+ {weapon}: a large attack"
        if "scale" in self.tagged and self.near(munition, "scale", 2, after=False) is not None:
            return 4, f"{self.text(hit)} many {weapon}: a large attack"
        note = f"{weapon} {self.text(hit)}: weapons used, limited use of force"
        return self.force_level(hit, 3, note)

    def _launch_at_nothing(self, hit: _Hit, munition: _Hit) -> bool:
        """A missile launched with no target in the item ("Iran says it has launched a
        2,000km-range ballistic missile", "fires ballistic missile into the sea"): a test.
        Rockets and drones are not tested in the news; a place or "at" after the weapon,
        or any other act of force or coercion in the item, is a target."""
        if self.text(hit) not in _LAUNCH_VERBS or not _TESTED.intersection(
            self.text(munition).split()
        ):
            return False
        for other in self.hits:  # "sirens sound as Iran fires missiles": an attack
            entry = other[2]
            if (
                entry is not hit[2]
                and entry is not munition[2]
                and ("force" in entry.tags or (entry.level or 0) >= 2)
            ):  # the same launch told again in the summary is no other act
                return False
        return not self._aimed(munition)

    def _aimed(self, munition: _Hit) -> bool:
        """Is the weapon aimed: "at" or "on" right after it, or a country, city or
        region after it in its clause ("missiles into Israel", "at Tel Aviv")?"""
        if self.joined[munition[1] : munition[1] + 4] in (" at ", " on "):
            return True
        end = munition[1]
        for actor in self.actors:
            start = self.joined_start(actor)
            if start >= end and not self.ends_between(end, start):
                return True
        return False

    def force_level(self, hit: _Hit, level: int, note: str) -> tuple[int, str]:
        """Force in context: part of an exercise, scaled up, or at a nuclear site."""
        tagged = self.tagged
        if (
            level == 3
            and self.text(hit) in _COUNTED_ACTS
            and (count := self._count(hit, before=3, after=0)) >= self.engine.casualty_major
        ):  # "launched nearly 35,000 attacks", "hit by 97 strikes since May"
            return 4, f"{count} {self.text(hit)}: a campaign of many acts"
        if (
            _FORCE_CONTEXT.isdisjoint(tagged)
            and "capture" not in hit[2].tags
            and "munition" not in tagged
        ):
            return level, note
        if "exercise" in tagged and "casualty" not in hit[2].tags:
            drill = self.near(hit, "exercise", 6)
            if drill is not None and not self.ends_between(*_between(drill, hit)):
                word = self.text(hit)
                return 2, f"'{word}' in an exercise ('{self.text(drill)}'): a show of force"
        if level == 3:
            window = self.engine.scale_window
            if (cue := self.near(hit, "scale", window, after=False)) is not None and not (
                # "thousands of ... files": a count qualifies the word right after it
                (self.text(cue).endswith(" of") and self.gap(cue[1], hit[0]) > 2)
                # "a mass strike over the murder": the act between takes the adjective
                or self._act_between(cue, hit)
                # "major events after the killing": "major" goes with the next noun or two
                or (self.text(cue) == "major" and self.gap(cue[1], hit[0]) > 1)
                or (self.text(cue) == "major" and self._rank(cue))
            ):
                level, note = 4, f"{self.text(cue)} {self.text(hit)}: large-scale attack"
            elif (place := self._across(hit)) is not None:
                level, note = 4, f"{self.text(hit)} across {place.text}: a wide campaign"
            elif (
                not _PLACE_CUES.isdisjoint(tagged)
                and (places := self._places_counted(hit)) is not None
            ):
                level, note = 4, f"{self.text(hit)} on {places}: a wide campaign"
            elif (salvo := self._salvo_beside(hit)) is not None:
                count, weapon = salvo
                level, note = 4, f"{self.text(hit)} with {count}+ {weapon}: a large attack"
            elif "sustained" in tagged and (cue := self._sustained(hit)) is not None:
                level, note = 4, f"{self.text(hit)} {self.text(cue)}: sustained fighting"
            elif (war := self._war_beside(hit)) is not None:
                # "Israel's attacks on Hezbollah ... the war", "Sudan's raging war ... the
                # fighting": repeated acts within a war the item names are its campaign
                word = self.text(hit)
                level, note = 4, f"'{word}' in the '{self.text(war)}' the item names: a campaign"
            elif "capture" in hit[2].tags and (
                self.near(hit, "territory", 5) is not None
                or self._city_taken(hit)
                or ("fall" in hit[2].tags and self._city_fallen(hit))
            ):
                level, note = 4, "a town or city taken: ground offensive"
        if (
            (site := self.near(hit, "nuclear_site")) is not None
            and self.near(hit, "labour_cue") is None  # "strikes disrupt reactor maintenance"
            # the killing of a person is no attack on the site ("assassination of the head
            # of the nuclear weapons programme"); other force words in the item still are
            and _PERSON_KILLED.isdisjoint(hit[2].tags)
        ):
            return 5, f"force on or at a nuclear site ('{self.text(site)}')"
        return level, note

    def _salvo_beside(self, hit: _Hit) -> tuple[int, str] | None:
        """The large salvo an attack is told with, a few words after it in its clause
        ("attacks Ukraine with hundreds of drones", "an attack featuring more than 600
        drones and missiles") or right before it ("more than 100 missiles launched into
        Israel"). (A verb the weapons pair with is weapon_used's.)"""
        for munition in self.tagged.get("munition", ()):
            if munition[1] <= hit[0]:
                near = self.gap(munition[1], hit[0]) <= 2
                if (
                    near
                    and not self.ends_between(munition[1], hit[0])
                    and (count := self._salvo_count(munition, 0)) is not None
                ):
                    return count, self.text(munition)
                continue
            if munition[0] <= hit[1]:
                continue
            if self.gap(hit[1], munition[0]) > 6 or self.ends_between(hit[1], munition[0]):
                return None
            count = self._salvo_count(munition, hit[1])
            return None if count is None else (count, self.text(munition))
        return None

    def _places_counted(self, hit: _Hit) -> str | None:
        """Many places an act reaches, counted a few words after it in its sentence."""
        start = hit[1]
        window = self.joined[start : start + 8 * _CHARS_PER_WORD]
        for match in _PLACES.finditer(window):
            if self.ends_between(start, start + match.start(), sentence=True):
                return None
            count = place_count(window[: match.start()].split()[-3:])
            if count >= _PLACES_MAJOR:
                return f"{count} {match.group()}"
        return None

    def _salvo_count(self, munition: _Hit, start: int) -> int | None:
        """The size of a large salvo counted right before the weapon, from `start` on
        ("more than 600 drones"); None for a small one or a weight ("2,000-pound bombs")."""
        lead = self.joined[max(start, munition[0] - 24) : munition[0]]
        if _SALVO.search(lead) is None or _WEIGHT in lead:
            return None
        count = self._count(munition, before=3, after=0)
        return count if count >= self.engine.salvo_major else None

    def _rank(self, cue: _Hit) -> bool:
        """Is "major" an officer's rank ("Army Major martyred", "retired major killed")?"""
        before = self.words_before(cue[0], 1)
        return not _RANK_LEAD.isdisjoint(before)

    def _sustained(self, hit: _Hit) -> _Hit | None:
        """A word of duration anywhere in the item ("for a third straight day"), except a
        bare "daily" or "nightly", which speaks for an act only in its own sentence."""
        for cue in self.tagged["sustained"]:
            if cue[2].level is not None or self.text(cue) not in _BARE_DURATION:
                return cue
        return self.near(hit, "sustained")

    def _across(self, hit: _Hit) -> Evidence | None:
        """The country a plural act spreads across: "strikes (on sites) across Iran"."""
        if (
            "spread" not in self.tagged
            or not self.text(hit).split()[0].endswith("s")
            or hit[2].name.startswith("riot")  # "riots spread across France": unrest
        ):
            return None
        words = self.words_after(hit[1], 4)
        if "across" not in words:
            return None
        actor = self.actor_after(hit, 4 * _CHARS_PER_WORD)
        if actor is None or self._words_to(hit, actor).lower().split()[-1:] != ["across"]:
            return None
        return actor

    def _war_beside(self, hit: _Hit) -> _Hit | None:
        """The war the item names, when `hit` is a repeated act ("strikes", "fighting")."""
        word = self.text(hit).split()[-1]
        if not (word.endswith("s") or word in _ONGOING_FORMS):
            return None
        # "Is the war starting again? ... after Israeli strikes": a war only asked about;
        # "France's war over secularism": a war in words
        return next(
            (
                war
                for war in self.tagged.get("named_war", ())
                if not self.asked(war) and not self.war_on_thing(war)
            ),
            None,
        )

    def _act_between(self, cue: _Hit, hit: _Hit) -> bool:
        """Is another word with a level of its own between `cue` and `hit`?"""
        return any(
            other[2].level and cue[1] <= other[0] and other[1] <= hit[0] for other in self.hits
        )
