"""How a title frames the rest of an item: genres, retrospectives, studies, old cases.

A review, an anniversary piece or an explainer reports no event of its own; a title
whose event is a truce or a test keeps the summary's force words as background. These
checks read the whole item once the phrases are known, so they sit apart from the
word-by-word decision in `judge.py`.
"""

from __future__ import annotations

from crisiswatch.classify.itemtext import _Hit
from crisiswatch.classify.namedactors import ONGOING_WAR
from crisiswatch.classify.scope import ScopeRules

_FORECASTS = frozenset({"threat", "hypothetical"})
# Words before "for" that want a truce ("call for", "hopes for a ceasefire").
_CALLS = frozenset(
    ("call", "calls", "called", "calling", "push", "pushes", "press", "presses", "hopes",
     "optimism")
)  # fmt: skip
# The noun after a truce word that makes it one wanted, not one made ("ceasefire calls",
# "truce proposal"): an item about it still reports the war it would pause.
_WANTED = frozenset(
    ("calls", "call", "proposal", "proposals", "plan", "plans", "bid", "bids", "push", "hopes",
     "demands", "appeal", "appeals", "efforts")
)  # fmt: skip
# A truce demanded or urged outright ("protests to demand Gaza ceasefire") is wished for.
_DEMANDS = frozenset(("demand", "demands", "demanded", "demanding", "urge", "urges", "urging"))
_STUDY_WORDS = frozenset(
    ("study", "studies", "report finds", "simulation", "modelling", "modeling", "research")
)
_STUDY_GENRES = ("Explainer", "Analysis", "EXPLAINER", "ANALYSIS")
_TRAILING = " .!?\"'\u2019\u201d"  # what may close a headline after its last word
# Deaths by force: an obituary that tells of one reports it ("killed in a drone strike").
_KILLED = ("killed", "assassinated", "shot dead", "murdered")
# How a news briefing's summary starts its list of other stories ("Tuesday Briefing:
# Hope for truce talks. || Also, Russia advances in eastern Ukraine."): the title
# frames none of them.
_OTHER_STORIES = ("also,", "also:", "plus,", "plus:")


class TitleFraming(ScopeRules):
    """The item-wide framing checks `ItemJudge.decide` asks for."""

    __slots__ = ()

    def no_event(self) -> bool:
        """Does the title report no event: a non-news genre or a retrospective?

        "Review: ...", "Editor's note: ..."; "Beirut's port blast, five years on"; an
        obituary ("..., dies at 89").
        """
        engine, title = self.engine, self.title
        if engine.genre is not None and ":" in title[:24] and engine.genre.match(title):
            label = (1, 1 + title.index(":"), self.hits[0][2])
            self.add(label, "modifier", "genre", "a non-news genre: no event reported")
            return True
        if (
            engine.retrospective is not None
            # "The Charleston Church Shooting: Six Years Later": headlines capitalise
            and title.rstrip(_TRAILING).lower().endswith(engine.retro_ends)
            and (match := engine.retrospective.search(title)) is not None
        ) or (
            engine.retrospective_lead is not None
            and (match := engine.retrospective_lead.match(title)) is not None
        ):
            tail = (1 + match.start(1), 1 + match.end(1), self.hits[0][2])
            self.add(tail, "modifier", "commemoration", "a retrospective: history, not news")
            return True
        if (
            engine.obituary is not None
            and title.rstrip(_TRAILING)[-1:].isdigit()
            and (match := engine.obituary.search(title)) is not None
            and int(match.group(1)) >= engine.obituary_age
        ):
            death = (1 + match.start(), 1 + match.end(1), self.hits[0][2])
            self.add(death, "modifier", "commemoration", "an obituary: a life story, not news")
            return True
        if engine.genre_dash is not None and (match := engine.genre_dash.search(title)):
            label = (1 + match.start(1), 1 + match.end(1), self.hits[0][2])
            self.add(label, "modifier", "genre", "a non-news genre: no event reported")
            return True
        stripped = title.rstrip(_TRAILING)
        if (
            engine.obituary_ends
            and stripped.lower().endswith(engine.obituary_ends)
            # "Qassem Suleimani obituary ... killed in a US drone strike": his death is news
            and not any(self.text(hit).startswith(_KILLED) for hit in self.hits)
        ):
            genre = (2 + stripped.rindex(" "), 1 + len(stripped), self.hits[0][2])
            self.add(genre, "modifier", "commemoration", "an obituary: a life story, not news")
            return True
        return False

    def title_frame(self, level: int, peace: bool) -> int:
        """The level when the title's event keeps the summary's force words as background.

        A title whose event is a de-escalation that stands (`peace`) or a test or
        drill, with no act of force in it: the summary adds background ("areas hit by
        recent fighting") or the same test ("shells landed in the sea"), unless it
        reports a breach. The level is then the title's own.
        """
        frame = None
        for hit in self.hits:
            if hit[0] >= self.offset:
                break
            entry = hit[2]
            if (
                peace
                and (entry.deescalation or entry.effect == "commemoration")
                # troops pulled out leave a deployment background, but the fighting
                # of the operation they end is the news ("withdraw after a 10-day raid")
                and (level < 3 or "withdrawal" not in entry.tags)
            ) or (entry.level and ("test" in entry.tags or "exercise" in entry.tags)):
                frame = hit
                break
        if frame is None:
            return level
        peace = frame[2].deescalation or frame[2].effect == "commemoration"
        kind = (
            "an anniversary"
            if frame[2].effect == "commemoration"
            else "a de-escalation"
            if peace
            else "a test or drill"
        )
        return self._title_level(level, frame, peace, kind)

    def _title_level(self, level: int, frame: _Hit, peace: bool, kind: str) -> int:
        """The title's own level when the summary adds only background (see title_frame)."""
        # The title's own level, worked out here rather than in the hot loop ("0"-"5").
        top = max(
            (e.value for e in self.evidence if e.kind == "level" and e.field == "title"),
            default="0",
        )
        title_top = int(top)
        if level <= title_top or title_top >= 3:
            return level
        if "truce_word" not in self.tagged and any(
            e.kind == "level" and e.value == "4" and e.note.endswith(ONGOING_WAR)
            for e in self.evidence
        ):  # "left out of Russia talks. ... Russia's war in Ukraine": with no truce, the
            return level  # war the summary names goes on
        if self.summary.lstrip().lower().startswith(_OTHER_STORIES):
            return level
        summary = self.joined[self.offset - 1 :]  # the folded summary, padded
        if (
            frame[2].effect == "commemoration"
            or "court" in frame[2].tags
            or "force" in frame[2].tags
        ):
            breach = self.engine.breach_history  # the summary retells the act: history
        else:
            breach = self.engine.breach_peace if peace else self.engine.breach
        if breach is not None and breach.found_in(summary):
            return level  # "despite the truce", "violating the ceasefire": new news
        note = f"the title reports {kind}: force words in the summary are background"
        self.add(frame, "modifier", "frame", note)
        return title_top

    def _forecast(self, hit: _Hit) -> bool:
        """Is the peace word only wanted: sought, promised or called for ("seeking truce",
        "will sign", "call for ceasefire")?"""
        lead = self.words_before(hit[0], 3)
        if (
            ("for" in lead and not _CALLS.isdisjoint(lead))
            or "until" in lead
            or not _DEMANDS.isdisjoint(lead)
            or not _WANTED.isdisjoint(self.words_after(hit[1], 1))
        ):
            return True  # called for, or awaited ("won't open until a ceasefire")
        mod = self.modifier_for(hit, self.modifiers) if self.modifiers else None
        return mod is not None and mod[2].effect in _FORECASTS

    def _scenario_study(self) -> bool:
        """Is the item a study, model or explainer of what an act would do?"""
        if "scenario" in self.tagged or self.title.startswith(_STUDY_GENRES):
            return True
        return any(self.text(cue) in _STUDY_WORDS for cue in self.tagged.get("assessment", ()))

    def _past_case(self) -> _Hit | None:
        """A title that judges a dated act: a court word and an act dated years back."""
        court = self.tagged["court"][0]
        if court[0] >= self.offset:
            return None
        for hit in self.hits:
            if hit[0] >= self.offset:
                break
            if "force" in hit[2].tags and self.dated_past(hit):
                return hit
        return None

    def _history_title(self) -> bool:
        """Does the title mark an anniversary ("Hiroshima marks 80 years since ...")?"""
        return any(
            mod[0] < self.offset and mod[2].effect == "commemoration" for mod in self.modifiers
        )
