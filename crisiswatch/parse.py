"""Turn feed bytes into clean, classified items.

feedparser does the reading (RSS 0.9x/1.0/2.0, Atom, broken XML via its loose
parser); this module decides what counts as usable, normalises every field to
plain safe text and UTC, and explains failures in words for the feed list.
It runs inside the parse worker processes (see parse_pool), so it must never
raise: anything unexpected becomes `ParsedFeed.error`.
"""

from __future__ import annotations

import calendar
import hashlib
import io
import json
import re
import time
import xml.sax
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol
from urllib.parse import urljoin
from xml.parsers.expat import XMLParserType
from xml.sax import expatreader

import feedparser

from crisiswatch.models import Classification, Item, ParsedFeed, utcnow
from crisiswatch.sanitize import clean_text, safe_url

TITLE_MAX = 300
SUMMARY_MAX = 2000
FEED_TITLE_MAX = 200
NOTE_MAX = 500  # characters of an error or warning
GUID_MAX = 1024  # longer GUIDs are replaced by a hash of themselves
FUTURE_TOLERANCE = timedelta(minutes=10)  # clock skew we accept before clamping
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)  # anything older is a broken date
# Structure no real feed has, refused before feedparser sees it: both cost a
# worker hundreds of MB from a few MB of input (500,000 attributes on one
# element: +280 MB, and quadratic time; 1,000,000 nested elements: +290 MB).
# Real feeds use a handful of attributes per element and nest about ten deep.
MAX_ATTRIBUTES = 256  # on one element
MAX_DEPTH = 256  # elements open at once

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_XML_ENCODING = re.compile(rb"^\s*<\?xml[^>]*encoding\s*=", re.I)
_BOMS = (b"\xef\xbb\xbf", b"\xfe\xff", b"\xff\xfe")
_UNICODE_CHARSETS = ("utf", "ucs", "iso-10646", "unicode")
_CHARSET = re.compile(r";\s*charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.I)
# A numeric date the way ISO 8601 / W3CDTF writes it, with or without dashes,
# optionally a time: the fields feedparser would otherwise roll over.
_ISO_DATE = re.compile(
    r"\s*(?P<sign>[+-])?"
    r"(?:(?P<year>\d{4}|\d{2})-(?P<month>\d{1,2})(?:-(?P<day>\d{1,2}))?"
    r"|(?P<cyear>\d{4})(?P<cmonth>\d{2})(?P<cday>\d{2}))"
    r"(?:[T ](?P<hour>\d{1,2}):?(?P<minute>\d{2})(?::?(?P<second>\d{2}))?)?(?!\d)"
)
_HTML_START = re.compile(rb"<(!doctype\s+html|html|head|body|meta|title|script|div)\b", re.I)
# One step of the structure scan: a CDATA section or a comment (skipped whole),
# a start tag (its name and attribute text) or an end tag (its name). Quoted
# attribute values may hold ">"; "<" ends an attempt, so the scan stays linear.
# The quantifiers are possessive: with a plain `*` the regex engine keeps a
# backtracking record per character of a tag (60,000 attributes cost 86 MB).
_MARKUP = re.compile(
    rb"<!\[CDATA\[.*?(?:\]\]>|\Z)|<!--.*?(?:-->|\Z)"
    rb"|<([A-Za-z_][^\s/<>]*+)((?:[^<>\"']++|\"[^\"]*+\"|'[^']*+')*+)>"
    rb"|</([A-Za-z_][^\s/<>]*)",
    re.S,
)
# An attribute, with or without a value (the loose parser accepts bare names).
_ATTRIBUTE = re.compile(rb"""[^\s=/<>"']+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>"']+))?""")
# HTML elements that never have an end tag: unescaped HTML in a loose feed must
# not count as nesting.
_VOID = frozenset(b"area base br col embed hr img input link meta param source track wbr".split())


class EntityDeclared(xml.sax.SAXException):
    """A document declared its own XML entity; the strict parser stops there."""


class _GuardedExpatParser(expatreader.ExpatParser):
    """Expat that refuses every entity declaration (general, parameter, external).

    Declared entities exist to be expanded, and expansion is how a small feed
    becomes gigabytes: expat's amplification limit stops the billion laughs,
    but a 1 MB entity used 90 times stays under it and costs a worker 400 MB.
    External entities read local files. feedparser catches the refusal and
    falls back to its loose parser, which leaves `&name;` as plain text.
    """

    _parser: XMLParserType  # ExpatParser's own, made by reset(); typeshed leaves it undeclared

    def reset(self) -> None:
        super().reset()
        self._parser.EntityDeclHandler = self._refuse

    @staticmethod
    def _refuse(name: str, *_: object) -> None:
        raise EntityDeclared(f"the feed declares its own XML entity '{name[:40]}'")


def create_parser() -> expatreader.ExpatParser:
    """xml.sax driver hook: feedparser builds its strict parser through this module."""
    return _GuardedExpatParser()


_feedparser_replace_doctype = feedparser.api.replace_doctype


def _replace_doctype(data: bytes) -> tuple[str | None, bytes, dict[str, str]]:
    """feedparser's DOCTYPE step, minus the entities it hands its loose parser.

    feedparser keeps the declarations it deems safe (plain text values) and
    expands them in the loose parser, the very path a refused document takes;
    a long "safe" value used many times is the same blowup. The loose parser
    still knows every HTML named entity.
    """
    version, data, _entities = _feedparser_replace_doctype(data)
    return version, data, {}


if __name__ not in feedparser.api.PREFERRED_XML_PARSERS:
    feedparser.api.PREFERRED_XML_PARSERS.insert(0, __name__)
    feedparser.api.replace_doctype = _replace_doctype


class SupportsClassify(Protocol):
    def classify(self, title: str, summary: str = "") -> Classification: ...


_default_classifier: SupportsClassify | None = None


def _classifier() -> SupportsClassify:
    """The process-wide default Classifier, built on first use (it loads data)."""
    global _default_classifier
    if _default_classifier is None:
        from crisiswatch.classify import Classifier

        _default_classifier = Classifier()
    return _default_classifier


def _feedparser_headers(
    body: bytes, headers: dict[str, str] | None
) -> tuple[dict[str, str], str | None]:
    """The headers feedparser should see (at most a charset), and a note when it was wrong.

    feedparser follows RFC 3023, which reads text/xml without a charset as
    US-ASCII and ranks the HTTP charset above the document's own declaration.
    Servers get both wrong far more often than feed generators do, so the order
    used here is: byte order mark, then the XML declaration, then the HTTP
    charset, then UTF-8 (what RFC 7303 and browsers settle on in practice).

    An HTTP charset that contradicts the bytes is dropped: a body that is valid
    UTF-8 and not plain ASCII is UTF-8 whatever the server says (no real text
    in a legacy charset happens to form valid UTF-8 sequences), and reading it
    as, say, ISO-8859-1 would store mojibake without a word of warning.
    """
    if not headers:
        return {}, None
    head = body[:512]
    if head.startswith(_BOMS) or _XML_ENCODING.match(head):
        return {}, None
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    match = _CHARSET.search(content_type)
    if not match:
        return {}, None
    charset = match.group(1)
    if not charset.lower().startswith(_UNICODE_CHARSETS) and _is_utf8_text(body):
        note = (
            f"wrong character encoding declared (the server said {charset[:40]}, "
            "the document is UTF-8); read as UTF-8; items kept"
        )
        return {}, note
    return {"content-type": f"application/xml; charset={charset}"}, None


def _is_utf8_text(body: bytes) -> bool:
    """Non-ASCII and valid UTF-8."""
    if body.isascii():
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _sniff_non_feed(body: bytes) -> str | None:
    """Words for bodies that are plainly not feeds, before feedparser tries them."""
    head = body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head:
        return "empty body"
    if head[:1] in (b"{", b"["):
        try:
            json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return None
        return "not a feed: the server sent JSON"
    return None


def _pathological_structure(body: bytes) -> str | None:
    """Words for markup no feed needs and every parser pays dearly for, or None.

    A linear scan of the raw bytes, so it judges documents the strict parser
    rejects too (feedparser's loose parser would read those, just as dearly).
    Nesting is counted the forgiving way an HTML parser would: an end tag
    closes its element and whatever was left open inside it.
    """
    if body.count(b"<") <= MAX_DEPTH and len(body) <= 2 * MAX_ATTRIBUTES:
        return None  # too small to hold either
    open_names: list[bytes] = []
    for match in _MARKUP.finditer(body):
        name, attributes, end = match.groups()
        if end is not None:
            end = end.lower()
            for n in range(len(open_names) - 1, -1, -1):
                if open_names[n] == end:
                    del open_names[n:]
                    break
            continue
        if name is None:
            continue  # CDATA or a comment
        if len(attributes) > 2 * MAX_ATTRIBUTES:  # room for that many, at least
            count = sum(1 for _ in _ATTRIBUTE.finditer(attributes))
            if count > MAX_ATTRIBUTES:
                return (
                    f"pathological XML: an element with {count:,} attributes "
                    f"(more than {MAX_ATTRIBUTES}); not parsed, to protect memory and time"
                )
        name = name.lower()
        if not attributes.endswith(b"/") and name not in _VOID:
            open_names.append(name)
            if len(open_names) > MAX_DEPTH:
                return (
                    f"pathological XML: elements nested more than {MAX_DEPTH} deep; "
                    "not parsed, to protect memory and time"
                )
    return None


def _looks_like_html(body: bytes) -> bool:
    head = body[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<?xml"):
        head = head[head.find(b"?>") + 2 :].lstrip()
    return bool(_HTML_START.match(head)) or b"<html" in head[:1024].lower()


def _describe_bozo(exc: BaseException | None, body: bytes) -> str | None:
    """A sentence for the feed list about why a usable feed was flagged, or None."""
    if exc is None:
        return None
    if isinstance(exc, feedparser.NonXMLContentType):
        return None  # a server labelling issue, the feed itself is fine
    if isinstance(exc, EntityDeclared):
        return f"{exc}; entities are ignored (entity-bomb defence); items kept"
    if isinstance(exc, xml.sax.SAXParseException):
        line = exc.getLineNumber()
        # feedparser puts an XML declaration line in front of documents without one.
        if line is not None and not body.lstrip(b"\xef\xbb\xbf").startswith(b"<?xml") and line > 1:
            line -= 1
        return f"malformed XML at line {line}: {exc.getMessage()}; items kept"
    if isinstance(exc, feedparser.CharacterEncodingOverride):
        return f"wrong character encoding declared ({exc}); items kept"
    if isinstance(exc, feedparser.CharacterEncodingUnknown):
        return "unknown character encoding; some characters may be wrong; items kept"
    text = str(exc).strip() or type(exc).__name__
    return f"malformed feed ({text}); items kept"


def _iso_date_is_real(raw: Any) -> bool:
    """False for an ISO 8601 date with fields no calendar has.

    feedparser rolls such fields over instead of refusing them: "-0001-00-00"
    becomes 2000-01-01, "2025-13-45" 2026-01-01, "-2025-01-06" a date in 2026.
    Other formats (RFC 822 and friends) are left to feedparser, which refuses
    what it cannot read.
    """
    if not isinstance(raw, str):
        return True
    match = _ISO_DATE.match(raw)
    if match is None:
        return True
    fields = match.groupdict()
    year = fields["year"] or fields["cyear"]
    month = int(fields["month"] or fields["cmonth"])
    day = fields["day"] or fields["cday"]
    if fields["sign"] or int(year) == 0 or not 1 <= month <= 12:
        return False
    if day is not None:
        full_year = int(year) if len(year) == 4 else 2000 + int(year)
        if not 1 <= int(day) <= calendar.monthrange(full_year, month)[1]:
            return False
    hour, minute, second = fields["hour"], fields["minute"], fields["second"]
    return hour is None or (int(hour) <= 24 and int(minute) <= 59 and int(second or 0) <= 60)


def _when(entry: dict[str, Any]) -> datetime | None:
    for key in ("published", "updated", "created"):
        value: time.struct_time | None = entry.get(f"{key}_parsed")
        if value and _iso_date_is_real(entry.get(key)):
            try:
                return datetime(*value[:6], tzinfo=UTC)
            except (TypeError, ValueError, OverflowError):
                continue
    return None


def _publication(entry: dict[str, Any], now: datetime) -> tuple[datetime, bool]:
    """UTC publication time and whether it is our estimate rather than the feed's.

    Missing or absurd dates (before 1990) become `now`; dates further in the
    future than a little clock skew are clamped to `now` too, so a feed cannot
    pin its items to the top of a newest-first list. Both count as estimates.
    """
    moment = _when(entry)
    if moment is None or moment < EARLIEST:
        return now, True
    if moment > now + FUTURE_TOLERANCE:
        return now, True
    return moment, False


def _is_html(detail: Any) -> bool:
    kind = dict.get(detail, "type", "") if isinstance(detail, dict) else ""
    return kind in _HTML_TYPES or kind == ""


def _text(entry: dict[str, Any], key: str, max_len: int) -> str:
    value = entry.get(key)
    if not value:
        return ""
    return clean_text(value, max_len, html=_is_html(entry.get(f"{key}_detail")))


def _summary(entry: dict[str, Any]) -> str:
    text = _text(entry, "summary", SUMMARY_MAX)
    if text:
        return text
    for content in entry.get("content") or ():
        value = dict.get(content, "value") if isinstance(content, dict) else None
        if value:
            text = clean_text(value, SUMMARY_MAX, html=_is_html(content))
            if text:
                return text
    return ""


def _link(entry: dict[str, Any], feed_url: str) -> str | None:
    link = entry.get("link")
    if not isinstance(link, str) or not link.strip():
        return None
    link = link.strip()
    if link.startswith(("https://", "http://")):
        return safe_url(link)
    try:
        return safe_url(urljoin(feed_url, link))  # relative links are relative to the feed
    except ValueError:
        return None


def _guid(entry: dict[str, Any]) -> str | None:
    guid = entry.get("id")
    if not isinstance(guid, str):
        return None
    guid = guid.strip()
    if not guid:
        return None
    if len(guid) > GUID_MAX or not guid.isprintable():
        return "h:" + hashlib.blake2b(guid.encode("utf-8", "replace"), digest_size=16).hexdigest()
    return guid


def parse_feed(
    body: bytes,
    *,
    feed_url: str,
    headers: dict[str, str] | None = None,
    now: datetime | None = None,
    classifier: SupportsClassify | None = None,
) -> ParsedFeed:
    """Parse and classify one feed document. Never raises."""
    try:
        parsed = _parse(body, feed_url, headers, now, classifier)
    except Exception as exc:  # a bug or a feedparser corner: report it, keep the run going
        parsed = ParsedFeed(error=f"could not parse the feed ({type(exc).__name__}: {exc})")
    return _printable_notes(parsed)


def _printable_notes(parsed: ParsedFeed) -> ParsedFeed:
    """Parser messages can quote the document; make them as safe as its titles."""
    error = clean_text(parsed.error, NOTE_MAX, html=False) if parsed.error else None
    warning = clean_text(parsed.warning, NOTE_MAX, html=False) if parsed.warning else None
    if (error, warning) == (parsed.error, parsed.warning):
        return parsed
    return replace(parsed, error=error or None, warning=warning or None)


def _parse(
    body: bytes,
    feed_url: str,
    headers: dict[str, str] | None,
    now: datetime | None,
    classifier: SupportsClassify | None,
) -> ParsedFeed:
    if not body or not body.strip():
        return ParsedFeed(error="empty body")
    problem = _sniff_non_feed(body) or _pathological_structure(body)
    if problem:
        return ParsedFeed(error=problem)
    now = now or utcnow()
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    now = now.astimezone(UTC)

    feedparser_headers, charset_note = _feedparser_headers(body, headers)
    data = feedparser.parse(
        io.BytesIO(body),
        response_headers=feedparser_headers,
        sanitize_html=False,  # clean_text strips all markup anyway
        resolve_relative_uris=False,
    )
    entries = data.get("entries") or []
    if not data.get("version") and not entries:
        if _looks_like_html(body):
            return ParsedFeed(error="not a feed: the server sent an HTML page")
        reason = _describe_bozo(data.get("bozo_exception"), body)
        detail = f" ({reason.removesuffix('; items kept')})" if reason else ""
        return ParsedFeed(error=f"not a feed: no RSS, Atom or RDF content found{detail}")

    warning = _describe_bozo(data.get("bozo_exception"), body) if data.get("bozo") else None
    if charset_note:
        warning = f"{charset_note}; {warning}" if warning else charset_note
    feed_title = _text(dict(data.get("feed") or {}), "title", FEED_TITLE_MAX)
    classify = (classifier or _classifier()).classify

    items: list[tuple[Item, Classification]] = []
    seen: set[str] = set()
    failures: list[str] = []
    for raw_entry in entries:
        # A plain dict copy: FeedParserDict.get is a Python-level method with key
        # aliasing (and a deprecation path for "updated"); dict.get is neither.
        entry = dict(raw_entry)
        title = _text(entry, "title", TITLE_MAX)
        summary = _summary(entry)
        if not title and not summary:
            continue
        published, estimated = _publication(entry, now)
        item = Item(
            feed_url=feed_url,
            guid=_guid(entry),
            # A title-less entry (microblog feeds) shows the start of its text instead.
            title=title or clean_text(summary, TITLE_MAX, html=False),
            summary=summary,
            url=_link(entry, feed_url),
            published=published,
            published_estimated=estimated,
        )
        if item.id in seen:  # the same entry twice in one document
            continue
        seen.add(item.id)
        try:
            label = classify(title, summary)
        except Exception as exc:  # the classifier is young; one bad item must not sink the feed
            failures.append(f"{type(exc).__name__}: {exc}")
            label = Classification()
        items.append((item, label))

    if failures:
        note = f"the classifier failed on {len(failures)} item(s) ({failures[0]})"
        warning = f"{warning}; {note}" if warning else note
    return ParsedFeed(items=tuple(items), title=feed_title, warning=warning)
