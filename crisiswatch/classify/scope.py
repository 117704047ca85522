"""Which modifier reaches which word: "threatens to strike", "could go to war",
"denies the attack", "End unlawful killings, UN tells Israel" (a call: they go on).

`ScopeRules` sits between the context rules (`context.py`) and the decision
(`judge.py`): a modifier's reach runs ahead of it (or, for a few, behind it) for as
many words as its entry in `levels.toml` allows, never past the end of a clause.
"""

from __future__ import annotations

from crisiswatch.classify.context import ContextRules
from crisiswatch.classify.itemtext import _CHARS_PER_WORD, _Hit

_DEFINITE = frozenset({"the", "this", "that", "its", "their", "his", "her", "our", "s"})
_ENDING = frozenset({"rejection", "prevention"})
_CESSATION = frozenset(("cease", "stop", "halt", "end", "suspend", "pause", "scale"))
_HALT = frozenset(("cease", "stop", "halt", "end", "cessation"))  # not "full-scale"
_REMAINS = frozenset(("bodies", "body", "remains", "dead"))
_ARTICLES = frozenset(("the", "a", "an"))
# An act said to go on, in the folded text ("on-going" is "on going"): the words right
# before it, or how its own phrase begins ("ongoing war", "on-going conflict").
_GOING_ON = ("ongoing", "on going", "continuing")
_GOING_ON_LEADS = tuple(f"{words} " for words in _GOING_ON)
_GOING_ON_BEFORE = tuple(f" {words} " for words in _GOING_ON)
_UNDONE = frozenset(("negation", "denial"))  # what still undoes an act said to go on
_MADE_TO = frozenset(("forced", "compelled", "obliged", "had"))  # "forced to retreat": done
_SIDE_WORDS = frozenset(("rebel", "militant", "military", "army", "air", "drone", "missile"))
_PASSIVE_AUXILIARIES = frozenset(("be", "been", "being", "get", "got", "have", "has", "had"))
# After a backward-looking "ends", these words show it has an object ("the truce that
# ended the fighting", "the deal ends years of talks"): it does not reject what precedes.
_OBJECT_STARTS = frozenset(
    ("the", "a", "an", "its", "their", "his", "her", "more", "years", "decades", "months",
     "weeks", "two", "three", "hostilities", "fighting", "border", "conflict", "war", "violence",
     "crisis", "standoff", "row", "feud", "dispute", "tensions", "clashes", "blockade", "siege",
     "occupation")
)  # fmt: skip


class ScopeRules(ContextRules):
    """The scope half of `ItemJudge`; it keeps no state of its own."""

    __slots__ = ()

    def modifier_for(self, hit: _Hit, modifiers: list[_Hit]) -> _Hit | None:
        """The strongest modifier whose scope covers `hit`."""
        best: _Hit | None = None
        best_rank = 99
        for mod in modifiers:
            entry = mod[2]
            if mod[1] <= hit[0]:
                if entry.effect not in _UNDONE and self.text(hit).startswith(_GOING_ON_LEADS):
                    continue  # "warn of hunger in Yemen's ongoing war": the war goes on
                a, b, reach = mod[1], hit[0], entry.ahead
                if "definite_real" in entry.tags and not _DEFINITE.isdisjoint(
                    self.joined[a:b].split()
                ):
                    continue  # "concerns over Israel's Rafah offensive": one under way
                if entry.effect in _ENDING and not hit[2].deescalation and self._opens(mod):
                    continue  # "End unlawful killings, UN tells Israel": a call, they go on
                between = self.joined[a:b].split()
                if "appeal" in entry.tags and not _CESSATION.isdisjoint(between):
                    continue  # "urges Israel to cease its offensive": the offensive goes on
                if entry.effect == "hypothetical" and not _HALT.isdisjoint(between):
                    continue  # "might lead to a cessation of fighting": the fighting goes on
                if ("appeal" in entry.tags or entry.effect == "prevention") and self._under_way(
                    hit
                ):
                    # "urges support against Russia's invasion", "defend against Russia's
                    # ongoing invasion": one under way
                    continue
            elif mod[0] >= hit[1] and entry.behind:
                if mod[0] - hit[1] > _CHARS_PER_WORD * (entry.behind + 1):
                    continue  # out of reach: the cheap test first
                if "indefinite_only" in entry.tags and not self._indefinite(hit):
                    continue
                if entry.effect == "rejection" and not hit[2].deescalation:
                    continue  # "talks collapse" looks back; "threatens to quit" does not
                if entry.effect == "rejection" and self._has_object(mod):
                    continue  # "the deal ends years of talks": the deal is not rejected
                a, b, reach = hit[1], mod[0], entry.behind
            else:
                continue
            if b - a > _CHARS_PER_WORD * (reach + 1) or self.gap(a, b) > reach:
                continue
            if "participle_only" in entry.tags and (
                hit[2].deescalation
                or not self.text(hit).endswith("ed")
                # looking back, only a capture by force or a detention: "Britons captured
                # in Ukraine freed", "Americans detained in China are released"; not
                # "released footage" or "refused to release"
                or (a == hit[1] and "force" not in hit[2].tags and hit[2].name != "detained")
            ):  # "frees kidnapped soldiers", not "released footage of strikes", not a deal
                continue
            if "needs_state" in entry.tags and (
                "ongoing" in hit[2].tags
                or ("named_war" in hit[2].tags and self.named_war(hit) is not None)
                or self._article_only(mod[1], hit[0])
                or self._country_only(mod, hit)
                or not _MADE_TO.isdisjoint(self.words_before(mod[0], 1))
                or (self.text(hit).endswith("ing") and self._adjacent(mod, hit))
            ):
                # "connects to war in Ukraine", "walks miles to escape fighting", "react
                # to the storming", "faces to Bangladesh carnage", "links India to
                # killing": a noun after "to", not a verb announced; "forced to retreat":
                # done, not announced
                continue
            if entry.effect == "delivery" and "weak" in hit[2].tags:
                continue  # "delivering mail in war-ravaged Ukraine": a war is not supplied
            if "bodies_only" in entry.tags and self.text(hit) not in _REMAINS:
                continue  # "returns 1,000 bodies", but not "returns fire"
            if a == mod[1] and "announce" in entry.tags and self._participle_after_verb(a, hit):
                continue  # "orders troops to rescue abducted girls": the abduction happened
            if self.ends_between(a, b) or (a == mod[1] and self._broken(mod, hit)):
                continue
            if entry.requires and self.near(mod, entry.requires, 4, after=False) is None:
                continue
            if entry.rank < best_rank:  # threats and hypotheses rank alike: the first wins
                best, best_rank = mod, entry.rank
        return best

    def _under_way(self, hit: _Hit) -> bool:
        """Is the act one going on: a state's own ("Russia's invasion"), "ongoing", or
        acts a named side keeps doing ("to avoid Houthi rebel attacks", "Israeli
        shelling"); not one of a kind ("to prevent a Chinese invasion")?"""
        if self.joined.endswith(_GOING_ON_BEFORE, 0, hit[0]):
            return True
        owner = self.actor_before(hit)
        if owner is not None and self._possessive(owner):
            return True
        if not self.text(hit).endswith(("s", "ing")) or self.article_before(hit[0]):
            return False
        if owner is not None:
            return True
        side = self.joined.rfind(" ", 0, hit[0] - 1) + 1  # "Houthi rebel attacks"
        return (
            self.joined[side : hit[0] - 1] in _SIDE_WORDS and self.actor_ending_at(side) is not None
        )

    def _country_only(self, mod: _Hit, hit: _Hit) -> bool:
        """Is a country all that stands between the modifier and the hit ("to Bangladesh
        carnage"): the hit a noun the country qualifies?"""
        actor = self.actor_before(hit)
        return actor is not None and not self.joined[mod[1] : self.joined_start(actor)].strip()

    def _adjacent(self, mod: _Hit, hit: _Hit) -> bool:
        """Does the hit follow the modifier with no word between?"""
        return not self.joined[mod[1] : hit[0]].strip()

    def _article_only(self, start: int, end: int) -> bool:
        """Is the text between two positions one article ("react to the storming":
        a noun after "to", not a verb it announces)?"""
        words = self.joined[start:end].split()
        return len(words) == 1 and words[0] in _ARTICLES

    def _indefinite(self, hit: _Hit) -> bool:
        """Is the act generic: after "a", "an" or "any" ("a Chinese blockade or invasion"),
        or a bare noun opening its field ("Chinese blockade of Taiwan could ...")?"""
        if self.article_before(hit[0]):
            return True
        start = 1 if hit[0] < self.offset else self.offset
        lead = self.joined[start : hit[0]].split()
        return len(lead) <= 1 and _DEFINITE.isdisjoint(lead)

    def _participle_after_verb(self, a: int, hit: _Hit) -> bool:
        """Is `hit` a past participle right after another verb ("to rescue abducted")?

        Then it describes a state that already exists; "to be attacked" is still ahead.
        """
        between = self.joined[a : hit[0]].split()
        return (
            len(between) == 1
            and between[0] not in _PASSIVE_AUXILIARIES
            and self.joined[hit[0] : hit[1]].endswith("ed")
        )

    def _has_object(self, mod: _Hit) -> bool:
        """Is the verb followed by its object ("ended the fighting"), not a pause?"""
        rest = self.joined[mod[1] : mod[1] + 24].split(None, 1)
        return (
            bool(rest) and rest[0] in _OBJECT_STARTS and not self.ends_between(mod[1], mod[1] + 1)
        )

    def _opens(self, hit: _Hit) -> bool:
        """Does the hit open its field (an imperative: "Stop the shelling")?"""
        start = 0 if hit[0] < self.offset else self.offset
        return not self.joined[start : hit[0]].strip(" '\"\u2018\u201c")

    def _broken(self, mod: _Hit, hit: _Hit) -> bool:
        return any(h[0] >= mod[1] and h[1] <= hit[0] for h in self.tagged.get("breaker", ()))
