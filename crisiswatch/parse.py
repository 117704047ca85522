"""Turn feed bytes into clean, classified items.

feedparser does the reading (RSS 0.9x/1.0/2.0, Atom, broken XML via its loose
parser); this module decides what counts as usable, normalises every field to
plain safe text and UTC, and explains failures in words for the feed list.
It runs inside the parse worker processes (see parse_pool), so it must never
raise: anything unexpected becomes `ParsedFeed.error`.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import xml.sax
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol
from urllib.parse import urljoin
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

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_XML_ENCODING = re.compile(rb"^\s*<\?xml[^>]*encoding\s*=", re.I)
_BOMS = (b"\xef\xbb\xbf", b"\xfe\xff", b"\xff\xfe")
_CHARSET = re.compile(r";\s*charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.I)
_HTML_START = re.compile(rb"<(!doctype\s+html|html|head|body|meta|title|script|div)\b", re.I)


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


def _feedparser_headers(body: bytes, headers: dict[str, str] | None) -> dict[str, str]:
    """The headers feedparser should see: at most a charset, and only when needed.

    feedparser follows RFC 3023, which reads text/xml without a charset as
    US-ASCII and ranks the HTTP charset above the document's own declaration.
    Servers get both wrong far more often than feed generators do, so the order
    used here is: byte order mark, then the XML declaration, then the HTTP
    charset, then UTF-8 (what RFC 7303 and browsers settle on in practice).
    """
    if not headers:
        return {}
    head = body[:512]
    if head.startswith(_BOMS) or _XML_ENCODING.match(head):
        return {}
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    match = _CHARSET.search(content_type)
    if not match:
        return {}
    return {"content-type": f"application/xml; charset={match.group(1)}"}


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
        if not body.lstrip(b"\xef\xbb\xbf").startswith(b"<?xml") and line > 1:
            line -= 1
        return f"malformed XML at line {line}: {exc.getMessage()}; items kept"
    if isinstance(exc, feedparser.CharacterEncodingOverride):
        return f"wrong character encoding declared ({exc}); items kept"
    if isinstance(exc, feedparser.CharacterEncodingUnknown):
        return "unknown character encoding; some characters may be wrong; items kept"
    text = str(exc).strip() or type(exc).__name__
    return f"malformed feed ({text}); items kept"


def _when(entry: dict[str, Any]) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
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
    problem = _sniff_non_feed(body)
    if problem:
        return ParsedFeed(error=problem)
    now = now or utcnow()
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    now = now.astimezone(UTC)

    data = feedparser.parse(
        io.BytesIO(body),
        response_headers=_feedparser_headers(body, headers),
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
