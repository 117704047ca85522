"""How an item tells of an act: as trade, as ordinary crime, as civil action.

The rules that read the whole item rather than a word's neighbours: a commercial
"war", a crime story with no sign of conflict, and the protests, strikes and crowds
that make friction rather than force. History and fiction are its base
(`history.HistoryRules`). `StoryRules` is the base of `civil.CivilRules`,
`context.ContextRules` and so of `judge.ItemJudge`.
"""

from __future__ import annotations

from crisiswatch.classify.history import HistoryRules
from crisiswatch.classify.itemtext import _Hit

# The tags of an armed side in an item: armed forces, an armed group, fighting that goes on.
_ARMED_SIDE = frozenset({"military_cue", "armed_group", "sustained"})
_POLICE = frozenset(
    ("police", "policeman", "policemen", "police officer", "police officers", "officers",
     "officer", "detectives", "investigators", "authorities")
)  # fmt: skip
# Ordinary crime: the tags that show conflict or a motive instead, and the only acts of
# force a crime story may hold (levels.toml names the entries).
_NOT_CRIME = frozenset({"motive", "armed_group", "protest_cue", "munition", "named_war"})
# The words that may stand between a killing and its victim: "killing of a teen girl".
_OBJECT_WORDS = frozenset(
    ("of", "a", "an", "the", "his", "her", "their", "teen", "teenage", "young", "elderly",
     "pregnant", "local", "retired", "own", "two", "three", "four", "five", "infant", "baby")
)  # fmt: skip
_PLURAL_ENDS = ("s", "men", "children", "people")
# Three or more dead make a killing news of violence, not a police case; so do these.
_MANY_DEAD = 3
_MANY_WORDS = frozenset(("several", "multiple"))
_HURT = frozenset(("counted", "injury", "crime_act"))  # the killed, the hurt, the stabbed
_POLITICAL_ACTORS = ("leader", "state body")  # gazetteer notes of actors that govern
_CRIME_FORCE = frozenset(
    {"stabbing", "stabbing rampage", "murder", "killings", "killing", "attack", "attacker"}
    | {"assassination", "execution"}
    | {"weapons fired", "weapon used"}
    | {"shooting", "police shooting", "kidnapping", "poisoning"}
)


def _at_work(cue: _Hit) -> bool:
    """Is the cue only people at work ("doctors", "staff"), not a protest or a crowd?"""
    return cue[2].level is None and "labour_cue" in cue[2].tags


class StoryRules(HistoryRules):
    """The item-level half of the context rules; it keeps no state of its own."""

    __slots__ = ()

    def commercial_war(self, hit: _Hit) -> bool:
        """A background "war" after a commercial noun ("a transatlantic fare war")."""
        words = self.words_before(hit[0], 2)
        if words and words[-1] == "\x01":
            return False
        if self.engine.war_commerce.isdisjoint(words) or "military_cue" in self.tagged:
            return False
        self.add(hit, "modifier", "metaphor", "a commercial war: competition, not fighting")
        return True

    def _crime_in_item(self) -> _Hit | None:
        """A crime named anywhere in an item with no foreign national in it: the arrest
        or sentence elsewhere in the item is ordinary justice."""
        if "foreigners" in self.tagged:
            return None
        crimes = self.tagged.get("crime")
        return crimes[0] if crimes else self._assault_on_person()

    def crime_frame(self) -> _Hit | None:
        """The crime cue of an item that reports ordinary crime, else None.

        "Boy, 15, dies after stabbing; police begin murder investigation": a
        stabbing, a murder or a killer, and nothing that shows conflict or a
        motive (an armed group, a weapon of war, terror, a politician, a protest).
        """
        crime = self.tagged.get("crime_act")
        cue = crime[0] if crime else self._assault_on_person() or self._police_case()
        if cue is None or not self._no_conflict():
            return None
        if "rampage" in self.tagged and self._many_hurt():
            return None  # "three killed, 15 injured in stabbing attack": on the public
        return cue

    def _police_case(self) -> _Hit | None:
        """The police telling of one or two killed, with no public figure, foreigner
        or government in the item: "Actor shot and killed in Atlanta, police say"."""
        reports = self.tagged.get("police_report")
        if not reports or "public_figure" in self.tagged or "foreigners" in self.tagged:
            return None
        if "scale" in self.tagged or any(
            actor.note.startswith(_POLITICAL_ACTORS) for actor in self.actors
        ):
            return None
        return None if self._many_hurt() else reports[0]

    def _many_hurt(self) -> bool:
        """Does the item count several killed or hurt ("at least three killed", "five
        shootings", "several people shot")?"""
        for hit in self.hits:
            if _HURT.isdisjoint(hit[2].tags):
                continue
            if self._count(hit, before=6, after=4) >= _MANY_DEAD:
                return True
            if not _MANY_WORDS.isdisjoint(self.joined[max(0, hit[0] - 24) : hit[0]].split()):
                return True
        return False

    def _assault_on_person(self) -> _Hit | None:
        """An attack whose object is a private person ("assaulting a hotel security
        guard"): the act of a crime, if nothing else in the item shows conflict."""
        for person in self.tagged.get("private_person", ()):
            if (attack := self.near(person, "assault", 3, after=False)) is not None:
                return attack
            # "bus driver attacked over mask rules": one person, then the act done to
            # them ("women attacked" may be a campaign against them)
            attack = self.near(person, "assault", 1, before=False)
            if (
                attack is not None
                and self.text(attack).endswith("ed")
                and not self.text(person).endswith(_PLURAL_ENDS)
                and not self.joined.startswith(" by ", attack[1])  # "by Iranian authorities"
            ):
                return attack
            # "the killing of a teen girl", "murdered his wife": the person is the object
            slain = self.near(person, "slaying", 3, after=False)
            if slain is not None and _OBJECT_WORDS.issuperset(
                self.joined[slain[1] : person[0]].split()
            ):
                return slain
        return None

    def crime_story(self) -> _Hit | None:
        """A crime named in an item with no conflict, motive or foreigner in it: its
        arrests, accusations and denials are police work, not friction."""
        cue = self.crime_frame()  # checks for conflict itself
        if cue is None:
            cue = self._crime_in_item()
            if cue is None or not self._no_conflict():
                return None
        # A public figure, a leader, a state body, or two governments ("Beijing and
        # Washington trade accusations over fentanyl") make the accusations politics.
        if "public_figure" in self.tagged:
            return None
        seats = set()
        for actor in self.actors:
            if actor.note.startswith(_POLITICAL_ACTORS):
                return None
            if actor.note.startswith("capital"):
                seats.add(actor.value)
        return cue if len(seats) < 2 else None

    def civil_action(self, hit: _Hit) -> bool:
        """Is the hit a protest, a walkout or a strike read as labour ("doctors strike"),
        not people merely at work?"""
        tags = hit[2].tags
        if "labour" in tags:
            return self.near(hit, "labour_cue") is not None
        return ("walkout" in tags or "protest_cue" in tags) and not _at_work(hit)

    def civil_friction(self) -> bool:
        """Does the item tell of a protest or a labour strike ("doctors strike over the
        murder of a colleague")? That friction stands even in a crime story."""
        return any(
            self.civil_action(hit) and ("labour" in hit[2].tags or hit[2].level == 1)
            for hit in self.hits
        )

    def _attacked(self, figure: _Hit) -> bool:
        """Is an act of force within five words of the public figure, in its sentence?"""
        for other in self.hits:
            if "force" not in other[2].tags:
                continue
            a, b = (other[1], figure[0]) if other[1] <= figure[0] else (figure[1], other[0])
            if a <= b and self.gap(a, b) <= 5 and not self.ends_between(a, b, sentence=True):
                return True
        return False

    def _no_conflict(self) -> bool:
        for other in self.hits:
            entry = other[2]
            if not _NOT_CRIME.isdisjoint(entry.tags) and not _at_work(other):
                return False
            if "public_figure" in entry.tags and self._attacked(other):
                return False
            if (
                "force" in entry.tags
                and entry.name not in _CRIME_FORCE
                and "disaster" not in entry.tags  # a fire may be arson
            ):
                return False
            if (
                "force" in entry.tags
                and not self.text(other).endswith("ed")  # "two Ukrainians stabbed": victims
                and (owner := self.actor_before(other)) is not None
                and owner.note.startswith("people or adjective")
                and not owner.text.endswith("s")
            ):  # "Israeli attack kills baby girl": a state's act, not a crime
                return False
            if (
                entry.level is None
                and "military_cue" in entry.tags
                and self.text(other) not in _POLICE
            ):
                return False  # "114 killed by the military junta": armed forces, not crime
        return True
