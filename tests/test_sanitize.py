"""clean_text / safe_url: what reaches the terminal is plain, printable text."""

from __future__ import annotations

import sys
import time
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crisiswatch.sanitize import clean_text, safe_url

UNSAFE_CATEGORIES = {"Cc", "Cf", "Cs", "Zl", "Zp"}


def assert_terminal_safe(text: str) -> None:
    for ch in text:
        assert unicodedata.category(ch) not in UNSAFE_CATEGORIES, repr(ch)
    assert "\x1b" not in text


# -- HTML ------------------------------------------------------------------------------


def test_tags_stripped_and_entities_decoded() -> None:
    assert clean_text("<p>Hello&nbsp;<b>world</b> &amp; &#8220;all&#8221;</p>", 100) == (
        "Hello world & “all”"
    )


def test_block_tags_separate_words_inline_tags_do_not() -> None:
    assert clean_text("one<br>two<p>three</p><div>four</div>", 100) == "one two three four"
    assert clean_text("un<b>break</b>able <a href='x'>link</a>", 100) == "unbreakable link"


def test_script_style_and_comments_removed_with_their_content() -> None:
    text = "a<script>alert('x')</script>b<style>p{color:red}</style>c<!-- hidden -->d"
    assert clean_text(text, 100) == "a b c d"


def test_attribute_holding_a_greater_than_sign() -> None:
    assert clean_text('<a title="x > y" href="/">text</a>', 100) == "text"


def test_a_huge_tag_costs_no_regex_memory() -> None:
    """Escaped HTML survives the feed parser as a tag: 4.7 MB of attributes cost 515 MB.

    (The tag regex's quantifiers are possessive now; a plain `*` made the engine
    keep a backtracking record per character.)
    """
    import tracemalloc

    text = "<b " + " ".join(f'a{n}="{n}"' for n in range(100_000)) + ">kept</b> words"
    tracemalloc.start()
    try:
        assert clean_text(text, 100) == "kept words"
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * len(text), f"{peak / 1e6:.1f} MB for {len(text) / 1e6:.1f} MB of text"


def test_cdata_markers_removed_content_kept() -> None:
    assert clean_text("<![CDATA[<p>Inside</p>]]>", 100) == "Inside"


def test_double_escaped_html_is_fully_unwrapped() -> None:
    assert clean_text("&amp;lt;p&amp;gt;Shelling &amp;amp; sirens&amp;lt;/p&amp;gt;", 100) == (
        "Shelling & sirens"
    )


def test_text_that_only_looks_like_markup_is_kept() -> None:
    assert clean_text("[bold red]not markup[/] a < b > c, 5<6, x->y", 100) == (
        "[bold red]not markup[/] a < b > c, 5<6, x->y"
    )


def test_plain_mode_keeps_tags_and_entities_literally() -> None:
    assert clean_text("<b>literal</b> &amp; <script>", 100, html=False) == (
        "<b>literal</b> &amp; <script>"
    )


# -- terminal escapes ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\x1b[31mred\x1b[0m text", "red text"),  # CSI colours
        ("\x1b[2J\x1b[Hcleared", "cleared"),  # clear screen, cursor home
        ("\x1b[?1049hstuck", "stuck"),  # alternate screen, private parameters
        ("\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\ here", "click here"),  # OSC 8
        ("\x1b]8;;https://evil.example/\x07click\x1b]8;;\x07", "click"),  # OSC 8, BEL-ended
        ("\x1b]52;c;cm0gLXJmIH4=\x07after", "after"),  # OSC 52 clipboard write
        ("\x1b]0;fake title\x07ok", "ok"),  # window title
        ("\x1bP+q544e\x1b\\dcs", "dcs"),  # DCS
        ("\x1b_apc payload\x1b\\x", "x"),  # APC
        ("\x1b^pm\x1b\\y", "y"),  # PM
        ("\x1bXsos\x1b\\z", "z"),  # SOS
        ("\x9b31mC1-CSI", "C1-CSI"),  # 8-bit CSI
        ("\x9d0;title\x9cC1-OSC", "C1-OSC"),  # 8-bit OSC with 8-bit ST
        ("\x1bcreset", "reset"),  # RIS (ESC c)
        ("\x1b(Bcharset", "charset"),  # designate G0
        ("\x1b7saved\x1b8", "saved"),  # save / restore cursor
        ("before\x1b]0;never terminated", "before"),  # swallowed like a terminal would
        ("lone\x1b", "lone"),
    ],
)
def test_escape_sequences_removed_entirely(raw: str, expected: str) -> None:
    out = clean_text(raw, 200)
    assert out == expected
    assert_terminal_safe(out)


def test_escapes_hidden_in_entities_are_neutralised() -> None:
    out = clean_text("&#27;]8;;http://evil/&#7;click &#x9b;31m", 100)
    assert_terminal_safe(out)
    assert "click" in out


def test_bidi_controls_and_invisible_characters_removed() -> None:
    raw = (
        "safe\u202etxt.exe\u202c \u2066iso\u2069 \u200bzero\u200dwidth\ufeff"
        " \u00adsoft \U000e0041tag"
    )
    assert clean_text(raw, 100) == "safetxt.exe iso zerowidth soft tag"


def test_nul_and_c0_c1_controls_removed() -> None:
    # NEL (\x85) is a line break, so it becomes a space; the rest simply go.
    assert clean_text("a\x00b\x07c\x08d\x7fe\x85f\x9cg", 100) == "abcde fg"


def test_every_format_character_in_unicode_is_removed() -> None:
    formats = [chr(cp) for cp in range(sys.maxunicode + 1) if unicodedata.category(chr(cp)) == "Cf"]
    assert clean_text("a" + "".join(formats) + "b", 10_000) == "ab"


def test_lone_surrogates_removed() -> None:
    assert clean_text("a\ud800b\udfffc", 10) == "abc"


# -- whitespace and length --------------------------------------------------------------------


def test_whitespace_folded() -> None:
    assert clean_text("  one\n\ttwo\u00a0\u2003three\u2028four\r\n ", 100) == "one two three four"


def test_cap_with_ellipsis_on_a_word_boundary() -> None:
    out = clean_text("alpha beta gamma delta epsilon", 20)
    assert out == "alpha beta gamma…"
    assert len(out) <= 20


def test_cap_mid_word_when_no_boundary_is_near() -> None:
    assert clean_text("x" * 50, 10) == "x" * 9 + "…"


def test_tiny_caps() -> None:
    assert clean_text("abc", 0) == ""
    assert clean_text("abc", 1) == "…"
    assert clean_text("abc", 3) == "abc"


def test_none_and_empty() -> None:
    assert clean_text(None, 10) == ""
    assert clean_text("", 10) == ""
    assert clean_text(" \n\x00 ", 10) == ""


def test_pathological_inputs_stay_fast() -> None:
    nasty = [
        "&" + "amp;" * 20_000 + "lt;b&gt;",  # escaping nested 20 000 deep
        "<a" * 50_000,  # endless unclosed tags
        '<a "' * 20_000,  # unclosed quotes
        "\x1b]" * 50_000,  # unterminated OSC strings
        "<!--" * 20_000,
        "x" * 2_000_000,
    ]
    for raw in nasty:
        started = time.perf_counter()
        out = clean_text(raw, 2000)
        assert time.perf_counter() - started < 2.0
        assert len(out) <= 2000
        assert clean_text(out, 2000) == out


# -- properties ------------------------------------------------------------------------------

FRAGMENTS = [
    "\x1b[", "\x1b]", "\x1bP", "\x07", "\x1b\\", "\x9b", "\x9c", "\x9d", "\x00", "\ud800",
    "<b>", "</p>", "<br/>", "<script>", "</script>", "<!--", "-->", "<![CDATA[", "]]>",
    "<", ">", "&", ";", "#", "amp", "lt;", "gt;", "&amp;", "&lt;", "&#27;", "&#x9b;",
    "\u202e", "\u2066", "\u200b", "\u00ad", "…", " ", "\n", "\t", "\u00a0", "a", "word",
]  # fmt: skip

hostile_text = st.lists(
    st.one_of(st.text(max_size=8), st.sampled_from(FRAGMENTS)), max_size=40
).map("".join)


@settings(max_examples=400, deadline=None)
@given(raw=hostile_text, max_len=st.integers(min_value=0, max_value=60), html=st.booleans())
def test_output_is_safe_bounded_and_idempotent(raw: str, max_len: int, html: bool) -> None:
    out = clean_text(raw, max_len, html=html)
    assert_terminal_safe(out)
    assert len(out) <= max_len
    assert out == out.strip()
    assert "  " not in out
    assert clean_text(out, max_len, html=html) == out


@settings(max_examples=200, deadline=None)
@given(raw=st.text())
def test_arbitrary_unicode_is_safe_and_idempotent(raw: str) -> None:
    out = clean_text(raw, 300)
    assert_terminal_safe(out)
    assert clean_text(out, 300) == out


# -- safe_url --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/news/1",
        "http://example.org:8080/a?b=c&d=e#frag",
        "HTTPS://Example.org/Путь",
    ],
)
def test_safe_url_accepts_http_and_https(url: str) -> None:
    assert safe_url(url) == url


def test_safe_url_trims_surrounding_whitespace() -> None:
    assert safe_url("\n  https://example.org/x  \n") == "https://example.org/x"


@pytest.mark.parametrize(
    "url",
    [
        None,
        "",
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "file:///etc/passwd",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox",
        "ftp://example.org/file",
        "//example.org/scheme-relative",
        "/relative/path",
        "http:///no-host",
        "https://exa mple.org/",
        "https://example.org/a\nb",
        "https://example.org/\x1b]8;;evil\x07",
        "https://example.org/\u202egnp.exe",
        "https://example.org/\x00",
        "https://trusted.example@evil.example/",
        "http://[::1",
        "https://example.org:99999/",
        "https://example.org/" + "a" * 5000,
    ],
)
def test_safe_url_refuses(url: str | None) -> None:
    assert safe_url(url) is None


@settings(max_examples=300, deadline=None)
@given(raw=st.one_of(st.text(), st.text().map(lambda s: "https://example.org/" + s)))
def test_safe_url_results_are_printable_http_and_stable(raw: str) -> None:
    out = safe_url(raw)
    if out is not None:
        assert out.lower().startswith(("http://", "https://"))
        assert out.isprintable() and " " not in out
        assert safe_url(out) == out
