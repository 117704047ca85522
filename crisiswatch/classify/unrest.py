"""Unrest rules of the level engine: deaths and injuries around protests and strikes.

"Seven found dead as protesters demand his exit" is violence at a protest; "a protest
over the deaths of children" and "a strike over the killing of a nurse" hold a death
up as their grievance; "died during demonstrations" is a deadly crackdown.
`context.ContextRules` extends `UnrestRules` and calls these helpers in its order of
rules.
"""

from __future__ import annotations

from crisiswatch.classify.itemtext import _Hit
from crisiswatch.classify.justice import JusticeRules
from crisiswatch.classify.story import _POLICE, _at_work

# "strike over the killing", "protests following the killing", "demonstrations sparked
# by the killing"
_GRIEVANCE = frozenset(
    ("over", "against", "protest", "after", "following", "sparked", "triggered", "prompted")
)
_GRIEVANCE_ENDS = frozenset(("at", "over", "against", "after"))  # "a strike in protest at"
_DURING = frozenset({"in", "during", "at", "amid"})  # "died in protests", "during rallies"
# Words within which a disaster explains deaths that a protest is also named with: past
# them ("two killed in unrest over a law ... hit hardest by coronavirus") the protest does.
_CAUSE_REACH = 12
_ONE_PROTESTER = frozenset(("protester", "protestor", "demonstrator", "activist"))
# A crowd's feeling that, in an item about a protest, holds a death up as the protest
# does ("protests spread; anger over the killing of a black man by police").
_OUTCRY = frozenset(("anger", "outrage", "fury"))
_VICTIM_PRONOUNS = frozenset(("he", "she", "who"))


class UnrestRules(JusticeRules):
    """Protests, strikes and the deaths told with them; keeps no state of its own."""

    __slots__ = ()

    def _violent_cue(self, hit: _Hit) -> _Hit | None:
        """A crowd or armed men that explain deaths or injuries: in the sentence, or, with
        no disaster in the item, anywhere in it ("Protesters demand his exit; seven found
        dead"). Other deaths and the police who report them explain nothing."""
        cue = self.near(hit, "protest_cue") or self.near(hit, "military_cue")
        if cue is not None and (
            "casualty" in cue[2].tags
            or self.text(cue) in _POLICE
            or _at_work(cue)
            or self._grievance(cue, hit)
        ):
            cue = None
        if cue is None and "disaster" not in self.tagged:
            cue = next(
                (
                    other
                    for other in self.tagged.get("protest_cue", ())
                    if not _at_work(other) and not self._grievance(other, hit)
                ),
                None,
            ) or next(
                (
                    other
                    for other in self.tagged.get("military_cue", ())
                    if "casualty" not in other[2].tags and self.text(other) not in _POLICE
                ),
                None,
            )
        return cue

    def _grievance(self, action: _Hit, death: _Hit) -> bool:
        """Is the death, after it, what a protest or strike is held over ("a protest over
        the deaths of children", "a strike over the killing of a nurse")?"""
        return action[1] <= death[0] and not _GRIEVANCE.isdisjoint(
            self.joined[action[1] : death[0]].split()
        )

    def _protest_cause(self, hit: _Hit) -> _Hit | None:
        """The protest or strike a death is the grievance of, when nothing armed is in the
        item: no weapon, armed group or act of force besides the deaths themselves."""
        tagged = self.tagged
        if "munition" in tagged or "armed_group" in tagged:
            return None
        if any(
            "force" in o[2].tags and "casualty" not in o[2].tags and not self.civil_action(o)
            for o in self.hits
        ):  # "protests after an airstrike kills five": the strike is the news
            return None
        before = [other for other in self.hits if other[1] <= hit[0]]
        if any(self._protester_died(other, hit) for other in before):
            return None  # "tribute to protester Anthony Unuode after he was killed"
        for other in before:  # "strike over", "protests after", "walkout over"
            if (
                (
                    self.civil_action(other)
                    or (
                        self.text(other) in _OUTCRY and any(self.civil_action(o) for o in self.hits)
                    )
                )
                and self.gap(other[1], hit[0]) <= 8
                and not self.ends_between(other[1], hit[0])
                and (self._grievance(other, hit) or self.text(other).split()[-1] in _GRIEVANCE_ENDS)
            ):
                return other
        return None

    def _protester_died(self, cue: _Hit, death: _Hit) -> bool:
        """Is the death the protester's own: one protester named, then "he", "she" or
        "who" before the death word ("protester X after he was killed")?"""
        if self.text(cue) not in _ONE_PROTESTER:
            return False
        between = self.joined[cue[1] : death[0]].split()
        return len(between) <= 8 and not _VICTIM_PRONOUNS.isdisjoint(between)

    def _died_at_protest(self, hit: _Hit) -> _Hit | None:
        """People who "died in protests" or "killed in unrest": a protest right after the
        death, in a preposition's reach, with no disaster or illness within _CAUSE_REACH."""
        if self.near(hit, "disaster", _CAUSE_REACH) is not None:
            return None
        cue = self.near(hit, "protest_cue", 4, before=False)
        if cue is None or "crowd" in cue[2].tags:
            return None
        lead = self.joined[hit[1] : cue[0]].split()
        if not lead:  # the death phrase holds the preposition: "killed in" unrest
            lead = self.text(hit).split()[-1:]
        return cue if lead and lead[0] in _DURING else None

    def _armed_cue(self, hit: _Hit) -> _Hit | None:
        """A military cue in the sentence that makes a "strike" armed; a killing the
        strike is held over is the grievance ("a strike over the killing of a nurse")."""
        cue = self.near(hit, "military_cue")
        if cue is not None and "casualty" in cue[2].tags and self._grievance(hit, cue):
            return None
        return cue
