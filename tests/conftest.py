from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.feedserver import FeedServer


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    """A real HTTP server on 127.0.0.1 with a random port."""
    server = FeedServer().start()
    try:
        yield server
    finally:
        server.stop()
