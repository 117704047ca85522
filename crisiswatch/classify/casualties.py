"""Casualty rules of the level engine: how the dead and the hurt an item counts set its level.

A death with an accident's cause is no conflict; the hurt with no act of force are an
accident or illness, at a protest they are clashes, in their thousands a massacre; a count
of the dead at or above `casualty_major` is mass-casualty violence unless it is a running
toll or deaths no one caused. Split from `context.py`, whose rule chain calls
`casualty_level` at this point of its order.
"""

from __future__ import annotations

from crisiswatch.classify.counts import INJURED, WEAPON_NOUNS
from crisiswatch.classify.itemtext import _CHARS_PER_WORD, _Hit
from crisiswatch.classify.unrest import UnrestRules

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
_NOT_DEAD = WEAPON_NOUNS | INJURED  # counts next to a death word that count something else
_RESCUE = frozenset(("save", "saves", "saved", "saving", "spared", "rescued", "rescuing"))


class CasualtyRules(UnrestRules):
    """The dead and the hurt, counted or caused; keeps no state of its own."""

    __slots__ = ()

    def casualty_level(self, hit: _Hit, level: int) -> tuple[int | None, str] | None:
        """The level a death or injury word sets, or None to let the later rules decide."""
        tags = hit[2].tags
        if (
            ("casualty" in tags or "blast" in tags)
            and (cue := self.accident_cause(hit))
            # a disaster told far from deaths "in unrest" does not explain them
            and self._died_at_protest(hit) is None
        ):
            self.add(cue, "modifier", "disaster", "deaths from a disaster or accident")
            return 0, "deaths from a disaster or accident, not conflict"
        if (
            "injury" in tags
            and "sustained" not in self.tagged  # "the toll of two years of bombardment"
            and not self.violence_near(hit)
            and self._violent_cue(hit) is None
        ):
            # "9-year-old injured at festival dies": no act, weapon, crowd or armed men
            return 0, f"'{self.text(hit)}' with no act of force: an accident or illness"
        if (
            "injury" in tags
            and (cue := self.near(hit, "protest_cue")) is not None
            and "munition" not in self.tagged
            and "armed_group" not in self.tagged
            and not any(
                "force" in o[2].tags and "casualty" not in o[2].tags for o in self.hits
            )  # not "police fire rubber bullets at protesters; several were injured"
        ):  # "hundreds of police injured in the most violent day of protests"
            return 2, f"people hurt at a protest ('{self.text(cue)}'): clashes, no weapons"
        if (
            "injury" in tags
            and (count := self._count(hit, before=6, after=4, not_before=_NOT_DEAD))
            >= self.engine.injured_major
        ):  # "pagers explode, wounding thousands": hurt on the scale of a massacre
            return 4, f"{count}+ hurt: mass-casualty violence"
        if "casualty" in tags and (cue := self._protest_cause(hit)) is not None:
            # "doctors strike over the rape and murder of a colleague", "protests after a
            # man is beaten to death": the killing is the grievance, the protest the news
            return 1, f"'{self.text(hit)}' is what the '{self.text(cue)}' is held over"
        if (
            "counted" in tags
            and self.text(hit) == "lives"
            and not _RESCUE.isdisjoint(self.words_before(hit[0], 5))
        ):  # "credited with saving more than 1,200 lives": a rescue, not a toll
            return 0, f"'{self.text(hit)}' saved: a rescue, not deaths"
        if "counted" in tags:
            after = 12 if "toll" in tags else 4
            # "kills four": an active verb's count follows it ("dozens wounded" before it
            # counts someone else).
            before = 0 if self.text(hit) in _ACTIVE_KILL else 6
            count = self._count(hit, before=before, after=after, not_before=_NOT_DEAD)
            if count >= self.engine.casualty_major:
                if self._cumulative(hit):
                    return level or 3, f"{count} killed over time: a running toll, not one attack"
                if (
                    ("natural" in tags or ("toll" in tags and not self.actors))
                    and self._violent_cue(hit) is None
                    and not self.violence_near(hit)
                ):  # "the country where 30 farmers die each day": no one kills them;
                    # "Death toll nears 90,000": a toll of no place, act or armed men
                    return 0, f"{count} deaths with no act, weapon or armed men: not conflict"
                return 4, f"{count}+ killed: mass-casualty violence"
            if level == 0 and "natural" not in tags:
                cue = self._violent_cue(hit)
                if cue is not None:
                    return 3, f"deaths with '{self.text(cue)}': deadly violence"
            if level == 0 and (cue := self._died_at_protest(hit)) is not None:
                return 3, f"deaths at a protest ('{self.text(cue)}'): a deadly crackdown"
        return None

    def _cumulative(self, hit: _Hit) -> bool:
        """A toll summed over time ("have killed 30 so far this year", "40 since January")."""
        sep = self.offset - 2  # the title/summary separator: a toll stays in its field
        lo, hi = (0, sep) if hit[0] < sep else (sep + 1, len(self.joined))
        window = self.joined[
            max(lo, hit[0] - 6 * _CHARS_PER_WORD) : min(hi, hit[1] + 8 * _CHARS_PER_WORD)
        ]
        return any(marker in window for marker in _CUMULATIVE)
