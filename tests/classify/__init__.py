"""Classifier tests; `DEV_SET` is where the shared, hand-labelled dev set lives."""

from __future__ import annotations

import os
from pathlib import Path

_CANDIDATES = (
    os.environ.get("CRISISWATCH_DEV_SET", ""),
    str(Path(__file__).resolve().parents[3] / "shared" / "eval" / "dev.jsonl"),  # beside the repo
    "/work/shared/eval/dev.jsonl",  # the team's machines, whatever folder the clone is in
)
DEV_SET = next((Path(p) for p in _CANDIDATES if p and Path(p).is_file()), Path(_CANDIDATES[2]))
