"""Quoted words match as if unquoted; evidence still points at the text as given."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from crisiswatch.classify import Classifier
from crisiswatch.classify.quotes import original_index, squeeze

CLASSIFIER = Classifier()


def test_squeeze_takes_out_edge_quotes_only() -> None:
    original = "Russia's 'special' op, the ‘red line’ and don’t"
    text, shifted = squeeze(original) or ("", [])
    assert text == "Russia's special op, the red line and don’t"
    assert [text[i] for i in range(len(text))] == [
        original[original_index(shifted, i)] for i in range(len(text))
    ]
    assert squeeze("no quotes here, Russia's army") is None


def test_a_quoted_phrase_matches_and_its_span_keeps_the_quotes() -> None:
    title = "Putin puts nuclear deterrent on 'special combat duty'"
    result = CLASSIFIER.classify(title, "")
    assert result.level == 5
    top = next(e for e in result.evidence if e.kind == "level" and e.value == "5")
    assert title[top.start : top.end] == top.text
    assert "'special combat duty" in top.text


def test_quoted_threat_phrase_in_the_summary() -> None:
    result = CLASSIFIER.classify(
        "China warns Manila", "Beijing vows to take 'resolute' countermeasures."
    )
    assert result.level == 2
    for item in result.evidence:
        source = result.evidence and (
            "China warns Manila"
            if item.field == "title"
            else "Beijing vows to take 'resolute' countermeasures."
        )
        assert source[item.start : item.end] == item.text


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Iran",
                "'Iran'",
                "strikes",
                "‘drone",
                "attack’",
                "'",
                "Israel's",
                "kills",
                "24",
                "war",
                "'war'",
                "of",
                "words",
                "’",
                "Kyiv’s",
            ]
        ),
        max_size=12,
    ),
    st.lists(
        st.sampled_from(["'", "missiles", "hit", "'Haifa'", "talks", "ceasefire"]), max_size=8
    ),
)
def test_spans_point_at_the_text_given(title_words: list[str], summary_words: list[str]) -> None:
    title, summary = " ".join(title_words), " ".join(summary_words)
    result = CLASSIFIER.classify(title, summary)
    for item in result.evidence:
        source = title if item.field == "title" else summary
        assert source[item.start : item.end] == item.text
    assert 0 <= result.level <= 5
