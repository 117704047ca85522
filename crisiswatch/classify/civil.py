"""Civilian readings of conflict words: the rules that find no conflict at all.

A warplane in an accident, troops fighting wildfires, soldiers killed in an ended
war, dead whales, a tiger that attacked, a crackdown on street drinking, a raid on a
zoo, farmers encircling a city with tractors, pilgrims who rally. `CivilRules` sits
between the story rules and `context.ContextRules`, which asks it first
(`civil_level`).
"""

from __future__ import annotations

import re

from crisiswatch.classify.itemtext import _Hit
from crisiswatch.classify.story import _POLICE, StoryRules
from crisiswatch.models import Evidence

# Law-enforcement bodies and their units, right before an act they do ("FBI agents seize").
_LAW_AGENCIES = _POLICE | frozenset(("fbi", "swat", "agents", "deputies", "troopers", "customs"))
_TENSE = frozenset(("has", "have", "had"))  # "police have captured"
_UNITS = frozenset(("team", "teams", "unit", "units", "squad", "squads"))
# Words of a count between a killing and what was killed ("at least six", "more than 200").
_COUNT_WORDS = frozenset(
    ("at", "least", "more", "than", "some", "about", "around", "nearly", "almost", "over", "up",
     "to", "of", "a", "the", "dozens", "hundreds", "thousands", "two", "three", "four", "five",
     "six", "seven", "eight", "nine", "ten", "dozen", "hundred", "thousand", "million")
)  # fmt: skip
# People between an animal and a killing word: they, not the animal, may be the dead.
_NOT_ANIMALS = frozenset(
    ("people", "man", "men", "woman", "women", "child", "children", "boy", "girl", "person",
     "persons", "residents", "villagers", "farmer", "farmers", "hunter", "hunters", "tourist",
     "tourists", "hiker", "hikers", "owner", "owners", "keeper", "worker", "workers", "who")
)  # fmt: skip
# Verbs a force of nature does a few words after it is named, with no weapon about.
_NATURE_VERBS = frozenset(("struck", "strikes", "hit", "hits", "slammed", "pounded", "battered"))
_ARMED_OR_WEAPON = frozenset(("munition", "armed_group", "military_cue"))
# Words that may stand between a force of nature and its act: "storms that struck",
# "a tropical storm has struck".
_DOER_LINKS = frozenset(("that", "which", "has", "have", "had"))
# Words between deaths and the accident named as their cause: "killed in a crash".
_CAUSE_LINK = frozenset(("in", "a", "an", "the", "by", "during", "after"))
# Deaths by a gun or a blade: a road or a storm nearby is where they happened, not why.
_BY_HAND = frozenset(
    ("shot dead", "gunned down", "gun down", "guns down", "fatally shot", "fatally stabbed")
)
# What makes a rally a protest: what it is against, or who calls it.
_RALLY_OPPOSED = frozenset(("against", "outside", "protest", "protesting", "defiance", "demanding"))
_RALLY_CALLERS = frozenset(("opposition", "mass", "protesters", "activists", "anti-government"))
# A cyber crime is policing only when the police act ("cyber gang taken down").
_POLICING = re.compile(r" (?:police|law enforcement|taken down|arrested|europol|fbi|sentenced) ")


def _between(x: _Hit, y: _Hit) -> tuple[int, int]:
    """The gap between two non-overlapping hits, in either order."""
    return (x[1], y[0]) if x[1] <= y[0] else (y[1], x[0])


_HUMAN_FOE = frozenset({"military_cue", "armed_group", "force"})
_WHERE_NOTES = ("people or adjective", "place in")  # whose or where the disaster is
_PLACES = ("place", "capital")  # gazetteer notes of towns and capitals, not of states
# A fire after these is a blaze: a town's, a capital's or a country's by its name
# ("South Africa fire"); after a people's adjective it is gunfire ("Israeli fire").
_BLAZE_SITES = (*_PLACES, "name of", "another name for")
# Words that name a blaze: with one in the item, a people's "fire" burns ("Identifying
# victims in South African fire ... caught in the blaze").
_BLAZE_WORDS = frozenset(("blaze", "blazes", "flames", "inferno", "wildfire", "wildfires"))
# Words that may stand between "strikes" and "deal": sums and what kind of deal it is.
_TONES = frozenset(("tone", "tones", "note", "notes", "chord"))
_DEAL_WORDS = frozenset(
    ("a", "an", "new", "landmark", "major", "historic", "trade", "bn", "billion", "million",
     "m", "multi", "multibillion", "multi-billion", "supply", "arms", "energy", "gas", "oil",
     "sweeping", "percent", "per", "cent", "tariff", "tax", "loan", "debt", "licensing",
     "preliminary", "tentative", "interim", "partial", "bilateral", "last-minute", "record",
     "merger", "minerals", "mineral", "sponsorship", "content", "investment", "aid", "broad",
     "comprehensive", "big", "huge", "massive", "year", "long-term")
)  # fmt: skip
_ANIMAL_LEAD = frozenset(
    {"a", "an", "the", "his", "her", "their", "its", "protected", "wild", "stray", "rare"}
    | {"of", "feral", "invasive", "super", "giant"}
)  # words that may stand between an act and the animal it is done to


class CivilRules(StoryRules):
    """The civilian half of the context rules; it keeps no state of its own."""

    __slots__ = ()

    def _armed_near(self, hit: _Hit) -> bool:
        """An armed force or weapon in the sentence; a death ("deadly tornado") is not one."""
        for other in self.tagged.get("military_cue", ()):
            if (
                other[0] != hit[0]
                and "casualty" not in other[2].tags
                and "closable" not in other[2].tags  # "closed the border": what is shut
                and not self.ends_between(*_between(other, hit), sentence=True)
            ):
                return True
        return False

    def violence_near(self, hit: _Hit) -> bool:
        """A weapon, an armed group or an act of force in the sentence, not just deaths."""
        for other in self.hits:
            tags = other[2].tags
            violent = "munition" in tags or "armed_group" in tags
            if not violent and "force" in tags and "casualty" not in tags:
                violent = not other[2].pair and not (
                    "combat" in tags and self._foe_in_nature(other) is not None
                )
                # "tornadoes struck": an act whose doer is nature is no violence
                violent = violent and self._nature_as_doer(other) is None
            if (
                violent
                and other[0] != hit[0]
                and not self.ends_between(*_between(other, hit), sentence=True)
            ):
                return True
        return False

    def _at_animal(self, hit: _Hit) -> _Hit | None:
        """An animal as the object, right after the act: "shooting a wolf", "killing
        protected bear" (not "attack on a poultry farm")."""
        cue = self.near(hit, "animals", 3, before=False)
        if cue is None or not _ANIMAL_LEAD.issuperset(self.joined[hit[1] : cue[0]].split()):
            return None
        return cue

    def _animal_subject(self, hit: _Hit) -> _Hit | None:
        """Animals earlier in the sentence, and no people or armed men between, as the
        ones killed: "feral pigs roaming the park caught and killed"."""
        cue = self.near(hit, "animals", 8, after=False)
        if (
            cue is None
            or any("casualty" not in o[2].tags for o in self.tagged.get("military_cue", ()))
            or not _NOT_ANIMALS.isdisjoint(self.joined[cue[1] : hit[0]].split())
        ):
            return None
        return cue

    def _foe_in_nature(self, hit: _Hit) -> _Hit | None:
        """A disaster or disease as the object of a fight: right after it, or after
        "against" ("the battle against India's deadly second Covid wave")."""
        after = self.joined[hit[1] : hit[1] + 9]
        cue = self.near(hit, "disaster", 6 if after == " against " else 3, before=False)
        if cue is None or self.text(cue).startswith("erupt"):
            return None  # "clashes erupt": the fighting breaks out, no volcano
        for other in self.hits:  # "troops fight rebels as cholera spreads": a human foe
            tags = other[2].tags
            if (
                hit[1] <= other[0] < cue[0]
                and not _HUMAN_FOE.isdisjoint(tags)
                and "casualty" not in tags  # "against the deadly Covid wave"
            ):
                return None
        for actor in self.actors:  # "against India's Covid wave", "Alberta wildfires"
            if hit[1] <= self.joined_start(actor) < cue[0] and not (
                self._possessive(actor) or actor.note.startswith(_WHERE_NOTES)
            ):
                return None
        return cue

    def _nature_as_doer(self, hit: _Hit) -> _Hit | None:
        """A disaster before the act as its doer: a storm that advances ("Hurricane
        Melissa ... is closing in on Jamaica"), or a force of nature right before the
        act ("lightning set fire to our home")."""
        tags = hit[2].tags
        if "combat" in tags and (cue := self.near(hit, "disaster", 8, after=False)) is not None:
            return cue
        if "force" in tags and (cue := self.near(hit, "nature_force", 2, after=False)):
            # right before, through "that" or a tense ("thunderstorms that struck", "a
            # tropical storm has struck"), or through the storm's name ("Tropical
            # Depression Eta pummels")
            between = self.joined[cue[1] : hit[0]].split()
            if not between or (len(between) == 1 and between[0] in _DOER_LINKS):
                return cue
            return cue if len(between) == 1 and self._capitalised(cue[1] + 1) else None
        if (
            "force" in tags
            and self.text(hit) in _NATURE_VERBS
            and (cue := self.near(hit, "nature_force", 8, after=False)) is not None
            and not any(_ARMED_OR_WEAPON & other[2].tags for other in self.hits if other != hit)
        ):  # "The quake, centred off the coast of Mindanao, struck at 9:43"
            return cue
        if "force" in tags and self.joined.startswith(" by ", hit[1]):
            # the doer after "by": "pummeled by the pandemic", "battered by storms"
            return self.near(hit, "disaster", 2, before=False)
        return None

    def _capitalised(self, pos: int) -> bool:
        """Does the word at `pos` start with a capital in the raw text (a name)?"""
        return self.raw()[pos : pos + 1].isupper()

    def accident_cause(self, hit: _Hit) -> _Hit | None:
        """The disaster or accident that explains deaths or a blast: one in the sentence
        (or anywhere in an item with no violence) with no violence near the deaths, or
        one named as their cause right after them."""
        if self.text(hit) in _BY_HAND:
            return None  # "mafia boss shot dead on Grenoble motorway"
        cue = self.near(hit, "disaster") or self.calm_disaster()
        if (
            cue is not None
            and self.fired_by(cue) is None
            and not self.violence_near(hit)
            and not self._shot_down_crash(cue)
        ):
            return cue
        return self._cause_after(hit)

    def fired_by(self, hit: _Hit) -> Evidence | None:
        """The state or force named right before a word that is gunfire after one
        ("Israeli fire", "Tripoli clashes"); a town's, a capital's or a country's fire
        is a blaze ("Chernobyl fire", "Lisbon fire", "South Africa fire"), and so is any
        fire in an item that names a blaze."""
        if "gunfire" not in hit[2].tags or (actor := self.actor_before(hit)) is None:
            return None
        if self.text(hit) == "fire" and (
            actor.note.startswith(_BLAZE_SITES)
            or any(self.text(cue) in _BLAZE_WORDS for cue in self.tagged.get("disaster", ()))
        ):
            return None
        return actor

    def _shot_down_crash(self, cue: _Hit) -> bool:
        """A crash in an item that tells of the aircraft being downed: the deaths are
        the shooting's ("accuses Russia of downing its jet. The plane crashed...")."""
        return "shot_down" in self.tagged and self.text(cue).startswith("crash")

    def _cause_after(self, hit: _Hit) -> _Hit | None:
        """A disaster or accident named as the cause right after the deaths ("presumed
        killed in a plane crash"): an armed group or soldiers among the dead do not
        make it an attack."""
        cue = self.near(hit, "disaster", 3, before=False)
        if cue is None or "gunfire" in cue[2].tags:
            return None
        words = self.joined[hit[1] : cue[0]].split()
        if words and words[0] not in _CAUSE_LINK and not self.text(hit).endswith(" in"):
            return None  # "killed in a (helicopter) crash", not "killed three; crash"
        if any(hit[1] <= other[0] < cue[0] for other in self.hits):
            return None  # another act or actor between them
        return cue

    def rally_level(self, hit: _Hit) -> tuple[int | None, str]:
        """A rally is a protest when it is against something or outside a seat of
        power ("rally in Tbilisi against the bill", "rally outside Netanyahu's
        office"), or the opposition's; otherwise a gathering of pilgrims, fans,
        voters or markets."""
        after = self.words_after(hit[1], 5)
        before = self.words_before(hit[0], 3)
        cue = next((w for w in after if w in _RALLY_OPPOSED), None) or next(
            (w for w in before if w in _RALLY_CALLERS), None
        )
        if cue is None:
            return None, ""
        return 1, f"a rally ('{cue}'): protest, verbal friction"

    def calm_disaster(self, word: _Hit | None = None) -> _Hit | None:
        """A disaster cue anywhere in an item with no violence at all in it.

        "Landslide buries village; hundreds feared dead": the deaths are in
        another clause, but nothing in the item suggests anyone killed them. The
        `word` being read, and its repeats, are not violence that rules this out
        ("overwhelmed with Covid patients ... cope with the onslaught").
        """
        disasters = self.tagged.get("disaster")
        if not disasters:
            return None
        for other in self.hits:
            if word is not None and other[2].name == word[2].name:
                continue
            tags = other[2].tags
            if "munition" in tags or "armed_group" in tags or "gunfire" in tags:
                return None
            if "force" in tags and "casualty" not in tags and not other[2].pair:
                return None
        return disasters[0]

    def civil_level(self, hit: _Hit) -> tuple[int, str] | None:
        """The level of a word read in a civilian sense, or None if it has none."""
        tags = hit[2].tags
        if (
            "hardware" in tags
            and (cue := self.near(hit, "disaster")) is not None
            and not self.violence_near(hit)
        ):  # "fighter jet goes overboard", "warplane crash": an accident, not a show of force
            self.add(cue, "modifier", "disaster", "an accident, not an act of force")
            return 0, f"'{self.text(hit)}' in an accident ('{self.text(cue)}')"
        if "combat" in tags and (cue := self._foe_in_nature(hit)) is not None:
            # "troops fighting wildfires", "battling floods": nature is the foe
            return 0, f"'{self.text(hit)}' {self.text(cue)}: a disaster fought, not a rival"
        if (cue := self._nature_as_doer(hit)) is not None and not self._armed_near(hit):
            return 0, f"'{self.text(hit)}' by a disaster ('{self.text(cue)}'), not a rival"
        if (
            ("casualty" in tags or "force" in tags)
            and (
                (cue := self.near(hit, "past_war", 6, before=False)) is not None
                or ("casualty" in tags and (cue := self.near(hit, "past_war", 6)) is not None)
            )
        ) or (  # "soldiers killed in the Korean War", "troops who fought for France in
            # World War Two were killed"; "a warship sunk ... during the
            # Second World War has been found": hardware in a past war's sentence
            "hardware" in tags and (cue := self.near(hit, "past_war", before=False)) is not None
        ):
            return 0, f"'{self.text(hit)}' in {self.text(cue)}: a war that has ended, history"
        if "casualty" in tags and (
            (cue := self.near(hit, "animals", 2)) is not None
            or (cue := self._animal_subject(hit)) is not None
            or (cue := self._animals_counted(hit)) is not None
        ):
            return 0, f"'{self.text(hit)}' {self.text(cue)}: animals, not people"
        if "force" in tags and (cue := self._at_animal(hit)) is not None:
            return 0, f"'{self.text(hit)}' {self.text(cue)}: an act against an animal, not people"
        if (
            "animal_attack" in tags
            and (cue := self.near(hit, "animals", 6)) is not None
            and ((armed := self.near(hit, "military_cue")) is None or self._at_animal(armed))
        ):  # "a wild tiger, after it attacked two men"; "shot a wolf that attacked sheep"
            return 0, f"'{self.text(hit)}' by an animal ('{self.text(cue)}')"
        if (
            "enforcement" in tags
            and (
                cue := self.near(hit, "vice", 6)
                or self.near(hit, "crime", 6)
                or self.near(hit, "business", 4)
                or self.near(hit, "disaster", 8)
            )
            is not None
            and self.near(hit, "foreigners", 3) is None
            # a cyber crime is policing only when the police act ("gang taken down")
            and ("cyber" not in tags or _POLICING.search(self.joined) is not None)
        ):  # "crackdown on street drinking", "detained over fraud": policing, not coercion
            return 0, f"'{self.text(hit)}' of '{self.text(cue)}': law enforcement"
        if (
            "theft_sense" in tags
            and (cue := self.near(hit, "theft", 5)) is not None
            and not self._armed_near(hit)
        ):  # "a rare macaque stolen during a raid on a zoo"
            return 0, f"'{self.text(hit)}' in a theft ('{self.text(cue)}'): crime, not force"
        if "farm_protest" in tags and (cue := self.near(hit, "tractors", 6)) is not None:
            return 1, f"'{self.text(hit)}' with {self.text(cue)}: a farmers' protest, friction"
        return None

    def _strikes_a_deal(self, hit: _Hit) -> bool:
        """The object of "strike" two words on, or after a sum or a few words that
        describe a deal ("strikes $1.525 billion deal", "strikes landmark trade deal")."""
        if self.near(hit, "strike_object", 2, before=False) is not None:
            return True
        cue = self.near(hit, "strike_object", 6, before=False)
        if cue is None:
            return False
        if self.text(cue) in _TONES and "military_cue" not in self.tagged:
            return True  # "strikes radically different tones": only words strike a tone
        return all(
            word.isdecimal() or word in _DEAL_WORDS for word in self.joined[hit[1] : cue[0]].split()
        )

    def _labour_elsewhere(self, hit: _Hit) -> _Hit | None:
        """Another strike word in the item read as a labour strike by its own cue, in
        an item with no other armed force or weapon in it."""
        found = None
        for other in self.hits:
            tags = other[2].tags
            if "labour" in tags:
                if found is None and other[0] != hit[0] and self.near(other, "labour_cue"):
                    found = other
            elif "military_cue" in tags or "munition" in tags:
                return None
        return found

    def _animals_counted(self, hit: _Hit) -> _Hit | None:
        """Animals right after a killing word with only a count between ("killed at least
        six elephants", "died, more than 200 cattle"): the dead are the animals."""
        cue = self.near(hit, "animals", 6, before=False)
        if cue is None:
            return None
        between = self.joined[hit[1] : cue[0]].split()
        if not all(w in _COUNT_WORDS or w.isdecimal() for w in between):
            return None
        after = self.words_after(cue[1], 3)
        if any(w in _NOT_ANIMALS or w.endswith(("ers", "men")) for w in after):
            # "killed 30 cattle herders", "40 cattle and two herders": people die too
            return None
        return cue

    def _by_police(self, hit: _Hit) -> bool:
        """Police right before the act ("FBI swat team seizes", "police have captured"), or
        "by" the police at most two words after it."""
        before = self.words_before(hit[0], 3)
        if before and before[-1] in _TENSE:
            before = before[:-1]
        if before and before[-1] in _LAW_AGENCIES:
            return True
        if len(before) > 1 and before[-1] in _UNITS and not _LAW_AGENCIES.isdisjoint(before[:-1]):
            return True
        after = self.words_after(hit[1], 4)
        return bool(after) and after[0] == "by" and not _POLICE.isdisjoint(after[1:])
