"""An httpx transport that keeps one small connection pool per origin.

httpcore's pool checks every idle connection it holds each time a request
starts or ends (a `getpeername` and a `poll` per connection). With one pool of
32 connections shared by 200 feeds that is thousands of system calls per poll
and a quarter of the collector's CPU. Feeds are spread over many hosts and a
connection can only ever serve its own origin, so a pool per origin holds the
same connections while each check looks at a handful of them.

The client stays one shared `httpx.AsyncClient`; only its transport is split.
"""

from __future__ import annotations

import ssl

import httpx


class OriginPools(httpx.AsyncBaseTransport):
    """Route each request to the pool of its (scheme, host, port)."""

    def __init__(self, *, per_origin: int) -> None:
        self.per_origin = max(1, per_origin)
        self._pools: dict[tuple[bytes, bytes, int | None], httpx.AsyncHTTPTransport] = {}
        self._ssl: ssl.SSLContext | None = None  # built once, on the first https origin

    def _pool_for(self, url: httpx.URL) -> httpx.AsyncHTTPTransport:
        key = (url.raw_scheme, url.raw_host, url.port)
        pool = self._pools.get(key)
        if pool is None:
            if url.raw_scheme == b"https" and self._ssl is None:
                # Loading the CA bundle costs ~20 ms: once per client, not per origin.
                self._ssl = httpx.create_ssl_context()
            pool = httpx.AsyncHTTPTransport(
                verify=self._ssl or True if url.raw_scheme == b"https" else False,
                limits=httpx.Limits(
                    max_connections=self.per_origin,
                    max_keepalive_connections=self.per_origin,
                ),
            )
            self._pools[key] = pool
        return pool

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._pool_for(request.url).handle_async_request(request)

    async def aclose(self) -> None:
        pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            await pool.aclose()
