"""A response body collected under a size cap, gzip and deflate undone by hand.

httpx would decompress without any limit, so a compressed bomb could inflate to
gigabytes; here zlib's `max_length` bounds each step's output and the body
costs at most the cap plus one step of memory, however well it compresses.
"""

from __future__ import annotations

import zlib

import httpx

DRAIN_LIMIT = 64 * 1024  # read this much of an error body to keep the connection reusable
_GZIP_MAGIC = b"\x1f\x8b"
# Output per zlib call. zlib builds its result in pieces and then joins them, so
# one call briefly needs twice its output; small steps keep that overhead small.
_INFLATE_STEP = 256 * 1024


class Failure(Exception):
    """A failure already phrased for people; carried out of the request code."""


def size_words(n: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale:
            value = n / scale
            return f"{value:g} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{n} bytes"


class Decoder:
    """Collects a body, undoing gzip/deflate, and stops as soon as it passes the cap.

    zlib's `max_length` bounds each step's output (never more than the cap still
    allows, plus one byte to notice the overflow), so a bomb costs the cap plus
    one step of memory, however well it compresses.
    """

    def __init__(self, coding: str | None, limit: int) -> None:
        self.coding = coding  # None, "gzip" or "deflate"
        self.limit = limit
        self.parts: list[bytes] = []
        self.size = 0
        self.raw = 0
        self._inflater: zlib._Decompress | None = None  # type: ignore[name-defined]
        self._ended = False  # a compressed stream finished; ignore trailing bytes

    def _too_big(self) -> Failure:
        return Failure(f"body larger than the {size_words(self.limit)} cap")

    def _keep(self, data: bytes) -> None:
        if data:
            self.size += len(data)
            if self.size > self.limit:
                raise self._too_big()
            self.parts.append(data)

    def _new_inflater(self, first: bytes) -> zlib._Decompress:  # type: ignore[name-defined]
        if self.coding == "gzip":
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        # "deflate" should be zlib-wrapped; some servers send a raw stream instead.
        wrapped = len(first) < 2 or (
            (first[0] & 0x0F) == 8 and ((first[0] << 8) | first[1]) % 31 == 0
        )
        return zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)

    def feed(self, data: bytes) -> None:
        self.raw += len(data)
        if self.coding is None:
            self._keep(data)
            return
        # Compressed input is never much larger than its output; bound it as well
        # so a stream of compressed nothing cannot run forever.
        if self.raw > self.limit + DRAIN_LIMIT:
            raise self._too_big()
        try:
            while data:
                if self._inflater is None:
                    if self._ended and not (self.coding == "gzip" and data[:2] == _GZIP_MAGIC):
                        return  # trailing padding after the stream: ignore it
                    self._inflater = self._new_inflater(data)
                room = self.limit - self.size + 1
                out = self._inflater.decompress(data, min(room, _INFLATE_STEP))
                self._keep(out)
                data = self._inflater.unconsumed_tail
                if self._inflater.eof:
                    data = self._inflater.unused_data  # maybe another gzip member
                    self._inflater = None
                    self._ended = True
        except zlib.error as exc:
            raise Failure(f"the body could not be decompressed ({self.coding}: {exc})") from None

    def result(self) -> bytes:
        return b"".join(self.parts)


def decoder_for(headers: httpx.Headers, limit: int) -> Decoder:
    codings = [
        c.strip().lower()
        for c in headers.get("content-encoding", "").split(",")
        if c.strip() and c.strip().lower() != "identity"
    ]
    if not codings:
        length = headers.get("content-length", "").strip()
        if length.isdecimal() and int(length) > limit:
            raise Failure(f"body larger than the {size_words(limit)} cap")
        return Decoder(None, limit)
    if len(codings) == 1 and codings[0] in ("gzip", "x-gzip", "deflate"):
        return Decoder("deflate" if codings[0] == "deflate" else "gzip", limit)
    raise Failure(f"the server used a content encoding we did not ask for ({', '.join(codings)})")
