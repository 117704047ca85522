"""How an item tells of an act: as history, as a story, as ordinary crime.

The rules that read the whole item rather than a word's neighbours: an act dated
years back or "decades ago", a film or a novel, a commercial "war", and a crime
story with no sign of conflict. `StoryRules` is the base of `civil.CivilRules`,
`context.ContextRules` and so of `judge.ItemJudge`; the state and position helpers
it reads are those of `itemtext.ItemText`, its own base.
"""

from __future__ import annotations

import re

from crisiswatch.classify.itemtext import _CHARS_PER_WORD, _SENTENCE_MARKS, ItemText, _Hit
from crisiswatch.classify.scanner import SEP

# A year right before an act dates it ("the 1994 genocide"); these words before the
# year make it a starting point instead ("since 2014"), and these between the year and
# the act put the act in another clause ("halted in 2021 after insurgents attacked").
_YEAR_AS_START = frozenset({"since", "from", "until", "till", "by"})
_CLAUSE_WORDS = frozenset(
    {"after", "before", "when", "while", "as", "and", "but", "then", "since", "until"}
    | {"because", "where", "that", "which", "who", "amid", "following", "despite", "than"}
)
_RELATIVE = frozenset(("which", "that", "who"))
# The tags of an armed side in an item: armed forces, an armed group, fighting that goes on.
_ARMED_SIDE = frozenset({"military_cue", "armed_group", "sustained"})
_MARK = SEP.strip()  # the separator as a word of the joined text
_DEFINITE_LEAD = frozenset(("the", "s"))  # "the killing", "the teenager's killing"
_PAST_PASSIVE = frozenset(("was", "were"))  # "she was killed in 2012"
_INQUIRIES = (" inquiry", " inquest")  # a title's lead that names a public inquiry
# A count of years in words or digits ("a year", "two years", "10 years"); a hyphen is a
# space in the folded text ("twenty-five years").
_YEARS_COUNTED = (
    r"(?:a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen"
    r"|fifteen|sixteen|seventeen|eighteen|nineteen"
    r"|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
    r"(?: (?:one|two|three|four|five|six|seven|eight|nine))?"
    r"|a hundred|\d+) years?"
)
_AGO = re.compile(
    r" (?:(?:decades|years|centuries|a century|a decade|a year) ago"
    r"|last (?:year|fall|autumn|spring|summer|winter)"
    rf"|{_YEARS_COUNTED} on) "
)
# "... in 2022", "in July 2014", "on 21 December 1988": a date's year, in the folded text
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*"
_IN_YEAR = re.compile(rf" (?:in|on)(?: \d{{1,2}})?(?: {_MONTH})?(?: \d{{1,2}})? ((?:19|20)\d\d) ")
# Years before history_until that date any act in their clause: news of an act is
# rarely told a decade after it ("Walus killed Chris Hani in 1993").
_LONG_GONE = 8
# Past participles not in -ed that tell an act: "a jet shot down in 2014".
_PARTICIPLES = ("shot ", "struck ", "slain ", "blown ", "overrun ", "seized ", "taken ")
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
_KILLING = frozenset(("slaying", "crime_act", "atrocity"))  # a killing, in any words
_PLURAL_ENDS = ("s", "men", "children", "people")
_AGO_REACH = 8  # words between an act and the "years ago" that dates it
# A sentence that opens with how long ago it was or with its year ("A year ago, ...",
# "In 1963, ...": the year must be history_until or earlier), and how many words on
# from that opening an act may be that it dates.
_AGO_OPENING = re.compile(rf" (?:(?:{_YEARS_COUNTED}|many years|decades) ago|in ((?:19|20)\d\d)) ")
_OPENING_REACH = 24
# Long enough after an act to make it history ("a century after ... were killed").
_LONG_AFTER = re.compile(r" (?:a century|centuries|decades|a half century|half a century) after ")
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


class StoryRules(ItemText):
    """The item-level half of the context rules; it keeps no state of its own."""

    __slots__ = ()

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
        words = self.words_before(hit[0], 6)
        if _MARK in words:  # the title/summary separator: the summary starts after it
            words = words[words.index(_MARK) + 1 :]
        verb = self.text(hit).endswith("ed")
        for back, word in enumerate(reversed(words)):
            if word in _CLAUSE_WORDS or back > 4:
                return False
            if word == "era":  # "dictatorship-era killings"; a "Soviet-era nerve agent" is new
                return hit[2].level != 5
            if (
                len(word) == 4
                and word.isdecimal()
                and 1900 <= int(word) <= self.engine.history_until
            ):
                if verb and back:
                    return False
                previous = words[-back - 2] if back + 2 <= len(words) else ""
                return previous not in _YEAR_AS_START
        return False

    def _long_ago(self, hit: _Hit) -> bool:
        """An act told with "decades ago" after it ("the invasion of the island decades
        ago"), in a sentence that opens with it ("A year ago, six were massacred"), or
        long before the news ("nearly a century after hundreds were killed")."""
        if self._sentence_dated(hit):
            return True
        reach = max(0, hit[0] - _AGO_REACH * _CHARS_PER_WORD)
        if (after := _LONG_AFTER.search(self.joined, reach, hit[0])) is not None and not (
            self.ends_between(after.end(), hit[0])
        ):  # "nearly a century after hundreds were killed": the killing is history
            return True
        end = self.offset - 2 if hit[0] < self.offset else len(self.joined)
        reach = min(end, hit[1] + _AGO_REACH * _CHARS_PER_WORD)
        match = _AGO.search(self.joined, hit[1] - 1, reach)
        if match is None or self.joined[max(0, match.start() - 6) : match.start()] == " since":
            return False  # "killing 3,800 since last year": a running toll, not history
        if len(self.joined[hit[1] : match.start()].split()) > _AGO_REACH:
            return False  # "attack that killed three ... in a war started five years ago"
        return not self.ends_between(hit[1], match.start())

    def _sentence_dated(self, hit: _Hit) -> bool:
        """Does the act's sentence open with "A year ago,", "Decades ago," or "In 1963,"?"""
        start = self.offset if hit[0] >= self.offset else 0
        reach = max(start - 1, hit[0] - _OPENING_REACH * _CHARS_PER_WORD)
        match = _AGO_OPENING.search(self.joined, reach, hit[0])
        if match is None or not self._dated_opening(match):
            return False
        opening = self.raw()[start : match.start() + 1].rstrip()
        return (
            not opening or opening[-1] in _SENTENCE_MARKS or opening.endswith(_MARK)
        ) and not self.ends_between(match.end(), hit[0], sentence=True)

    def _dated_opening(self, match: re.Match[str]) -> bool:
        """Is an `_AGO_OPENING` match a sentence's dated lead: a year before the history
        cut-off (or none: "Decades ago"), and a comma right after it?"""
        year = match.group(1)
        return (year is None or int(year) <= self.engine.history_until) and self.raw()[
            match.end() - 1 : match.end()
        ] == ","

    def _dated_after(self, hit: _Hit) -> bool:
        """An act with its year after it, told as history: "an explosion which killed 10
        people in 2022", "the Malaysian jet shot down in 2014"."""
        if "dated" not in self.tagged:
            return False
        # In a relative clause ("which killed 10 people in 2022") or the act it tells of
        # ("an explosion in Donegal which killed ..."), after a definite noun ("the
        # killing of Abe in 2022") or a past passive ("she was killed in 2012"), the year
        # may be a few words on. Otherwise it must follow the act at once ("a jet shot
        # down in 2014"), or be long gone ("Walus killed Chris Hani in 1993"): "the army
        # used chemical weapons in 2024" is a finding, news now.
        before = self.words_before(hit[0], 2)
        after = self.words_after(hit[1], 4)
        reach = 10
        if (
            _RELATIVE.isdisjoint(before)
            and _RELATIVE.isdisjoint(after)
            and not (before and before[-1] in _DEFINITE_LEAD)
            and not (before and before[-1] in _PAST_PASSIVE)
        ):
            told = self.text(hit)
            participle = told.split()[0].endswith("ed") or told.startswith(_PARTICIPLES)
            reach = 1 if participle and (after[:1] == ["in"] or told.endswith(" in")) else -1
        end = self.offset - 2 if hit[0] < self.offset else len(self.joined)
        start = hit[1] - 4 if self.text(hit).endswith(" in") else hit[1] - 1  # "killed in"
        match = _IN_YEAR.search(self.joined, start, min(end, hit[1] + 12 * _CHARS_PER_WORD))
        if match is None or self.ends_between(hit[1], match.start()):
            return False
        year, gap = int(match.group(1)), self.gap(hit[1], match.start())
        if year <= self.engine.history_until - _LONG_GONE and gap <= 10:
            return True
        return year <= self.engine.history_until and gap <= reach

    def _dated_antecedent(self, hit: _Hit) -> bool:
        """Deaths told of a dated act: "the 2015 attack that killed 12", "children killed
        in the 2012 school shooting"."""
        if "casualty" not in hit[2].tags:
            return False
        for other in self.hits:
            if "force" not in other[2].tags:
                continue
            if other[1] <= hit[0]:
                between = self.joined[other[1] : hit[0]].split()
                if between in (["that"], ["which"]) and self.dated_past(other):
                    return True
            elif other[0] >= hit[1]:
                between = self.joined[hit[1] : other[0]].split()
                # "killed in the 2012 school shooting", "killed in 1975 Ottawa shooting"
                linked = between[:1] in (["the"], ["in"]) or self.text(hit).endswith(" in")
                if linked and len(between) <= 6:
                    return self.dated_past(other)
        return False

    def _dated_in_summary(self, hit: _Hit) -> bool:
        """A title's act that the summary first names as dated: "Man arrested over fatal
        explosion. ... an explosion which killed 10 people in 2022". A summary that
        reports the act first and dates an earlier one after it ("the deadliest attack
        since the 2017 attack") leaves the title's act news."""
        if hit[0] >= self.offset:
            return False
        if self._summary_opens_dated():  # "Cult massacre. | Twenty years ago, they ..."
            return True
        dated = "dated" in self.tagged  # a year; "decades ago" needs none
        word = self.text(hit)  # the joined text is folded already
        killing = not _KILLING.isdisjoint(hit[2].tags)
        for other in self.hits:
            if other[0] < self.offset:
                continue
            # the same word, or the summary's first killing for the title's killing
            # ("'murdered by British soldier' ... was killed in 2012")
            if self.text(other) == word or (killing and not _KILLING.isdisjoint(other[2].tags)):
                return (
                    dated and (self.dated_past(other) or self._dated_after(other))
                ) or self._long_ago(other)
        return False

    def inquiry_title(self) -> bool:
        """Does the title open by naming an inquiry or an inquest ("Manchester Arena
        Inquiry: Hearings begin into terror attack")? What it examines is past."""
        lead, colon, _ = self.title.partition(":")
        return bool(colon) and lead.rstrip().lower().endswith(_INQUIRIES)

    def _summary_opens_dated(self) -> bool:
        """Does the summary open with "Twenty years ago," or "In 1994,"? Then it retells
        the title's act as history."""
        match = _AGO_OPENING.match(self.joined, self.offset - 1)
        return match is not None and self._dated_opening(match)

    def storied(self, hit: _Hit, value: int, note: str) -> tuple[int, str]:
        """The level of an act told as history or as fiction: 0 ("the 1994 genocide",
        "Mosul siege drama opens festival"); otherwise unchanged. Deaths stay real."""
        if value >= 3 and (
            self.dated_past(hit)
            or self._dated_antecedent(hit)
            or self._dated_after(hit)
            or self._long_ago(hit)
            or self._dated_in_summary(hit)
        ):
            return 0, f"'{self.text(hit)}' is dated years back: history, not news"
        if value >= 3 and self.inquiry_title():
            return 0, f"'{self.text(hit)}' is what the inquiry in the title examines: past"
        if (
            "casualty" not in hit[2].tags
            and "fiction" in self.tagged
            and (cue := self.near(hit, "fiction", 8)) is not None
        ):
            self.add(cue, "modifier", "fiction", "a film, show, book or game: not an event")
            return 0, f"'{self.text(hit)}' in a story ('{self.text(cue)}'), not an event"
        return value, note

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
