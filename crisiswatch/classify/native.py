"""The compiled classifier core, used when the installed build has one.

Installing the package (`pip install .`, also editable) compiles the modules named in
`SOURCES` with mypyc into a separate `crisiswatch_native` package (see
`hatch_build.py`); a machine without a C compiler gets the same classifier in pure
Python. The compiled core is used only if it was built from
exactly the sources beside this file, so an edited rule takes effect at once,
compiled or not. Outputs are identical either way (tests/classify/test_native.py).
One rule keeps them so: compare hits by position, never with `is` (compiled code
boxes tuples afresh).

Only the standard library is imported here: the build hook loads this file alone.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

# The modules compiled, in import order, and the package they are compiled into.
SOURCES = (
    "scanner.py",
    "itemtext.py",
    "history.py",
    "story.py",
    "civil.py",
    "namedactors.py",
    "weapons.py",
    "justice.py",
    "unrest.py",
    "casualties.py",
    "context.py",
    "scope.py",
    "framing.py",
    "judge.py",
    "review.py",
)
PACKAGE = "crisiswatch_native"
PURE_ENV = "CRISISWATCH_PURE"  # set (to anything) to use the pure-Python core


def source_hash(folder: Path) -> str:
    """A digest of the sources a compiled core must match."""
    digest = hashlib.blake2b(digest_size=8)
    for name in SOURCES:
        digest.update(name.encode() + b"\x00" + (folder / name).read_bytes())
    return digest.hexdigest()


def native_source(text: str) -> str:
    """A source file rewritten to import its compiled siblings."""
    for name in SOURCES:
        module = name.removesuffix(".py")
        text = text.replace(f"crisiswatch.classify.{module} ", f"{PACKAGE}.{module} ")
    return text


def load() -> tuple[Any, Any, Any] | None:
    """`(scan, ItemJudge, Review)` from the compiled core, or None to use the Python one."""
    if os.environ.get(PURE_ENV):
        return None
    try:
        from crisiswatch_native import SOURCE_HASH
        from crisiswatch_native.judge import ItemJudge
        from crisiswatch_native.review import Review
        from crisiswatch_native.scanner import scan
    except ImportError:
        return None
    if source_hash(Path(__file__).parent) != SOURCE_HASH:
        return None  # built from other sources: an edit since install
    return scan, ItemJudge, Review
