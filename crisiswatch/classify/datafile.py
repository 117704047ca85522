"""Reading the classifier's data files, with one clear line when one is broken.

The data files ship with the package and are edited like code; a bad edit (or a
damaged install) must end a command with the file, the place and what to do, not
a traceback, whichever command first loads the classifier.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

_FIX = "undo the edit, or reinstall crisiswatch"


class DataFileError(ValueError):
    """A classifier data file that cannot be used; the message names it and the fix."""


def read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise DataFileError(f"{path}: {exc}; {_FIX}") from None


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(f"{path}: {exc}; {_FIX}") from None
    except json.JSONDecodeError as exc:
        raise DataFileError(f"{path}: line {exc.lineno}: {exc.msg}; {_FIX}") from None


@contextmanager
def reading(path: Path, where: str = "") -> Iterator[None]:
    """Data of the wrong shape (a missing key, a string for a list) as a DataFileError."""
    try:
        yield
    except DataFileError:
        raise
    except KeyError as exc:
        raise DataFileError(f"{path}: {where}lacks the key {exc}; {_FIX}") from None
    except (TypeError, ValueError, AttributeError) as exc:
        raise DataFileError(f"{path}: {where}{exc}; {_FIX}") from None
