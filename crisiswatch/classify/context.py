"""Context rules of the level engine: what a word means given the words around it.

Sport, labour, disasters, tests and drills, weapons and their verbs, scale and
casualty counts, nuclear sites, history and fiction, a state's measures. The
rules are methods of `ContextRules`, which `judge.ItemJudge` extends: they read
the item's hits and positions through the judge's helpers (`near`, `text`,
`add`, `ends_between`). The word lists they use are in `data/levels.toml`; the
few closed-class words they need are below.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from crisiswatch.classify.counts import WEAPON_NOUNS, count_near
from crisiswatch.classify.scanner import SEP, Hit
from crisiswatch.models import Evidence

if TYPE_CHECKING:
    from collections.abc import Sequence

    from crisiswatch.classify.levels import LevelEngine

_CHARS_PER_WORD = 16  # generous: hits further apart than this per word are out of reach
# Words that may follow a country named as an object ("war on Russia in 1941", "on Iran
# and its allies"); any other word makes the country an adjective ("Spanish airport fees").
_AFTER_A_STATE = frozenset(
    {"in", "and", "after", "over", "on", "for", "as", "with", "from", "at", "by", "amid"}
    | {"following", "since", "to", "or", "but", "while", "when", "its", "itself"}
)
_ACTIVE_KILL = frozenset({"kills", "kill"})
# Words that make a casualty count a running total rather than one event's toll.
_CUMULATIVE = (
    " so far this year ",
    " so far ",
    " this year ",
    " since january ",
    " since the start ",
    " in total ",
    " to date ",
    " over the past ",
    " over the last ",
    " in the past year ",
    " since the beginning ",
    " last year ",
    " a year ",
    " per month ",
)

# A year right before an act dates it ("the 1994 genocide"); these words before the
# year make it a starting point instead ("since 2014"), and these between the year and
# the act put the act in another clause ("halted in 2021 after insurgents attacked").
_YEAR_AS_START = frozenset({"since", "from", "until", "till", "by"})
_CLAUSE_WORDS = frozenset(
    {"after", "before", "when", "while", "as", "and", "but", "then", "since", "until"}
    | {"because", "where", "that", "which", "who", "amid", "following", "despite", "than"}
)

_FORCE_CONTEXT = frozenset({"exercise", "scale", "sustained", "territory", "nuclear_site"})
_SALVO = re.compile(r"\d\d\d|hundreds|thousands")
# After "<country> clashes", these make it a verb of words ("Russia clashes with the West").
_VERBAL_LINKS = frozenset(("with", "over", "on", "at", "in"))
_INDEFINITE = frozenset({"a", "an", "any"})
_STRIKE_VERBS = frozenset(("hit", "hits", "hitting", "target", "targets", "targeted", "targeting"))
_RELATIVE = frozenset(("which", "that", "who"))
_TROOPS = frozenset(
    ("troops", "soldiers", "forces", "marines", "paratroopers", "reinforcements", "brigade",
     "brigades", "battalion", "battalions", "units", "warships", "carrier", "carriers")
)  # fmt: skip
_POLICE = frozenset(
    ("police", "policeman", "policemen", "police officer", "police officers", "officers",
     "officer", "detectives", "investigators", "authorities")
)  # fmt: skip
_WAR_START = frozenset(("start", "beginning", "outbreak", "onset"))
_AGO = re.compile(r" (?:(?:decades|years|centuries|a century|a decade|a year) ago|last year) ")
_IN_YEAR = re.compile(r" in ((?:19|20)\d\d) ")  # "... in 2022": in the folded text
# Words that may stand between "troops entered" and the place they entered.
_PLACE_LEAD = frozenset(
    ("the", "city", "town", "village", "capital", "region", "province", "of", "into", "parts",
     "northern", "southern", "eastern", "western", "central", "outskirts", "key", "strategic",
     "border", "port", "besieged", "rebel-held", "government-held")
)  # fmt: skip
# Ordinary crime: the tags that show conflict or a motive instead, and the only acts of
# force a crime story may hold (levels.toml names the entries).
_NOT_CRIME = frozenset({"motive", "armed_group", "protest_cue", "munition"})
_CRIME_FORCE = frozenset(
    {"stabbing", "murder", "killings", "killing", "attack", "assassination", "weapons fired"}
)
_WAR_LINKS = frozenset(("in", "on", "against", "with", "in eastern", "in northern", "in southern"))

# The scanner's record of a level phrase: (start, stop, entry), a span of the joined
# text. A plain tuple, as hits are made for every phrase found: [0] start, [1] stop,
# [2] the Entry.
_Hit = Hit


def _between(x: _Hit, y: _Hit) -> tuple[int, int]:
    """The gap between two non-overlapping hits, in either order."""
    return (x[1], y[0]) if x[1] <= y[0] else (y[1], x[0])


class ContextRules:
    """The context half of `ItemJudge`; it keeps no state of its own.

    What it reads of the judge, declared for readers and type checkers (the
    judge's slots and methods provide them).
    """

    __slots__ = ()
    engine: LevelEngine
    title: str
    summary: str
    joined: str
    offset: int
    hits: list[_Hit]
    actors: Sequence[Evidence]
    tagged: dict[str, list[_Hit]]
    consumed: set[int]
    threat_only: set[int]

    # The judge's own methods, declared so the rules type-check (and compile) alone.
    def near(
        self, hit: _Hit, tag: str, window: int = 99, after: bool = True, before: bool = True
    ) -> _Hit | None:
        raise NotImplementedError

    def text(self, hit: _Hit) -> str:
        raise NotImplementedError

    def add(self, hit: _Hit, kind: str, value: str, note: str) -> None:
        raise NotImplementedError

    def ends_between(self, a: int, b: int, sentence: bool = False) -> bool:
        raise NotImplementedError

    def gap(self, a: int, b: int) -> int:
        raise NotImplementedError

    def _next_word(self, hit: _Hit) -> str:
        raise NotImplementedError

    def _armed_near(self, hit: _Hit) -> bool:
        """An armed force or weapon in the sentence; a death ("deadly tornado") is not one."""
        for other in self.tagged.get("military_cue", ()):
            if (
                other[0] != hit[0]
                and "casualty" not in other[2].tags
                and not self.ends_between(*_between(other, hit), sentence=True)
            ):
                return True
        return False

    def article_before(self, at: int) -> bool:
        """Is there an "a", "an" or "any" in the four words before position `at`?"""
        words = self.joined[max(0, at - 4 * _CHARS_PER_WORD) : at].split()[-4:]
        return not _INDEFINITE.isdisjoint(words)

    def _calm_disaster(self) -> _Hit | None:
        """A disaster cue anywhere in an item with no violence at all in it.

        "Landslide buries village; hundreds feared dead": the deaths are in
        another clause, but nothing in the item suggests anyone killed them.
        """
        disasters = self.tagged.get("disaster")
        if not disasters:
            return None
        for other in self.hits:
            tags = other[2].tags
            if "munition" in tags or "armed_group" in tags or "gunfire" in tags:
                return None
            if "force" in tags and "casualty" not in tags and not other[2].pair:
                return None
        return disasters[0]

    def violence_near(self, hit: _Hit) -> bool:
        """A weapon, an armed group or an act of force in the sentence, not just deaths."""
        for other in self.hits:
            tags = other[2].tags
            violent = "munition" in tags or "armed_group" in tags
            if not violent and "force" in tags and "casualty" not in tags:
                violent = not other[2].pair
            if (
                violent
                and other[0] != hit[0]
                and not self.ends_between(*_between(other, hit), sentence=True)
            ):
                return True
        return False

    def actor_before(self, hit: _Hit) -> Evidence | None:
        """The country named right before the hit ("Israeli fire", "Russia's shelling")."""
        if hit[0] < self.offset:
            field, text, start = "title", self.title, hit[0] - 1
        else:
            field, text, start = "summary", self.summary, hit[0] - self.offset
        for actor in self.actors:
            if (
                actor.field == field
                and actor.end <= start
                and not text[actor.end : start].strip(" '\u2019s")
            ):
                return actor
        return None

    def actor_after(self, hit: _Hit, chars: int = 24) -> Evidence | None:
        """A country named right after the hit ("declares war on Russia")."""
        if hit[0] < self.offset:
            field, end = "title", hit[1] - 1
        else:
            field, end = "summary", hit[1] - self.offset
        for actor in self.actors:
            if actor.field == field and end <= actor.start <= end + chars:
                return actor
        return None

    def _words_to(self, hit: _Hit, actor: Evidence) -> str:
        """The original text between the hit and an actor after it, in their field."""
        text = self.title if actor.field == "title" else self.summary
        end = hit[1] - 1 if hit[0] < self.offset else hit[1] - self.offset
        return text[end : actor.start].strip()

    def _place_follows(self, hit: _Hit, actor: Evidence) -> bool:
        """Is the place the object of the verb ("entered the city of Goma"), not a
        landmark further on ("entered homes near Quneitra")?"""
        return all(word in _PLACE_LEAD for word in self._words_to(hit, actor).lower().split())

    def state_after(self, hit: _Hit) -> bool:
        """Is the hit's object a country, not a thing named after one ("Spanish airport fees")?"""
        actor = self.actor_after(hit)
        if actor is None:
            return False
        text = self.title if actor.field == "title" else self.summary
        if text[actor.end : actor.end + 2] in ("'s", "\u2019s"):
            return False  # "war on Hungary's energy": a thing of the country's
        rest = text[actor.end : actor.end + 24].split(None, 1)
        return not rest or not rest[0][0].isalnum() or rest[0].lower() in _AFTER_A_STATE

    def dated_past(self, hit: _Hit) -> bool:
        """Is the act dated years back, right before it ("the 1994 genocide", "1999 abuses")?

        A year at most two words before the act, with nothing between that opens
        another clause ("in 2021 after insurgents attacked" dates the pause, not
        the attack); or an "-era" word ("dictatorship-era killings"). "Since
        2014" makes the year a start, not a date. A past-tense verb is dated only
        by a year right before it.
        """
        if "dated" not in self.tagged:
            return False
        words = self.joined[max(0, hit[0] - 4 * _CHARS_PER_WORD) : hit[0]].split()[-4:]
        if SEP in words:
            words = words[words.index(SEP) + 1 :]
        verb = self.text(hit).endswith("ed")
        for back, word in enumerate(reversed(words)):
            if word in _CLAUSE_WORDS or back > 2:
                return False
            if word == "era":  # "dictatorship-era killings"; a "Soviet-era nerve agent" is new
                return hit[2].level != 5
            if len(word) == 4 and word.isdigit() and 1900 <= int(word) <= self.engine.history_until:
                if verb and back:
                    return False
                previous = words[-back - 2] if back + 2 <= len(words) else ""
                return previous not in _YEAR_AS_START
        return False

    def _struck_site(self, hit: _Hit) -> _Hit | None:
        """A nuclear site the verb is aimed at, in an item with armed actors, no disaster."""
        if "nuclear_site" not in self.tagged or "disaster" in self.tagged:
            return None
        if not self._armed_near(hit) and not self.actors:
            return None
        return self.near(hit, "nuclear_site", 4, before=False)

    def _long_ago(self, hit: _Hit) -> bool:
        """An act told with "decades ago" after it: "the invasion of the island decades ago"."""
        end = self.offset - 2 if hit[0] < self.offset else len(self.joined)
        match = _AGO.search(self.joined, hit[1] - 1, min(end, hit[1] + 8 * _CHARS_PER_WORD))
        return match is not None and not self.ends_between(hit[1], match.start())

    def _dated_after(self, hit: _Hit) -> bool:
        """An act in a relative clause with its year after it: "an explosion which killed
        10 people in 2022"."""
        if "dated" not in self.tagged:
            return False
        # In the clause itself ("which killed 10 people in 2022") or the act it tells of
        # ("an explosion in Donegal which killed ..."); not "the army used chemical
        # weapons in 2024", a finding that is news now.
        before = self.joined[max(0, hit[0] - 2 * _CHARS_PER_WORD) : hit[0]].split()[-2:]
        after = self.joined[hit[1] : hit[1] + 4 * _CHARS_PER_WORD].split()[:4]
        if _RELATIVE.isdisjoint(before) and _RELATIVE.isdisjoint(after):
            return False
        end = self.offset - 2 if hit[0] < self.offset else len(self.joined)
        match = _IN_YEAR.search(self.joined, hit[1] - 1, min(end, hit[1] + 12 * _CHARS_PER_WORD))
        return (
            match is not None
            and int(match.group(1)) <= self.engine.history_until
            and self.gap(hit[1], match.start()) <= 10
            and not self.ends_between(hit[1], match.start())
        )

    def _dated_antecedent(self, hit: _Hit) -> bool:
        """Deaths told of a dated act: "the 2015 attack that killed 12"."""
        if "casualty" not in hit[2].tags:
            return False
        for other in self.hits:
            if other[1] <= hit[0] and "force" in other[2].tags:
                between = self.joined[other[1] : hit[0]].split()
                if between in (["that"], ["which"]) and self.dated_past(other):
                    return True
        return False

    def storied(self, hit: _Hit, value: int, note: str) -> tuple[int, str]:
        """The level of an act told as history or as fiction: 0 ("the 1994 genocide",
        "Mosul siege drama opens festival"); otherwise unchanged. Deaths stay real."""
        if value >= 3 and (
            self.dated_past(hit)
            or self._dated_antecedent(hit)
            or self._dated_after(hit)
            or self._long_ago(hit)
        ):
            return 0, f"'{self.text(hit)}' is dated years back: history, not news"
        if (
            "casualty" not in hit[2].tags
            and "fiction" in self.tagged
            and (cue := self.near(hit, "fiction", 8)) is not None
        ):
            self.add(cue, "modifier", "fiction", "a film, show, book or game: not an event")
            return 0, f"'{self.text(hit)}' in a story ('{self.text(cue)}'), not an event"
        return value, note

    def named_war(self, hit: _Hit) -> tuple[str, bool] | None:
        """(note, definite) for a war tied to a country; None for a war in the background.

        "The Ukraine war", "Putin's war" name a war going on (definite: no threat or
        forecast makes it unreal); "war in Sudan", "war with Iran" too, unless a
        modifier says otherwise ("could go to war with Iran").
        """
        lead = self.joined[max(0, hit[0] - 5 * _CHARS_PER_WORD) : hit[0]].split()[-5:]
        if "since" in lead and not _WAR_START.isdisjoint(lead):
            return None  # "the first visit since the start of Syria's war": a time, not news
        if (actor := self.actor_before(hit)) is not None:
            # "Is a US-Venezuela war coming?": a war in general, not one going on
            at = actor.start + (1 if actor.field == "title" else self.offset)
            return f"the {actor.text} {self.text(hit)}: an ongoing war", not self.article_before(at)
        actor = self.actor_after(hit, 9)
        if actor is None or (link := self._words_to(hit, actor)).lower() not in _WAR_LINKS:
            return None
        return f"{self.text(hit)} {link} {actor.text}: an ongoing war", False

    def commercial_war(self, hit: _Hit) -> bool:
        """A background "war" after a commercial noun ("a transatlantic fare war")."""
        words = self.joined[max(0, hit[0] - 2 * _CHARS_PER_WORD) : hit[0]].split()[-2:]
        if words and words[-1] == "\x01":
            return False
        if self.engine.war_commerce.isdisjoint(words) or "military_cue" in self.tagged:
            return False
        self.add(hit, "modifier", "metaphor", "a commercial war: competition, not fighting")
        return True

    def _sport(self) -> _Hit | None:
        """A sports cue, unless weapons or soldiers show the item is not about sport."""
        sport = None
        for hit in self.hits:
            tags = hit[2].tags
            if ("munition" in tags or "military_cue" in tags) and "soft" not in tags:
                return None
            if sport is None and "sport" in hit[2].tags:
                sport = hit
        return sport

    def _city_taken(self, hit: _Hit) -> bool:
        """Is a city or region named as what was seized ("M23 rebels seize Goma")?"""
        actor = self.actor_after(hit, 12)
        return (
            actor is not None
            and actor.note.startswith(("place in", "capital"))
            and self._place_follows(hit, actor)
        )

    def _crime_in_item(self) -> _Hit | None:
        """A crime named anywhere in an item with no foreign national in it: the arrest
        or sentence elsewhere in the item is ordinary justice."""
        crimes = self.tagged.get("crime")
        if not crimes or "foreigners" in self.tagged:
            return None
        return crimes[0]

    def crime_frame(self) -> _Hit | None:
        """The crime cue of an item that reports ordinary crime, else None.

        "Boy, 15, dies after stabbing; police begin murder investigation": a
        stabbing, a murder or a killer, and nothing that shows conflict or a
        motive (an armed group, a weapon of war, terror, a politician, a protest).
        """
        crime = self.tagged.get("crime_act")
        if not crime:
            return None
        for other in self.hits:
            entry = other[2]
            if not _NOT_CRIME.isdisjoint(entry.tags):
                return None
            if "force" in entry.tags and entry.name not in _CRIME_FORCE:
                return None
            if (
                entry.level is None
                and "military_cue" in entry.tags
                and self.text(other) not in _POLICE
            ):
                return None  # "114 killed by the military junta": armed forces, not crime
        return crime[0]

    def context_level(self, hit: _Hit) -> tuple[int | None, str]:
        """The level a word has in its sentence, before modifiers."""
        entry, tags = hit[2], hit[2].tags
        level, note = entry.level or 0, entry.note
        if (
            ("force" in tags or "counted" in tags)
            and "crime_act" in self.tagged
            and (cue := self.crime_frame())
        ):
            told = "" if cue[0] == hit[0] else f" ('{self.text(cue)}')"
            return 0, f"'{self.text(hit)}' in a crime story{told}: no armed group, war or motive"
        if "state_measure" in tags:  # "US tariffs", "China's tariffs": one state against others
            actor = self.actor_before(hit)
            if actor is None:
                return None, ""
            return 1, f"{actor.text} {self.text(hit)}: a state's measure, friction"
        if ("munition" in tags or "hardware" in tags) and (
            cue := self.near(hit, "purchase")
        ) is not None:  # "Poland signs deal for 180 more K2 tanks": procurement
            self.add(cue, "modifier", "purchase", "weapons bought for one's own forces")
            return 0, f"'{self.text(hit)}' bought, not used: an arms purchase"
        if "sends_troops" in tags:  # "Poland sends 5,000 extra troops to the border"
            sent = self.joined[hit[1] : hit[1] + 5 * _CHARS_PER_WORD].split()[:4]
            if _TROOPS.isdisjoint(sent):
                return None, ""  # "sends envoys", "sending drones": the supply rules read it
            return 2, f"{self.text(hit)} troops: deployment, coercion short of force"
        if "enters" in tags:  # "rebels enter Goma": ground taken; "rebels enter talks": nothing
            actor = self.actor_after(hit, 16)
            if actor is None or not self._place_follows(hit, actor):
                return None, ""
            return 4, f"{self.text(hit)} {actor.text}: a ground offensive"
        if "war_on" in tags and not self.state_after(hit):
            # "declares war on airport fees": a campaign against a thing, not a state
            return 0, f"'{self.text(hit)}' a thing, not a state: a figure of speech"
        if "coup" in tags and (cue := self.near(hit, "court")) is not None:
            # "sentenced to 27 years over coup plot": the coup is the case, not news
            return 0, f"'{self.text(hit)}' before a court ('{self.text(cue)}'): a past coup"
        if "atrocity" in tags and (cue := self.near(hit, "court")) is not None:
            # "court jails ex-officers over killings", "war crimes conviction upheld"
            self.add(cue, "modifier", "justice", "a court case: the violence it judges is past")
            return 0, f"'{self.text(hit)}' before a court: justice, not fighting"
        if (
            "court" in tags
            and (cue := self.near(hit, "atrocity")) is not None
            and self.near(hit, "foreigners", 3) is None
        ):
            return 0, f"'{self.text(hit)}' for past violence ('{self.text(cue)}'): justice"
        if (
            "court" in tags
            and (cue := self.near(hit, "crime") or self._crime_in_item()) is not None
            and self.near(hit, "foreigners", 3) is None
        ):  # "court jails ex-bank executive over money laundering": ordinary justice
            return 0, f"'{self.text(hit)}' for a crime ('{self.text(cue)}'): ordinary justice"
        if (
            "disaster_sense" in tags
            and (cue := self.near(hit, "disaster") or self._calm_disaster()) is not None
            and not self._armed_near(hit)
        ):  # "tsunami warning", "roads cut off by floods": nature, not a rival
            return 0, f"'{self.text(hit)}' next to a disaster ('{self.text(cue)}'), not a rival"
        if entry.pair:
            partner = None
            for tag in entry.pair:
                if (partner := self.near(hit, tag, entry.pair_window)) is not None:
                    break
            if partner is not None and "disaster" in tags and "casualty" in partner[2].tags:
                partner = None  # "Storm Ciaran kills 7": the dead do not make it an assault
            if partner is None:
                if self.text(hit) in _STRIKE_VERBS and (site := self._struck_site(hit)) is not None:
                    # "Israel has finally hit Iran's nuclear facilities"
                    return 5, f"{self.text(hit)} {self.text(site)}: force at a nuclear site"
                if (
                    "gunfire" in tags
                    and (actor := self.actor_before(hit)) is not None
                    and self._next_word(hit) not in _VERBAL_LINKS
                ):  # "Tripoli clashes", "Israeli fire"; not "Russia clashes with the West"
                    note = f"{actor.text} {self.text(hit)}: gunfire or shelling"
                    return self.force_level(hit, 3, note)  # "US bombs nuclear sites": 5
                if "threat_verb" in tags:  # "vows to keep targeting ships": only as a threat
                    self.threat_only.add(hit[0])
                    return 2, note
                return (level or None), note
            if "munition" in partner[2].tags:
                return self.weapon_used(hit, partner)
            if entry.deescalation or partner[2].deescalation:
                # "ends the border dispute": the dispute is settled; "broke the truce":
                # the truce no longer holds
                self.consumed.add(partner[0])
            level = entry.pair_level
            note = entry.pair_note or f"{self.text(hit)} ({self.text(partner)}): {note}"
        elif "munition" in tags and (space := self.near(hit, "space")) is not None:
            self.add(space, "modifier", "space", "a space launch, not a weapon")
            return 0, "space launch"
        elif "munition" in tags and (trade := self.near(hit, "business")) is not None:
            self.add(trade, "modifier", "business", "a product or market, not a weapon in use")
            return 0, "a product, not a weapon in use"
        if "civil_sense" in tags and (trade := self.near(hit, "business")) is not None:
            return 0, f"'{self.text(hit)}' in a business story ('{self.text(trade)}'): civilian"
        if "labour" in tags:
            if self.near(hit, "strike_object", 2, before=False) is not None:
                return None, ""  # "strikes a deal", "strikes an upbeat tone"
            if self.near(hit, "labour_cue") and not self.near(hit, "military_cue"):
                return 1, "labour strike: friction, not force"
            tagged = self.tagged
            if "walkout" in tagged and "military_cue" not in tagged and "munition" not in tagged:
                # "Doctors extend walkout. ... as the strike entered its sixth month"
                walkout = tagged["walkout"][0]
                return 1, f"a labour strike (the item tells of '{self.text(walkout)}')"
        if "civil" in tags and (cue := self.near(hit, "protest_cue")) is not None:
            return min(level, 1), f"civil protest action ('{self.text(cue)}'): friction"
        if "crowd" in tags and (cue := self.near(hit, "protest_cue")) is not None:
            return min(level, 2), f"crowd control at a protest ('{self.text(cue)}')"
        if (
            ("casualty" in tags or "blast" in tags)
            and (cue := self.near(hit, "disaster") or self._calm_disaster()) is not None
            and not ("gunfire" in cue[2].tags and self.actor_before(cue))
            and not self.violence_near(hit)
        ):
            self.add(cue, "modifier", "disaster", "deaths from a disaster or accident")
            return 0, "deaths from a disaster or accident, not conflict"
        if "counted" in tags:
            after = 12 if "toll" in tags else 4
            # "kills four": an active verb's count follows it ("dozens wounded" before it
            # counts someone else).
            before = 0 if self.text(hit) in _ACTIVE_KILL else 6
            count = self._count(hit, before=before, after=after, not_before=WEAPON_NOUNS)
            if count >= self.engine.casualty_major:
                if self._cumulative(hit):
                    return level or 3, f"{count} killed over time: a running toll, not one attack"
                return 4, f"{count}+ killed: mass-casualty violence"
            if level == 0 and "natural" not in tags:
                cue = self.near(hit, "protest_cue") or self.near(hit, "military_cue")
                if cue is None and "disaster" not in self.tagged:
                    # "Protesters demand his exit; seven found dead": with no disaster in
                    # the item, a crowd or armed men anywhere in it explain the deaths.
                    cue = next(iter(self.tagged.get("protest_cue", ())), None) or next(
                        iter(self.tagged.get("military_cue", ())), None
                    )
                if cue is not None:
                    return 3, f"deaths with '{self.text(cue)}': deadly violence"
        if (
            "arguable" in tags
            and (cue := self.near(hit, "argument", 2, before=False)) is not None
            and self.near(hit, "military_cue") is None
        ):
            return 1, f"{self.text(hit)} {self.text(cue)}: a verbal attack, friction"
        if "capture" in tags and (cue := self.near(hit, "crime", 8)) is not None:
            # "police seize 8 tonnes of cocaine": law enforcement, not force
            return 0, f"'{self.text(hit)}' of contraband ('{self.text(cue)}'): law enforcement"
        if "cyberable" in tags and (cue := self.near(hit, "cyber", 4)) is not None:
            return 2, f"{self.text(hit)} on computers ('{self.text(cue)}'): a cyberattack"
        if "force" in tags and level >= 3:
            return self.force_level(hit, level, note)
        if "capability" in tags and (cue := self.near(hit, "test")) is not None:
            self.add(cue, "modifier", "test", "a missile test: what it could carry is no threat")
            return 2, f"'{self.text(hit)}' describes the weapon tested: a missile test"
        if "nuclear" in tags and (cue := self.near(hit, "assessment")) is not None:
            return (
                1,
                f"'{self.text(hit)}' in a study or analysis ('{self.text(cue)}'), not a threat",
            )
        if "blast" in tags and (space := self.near(hit, "space")) is not None:
            return 0, f"a launch failure ('{self.text(space)}'), not an attack"
        if "blast" in tags and (site := self.near(hit, "nuclear_site")) is not None:
            return 5, f"explosion on or at a nuclear site ('{self.text(site)}')"
        return level, note

    def weapon_used(self, hit: _Hit, munition: _Hit) -> tuple[int | None, str]:
        """A verb next to a weapon: test, space launch, large salvo or attack."""
        self.consumed.add(munition[0])
        if (space := self.near(hit, "space")) is not None:
            self.add(space, "modifier", "space", "a space launch, not a weapon")
            return 0, "space launch"
        if (cue := self.near(hit, "test")) is not None or "test" in munition[2].tags:
            self.add(cue or munition, "modifier", "test", "fired as a test, not at a target")
            return 2, "missile launch or test: coercion short of force"
        weapon = self.text(munition)
        if _SALVO.search(self.joined, max(0, munition[0] - 24), munition[0]):
            count = self._count(munition, before=3, after=0)
            if count >= self.engine.salvo_major:
                return 4, f"a salvo of {count}+ {weapon}: a large attack"
        if "scale" in self.tagged and self.near(munition, "scale", 2, after=False) is not None:
            return 4, f"{self.text(hit)} many {weapon}: a large attack"
        note = f"{weapon} {self.text(hit)}: weapons used, limited use of force"
        return self.force_level(hit, 3, note)

    def force_level(self, hit: _Hit, level: int, note: str) -> tuple[int, str]:
        """Force in context: part of an exercise, scaled up, or at a nuclear site."""
        tagged = self.tagged
        if _FORCE_CONTEXT.isdisjoint(tagged) and "capture" not in hit[2].tags:
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
                self.text(cue).endswith(" of") and self.gap(cue[1], hit[0]) > 2
            ):
                level, note = 4, f"{self.text(cue)} {self.text(hit)}: large-scale attack"
            elif (cue := next(iter(tagged.get("sustained", ())), None)) is not None:
                level, note = 4, f"{self.text(hit)} {self.text(cue)}: sustained fighting"
            elif "capture" in hit[2].tags and (
                self.near(hit, "territory", 5) is not None or self._city_taken(hit)
            ):
                level, note = 4, "a town or city taken: ground offensive"
        if (site := self.near(hit, "nuclear_site")) is not None:
            return 5, f"force on or at a nuclear site ('{self.text(site)}')"
        return level, note

    def _cumulative(self, hit: _Hit) -> bool:
        """A toll summed over time ("have killed 30 so far this year", "40 since January")."""
        sep = self.offset - 2  # the title/summary separator: a toll stays in its field
        lo, hi = (0, sep) if hit[0] < sep else (sep + 1, len(self.joined))
        window = self.joined[
            max(lo, hit[0] - 6 * _CHARS_PER_WORD) : min(hi, hit[1] + 8 * _CHARS_PER_WORD)
        ]
        return any(marker in window for marker in _CUMULATIVE)

    def _count(
        self, hit: _Hit, before: int, after: int, not_before: frozenset[str] = frozenset()
    ) -> int:
        """A count next to `hit`, read in its own field (the nearest number wins)."""
        sep = self.offset - 2
        lo, hi = (0, sep) if hit[0] < sep else (sep + 1, len(self.joined))
        lo = max(lo, hit[0] - _CHARS_PER_WORD * before)
        hi = min(hi, hit[1] + _CHARS_PER_WORD * after)
        head = self.joined[lo : hit[0]].split()
        words = [*head, *self.joined[hit[0] : hi].split()]
        return count_near(words, len(head), before, after, not_before)
