"""The compiled classifier core: built by the install, identical to the Python one."""

from __future__ import annotations

import json
import os
import shutil
import sysconfig
from pathlib import Path

import pytest

from crisiswatch.classify import WEIGHTS_FILE, Classifier, native
from crisiswatch.classify.judge import ItemJudge
from crisiswatch.classify.review import Review
from crisiswatch.classify.scanner import scan

HERE = Path(__file__).parent
CLASSIFY = Path(native.__file__).parent
ITEMS = [
    (item["title"], item.get("summary", ""))
    for path in sorted(HERE.glob("*.jsonl"))
    for item in map(json.loads, path.read_text(encoding="utf-8").splitlines())
]


def _compiled() -> object | None:
    try:
        import crisiswatch_native  # type: ignore[import-not-found]
    except ImportError:
        return None
    return crisiswatch_native


def test_the_install_built_the_compiled_core() -> None:
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(compiler) is None:
        pytest.skip(f"no C compiler ({compiler}): the pure-Python core is expected")
    built = _compiled()
    assert built is not None, "the build fell back to pure Python: `pip install -v .` says why"
    if native.source_hash(CLASSIFY) != built.SOURCE_HASH:  # type: ignore[attr-defined]
        pytest.skip("sources edited since install: reinstall to compile them")
    if os.environ.get("CRISISWATCH_PURE"):
        pytest.skip("CRISISWATCH_PURE is set: the pure-Python core is asked for")
    assert native.load() is not None


def test_compiled_and_python_cores_agree() -> None:
    core = native.load()
    if core is None:
        pytest.skip("no compiled core matching these sources")
    compiled, python = Classifier(), Classifier()
    python._scan, python._judge, python._review = scan, ItemJudge, Review(WEIGHTS_FILE)
    assert compiled._judge is not ItemJudge and type(compiled._review) is not Review
    for title, summary in ITEMS:
        assert compiled.classify(title, summary) == python.classify(title, summary), title


def test_the_pure_switch_turns_the_compiled_core_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(native.PURE_ENV, "1")
    assert native.load() is None


def test_native_sources_import_their_compiled_siblings() -> None:
    text = (CLASSIFY / "judge.py").read_text(encoding="utf-8")
    rewritten = native.native_source(text)
    assert "from crisiswatch_native.scope import" in rewritten
    assert "from crisiswatch_native.itemtext import" in rewritten
    assert "crisiswatch.classify.scope " not in rewritten
    assert "crisiswatch.classify.itemtext " not in rewritten
    assert "from crisiswatch.models import Evidence" in rewritten  # the rest stays
