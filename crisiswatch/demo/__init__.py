"""The bundled offline demo: fictional seed feeds replayed by a local HTTP server."""

from __future__ import annotations

from crisiswatch.demo.server import REFERENCE_TIME, SEEDS_DIR, DemoServer

__all__ = ["REFERENCE_TIME", "SEEDS_DIR", "DemoServer"]
