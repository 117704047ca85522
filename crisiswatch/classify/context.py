"""Context rules of the level engine: what a word means given the words around it.

Sport, labour, disasters, drills, scale and casualty counts, nuclear sites, named
wars, a state's measures; history, fiction and crime are in `story.py`, civilian
readings (accidents, animals, policing, labour strikes, rallies) in `civil.py`, the countries
named around a word (named wars, places taken, leaders judged) in `namedactors.py`,
weapons and how far force reaches (tests, salvos, exercises, nuclear sites) in
`weapons.py`, courts, arrests and allegations in `justice.py`, deaths at protests and strikes
in `unrest.py`, casualty counts and the hurt in `casualties.py`: its bases. The rules
are methods of `ContextRules`, which `judge.ItemJudge` extends: they read the item's
hits and positions through the helpers of `itemtext.ItemText` (`near`, `text`, `add`,
`ends_between`). The word lists they use are in `data/levels.toml`; the few
closed-class words they need are below.
"""

from __future__ import annotations

from crisiswatch.classify.casualties import CasualtyRules
from crisiswatch.classify.civil import _ARMED_OR_WEAPON
from crisiswatch.classify.itemtext import _CHARS_PER_WORD, _Hit
from crisiswatch.classify.justice import _VOICES
from crisiswatch.classify.story import _ARMED_SIDE, _at_work

_CRIME_CUES = frozenset(("crime_act", "private_person", "police_report"))

# After "<country> clashes", these make it a verb of words ("Russia clashes with the West").
_VERBAL_LINKS = frozenset(("with", "over", "on", "at", "in"))
_STRIKE_VERBS = frozenset(("hit", "hits", "hitting", "target", "targets", "targeted", "targeting"))
_TROOPS = frozenset(
    ("troops", "soldiers", "forces", "marines", "paratroopers", "reinforcements", "brigade",
     "brigades", "battalion", "battalions", "units", "warships", "carrier", "carriers")
)  # fmt: skip

# Armed forces or a weapon: what makes a "strike" in a walkout story more than a walkout.
_ARMED = frozenset(("military_cue", "munition"))


class ContextRules(CasualtyRules):
    """The context half of `ItemJudge`; it keeps no state of its own (the state it
    reads is that of `itemtext.ItemText`)."""

    __slots__ = ()

    def _struck_site(self, hit: _Hit) -> _Hit | None:
        """A nuclear site the verb is aimed at, in an item with armed actors, no disaster."""
        if "nuclear_site" not in self.tagged or "disaster" in self.tagged:
            return None
        if not self._armed_near(hit) and not self.actors:
            return None
        return self.near(hit, "nuclear_site", 4, before=False)

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

    def _sporting_shot(self) -> bool:
        """No country, armed group or soldier in a sports report: its weapons are shots."""
        return (
            not self.actors
            and "armed_group" not in self.tagged
            and all("munition" in cue[2].tags for cue in self.tagged.get("military_cue", ()))
        )

    def context_level(self, hit: _Hit) -> tuple[int | None, str]:
        """The level a word has in its sentence, before modifiers."""
        entry, tags = hit[2], hit[2].tags
        level, note = entry.level or 0, entry.note
        if (
            ("force" in tags or "counted" in tags or "injury" in tags)
            and not _CRIME_CUES.isdisjoint(self.tagged)
            and (cue := self.crime_frame())
        ):
            told = "" if cue[0] == hit[0] else f" ('{self.text(cue)}')"
            return 0, f"'{self.text(hit)}' in a crime story{told}: no armed group, war or motive"
        if "court" in self.tagged and (tried := self.trial_level(hit)) is not None:
            return tried
        if "trade_measure" in tags and self.actor_after(hit) is None:
            # "tariffs on imported trucks", "imposes tariffs on steel": no state targeted
            return 0, f"'{self.text(hit)}' aimed at no named state: trade policy"
        if "state_measure" in tags:  # "Kremlin dismisses": one state against others
            actor = self.actor_before(hit)
            if actor is None:
                return None, ""
            return 1, f"{actor.text} {self.text(hit)}: a state's measure, friction"
        if (
            "owned_threat" in tags
            and (actor := self.actor_before(hit)) is not None
            and self._possessive(actor)
        ):  # "Trump's tariff threat": a threat made
            return 2, f"{actor.text}'s {self.text(hit)}: a threat made, coercion"
        if (
            "needs_rival" in tags
            and not self.actors
            and ("combat" not in tags or _ARMED_SIDE.isdisjoint(self.tagged))
            and ("voiced" not in tags or _VOICES.isdisjoint(self.tagged))
        ):
            # "Tom Cruise flies a fighter jet", "bank issues warning over debts": no rival;
            # a warning from a politician or an envoy stays friction ("mayor warns")
            return 0, f"'{self.text(hit)}' with no country named: no rival to show it to"
        if (
            "combat" in tags
            and "needs_rival" in tags
            and _ARMED_OR_WEAPON.isdisjoint(self.tagged)  # "fought for weeks": no armed side
            and "named_war" not in self.tagged
            and self.actor_after(hit, 16) is None
        ):  # "the administration's battle with Harvard": no side armed, no place fought for
            return 0, f"'{self.text(hit)}' with no armed side, war or place fought for: a contest"
        if "statecraft" in tags and self.actors and not self._political_voice(hit):
            # "Moody's warns", "scientists urge", "Malaysia rejects hosting the Games"
            return 0, f"'{self.text(hit)}' from no state, politician or envoy: not friction"
        if ("munition" in tags or "hardware" in tags) and (
            cue := self.near(hit, "purchase")
        ) is not None:  # "Poland signs deal for 180 more K2 tanks": procurement
            self.add(cue, "modifier", "purchase", "weapons bought for one's own forces")
            return 0, f"'{self.text(hit)}' bought, not used: an arms purchase"
        if "munition" in tags and "sport" in self.tagged and self._sporting_shot():
            # "LeBron James nets a long-range missile", "a rocket of a free kick"
            return 0, f"'{self.text(hit)}' in a sports report with no state or armed side: a shot"
        if "repression" in tags and not self.on_opponents(hit):
            # "crackdown on scalper accounts", "Trump's immigration crackdown"
            return 0, f"'{self.text(hit)}' on no opponents or protesters: policy, not coercion"
        if (civil := self.civil_level(hit)) is not None:  # accidents, animals, policing...
            return civil
        if "sends_troops" in tags:  # "Poland sends 5,000 extra troops to the border"
            sent = self.words_after(hit[1], 4)
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
        if (judged := self.court_level(hit)) is not None:
            return judged
        if (
            "disaster_sense" in tags
            and (cue := self.near(hit, "disaster") or self.calm_disaster(hit)) is not None
            and not self._armed_near(hit)
            # A state that threatens or blames, with the disaster after the word
            # ("China threatens retaliation over Covid rules", "Israel blames UN for
            # aid crisis amid starvation"), acts; "Pakistan threatened by floods" and
            # a state's weather warning are nature's.
            and not (
                self.text(hit).startswith(("threat", "blam"))
                and self.actor_before(hit) is not None
                and cue[0] > hit[1]
                and not self.joined.startswith(" by ", hit[1])
            )
        ):  # "tsunami warning", "roads cut off by floods": nature, not a rival
            return 0, f"'{self.text(hit)}' next to a disaster ('{self.text(cue)}'), not a rival"
        if (
            hit[2].name == "deployment"
            and (cue := self.near(hit, "space", 3, before=False)) is not None
            and not self._armed_near(hit)
        ):  # "Starship to deploy mock satellites": a payload put in orbit
            return 0, f"'{self.text(hit)}' {self.text(cue)}: spaceflight, not troops"
        if (
            "disaster_sense" in tags
            and not self.text(hit).endswith(" to")  # "threatens to quit the coalition"
            and (cue := self.near(hit, "stakes", 3, before=False)) is not None
            and not self._armed_near(hit)
            and self.actor_before(hit) is None  # "Putin threatens Ukraine's future"
        ):  # "a revolt threatens Biden's chances": a risk, not a threat of force
            return 0, f"'{self.text(hit)}' {self.text(cue)}: a risk, not a threat of force"
        if "front_line" in tags:  # "the defense of Lysychansk"; not "the fall of the euro"
            return (4, note) if self._place_held(hit) else (None, "")
        if "gathering" in tags:  # "rally against the bill", not "pilgrims rally in Iraq"
            return self.rally_level(hit)
        if "state_act" in tags and not self.actors:
            return 0, f"'{self.text(hit)}' with no country named: not diplomacy"
        if (
            "civil" in tags
            and (cue := self.near(hit, "protest_cue")) is not None
            and not ("force" in tags and _at_work(cue))  # "sabotage of a rail line"
        ):
            return min(level, 1), f"civil protest action ('{self.text(cue)}'): friction"
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
                    (actor := self.fired_by(hit)) is not None
                    and not actor.note.startswith("leader")  # "Truss-Sunak clash": a debate
                    and (
                        self.text(hit) == "fire"
                        or self._next_word(hit) not in _VERBAL_LINKS
                        # "steps up assaults in key cities": a noun ends the phrase
                        or ("bombardment" in tags and " " in self.text(hit))
                    )
                    and " with " not in self.joined[hit[1] : hit[1] + 4 * _CHARS_PER_WORD]
                ):  # "Tripoli clashes", "Israeli fire"; not "Russia clashes with the West"
                    # or "China pounds US with tariffs" (a weapon "with" is a pair)
                    if "bombardment" in tags:  # "Israel pounds Gaza": heavy, repeated
                        note = f"{actor.text} {self.text(hit)}: a sustained bombardment"
                        return self.force_level(hit, 4, note)
                    note = f"{actor.text} {self.text(hit)}: gunfire or shelling"
                    return self.force_level(hit, 3, note)  # "US bombs nuclear sites": 5
                if "threat_verb" in tags and (space := self.near(hit, "space", 4)) is not None:
                    # "NASA will launch a mission": a launch into space, no weapon named
                    self.add(space, "modifier", "space", "a space launch, not a weapon")
                    return 0, "space launch"
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
        if "civil_sense" in tags and (space := self.near(hit, "space")) is not None:
            return 0, f"'{self.text(hit)}' in astronomy or spaceflight ('{self.text(space)}')"
        if "labour" in tags:
            if self._strikes_a_deal(hit):
                return None, ""  # "strikes a deal", "strikes an upbeat tone"
            if self.near(hit, "labour_cue") and not self._armed_cue(hit):
                return 1, "labour strike: friction, not force"
            tagged = self.tagged
            if "walkout" in tagged and not any(
                other[0] != hit[0] and not _ARMED.isdisjoint(other[2].tags) for other in self.hits
            ):  # "Doctors extend walkout. ... as the strike entered its sixth month";
                # "on strike ... a double strike against studios": the strike's own tag
                walkout = tagged["walkout"][0]
                return 1, f"a labour strike (the item tells of '{self.text(walkout)}')"
            if (other := self._labour_elsewhere(hit)) is not None:
                # "French strikes disrupt nuclear reactor maintenance. ... the strike
                # against the government's pension reforms"
                return 1, f"a labour strike (the item tells of '{self.text(other)}')"
        if (
            "crowd" in tags
            and (cue := self.near(hit, "protest_cue")) is not None
            and self.near(hit, "armed_group") is None
        ):  # not "flights cancelled as clashes between the military and militants intensify"
            return min(level, 2), f"crowd control at a protest ('{self.text(cue)}')"
        if (by_casualties := self.casualty_level(hit, level)) is not None:
            return by_casualties
        if (
            "arguable" in tags
            and (cue := self.near(hit, "argument", 2, before=False)) is not None
            and self.near(hit, "military_cue") is None
        ):
            return 1, f"{self.text(hit)} {self.text(cue)}: a verbal attack, friction"
        if "arguable" in tags and (leader := self._leader_judged(hit)) is not None:
            return 1, f"{self.text(hit)} {leader.text} as, over or for something: words"
        if "arguable" in tags and self.verbal_attack(hit):
            return 1, f"'{self.text(hit)}' with no weapon, force or casualty, in politics: words"
        if "arguable" in tags and self._blasts_a_name(hit):
            return 1, f"'{self.text(hit)}' a person or a thing by name: a verbal attack, friction"
        if "capture" in tags and (cue := self.near(hit, "space", 4)) is not None:
            # "Webb telescope captures crisp images of Neptune"
            return 0, f"'{self.text(hit)}' by a camera in space ('{self.text(cue)}')"
        if "capture" in tags and (cue := self.near(hit, "animals", 10)) is not None:
            # "giant hornet captured by scientists", "zoo recaptures escaped monkey"
            return 0, f"'{self.text(hit)}' of an animal ('{self.text(cue)}'), not force"
        if (
            "capture" in tags
            and self.text(hit).startswith(("captur", "recaptur"))
            and (cue := self.near(hit, "recording", 6)) is not None
            and self.near(hit, "military_cue") is None
            and self.near(hit, "armed_group") is None
        ):  # "video captured the moment", "transcripts capture the chaos"
            return 0, f"'{self.text(hit)}' by a recording ('{self.text(cue)}'), not force"
        if "capture" in tags and self._by_police(hit):
            # "El Chapo's son captured by Mexican authorities": an arrest
            return 0, f"'{self.text(hit)}' by the police: an arrest, law enforcement"
        if "capture" in tags and (cue := self.near(hit, "crime", 8)) is not None:
            # "police seize 8 tonnes of cocaine": law enforcement, not force
            return 0, f"'{self.text(hit)}' of contraband ('{self.text(cue)}'): law enforcement"
        if (
            "capture" in tags
            and (cue := self.near(hit, "theft", 8)) is not None
            and not self._armed_near(hit)
            and self.actor_before(hit) is None  # "Ukraine seizes ship carrying stolen grain"
        ):  # "12 stolen vehicles found and £90,000 seized": the proceeds of a theft
            return 0, f"'{self.text(hit)}' in a theft ('{self.text(cue)}'): law enforcement"
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
