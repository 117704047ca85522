"""A local farm of feeds for benchmarks: N feeds x M items over 20 loopback addresses.

Runs an asyncio HTTP/1.1 server (keep-alive, ETag/304, optional latency) in a
child process, so the collector being measured has the CPU to itself as far as
two cores allow. Real feeds are spread over many hosts; so is the farm, so the
collector's per-host cap does not serialise it.
"""

from __future__ import annotations

import asyncio
import hashlib
import multiprocessing as mp
import random
import socket
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

HOSTS = [f"127.0.0.{i}" for i in range(1, 21)]

_ACTORS = [
    "Iran",
    "Israel",
    "Ukraine",
    "Russia",
    "China",
    "Taiwan",
    "Sudan",
    "Yemen",
    "India",
    "Pakistan",
    "Venezuela",
    "Serbia",
    "Kosovo",
    "Ethiopia",
    "Syria",
]
_EVENTS = [
    "{a} and {b} hold talks on trade in {a}'s capital",
    "{a} accuses {b} of violating the border agreement",
    "{a} imposes new sanctions on {b} over missile programme",
    "Drone strike hits fuel depot in {a}, officials blame {b}",
    "{a} launches large offensive against {b} positions; dozens killed",
    "Markets rally in {a} as inflation slows",
    "{a} warns {b} it will respond to any attack",
    "Floods displace thousands in {a}",
]


def feed_xml(index: int, items: int, now: datetime) -> bytes:
    rng = random.Random(index)
    parts = []
    for n in range(items):
        a, b = rng.sample(_ACTORS, 2)
        title = rng.choice(_EVENTS).format(a=a, b=b)
        when = format_datetime(now - timedelta(minutes=n * 7 + index))
        parts.append(
            f"<item><title>{title}</title><link>https://farm.example/{index}/{n}</link>"
            f"<guid>farm-{index}-{n}</guid><pubDate>{when}</pubDate>"
            f"<description>&lt;p&gt;Reporting from the region on item {n} of feed {index}. "
            f"Officials in {a} said more details would follow as the situation develops."
            f"&lt;/p&gt;</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Farm feed {index}</title><link>https://farm.example/{index}</link>"
        f"<description>benchmark feed</description>{''.join(parts)}</channel></rss>"
    ).encode()


async def _serve(port: int, feeds: int, items: int, latency: float, ready: mp.Event) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    bodies = {f"/feed/{i}.xml": feed_xml(i, items, now) for i in range(feeds)}
    etags = {path: '"' + hashlib.md5(body).hexdigest() + '"' for path, body in bodies.items()}

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                path = lines[0].split(" ")[1]
                headers = {
                    k.strip().lower(): v.strip()
                    for k, _, v in (line.partition(":") for line in lines[1:] if line)
                }
                if latency:
                    await asyncio.sleep(latency)
                body = bodies.get(path)
                if body is None:
                    status, payload, extra = "404 Not Found", b"", ""
                elif headers.get("if-none-match") == etags[path]:
                    status, payload, extra = "304 Not Modified", b"", f"ETag: {etags[path]}\r\n"
                else:
                    status, payload = "200 OK", body
                    extra = f"ETag: {etags[path]}\r\nContent-Type: application/rss+xml\r\n"
                writer.write(
                    f"HTTP/1.1 {status}\r\nContent-Length: {len(payload)}\r\n{extra}\r\n".encode()
                    + payload
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, IndexError):
            pass
        finally:
            writer.close()

    servers = [await asyncio.start_server(handle, host, port, backlog=1024) for host in HOSTS]
    ready.set()
    await asyncio.gather(*(s.serve_forever() for s in servers))


def _run(port: int, feeds: int, items: int, latency: float, ready: mp.Event) -> None:
    asyncio.run(_serve(port, feeds, items, latency, ready))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Farm:
    """Context manager: a farm process and the URLs of its feeds."""

    def __init__(self, feeds: int = 200, items: int = 50, latency: float = 0.0) -> None:
        self.feeds, self.items, self.latency = feeds, items, latency
        self.port = free_port()
        self._ready = mp.get_context("spawn").Event()
        self._proc = mp.get_context("spawn").Process(
            target=_run, args=(self.port, feeds, items, latency, self._ready), daemon=True
        )

    @property
    def urls(self) -> list[str]:
        return [
            f"http://{HOSTS[i % len(HOSTS)]}:{self.port}/feed/{i}.xml" for i in range(self.feeds)
        ]

    def __enter__(self) -> Farm:
        self._proc.start()
        if not self._ready.wait(30):
            raise RuntimeError("the feed farm did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        self._proc.terminate()
        self._proc.join(5)

    def config_toml(self, interval: int = 600) -> str:
        lines = ["[collector]", f"interval = {interval}", "", "[watch]", "countries = []", ""]
        for i, url in enumerate(self.urls):
            lines += ["[[feeds]]", f'name = "farm {i}"', f'url = "{url}"', ""]
        return "\n".join(lines)
