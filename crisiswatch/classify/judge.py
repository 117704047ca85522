"""One item read against the level engine's lexicon: modifiers, framing and the decision.

`LevelEngine` (levels.py) builds the lexicon and the framing settings once; an
`ItemJudge` is made per item from the scanner's hits and decides its level,
keeping the evidence for every phrase that counted. Its state and position helpers
are in `itemtext.py`; which modifier reaches which word is in `scope.py`; how the
title frames the rest is in `framing.py`; what a word means in its context is in
`context.py` and the modules it builds on.
"""

from __future__ import annotations

from crisiswatch.classify.framing import _FORECASTS, _TRAILING, TitleFraming
from crisiswatch.classify.history import _LONG_AFTER
from crisiswatch.classify.itemtext import _CANCELS_ACT, _Hit
from crisiswatch.classify.namedactors import ONGOING_WAR
from crisiswatch.classify.scope import _ENDING
from crisiswatch.classify.story import _POLITICAL_ACTORS
from crisiswatch.models import Evidence

_LEVEL_TEXT = ("0", "1", "2", "3", "4", "5")
_CANCELS_PEACE = frozenset({"negation", "rejection", "denial", "prevention"})
# "solved 7 conflicts", "worked in conflict zones around the world": none named
_PLURAL_BACKGROUND = frozenset(("wars", "conflicts", "conflict zones"))
# An act said to go on is reported, whatever "if" is near it ("join Israel's ongoing strikes").
_GOING_ON = frozenset(("ongoing", "continuing", "continued", "relentless"))
_NAMES_NO_EVENT = frozenset({"commemoration", "comparison"})  # not even nuclear rhetoric
_ENDED = frozenset(("ended", "ends"))  # "ended the war": over, not going on
_RISK_OF = frozenset(
    ("risk of", "danger of", "threat of", "brink of", "verge of", "spectre of", "specter of")
)
# "the bombing" after "the Manchester Arena bombing", "the attack" after "a shark attack":
# the act named before, told again.
_RETELLING = (" the ", " this ", " that ")


class ItemJudge(TitleFraming):
    """Decides one item's level; lives only inside `LevelEngine.assess`."""

    __slots__ = ()

    # -- decision ----------------------------------------------------------------------

    def decide(self) -> tuple[int, bool, list[Evidence]]:
        modifiers, cancelling = self.modifiers, self.cancelling
        asking = "?" in self.title or "?" in self.summary
        present = self.tagged
        sport = self._sport() if "sport" in present else None
        # history or fiction possible: a year, a story, "decades ago", "one year on" or
        # "a century after"
        storied = (
            "fiction" in present
            or "dated" in present
            or " ago " in self.joined
            or " year on " in self.joined
            or " years on " in self.joined
            or (" after " in self.joined and _LONG_AFTER.search(self.joined) is not None)
            or self.inquiry_title()
        )
        level, deescalation, weak, counted = 0, False, [], False
        figures: list[_Hit] = []
        title_peace = False  # a de-escalation that stands, in the title
        consumed = self.consumed  # weapons a verb already spoke for (filled as we go)
        threat_only = self.threat_only  # filled by context_level as it goes
        add = self.add
        for hit in self.ordered:
            if hit[0] in consumed:
                continue
            entry = hit[2]
            if "force" in entry.tags and (first := self._retold(hit)) is not None:
                told = self.raw()[first[0] : first[1]]
                note = f"'{self.text(hit)}' is the '{told}' named before: {first[2].note}"
                add(hit, "modifier", "retold", note)
                continue
            if entry.plain:  # the common case: a word whose level no context changes
                value, note = entry.level, entry.note
                if (value >= 2 and (modifiers or asking)) or (value == 1 and cancelling):
                    value, note = self.scoped(hit, value, note, asking)
                    if value is None:
                        continue
                if storied and value >= 2:
                    value, note = self.storied(hit, value, note)
                counted = True
                if value:  # routine words ("budget") explain nothing
                    add(hit, "level", _LEVEL_TEXT[value], note)
                    if value > level:
                        level = value
                continue
            tags = entry.tags
            if "weak" in tags:
                if "named_war" in tags and (named := self.named_war(hit)) is not None:
                    value, note = self.war_level(hit, named, asking)
                    if value is not None:
                        counted = True
                        if value:
                            add(hit, "level", _LEVEL_TEXT[value], note)
                            level = max(level, value)
                    continue
                if "named_war" in tags and self.war_on_thing(hit):
                    # "the mayor's war against cars": a campaign in words, no war at all
                    add(hit, "modifier", "metaphor", "a war on a thing, not a state: words")
                    continue
                if self.text(hit) not in _PLURAL_BACKGROUND:  # "wars": none named
                    weak.append(hit)
                continue
            if (
                sport is not None
                and ("soft" in tags or ("games" in tags and sport[2].name == "sport"))
                and self._sport_covers(sport, hit)
                and not ("games" in tags and self._leader_speaks(hit))
            ):  # "Nepo lambasted after loss": words about a game, not between states;
                # "Sturgeon criticises players": a leader's words are politics
                add(sport, "modifier", "sport", sport[2].note + ": not military")
                continue
            if not entry.always and entry.needs.isdisjoint(present):
                value, note = entry.level, entry.note
            else:
                value, note = self.context_level(hit)
                if value is None:
                    continue
            only_threat = hit[0] in threat_only or "threat_only" in tags
            if (
                (value >= 2 and (modifiers or asking))
                or (value == 1 and cancelling)
                or entry.deescalation
                or only_threat
            ):
                value, note = self.scoped(hit, value, note, asking, only_threat)
                if value is None:
                    continue
            if storied and value >= 2:
                value, note = self.storied(hit, value, note)
            # a figure of speech ("postal workers risk their lives") explains only the
            # background words inside it ("drug war"), not "war-ravaged Ukraine"
            wished = entry.deescalation and self._forecast(hit)  # "seeking truce"
            if "metaphor" in tags:
                figures.append(hit)
            elif "casualty" not in tags and not wished:
                # the wounded or dead of a war the item names leave it the level, and so
                # does a truce only hoped for ("two years of war ... as a possible ceasefire")
                counted = True
            if entry.deescalation and value == 0:
                deescalation = True
                # a truce sought or promised ("seeking truce") does not yet frame the item
                title_peace = title_peace or (hit[0] < self.offset and not wished)
                add(hit, "deescalation", "0", note)
                if "war_end" in tags and (war_note := self._war_to_stop(hit)):
                    # "pushing to end the war in Ukraine": the war it names is going on
                    add(hit, "level", "4", war_note)
                    level = max(level, 4)
            elif "metaphor" in tags:
                add(hit, "modifier", "metaphor", note)
            else:
                add(hit, "level", _LEVEL_TEXT[value], note)
            if value > level:
                level = value
        if weak and not counted:
            for hit in weak:
                value, note = hit[2].level or 0, hit[2].note
                if self.commercial_war(hit) or any(
                    f[0] <= hit[0] and hit[1] <= f[1] for f in figures
                ):
                    continue
                mod = self.modifier_for(hit, modifiers) if modifiers else None
                if mod is not None and (changed := self.modified(hit, value, note, mod))[0] is None:
                    continue
                if mod is not None:
                    value, note = changed  # type: ignore[assignment]
                if value >= 2 and asking and self.asked(hit):
                    value, note = 1, self.asked_note(hit)
                if storied and value >= 2:  # "a series about the cartels' violence"
                    value, note = self.storied(hit, value, note)
                self.add(hit, "level", str(value), note)
                level = max(level, value)
        if level:  # the frame of the title (see the frame_* settings): cheap tests first
            title, engine = self.title, self.engine
            ending = title.rstrip(_TRAILING)
            lowered = title.lower()
            if (
                ":" in title
                or " on," in title
                or ending.lower().endswith(engine.retro_ends)
                or ending[-1:].isdigit()  # an age: an obituary ("dies at 89")
                or ending.lower().endswith(engine.obituary_ends)  # "X obituary"
                or any(word in lowered for word in engine.genre_dash_words)  # "X review – "
            ) and self.no_event():
                level = 0
            elif title_peace or (
                # a test or drill in the title (the lists are in text order)
                ((tests := present.get("test")) and tests[0][0] < self.offset)
                or ((drills := present.get("exercise")) and drills[0][0] < self.offset)
            ):
                level = self.title_frame(level, title_peace)
            elif modifiers and modifiers[0][0] < self.offset and self._history_title():
                level = self.title_frame(level, True)
            elif "court" in present and "dated" in present and (case := self._past_case()):
                # "Court jails three over 2016 Brussels bombings. The attacks killed 32."
                level = self._title_level(level, case, True, "a court case about a past act")
        if (
            level == 1
            and ("crime" in present or "crime_act" in present)
            and (cue := self.crime_story()) is not None
            and not self.civil_friction()
        ):  # "suspect denies the charges": police work, not friction
            self.add(cue, "modifier", "crime", "ordinary crime: police work, not friction")
            level = 0
        return level, deescalation, self.evidence

    def _retold(self, hit: _Hit) -> _Hit | None:
        """The phrase that read calm (a past war's bombing, an animal's attack) which an
        act of force right after "the", "this" or "that" names again: "Reunited after the
        Manchester Arena bombing. ... caught up in the bombing's aftermath"."""
        if not self.joined.endswith(_RETELLING, 0, hit[0]):
            return None
        tail = " " + self.text(hit)
        for other in self.hits:
            if other[2].level == 0 and other[1] <= hit[0] and self.text(other).endswith(tail):
                return other
        return None

    def _war_to_stop(self, hit: _Hit) -> str:
        """The war a call to end it shows going on ("" for none): the war it names with a
        country, or "the war" wished stopped in an item that names a country ("'Just stop
        the war,' a doctor in Gaza says"; "and then the war will stop"). One said to have
        ended is over."""
        if (war := self.named_war(hit)) is not None:
            return war[0]
        text = self.text(hit)
        if text.split()[0] in _ENDED or "the war" not in text or not self.actors:
            return ""
        return f"'{text}': the war it would stop{ONGOING_WAR}"

    def _sport_covers(self, sport: _Hit, hit: _Hit) -> bool:
        """Does the sports or business cue speak for this word? A business cue does not
        reach a state's own act ("Major Russian strikes ... 380,000 consumers"), nor an
        aircraft shot down ("the downing of an Azerbaijan Airlines flight"), nor a strike
        labour cues name; a sports cue does not reach a state's invasion."""
        if sport[2].name == "sport":
            # "stripped of sporting titles amid Russia's invasion of Ukraine": a state's
            # invasion is no pitch invasion
            return hit[2].name != "invasion" or not self._state_invasion(hit)
        return (
            self.actor_before(hit) is None
            and "shot_down" not in hit[2].tags
            # "postal workers begin strikes ... to demand higher pay": labour, not trade
            and ("labour" not in hit[2].tags or self.near(hit, "labour_cue") is None)
        )

    def _leader_speaks(self, hit: _Hit) -> bool:
        """Is a leader, office holder or state body the one right before the word
        ("Sturgeon criticises Aberdeen players")? A team's country is not ("England
        criticised")."""
        doer = self.actor_before(hit)
        return doer is not None and doer.note.startswith(_POLITICAL_ACTORS)

    def _state_invasion(self, hit: _Hit) -> bool:
        """Is the invasion a country's ("Russia invaded", "the Ukraine invasion") or of
        one ("the invasion of Ukraine")?"""
        if self.actor_before(hit) is not None:
            return True
        after = self.actor_after(hit, 8)
        return after is not None and self._words_to(hit, after).lower() in ("of", "of the")

    def scoped(
        self, hit: _Hit, value: int, note: str, asking: bool, only_threat: bool = False
    ) -> tuple[int | None, str]:
        """The word's level under the modifier that reaches it and inside a question.

        None: it no longer counts (negated, denied; or a threat-only verb no threat reaches).
        """
        modifiers = self.modifiers
        mod = self.modifier_for(hit, modifiers) if modifiers else None
        if value == 1 and mod is not None and mod[2].effect not in _CANCELS_ACT:
            mod = None  # only a negation or prevention undoes friction
        if mod is not None:
            changed, note = self.modified(hit, value, note, mod)
            if changed is None:
                return None, ""
            value = changed
        elif only_threat:
            return None, ""
        if value >= 2 and asking and self.asked(hit):
            return 1, self.asked_note(hit)
        return value, note

    def war_level(self, hit: _Hit, named: tuple[str, bool], asking: bool) -> tuple[int | None, str]:
        """A named war's level: 4, unless a modifier, history or fiction undoes it.

        A definite war ("the Ukraine war") stays real under a threat or forecast
        ("warns the Ukraine war will cut growth"); "war with Iran" may not
        ("could go to war with Iran"). None: it does not count.
        """
        note, definite = named
        value = 4
        mod = self.modifier_for(hit, self.modifiers) if self.modifiers else None
        if definite and (risk := self._risk_of(hit)) is not None:
            definite, mod = False, risk  # "the growing danger of an Ethiopia-Eritrea war"
        if mod is not None and definite and mod[2].effect in _ENDING and self.text(mod) != "ended":
            mod = None  # "a deal to end the Russia-Ukraine war": the war goes on
        if mod is not None and not (definite and mod[2].effect in _FORECASTS):
            changed, note = self.modified(hit, 4, note, mod)
            if changed is None:
                return None, ""
            value = changed
        elif asking and not definite and self.asked(hit):
            return 1, self.asked_note(hit)
        if value >= 3 and ("fiction" in self.tagged or "dated" in self.tagged):
            value, note = self.storied(hit, value, note)
        return value, note

    def _risk_of(self, hit: _Hit) -> _Hit | None:
        """A risk named right before the war ("danger of", "brink of"): no war yet."""
        for mod in self.modifiers:
            if mod[1] <= hit[0] and self.gap(mod[1], hit[0]) <= 3 and self.text(mod) in _RISK_OF:
                return mod
        return None

    def modified(self, hit: _Hit, value: int, note: str, mod: _Hit) -> tuple[int | None, str]:
        """Apply a modifier's effect; None means the word no longer counts."""
        effect, word = mod[2].effect, self.text(hit)
        if effect == "hypothetical" and not _GOING_ON.isdisjoint(
            self.joined[max(0, hit[0] - 20) : hit[0]].split()[-2:]
        ):  # "undecided if the US should join Israel's ongoing strikes": they go on
            return value, note
        self.add(mod, "modifier", effect, mod[2].note)
        if hit[2].deescalation:
            if effect in _CANCELS_PEACE:
                return 1, f"'{word}' rejected or failed: friction"
            return value, note
        if hit[0] in self.threat_only or "threat_only" in hit[2].tags:
            if effect != "threat" or self.near(hit, "disaster") is not None:
                return None, ""  # "warned of more rain": weather, not a threat
            if (
                "announce" in mod[2].tags
                and "military_cue" not in self.tagged
                and (
                    hit[0] in self.threat_only
                    or ("needs_state" in mod[2].tags and self.actor_before(mod) is None)
                )
            ):
                # "tariffs to fall", "in order to respond": no armed actor, and no state
                # announcing it ("Israel to respond" is a threat)
                return None, ""
            return 2, f"threatened '{word}': explicit threat"
        if effect == "threat" and (cue := self.near(mod, "disaster", 2, after=False)):
            # "derailment threatens an explosion": a hazard, not a threat of force
            self.add(cue, "modifier", "disaster", "a hazard from a disaster or accident")
            return None, ""
        if effect == "threat":
            if "nuclear" in hit[2].tags:
                return 5, f"explicit nuclear threat ('{word}')"
            return 2, f"threatened '{word}': explicit threat, not an act"
        if effect == "hypothetical":
            if "nuclear_use" in hit[2].tags and self.near(hit, "assessment") is None:
                return 5, f"nuclear use held out as a possibility ('{word}'): a nuclear threat"
            if self._scenario_study():
                return 0, f"'{word}' is a scenario in a study or explainer, not an event"
            return 1, f"'{word}' is hypothetical or predicted, not happening"
        if effect == "delivery":
            if "nuclear" in hit[2].tags:
                return value, note  # nuclear arms moved or doctrine approved: still nuclear
            return 2, f"'{word}' supplied, not used: arms delivery"
        if "nuclear" in hit[2].tags and effect not in _NAMES_NO_EVENT:
            return 1, f"'{word}' mentioned, not threatened: nuclear rhetoric"
        return None, ""  # negated, prevented, commemorated, compared, denied, warned against
