"""Importing this builds the default classifier's automata, once.

The parse workers' fork server imports it, so every worker (and every
replacement for one killed at its time limit) starts with them already built
instead of spending ~150 ms of CPU on its own copy.
"""

from __future__ import annotations

import contextlib

from crisiswatch.classify import Classifier

with contextlib.suppress(Exception):  # a broken data file is reported by each worker instead
    Classifier()
