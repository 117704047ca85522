"""Court and police rules of the level engine: acts a court case is about, and
arrests, sentences and allegations that are police work rather than politics.

"Gunman pleads guilty to three killings" reports a trial, not a shooting; "scholar
jailed for rape" is justice, "Kremlin critic jailed" is friction; "US judge blocks
asylum ban" is the law at work. `context.ContextRules` extends `JusticeRules` and
calls `trial_level` and `court_level` at their places in its order of rules.
"""

from __future__ import annotations

from crisiswatch.classify.itemtext import _Hit
from crisiswatch.classify.story import _ARMED_SIDE, _POLITICAL_ACTORS
from crisiswatch.classify.weapons import WeaponRules

_CASE_LINKS = frozenset(("in", "into", "over", "for", "of", "to"))  # "charged in", "probe into"
# What makes an arrest, a sentence or an allegation politics rather than police work.
_POLITICAL_CUES = frozenset(
    {"political", "public_figure", "protest_cue", "motive", "foreigners", "armed_group", "coup"}
)
# Who makes a warning or a criticism friction: a politician, an activist, an envoy, or
# an armed side ("trade barbs over the border").
_VOICES = _POLITICAL_CUES | _ARMED_SIDE
_PLACE_WORDS = frozenset(("in", "across", "throughout", "around"))  # "shoppers in Ireland"
_AT = frozenset(("at", "with"))  # the one a retort or anger is aimed at
_PAST_CASE = "a court case: the violence it judges is past"
# Court words that end a case: the act they judge is long done.
_VERDICTS = ("sentenced", "jailed", "convicted", "found guilty", "guilty of", "life")
# Offices a state acts through, named after it: "Senegal's PM accuses" (not its police).
_OFFICES = frozenset(
    ("pm", "president", "premier", "leader", "government", "ministry", "minister", "king")
)
# Words that may stand between a state and its office: "Iran's foreign ministry".
_BRANCHES = frozenset(("foreign", "defence", "defense", "interior", "prime"))


class JusticeRules(WeaponRules):
    """Rules for courts, trials, arrests and allegations (see the module docstring)."""

    def trial_level(self, hit: _Hit) -> tuple[int, str] | None:
        """An act that a court word next to it makes the subject of a case, or None.

        Only called with a court word in the item.
        """
        tags = hit[2].tags
        if (
            "agent" in tags
            and (cue := self.near(hit, "court", 2, before=False)) is not None
            and not self.actors_between(hit, cue)
        ):  # "Gunman pleads guilty to three killings", "Bomber jailed for life": the accused
            self.add(cue, "modifier", "justice", _PAST_CASE)
            return (
                0,
                f"'{self.text(hit)}' is the one on trial ('{self.text(cue)}'), not news of an act",
            )
        if (
            ("force" in tags or "casualty" in tags)
            and self.words_before(hit[0], 1) == ["who"]
            and (cue := self.near(hit, "court", 6, before=False)) is not None
            and self.text(cue).startswith(_VERDICTS)
            and not self.actors_between(hit, cue)
        ):  # "man who killed 19 people sentenced to death": the act of the one on trial,
            # long done by the verdict (a first court appearance may follow it at once)
            self.add(cue, "modifier", "justice", _PAST_CASE)
            return 0, f"'{self.text(hit)}' is the act of the one on trial, not news of it"
        if "force" in tags and (cue := self._judged(hit)) is not None:
            # "indicted on hate crime charges in attacks on 7 women", "charged over bombing"
            self.add(cue, "modifier", "justice", _PAST_CASE)
            return 0, f"'{self.text(hit)}' is what the court case is about, not news of it"
        return None

    def court_level(self, hit: _Hit) -> tuple[int, str] | None:
        """A coup or atrocity before a court, a court word over a crime, an arrest with
        no political side, a ruling that blocks or rejects; None if none of these."""
        tags = hit[2].tags
        if "coup" in tags and (cue := self.near(hit, "court")) is not None:
            # "sentenced to 27 years over coup plot": the coup is the case, not news
            return 0, f"'{self.text(hit)}' before a court ('{self.text(cue)}'): the case, not news"
        if "atrocity" in tags and (cue := self.near(hit, "court")) is not None:
            # "court jails ex-officers over killings", "war crimes conviction upheld"
            self.add(cue, "modifier", "justice", _PAST_CASE)
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
            hit[2].name == "detained"
            and (cue := self._crime_in_item()) is not None
            and self._police_work(hit)
        ):  # "arrested in fraud scandal ... investigators detained him": the same arrest
            return 0, f"'{self.text(hit)}' over a crime ('{self.text(cue)}'): police work"
        if "legal" in tags and self._police_work(hit):
            return 0, f"'{self.text(hit)}' with no opponent, figure, protest or state: police work"
        if (
            "case_claim" in tags
            and (court := self.near(hit, "court")) is not None
            and len({a.value for a in self.actors}) < 2
            and "political" not in self.tagged  # "Kremlin critic on trial": a state's case
        ):  # "pleads not guilty over alleged attempts", "indicted over alleged falsification"
            return 0, f"'{self.text(hit)}' in a court case ('{self.text(court)}'): the law at work"
        if (
            "rulable" in tags
            and (court := self.near(hit, "court", 3, after=False)) is not None
            and not self.actors_between(court, hit)
        ):  # "US judge blocks asylum ban", "Supreme Court rejects bid": the law at work
            return 0, f"'{self.text(hit)}' ruled by '{self.text(court)}': the law at work"
        return None

    def _judged(self, hit: _Hit) -> _Hit | None:
        """The court word whose case the act is: "charged in the killings of", "convicted
        over a bombing" (a court word, then "in/over/for/of" at most two words before)."""
        court = self.near(hit, "court", 6, after=False)
        if court is None:
            return None
        if court[2].name == "arrest" and self.near(hit, "protest_cue", 3, before=False):
            return None  # "arrested in fatal shooting at protest": the shooting is news
        for actor in self.actors:  # "convicts Russian agents of arson": a state's agents
            if court[1] <= self.joined_start(actor) < hit[0]:
                return None
        if self.text(court).split()[-1] in _CASE_LINKS and (
            len(self.joined[court[1] : hit[0]].split()) <= 4
        ):  # "charged in George Floyd's killing": the court phrase ends with the link
            return court
        lead = self.joined[court[0] : hit[0]].split()
        for back, word in enumerate(reversed(lead[-3:])):
            if word in _CASE_LINKS:
                return court
            if back >= 2:
                break
        return None

    def _police_work(self, hit: _Hit) -> bool:
        """An arrest or sentence with nothing political in the item ("Oxford scholar
        jailed for rape", "chef accused of harassment"); a figure, an opponent, a
        protest, a motive, a foreigner, a state that acts ("Iran arrests") or, for an
        accusation, two countries make it friction."""
        if not _POLITICAL_CUES.isdisjoint(self.tagged):
            return False
        if any(actor.note.startswith(_POLITICAL_ACTORS) for actor in self.actors):
            return False
        if "between_states" in hit[2].tags and len({a.value for a in self.actors}) > 1:
            return False  # "Serbia and Kosovo trade accusations"
        return not self._state_acts(hit)

    def _political_voice(self, hit: _Hit) -> bool:
        """Does someone in politics speak or act in the item: a politician, activist,
        envoy or armed side, a leader or state body, two countries, a state right
        before the word ("Iran rejects") or right after it ("angry at Spain")?"""
        if not _VOICES.isdisjoint(self.tagged):
            return True
        if any(actor.note.startswith(_POLITICAL_ACTORS) for actor in self.actors):
            return True
        if len({a.value for a in self.actors}) > 1:
            return True
        doer = self.actor_before(hit)
        if doer is not None:  # "Beijing furious"; "shoppers in Ireland furious" is a place
            text = self.title if doer.field == "title" else self.summary
            lead = text[: doer.start].split()
            return not lead or lead[-1].lower() not in _PLACE_WORDS
        if self._state_acts(hit):
            return True
        target = self.actor_after(hit, 6)  # "fires back at Spain", "angry at No 10"
        return target is not None and self._words_to(hit, target).lower() in _AT

    def _state_acts(self, hit: _Hit) -> bool:
        """Is a state, or a state's office, the doer right before the act ("Iran arrests",
        "Senegal's PM accuses")?"""
        if self.actor_before(hit) is not None:
            return True
        lead = self.joined[max(0, hit[0] - 26) : hit[0]]
        words = lead.split()
        if not words or words[-1] not in _OFFICES:
            return False
        office = hit[0] - len(lead) + lead.rindex(words[-1])
        if len(words) > 1 and words[-2] in _BRANCHES:
            office -= len(words[-2]) + 1
        return self.actor_ending_at(office) is not None
