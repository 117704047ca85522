"""How an item's text is marked with its evidence."""

from __future__ import annotations

from crisiswatch.classify import classify
from crisiswatch.tui.render import highlighted


def _styles_at(title: str, word: str) -> list[str]:
    """The styles over a word, in the order Rich applies them (the last one wins)."""
    text = highlighted(title, classify(title).evidence, "title")
    start = title.index(word)
    return [str(span.style) for span in text.spans if span.start <= start < span.end]


def test_a_word_both_the_rules_and_the_review_weighed_keeps_the_rules_style() -> None:
    title = "University expels three students over cheating"
    evidence = classify(title).evidence
    assert {e.kind for e in evidence if e.text == "expels"} == {"level", "review"}
    assert _styles_at(title, "expels")[-1].startswith("bold underline")
    # a word only the review weighed (which one depends on the trained weights)
    review_only = [e.text for e in evidence if e.kind == "review" and e.text != "expels"]
    assert review_only
    assert _styles_at(title, review_only[0]) == ["italic magenta"]
