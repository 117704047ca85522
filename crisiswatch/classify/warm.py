"""Importing this builds the default classifier and its phrase tables, once.

The parse workers' fork server imports it, so every worker (and every
replacement for one killed at its time limit) starts with them already built
instead of spending about a second and a half of CPU on its own copy. The tables
are built on first use, so one item of each kind is classified here: ASCII text
reads the merged table, other text each engine's own.
"""

from __future__ import annotations

import contextlib

from crisiswatch.classify import Classifier

with contextlib.suppress(Exception):  # a broken data file is reported by each worker instead
    _classifier = Classifier()
    _classifier.classify("warm", "")
    _classifier.classify("w\u00e4rm", "")
