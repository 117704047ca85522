"""Turn untrusted feed text into plain text that is safe to print in a terminal.

Feed titles and summaries come from strangers. Printed raw they can move the
cursor, rewrite the window title, plant clickable OSC 8 links, write to the
clipboard (OSC 52), reverse the reading order (bidi overrides) or hide text
(zero-width characters). Everything that reaches the store goes through
`clean_text` / `safe_url` first, so the views never have to think about it.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

ELLIPSIS = "…"

# Terminal escape sequences, removed whole (not just their ESC byte), in both the
# 7-bit (ESC x) and 8-bit C1 forms. String sequences (OSC, DCS, SOS, PM, APC) run
# to BEL, ST, CAN/SUB or the end of the text, the way a terminal swallows them.
_ESCAPES = re.compile(
    r"(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?"  # CSI: colours, cursor moves
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])"  # OSC / DCS / SOS / PM / APC ...
    r"[^\x07\x1b\x9c\x18\x1a]*(?:\x07|\x1b\\|\x9c|[\x18\x1a])?"  # ... up to a terminator
    r"|\x1b[\x20-\x2f]*[\x30-\x7e]?"  # every other escape, and a lone ESC
)

# Characters dropped outright. Whitespace controls (\t \n \v \f \r, \x1c-\x1f,
# \x85) are left for the whitespace fold, which turns them into single spaces.
_INVISIBLE = re.compile(
    "["
    "\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f"  # C0 / DEL / C1 controls
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"  # format (Cf) ...
    "\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb"  # ... incl. bidi controls
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"  # ... and tag characters
    "\u115f\u1160\u3164\uffa0"  # Hangul fillers: letters that render as nothing
    "\ud800-\udfff"  # lone surrogates cannot even be encoded for the terminal
    "]+"
)

_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_CDATA = re.compile(r"<!\[CDATA\[(.*?)(?:\]\]>|\Z)", re.S)
_RAW_BLOCK = re.compile(r"<(script|style|template|noscript)\b[^>]*>.*?(?:</\1\s*>|\Z)", re.S | re.I)
# A tag is "<" + a name (or "/", "!", "?"), quoted attribute values may hold ">".
# "<" ends an attempt early so a text full of "<" cannot cost quadratic time.
# The quantifiers are possessive: the alternatives never overlap, so there is
# nothing to backtrack into, and a plain `*` made the engine keep a backtracking
# record per character (a 4.7 MB tag cost 515 MB).
_TAG = re.compile(r"<(/?)([A-Za-z][^\s/<>]*|[!?])(?:[^<>\"']++|\"[^\"]*+\"|'[^']*+')*+>")
_BLOCK_NAMES = (
    "address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 "
    "h5 h6 header hr img li main nav ol p pre section table tbody td tfoot th thead tr ul"
)
_BLOCK_TAGS = frozenset(_BLOCK_NAMES.split())

_PASSES = 6  # rounds of un-nesting double-escaped HTML before giving up on it
_WORK_FLOOR = 4096  # text kept between rounds: max(this, 8 * max_len) characters


def _tag_to_space(match: re.Match[str]) -> str:
    """Block-level tags separate words; inline ones (b, a, span) do not."""
    return " " if match.group(2).lower() in _BLOCK_TAGS else ""


def _strip_html(text: str) -> str:
    if "<" in text:
        if "<!" in text:
            text = _COMMENT.sub(" ", text)
            text = _CDATA.sub(r"\1", text)
        text = _RAW_BLOCK.sub(" ", text)
        text = _TAG.sub(_tag_to_space, text)
    if "&" in text:
        text = html.unescape(text)
    return text


def _scrub(text: str) -> str:
    """Escape sequences and invisible characters out, whitespace folded."""
    if not (text.isascii() and text.isprintable()):
        text = _ESCAPES.sub("", text)
        text = _INVISIBLE.sub("", text)
    return " ".join(text.split())


def _cap(text: str, max_len: int) -> str:
    if len(text) <= max_len:
        return text
    if max_len <= 1:
        return ELLIPSIS[:max_len]
    cut = text[: max_len - 1]
    space = cut.rfind(" ")
    if space >= max_len * 7 // 10:  # end on a word boundary when one is near
        cut = cut[:space]
    return cut.rstrip() + ELLIPSIS


def clean_text(value: str | None, max_len: int, *, html: bool = True) -> str:
    """Plain, single-line, terminal-safe text of at most `max_len` characters.

    With `html=True` (the default) tags are stripped and entities decoded, and
    that is repeated while the result still changes, so double-escaped feeds
    come out clean and the function is idempotent. Pass `html=False` for text
    that is already plain (feedparser's text/plain fields), so that a literal
    "<b>" stays as written.
    """
    if not value:
        return ""
    text = str(value)
    if html and ("<" in text or "&" in text):
        text = _scrub(_strip_html(text))[: max(_WORK_FLOOR, 8 * max_len)]
        for _ in range(_PASSES):
            if "<" not in text and "&" not in text:
                break
            again = _scrub(_strip_html(text))
            if again == text:
                break
            text = again
        else:
            # Escaping nested deeper than any real feed: drop the markup characters
            # so that the result is stable instead of decoding forever.
            text = _scrub(text.replace("<", " ").replace("&", " "))
    else:
        text = _scrub(text)
    return _cap(text, max_len)


MAX_URL_LEN = 4096


def safe_url(value: str | None) -> str | None:
    """The URL if it is plain http(s) and safe to print and open, else None.

    Surrounding whitespace (common in feeds) is trimmed; whitespace or control
    characters inside, other schemes (javascript:, file:, data:), a missing host
    and user:password@ prefixes (a classic way to disguise the real host) are
    all refused.
    """
    if not value:
        return None
    url = str(value).strip()
    if not url or len(url) > MAX_URL_LEN:
        return None
    # isprintable() is False for every whitespace character except the plain space.
    if " " in url or not url.isprintable():
        return None
    try:
        parts = urlsplit(url)
        port_ok = parts.port is None or 0 < parts.port < 65536
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or not port_ok:
        return None
    if "@" in parts.netloc or "\\" in parts.netloc:
        return None
    return url
