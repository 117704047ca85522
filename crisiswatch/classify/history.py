"""How an item tells of an act as history or as fiction rather than as news.

An act with its year right before it ("the 1994 genocide") or after it ("shot down in
2014"), a sentence that opens "Twenty years ago,", an inquiry named in the title, acts
told "a century after", or an act in a film or a novel: 0, while deaths stay real.
`HistoryRules` is the base of `story.StoryRules`; the state and position helpers it
reads are those of `itemtext.ItemText`, its own base.
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
_KILLING = frozenset(("slaying", "crime_act", "atrocity"))  # a killing, in any words
_AGO_REACH = 8  # words between an act and the "years ago" that dates it
# A sentence that opens with how long ago it was or with its year ("A year ago, ...",
# "In 1963, ...": the year must be history_until or earlier), and how many words on
# from that opening an act may be that it dates.
_AGO_OPENING = re.compile(rf" (?:(?:{_YEARS_COUNTED}|many years|decades) ago|in ((?:19|20)\d\d)) ")
_OPENING_REACH = 24
# Long enough after an act to make it history ("a century after ... were killed").
_LONG_AFTER = re.compile(r" (?:a century|centuries|decades|a half century|half a century) after ")


class HistoryRules(ItemText):
    """The rules that date an act; they keep no state of their own."""

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
