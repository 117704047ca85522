"""parse_feed: bytes in, clean classified items (or an error in words) out."""

from __future__ import annotations

import tracemalloc
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import crisiswatch.classify
from crisiswatch.fetch import Fetcher
from crisiswatch.models import Classification, ParsedFeed
from crisiswatch.parse import FUTURE_TOLERANCE, MAX_ATTRIBUTES, MAX_DEPTH, parse_feed
from tests.feedserver import FeedServer, rss

NOW = datetime(2025, 1, 6, 12, 0, 0, tzinfo=UTC)
FEED_URL = "https://news.example/feeds/world.xml"


def parse(body: bytes, **kwargs: object) -> ParsedFeed:
    return parse_feed(body, feed_url=FEED_URL, now=NOW, **kwargs)  # type: ignore[arg-type]


class Recorder:
    """A classifier that remembers what it was asked and tags everything level 2."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    def classify(self, title: str, summary: str = "") -> Classification:
        self.calls.append((title, summary))
        return Classification(actors=("UKR",), level=2, version="test")


ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Atom &amp; friends</title>
  <entry>
    <id>tag:news.example,2025:1</id>
    <title type="html">&lt;b&gt;Ceasefire&lt;/b&gt; holds</title>
    <link href="/articles/1" rel="alternate"/>
    <updated>2025-01-06T09:30:00+03:00</updated>
    <content type="html">&lt;p&gt;Talks &lt;em&gt;resume&lt;/em&gt;.&lt;/p&gt;</content>
  </entry>
  <entry>
    <id>tag:news.example,2025:2</id>
    <title type="text">Why &lt;canvas&gt; matters</title>
    <summary type="text">Plain text &amp;amp; more</summary>
    <updated>2025-01-06T10:00:00Z</updated>
  </entry>
</feed>
"""

RDF = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://news.example/"><title>RDF news</title>
    <link>https://news.example/</link><description>d</description></channel>
  <item rdf:about="https://news.example/r/1">
    <title>Border reopened</title><link>https://news.example/r/1</link>
    <description>Trucks are moving again.</description><dc:date>2025-01-05T08:00:00Z</dc:date>
  </item>
</rdf:RDF>
"""


# -- formats and fields --------------------------------------------------------------------


def test_rss_fields_normalised() -> None:
    body = rss(
        [
            {
                "title": "Troops  mass\n near the border",
                "link": "https://news.example/a/1",
                "guid": "a-1",
                "description": "Satellite images show a build-up.",
                "pubDate": "Mon, 06 Jan 2025 10:00:00 +0300",
            }
        ],
        title="World &amp; more",
    )
    parsed = parse(body, classifier=Recorder())
    assert parsed.error is None and parsed.warning is None
    assert parsed.title == "World & more"
    [(item, label)] = parsed.items
    assert item.feed_url == FEED_URL
    assert item.title == "Troops mass near the border"
    assert item.summary == "Satellite images show a build-up."
    assert item.url == "https://news.example/a/1"
    assert item.guid == "a-1"
    assert item.published == datetime(2025, 1, 6, 7, 0, 0, tzinfo=UTC)  # converted to UTC
    assert item.published.tzinfo is not None
    assert not item.published_estimated
    assert label == Classification(actors=("UKR",), level=2, version="test")


def test_atom_html_and_text_constructs() -> None:
    parsed = parse(ATOM, classifier=Recorder())
    assert parsed.title == "Atom & friends"
    first, second = (item for item, _ in parsed.items)
    assert first.title == "Ceasefire holds"
    assert first.summary == "Talks resume."
    assert first.url == "https://news.example/articles/1"  # relative link resolved
    assert first.guid == "tag:news.example,2025:1"
    assert first.published == datetime(2025, 1, 6, 6, 30, tzinfo=UTC)
    # type="text" is plain text: what looks like markup is the text itself
    assert second.title == "Why <canvas> matters"
    assert second.summary == "Plain text &amp; more"


def test_rdf_feed() -> None:
    parsed = parse(RDF, classifier=Recorder())
    [(item, _)] = parsed.items
    assert parsed.title == "RDF news"
    assert item.title == "Border reopened"
    assert item.published == datetime(2025, 1, 5, 8, 0, tzinfo=UTC)


def test_cdata_and_html_descriptions_become_plain_text() -> None:
    body = rss(
        [
            {
                "title": "<![CDATA[Strikes <i>reported</i> in the north]]>",
                "description": "<![CDATA[<p>First&nbsp;line<br/>second <a href='x'>line</a></p>"
                "<script>track()</script><img src='a.png'/>]]>",
            },
            {
                "title": "Escaped HTML",
                "description": "&lt;div&gt;&lt;p&gt;Aid convoy &amp;amp; medics"
                "&lt;/p&gt;&lt;/div&gt;",
            },
        ]
    )
    (a, _), (b, _) = parse(body, classifier=Recorder()).items
    assert a.title == "Strikes reported in the north"
    assert a.summary == "First line second line"
    assert b.summary == "Aid convoy & medics"


def test_content_encoded_used_when_there_is_no_description() -> None:
    body = rss([{"title": "t", "content:encoded": "<![CDATA[<p>Full text</p>]]>"}]).replace(
        b'<rss version="2.0">',
        b'<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">',
    )
    [(item, _)] = parse(body, classifier=Recorder()).items
    assert item.summary == "Full text"


def test_long_fields_capped() -> None:
    body = rss([{"title": "word " * 200, "description": "text " * 1000}])
    [(item, _)] = parse(body, classifier=Recorder()).items
    assert len(item.title) <= 300 and item.title.endswith("…")
    assert len(item.summary) <= 2000 and item.summary.endswith("…")


def test_huge_guid_is_hashed_stably() -> None:
    body = rss([{"title": "t", "guid": "g" * 5000}])
    [(one, _)] = parse(body, classifier=Recorder()).items
    [(two, _)] = parse(body, classifier=Recorder()).items
    assert one.guid is not None and len(one.guid) < 100
    assert one.guid == two.guid


# -- encodings -----------------------------------------------------------------------------


def test_windows_1251_feed() -> None:
    body = rss(
        [{"title": "Войска отходят от границы", "description": "Обстрел прекращён"}],
        encoding="windows-1251",
    )
    assert "Войска".encode("windows-1251") in body
    [(item, _)] = parse(body, classifier=Recorder()).items
    assert item.title == "Войска отходят от границы"
    assert item.summary == "Обстрел прекращён"


def test_iso_8859_1_feed() -> None:
    body = rss(
        [{"title": "Défense: réunion à Genève", "description": "Große Übung"}],
        encoding="iso-8859-1",
    )
    parsed = parse(body, headers={"content-type": "text/xml"}, classifier=Recorder())
    [(item, _)] = parsed.items
    assert parsed.warning is None  # no "declared as us-ascii" noise for a common setup
    assert item.title == "Défense: réunion à Genève"
    assert item.summary == "Große Übung"


def test_document_declaration_beats_a_wrong_http_charset() -> None:
    body = rss([{"title": "Войска"}], encoding="windows-1251")
    headers = {"content-type": "application/rss+xml; charset=iso-8859-1"}
    [(item, _)] = parse(body, headers=headers, classifier=Recorder()).items
    assert item.title == "Войска"


def test_utf8_without_declaration_served_as_text_xml() -> None:
    # RFC 3023 would read this as US-ASCII; real servers mean UTF-8.
    body = rss([{"title": "Київ: «тиша»"}]).split(b"\n", 1)[1]
    parsed = parse(body, headers={"content-type": "text/xml"}, classifier=Recorder())
    [(item, _)] = parsed.items
    assert parsed.warning is None
    assert item.title == "Київ: «тиша»"


def test_http_charset_used_when_the_document_is_silent() -> None:
    body = rss([{"title": "Войска"}], encoding="windows-1251").split(b"\n", 1)[1]
    headers = {"content-type": "application/rss+xml; charset=windows-1251"}
    [(item, _)] = parse(body, headers=headers, classifier=Recorder()).items
    assert item.title == "Войска"


def test_utf8_body_under_a_wrong_http_charset_is_read_as_utf8_with_a_warning() -> None:
    # Read as ISO-8859-1, as the server says, this would be stored as "CafÃ©".
    body = rss([{"title": "Café in São Paulo – “quoted”"}]).split(b"\n", 1)[1]
    headers = {"content-type": "application/rss+xml; charset=iso-8859-1"}
    parsed = parse(body, headers=headers, classifier=Recorder())
    [(item, _)] = parsed.items
    assert item.title == "Café in São Paulo – “quoted”"
    assert parsed.warning == (
        "wrong character encoding declared (the server said iso-8859-1, the document is "
        "UTF-8); read as UTF-8; items kept"
    )


def test_legacy_body_under_a_utf8_http_charset_falls_back_with_a_warning() -> None:
    body = rss([{"title": "Café – “quoted”"}], encoding="cp1252").split(b"\n", 1)[1]
    headers = {"content-type": "application/rss+xml; charset=utf-8"}
    parsed = parse(body, headers=headers, classifier=Recorder())
    [(item, _)] = parsed.items
    assert item.title == "Café – “quoted”"  # feedparser's fallback found windows-1252
    assert parsed.warning is not None
    assert parsed.warning.startswith("wrong character encoding declared")
    assert "windows-1252" in parsed.warning


def test_ascii_body_under_any_http_charset_is_not_a_warning() -> None:
    body = rss([{"title": "Plain words"}]).split(b"\n", 1)[1]
    headers = {"content-type": "application/rss+xml; charset=iso-8859-1"}
    parsed = parse(body, headers=headers, classifier=Recorder())
    assert parsed.warning is None
    assert parsed.items[0][0].title == "Plain words"


# -- dates ---------------------------------------------------------------------------------


def _published(date: str | None) -> tuple[datetime, bool]:
    fields = {"title": "t"} if date is None else {"title": "t", "pubDate": date}
    [(item, _)] = parse(rss([fields]), classifier=Recorder()).items
    return item.published, item.published_estimated


def test_missing_date_is_now_and_estimated() -> None:
    assert _published(None) == (NOW, True)


def test_unparseable_date_is_now_and_estimated() -> None:
    assert _published("the day before yesterday") == (NOW, True)


def test_future_date_clamped_to_now() -> None:
    assert _published("Tue, 07 Jan 2025 12:00:00 GMT") == (NOW, True)
    assert _published("Mon, 06 Jan 2099 12:00:00 GMT") == (NOW, True)


def test_small_clock_skew_tolerated() -> None:
    ahead = NOW + FUTURE_TOLERANCE - timedelta(minutes=1)
    date = ahead.strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert _published(date) == (ahead, False)


def test_absurd_old_date_is_now_and_estimated() -> None:
    assert _published("Thu, 01 Jan 1970 00:00:00 GMT") == (NOW, True)
    assert _published("Fri, 31 Dec 1989 23:59:59 GMT") == (NOW, True)
    assert _published("Mon, 01 Jan 1990 00:00:00 GMT") == (datetime(1990, 1, 1, tzinfo=UTC), False)


@pytest.mark.parametrize(
    "date",
    [
        "-0001-00-00T00:00:00Z",  # feedparser: 2000-01-01
        "0000-00-00T00:00:00Z",
        "2025-00-00T00:00:00Z",  # feedparser: 2024-11-30
        "2025-13-45T00:00:00Z",  # feedparser: 2026-01-01
        "2025-02-30T10:00:00Z",
        "-2024-06-01T00:00:00Z",  # feedparser: a date in the past year, plausible
        "2024-06-01T25:00:00Z",
        "20241345",
        "0001-01-01T00:00:00Z",
    ],
)
def test_absurd_iso_dates_are_missing(date: str) -> None:
    assert _published(date) == (NOW, True)


@pytest.mark.parametrize("date", ["9999-12-31T23:59:59Z", "Fri, 31 Dec 9999 23:59:59 GMT"])
def test_far_future_dates_are_clamped(date: str) -> None:
    assert _published(date) == (NOW, True)


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("2025-01-06T09:30:00+03:00", datetime(2025, 1, 6, 6, 30, tzinfo=UTC)),
        ("2024-02-29T10:00:00Z", datetime(2024, 2, 29, 10, 0, tzinfo=UTC)),
        ("2025-01-06T10:00:00.250Z", datetime(2025, 1, 6, 10, 0, tzinfo=UTC)),
        ("20250106", datetime(2025, 1, 6, tzinfo=UTC)),
        ("2025-01-06", datetime(2025, 1, 6, tzinfo=UTC)),
    ],
)
def test_real_iso_dates_are_kept(date: str, expected: datetime) -> None:
    assert _published(date) == (expected, False)


def test_now_defaults_to_the_current_time() -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    [(item, _)] = parse_feed(rss([{"title": "t"}]), feed_url=FEED_URL, classifier=Recorder()).items
    assert before <= item.published <= datetime.now(UTC)
    assert item.published_estimated


# -- hostile content -----------------------------------------------------------------------


def test_hostile_titles_are_defused() -> None:
    body = rss(
        [
            {"title": "\x1b]8;;https://evil.example/\x07Click\x1b]8;;\x07 \x1b[2J\x1b[31mred"},
            {"title": "invoice\u202egnp.exe \u2066x\u2069"},
            {"title": "a&#0;b&#x1b;[0mc"},
            {"title": "[bold red]Rich markup[/] &lt;script&gt;alert(1)&lt;/script&gt;"},
        ]
    )
    parsed = parse(body, classifier=Recorder())
    titles = [item.title for item, _ in parsed.items]
    assert titles[0] == "Click red"
    assert titles[1] == "invoicegnp.exe x"
    assert "\x00" not in titles[2] and "\x1b" not in titles[2] and titles[2].startswith("a")
    # markup-looking text stays literal text; the view escapes it for display
    assert titles[3] == "[bold red]Rich markup[/] <script>alert(1)</script>"
    for title in titles:
        assert all(ch.isprintable() for ch in title)


def test_dangerous_links_dropped() -> None:
    body = rss(
        [
            {"title": "js", "link": "javascript:alert(document.cookie)"},
            {"title": "file", "link": "file:///etc/passwd"},
            {"title": "data", "link": "data:text/html;base64,PHNjcmlwdD4="},
            {"title": "ok", "link": "https://news.example/ok"},
            {"title": "rel", "link": "../b/2"},
        ]
    )
    urls = {item.title: item.url for item, _ in parse(body, classifier=Recorder()).items}
    assert urls == {
        "js": None,
        "file": None,
        "data": None,
        "ok": "https://news.example/ok",
        "rel": "https://news.example/b/2",
    }


def test_raw_control_characters_in_the_xml() -> None:
    # NUL and ESC are not allowed in XML: the loose parser keeps the items anyway.
    body = rss([{"title": "one\x00two\x1b[31m"}, {"title": "three"}])
    parsed = parse(body, classifier=Recorder())
    assert [item.title for item, _ in parsed.items] == ["onetwo", "three"]
    assert parsed.warning is not None and parsed.warning.endswith("items kept")


# -- pathological structure ---------------------------------------------------------------


def _many_attributes(count: int) -> bytes:
    attributes = " ".join(f'a{n}="{n}"' for n in range(count))
    return rss([{"title": "x"}]).replace(b"<title>x", f"<title {attributes}>x".encode())


def test_an_element_with_too_many_attributes_is_refused_before_parsing() -> None:
    parsed = parse(_many_attributes(60_000), classifier=Recorder())
    assert parsed.items == ()
    assert parsed.error == (
        f"pathological XML: an element with 60,000 attributes (more than {MAX_ATTRIBUTES}); "
        "not parsed, to protect memory and time"
    )
    assert parse(_many_attributes(MAX_ATTRIBUTES), classifier=Recorder()).error is None


def test_attributes_are_counted_with_quoted_brackets_and_without_values() -> None:
    quoted = " ".join(f'a{n}="x>y"' for n in range(MAX_ATTRIBUTES + 1))
    bare = " ".join(f"a{n}" for n in range(MAX_ATTRIBUTES + 1))  # the loose parser takes these
    for attributes in (quoted, bare):
        body = rss([{"title": "x"}]).replace(b"<title>x", f"<title {attributes}>x".encode())
        error = parse(body, classifier=Recorder()).error
        assert error is not None and error.startswith("pathological XML: an element with"), error


def test_absurd_nesting_is_refused_before_parsing() -> None:
    nested = "<a>" * 100_000 + "x" + "</a>" * 100_000
    body = rss([{"title": "deep", "description": "DEEP"}]).replace(b"DEEP", nested.encode())
    parsed = parse(body, classifier=Recorder())
    assert parsed.error == (
        f"pathological XML: elements nested more than {MAX_DEPTH} deep; "
        "not parsed, to protect memory and time"
    )
    unclosed = rss([{"title": "deep", "description": "DEEP"}]).replace(b"DEEP", b"<a>" * 300)
    assert parse(unclosed, classifier=Recorder()).error == parsed.error


def test_ordinary_markup_is_not_pathological() -> None:
    """Unclosed HTML in loose feeds, void elements, CDATA and comments are not nesting."""
    items = [
        {
            "title": f"Story {n}",
            "description": "<![CDATA[<p>One<br><p>two <img src='x'><div>]]>",
        }
        for n in range(400)
    ]
    body = rss(items).replace(b"<item>", b"<item><!-- <a><a><a> -->", 50)
    loose = b"".join(
        b"<item><title>t%d</title><description><p>open <br> <hr></description></item>" % n
        for n in range(400)
    )
    for document in (body, rss([{"title": "x"}]).replace(b"<item>", loose + b"<item>")):
        parsed = parse(document, classifier=Recorder())
        assert parsed.error is None, parsed.error
        assert len(parsed.items) >= 400


def test_the_structure_check_itself_costs_no_memory() -> None:
    """The scan's regex is possessive: a plain `*` kept a record per character (86 MB)."""
    from crisiswatch.parse import _pathological_structure

    body = _many_attributes(60_000)
    tracemalloc.start()
    try:
        assert _pathological_structure(body) is not None
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * len(body), f"{peak / 1e6:.1f} MB for a {len(body) / 1e6:.1f} MB body"


# -- malformed and non-feeds ---------------------------------------------------------------


def test_malformed_xml_keeps_items_with_a_warning() -> None:
    body = (
        b'<?xml version="1.0" encoding="utf-8"?>\n'
        b'<rss version="2.0"><channel><title>Broken</title>\n'
        b"<item><title>first</title></item>\n"
        b"<item><title>second</b></item>\n"
        b"</channel></rss>\n"
    )
    parsed = parse(body, classifier=Recorder())
    assert parsed.error is None
    assert parsed.warning == "malformed XML at line 4: mismatched tag; items kept"
    assert parsed.items[0][0].title == "first"


def test_warning_line_numbers_without_an_xml_declaration() -> None:
    body = (
        b'<rss version="2.0"><channel><title>x</title>\n'
        b"<item><title>a &bogus; b</title></item>\n</channel></rss>"
    )
    parsed = parse(body, classifier=Recorder())
    assert parsed.warning == "malformed XML at line 2: undefined entity; items kept"


def test_html_page_is_not_a_feed() -> None:
    page = b"<!DOCTYPE html>\n<html><head><title>Login</title></head><body><p>Hi</p></body></html>"
    assert parse(page).error == "not a feed: the server sent an HTML page"
    assert parse(b"\n  <html><body>moved</body></html>").error == (
        "not a feed: the server sent an HTML page"
    )


def test_empty_body() -> None:
    assert parse(b"").error == "empty body"
    assert parse(b" \r\n\t ").error == "empty body"


def test_json_is_not_a_feed() -> None:
    assert parse(b'{"version": "https://jsonfeed.org/version/1.1", "items": []}').error == (
        "not a feed: the server sent JSON"
    )


def test_plain_text_is_not_a_feed() -> None:
    error = parse(b"Service temporarily unavailable").error
    assert error is not None and error.startswith("not a feed: no RSS, Atom or RDF content found")


def test_valid_feed_without_items() -> None:
    parsed = parse(rss([]))
    assert parsed.error is None and parsed.items == () and parsed.title == "Test feed"


def test_items_without_title_or_summary_dropped() -> None:
    body = rss(
        [
            {"guid": "only-a-guid", "link": "https://news.example/x"},
            {"title": "  ", "description": "<p> </p>"},
            {"description": "Posted without a title, like a microblog"},
            {"title": "kept"},
        ]
    )
    recorder = Recorder()
    items = [item for item, _ in parse(body, classifier=recorder).items]
    assert [item.title for item in items] == ["Posted without a title, like a microblog", "kept"]
    assert items[0].summary == "Posted without a title, like a microblog"
    # the classifier saw the real (empty) title, not the borrowed one
    assert recorder.calls[0] == ("", "Posted without a title, like a microblog")


def test_duplicate_entries_in_one_document_collapsed() -> None:
    body = rss([{"title": "a", "guid": "same"}, {"title": "b", "guid": "same"}])
    assert [item.title for item, _ in parse(body, classifier=Recorder()).items] == ["a"]


# -- classification ------------------------------------------------------------------------


def test_classifier_gets_clean_text() -> None:
    recorder = Recorder()
    parse(
        rss(
            [
                {
                    "title": "&lt;b&gt;Shelling&lt;/b&gt;",
                    "description": "<![CDATA[<p>in <i>X</i></p>]]>",
                }
            ]
        ),
        classifier=recorder,
    )
    assert recorder.calls == [("Shelling", "in X")]


def test_default_classifier_is_used_when_none_given() -> None:
    [(_, label)] = parse(rss([{"title": "Something happened"}])).items
    assert isinstance(label, Classification)
    assert label.version == crisiswatch.classify.Classifier().version


def test_a_failing_classifier_does_not_sink_the_feed() -> None:
    class Broken:
        def classify(self, title: str, summary: str = "") -> Classification:
            raise ValueError("boom")

    parsed = parse(rss([{"title": "a"}, {"title": "b"}]), classifier=Broken())
    assert [label for _, label in parsed.items] == [Classification(), Classification()]
    assert parsed.warning == "the classifier failed on 2 item(s) (ValueError: boom)"


def test_notes_quoting_hostile_text_are_printable() -> None:
    class Hostile:
        def classify(self, title: str, summary: str = "") -> Classification:
            raise ValueError(f"bad title \x1b]0;{title}\x07 \u202eend")

    parsed = parse(rss([{"title": "a"}]), classifier=Hostile())
    assert parsed.warning == "the classifier failed on 1 item(s) (ValueError: bad title end)"


# -- robustness ----------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(body=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode)))
def test_never_raises(body: bytes) -> None:
    parsed = parse_feed(body, feed_url=FEED_URL, classifier=Recorder())
    assert isinstance(parsed, ParsedFeed)
    assert (parsed.error is None) or parsed.items == ()


async def test_fetched_then_parsed(feed_server: FeedServer) -> None:
    """The two halves together: headers from the fetch steer the decoding."""
    body = rss([{"title": "Déjà vu à Genève"}], encoding="iso-8859-1")
    url = feed_server.static("/latin.xml", body, Content_Type="text/xml")
    async with Fetcher() as fetcher:
        fetched = await fetcher.fetch(url)
    assert fetched.body is not None
    parsed = parse_feed(fetched.body, feed_url=url, headers=fetched.headers, classifier=Recorder())
    assert [item.title for item, _ in parsed.items] == ["Déjà vu à Genève"]
