"""Rules that read the countries named around a word: "Israeli fire", "war on Russia",
"rebels enter Goma", "the Ukraine war", "attacking Trump as weird".

`ActorRules` sits between the civilian readings (`civil.py`) and the context rules
(`context.py`) in the chain that makes `judge.ItemJudge`; it reads the actor evidence
the gazetteer found (`self.actors`, in field coordinates) against the joined text.
"""

from __future__ import annotations

import string

from crisiswatch.classify.civil import CivilRules
from crisiswatch.classify.history import _MARK
from crisiswatch.classify.itemtext import _CHARS_PER_WORD, _SENTENCE_END, _Hit
from crisiswatch.classify.story import _POLITICAL_ACTORS
from crisiswatch.models import Evidence

# Words that may follow a country named as an object ("war on Russia in 1941", "on Iran
# and its allies"); any other word makes the country an adjective ("Spanish airport fees").
_AFTER_A_STATE = frozenset(
    {"in", "and", "after", "over", "on", "for", "as", "with", "from", "at", "by", "amid"}
    | {"following", "since", "to", "or", "but", "while", "when", "its", "itself"}
    | {"overnight", "today", "yesterday", "again", "last", "this", "during", "throughout"}
)
_JUDGED_AS = frozenset({"as", "over", "for"})  # "attacks Trump as weird / over tariffs"
_POSSESSIVES = frozenset({"its", "their", "his", "her"})
_INDEFINITE = frozenset({"a", "an", "any"})
# What a war "over" a place or a thing opens with ("the war over the border"): not an idea.
_DETERMINERS = _POSSESSIVES | _INDEFINITE | {"the", "this", "that", "control"}
_WAR_START = frozenset(("start", "beginning", "outbreak", "onset"))
_PLACE_TAILS = frozenset(("City", "Oblast", "Region", "Province", "District"))  # "Kherson City"
# A country's name or adjective right before one of these names a place in it ("rebels
# take a key Myanmar city").
_SETTLEMENTS = frozenset(("city", "town", "village", "stronghold", "port", "capital"))
# Words that may stand between "troops entered" and the place they entered.
_PLACE_LEAD = frozenset(
    ("the", "a", "city", "town", "village", "capital", "region", "province", "of", "into", "parts",
     "northern", "southern", "eastern", "western", "central", "outskirts", "key", "strategic",
     "border", "port", "besieged", "rebel-held", "government-held", "frontline", "front-line",
     "front", "line", "embattled")
)  # fmt: skip
_WAR_LINKS = frozenset(("in", "on", "against", "with", "in eastern", "in northern", "in southern"))

_PUNCTUATION = string.punctuation + "\u2018\u2019\u201c\u201d"
# A verbal attack: the attack words, the tags that mark real violence, the actors of politics.
_ATTACK_WORDS = frozenset(("attack", "attacks", "attacked", "attacking"))
_BLAST_VERBS = frozenset(("blast", "blasts"))
_OBJECT_LEADS = _POSSESSIVES | {"the"}  # "blast the banner", "blasts their decision"
_VIOLENT = frozenset(
    {"force", "munition", "military_cue", "armed_group", "casualty", "counted", "injury"}
    | {"blast", "nuclear_site", "hardware", "motive", "slaying", "crime_act", "gunfire"}
    | {"named_war", "conflict_word", "territory", "sustained"}
)
_AT_A_PLACE = frozenset(("at", "in", "near", "outside", "inside"))  # "the attack at the CDC"
# Whom a crackdown must fall on to be coercion rather than policing.
_OPPONENTS = frozenset(
    {"opposition", "activists", "activist", "protesters", "protestors", "protest", "protests"}
    | {"demonstrators", "demonstrations", "dissent", "dissidents", "dissident", "critics"}
    | {"journalists", "journalist", "media", "press", "bloggers", "ngos", "rights", "lawyers"}
    | {"pro-democracy", "democracy", "minorities", "minority", "uyghurs", "christians"}
    | {"muslims", "clergy", "monks", "unrest", "rebels", "militants", "post-election"}
    | {"political", "students", "student", "civil", "rallies", "rally", "marchers", "strikers"}
)
ONGOING_WAR = ": an ongoing war"  # the note of a war tied to a country (judge.py reads it)


# People of a body: an attack on them is on persons ("attack on USDA employees").
_STAFF = frozenset(
    {"employees", "staff", "workers", "officials", "officers", "agents", "inspectors"}
    | {"personnel", "troops", "soldiers", "diplomats", "guards", "staffers", "employee"}
)
# Words that make a country named after an act the place it happens, not its object.
_WHERE = frozenset({"in", "at", "near", "across", "inside", "throughout", "around"})


class ActorRules(CivilRules):
    """Where the item's countries stand relative to a word; keeps no state of its own."""

    __slots__ = ()

    def article_before(self, at: int) -> bool:
        """Is there an "a", "an" or "any" in the four words before position `at`?"""
        words = self.words_before(at, 4)
        return not _INDEFINITE.isdisjoint(words)

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
        if self._possessive(actor):
            return False  # "war on Hungary's energy": a thing of the country's
        if not _WHERE.isdisjoint(self._words_to(hit, actor).lower().split()):
            return False  # "war on cane toads in Australia": the country is where, not what
        word = self._word_after(actor)
        return not word or not word[0].isalnum() or word.lower() in _AFTER_A_STATE

    def named_war(self, hit: _Hit) -> tuple[str, bool] | None:
        """(note, definite) for a war tied to a country; None for a war in the background.

        "The Ukraine war", "Putin's war" name a war going on (definite: no threat or
        forecast makes it unreal); "war in Sudan", "war with Iran" too, unless a
        modifier says otherwise ("could go to war with Iran").
        """
        lead = self.words_before(hit[0], 5)
        if "since" in lead and not _WAR_START.isdisjoint(lead):
            return None  # "the first visit since the start of Syria's war": a time, not news
        if self.war_on_thing(hit):
            return None
        if (actor := self.actor_before(hit)) is not None:
            if "conflict" in self.text(hit) and not self._conflict_named(actor):
                return None  # "a Taiwan conflict could cost...": feared, not going on
            # "Is a US-Venezuela war coming?": a war in general, not one going on
            definite = not self.article_before(self.joined_start(actor))
            return f"the {actor.text} {self.text(hit)}{ONGOING_WAR}", definite
        actor = self.actor_after(hit, 9)
        if actor is None or (link := self._words_to(hit, actor)).lower() not in _WAR_LINKS:
            return None
        # "to help its war on Ukraine": a possessive makes the war one already waged
        definite = bool(lead) and (lead[-1] in _POSSESSIVES or lead[-1] == "the")
        return f"{self.text(hit)} {link} {actor.text}{ONGOING_WAR}", definite

    def war_on_thing(self, hit: _Hit) -> bool:
        """A war "on" or "against" something that is no state, or "over" an idea: "Trump's
        war on cartels", "the mayor's war against cars", "Russia's war over family
        values", a campaign in words ("the war over the border" may be fought)."""
        if self.joined.startswith(" over ", hit[1]):
            after = self.words_after(hit[1] + 5, 1)
            if not after or after[0] in _DETERMINERS:
                return False
        elif not self.joined.startswith((" on ", " against "), hit[1]):
            return False
        return self.actor_after(hit, 16) is None

    def _conflict_named(self, actor: Evidence) -> bool:
        """Is "conflict" after `actor` one the item names as going on: between two states
        ("the Israel-Iran conflict") or one state's own ("Sudan's conflict")?"""
        other = self.actor_ending_at(self.joined_start(actor) - 1)
        return (other is not None and other.value != actor.value) or self._possessive(actor)

    def actors_between(self, a: _Hit, b: _Hit) -> bool:
        """Is a country named between two hits ("strikes Iran, court hears")?"""
        return any(a[1] <= self.joined_start(actor) < b[0] for actor in self.actors)

    def _leader_judged(self, hit: _Hit) -> Evidence | None:
        """A leader named right after an attack word and judged in words: "attacking
        Donald Trump and JD Vance as weird", "attacks Starmer over tax", "attacking
        Sunak's lifestyle" (not "attacks the prime minister in Copenhagen", an assault)."""
        actor = self.actor_after(hit, 2)
        # "Trump blasts Ireland on trade": a verb "blasts" can judge a whole country
        blasts = self.text(hit) == "blasts" and hit[0] > 1
        if (
            actor is None
            or not (blasts or actor.note.startswith("leader"))
            or self.near(hit, "military_cue", 4)
        ):
            return None
        if self._possessive(actor):
            return actor  # "an ad attacking Rishi Sunak's 'celebrity lifestyle'"
        start = self.joined_start(actor) + len(actor.text)
        for word in self.words_after(start, 6):
            if word in _JUDGED_AS or (blasts and word == "on"):
                return actor
            if word == _MARK:
                break
        return None

    def _blasts_a_name(self, hit: _Hit) -> bool:
        """The verb "blast" in lower case before a capitalised name that is no place
        ("Gates blasts Musk") or before a thing named with "the" or a possessive that is
        no place ("fans blast the banner"); "blasts rock Kabul", "Blasts Rock Kabul" and
        a disaster's blasts are explosions."""
        if self.text(hit) not in _BLAST_VERBS or self.near(hit, "military_cue", 4) is not None:
            return False
        raw = self.raw()
        if not raw[hit[0]].islower():
            return False
        if raw[hit[1] + 1 : hit[1] + 2].isupper():
            actor = self.actor_after(hit, 2)
            return actor is None or actor.note.startswith("leader")
        return (
            self._next_word(hit) in _OBJECT_LEADS
            and self.actor_after(hit, 4) is None
            and "disaster" not in self.tagged
        )

    def verbal_attack(self, hit: _Hit) -> bool:
        """An attack with no weapon, force, armed side or casualty anywhere in the item,
        made by politics or aimed at it ("Congress attacks RSS", "Musk's attacks on the
        budget bill", "stepped up his attacks on the Fed"): words, not force. A country
        or a place on either side ("Israel's attack on Qatar") keeps it an attack."""
        if self.text(hit) not in _ATTACK_WORDS or self._next_word(hit) in _AT_A_PLACE:
            return False
        for other in self.hits:
            if self.text(other) not in _ATTACK_WORDS and not _VIOLENT.isdisjoint(other[2].tags):
                return False
        doer = self.actor_before(hit)
        if doer is not None and not doer.note.startswith(_POLITICAL_ACTORS):
            return False
        target = self.actor_after(hit, 16)
        if target is not None:
            if self._staff_of(target):
                return False  # "attack on USDA employees": people, not the body
            return target.note.startswith(_POLITICAL_ACTORS)  # "attacks on the Fed"
        if doer is not None:  # "Trump's attacks"
            return True
        # the doer right before ("senator attacks"), or before "his", "her", "their"
        # ("the president stepped up his attacks")
        last = self.words_before(hit[0], 1)
        reach = 4 if last in (["his"], ["her"], ["their"]) else 1
        return self.near(hit, "argument", 4, before=False) is not None or any(
            self.near(hit, tag, reach, after=False) is not None
            for tag in ("argument", "public_figure", "political")
        )  # "attacks on the budget"; "Democrats attack", "senator attacks"

    def _staff_of(self, actor: Evidence) -> bool:
        """Is the actor a body whose people are named right after it ("USDA employees")?"""
        return self._word_after(actor).lower().strip(".,;:'\u2019") in _STAFF

    def _word_after(self, actor: Evidence) -> str:
        """The word right after an actor in its own field ("" at the field's end)."""
        text = self.title if actor.field == "title" else self.summary
        rest = text[actor.end : actor.end + 24].split(None, 1)
        return rest[0] if rest else ""

    def on_opponents(self, hit: _Hit) -> bool:
        """Does a crackdown fall on opponents or a people (named in the eight words after
        it or the three before), or do troops, police or foreigners stand in its sentence?"""
        # the eight words after it in its own sentence ("cracking down on abuse? Lawyers...")
        end = self.offset - 2 if hit[1] < self.offset else len(self.raw())  # its own field
        window = self.raw()[hit[1] : min(end, hit[1] + 8 * _CHARS_PER_WORD)]
        clause = _SENTENCE_END.split(window, 1)[0]
        after = [word.strip(_PUNCTUATION) for word in clause.lower().split()[:8]]
        before = self.words_before(hit[0], 3)
        return (
            not _OPPONENTS.isdisjoint(after)
            or not _OPPONENTS.isdisjoint(before)
            or self.near(hit, "military_cue", 8) is not None
            or self.near(hit, "foreigners", 4) is not None
            or self.actor_after(hit, 8) is not None  # "cracks down on Hong Kong"
        )

    def _place_held(self, hit: _Hit) -> bool:
        """A city or region named as the whole object: "the fall of Mariupol", "defense
        of Lysychansk", "retreating from Kherson City"; not "the fall of the Berlin Wall"
        (a thing named after the city)."""
        actor = self.actor_after(hit, 32)  # "retreating from the frontline city of Avdiivka"
        if actor is None or not self._place_follows(hit, actor):
            return False
        word = self._word_after(actor)
        if actor.note.startswith(("name of", "people or adjective of")):
            return word.lower() in _SETTLEMENTS  # "rebels take key Myanmar city"
        if not _is_place(actor):
            return False
        return not word[:1].isupper() or word in _PLACE_TAILS

    def _city_fallen(self, hit: _Hit) -> bool:
        """Is a city or region named as what fell ("Kabul falls to the Taliban")?"""
        return _is_place(self.actor_before(hit))

    def _city_taken(self, hit: _Hit) -> bool:
        """Is a city or region named as what was seized ("M23 rebels seize Goma")?"""
        actor = self.actor_after(hit, 12)
        return actor is not None and _is_place(actor) and self._place_follows(hit, actor)


def _is_place(actor: Evidence | None) -> bool:
    """Is the actor a city or region of its country (or its capital), not the country?"""
    return actor is not None and actor.note.startswith(("place in", "capital"))
