"""Build hook: compile the classifier's hot path with mypyc, or fall back to pure Python.

The level engine reads every phrase of every item in Python; compiled, the
classifier runs about half again as fast (bench/classify.py prints which core it
used). The compiled modules go into their own `crisiswatch_native` package, never
next to the sources, so an editable install cannot run stale code:
`crisiswatch/classify/native.py` uses them only if their source hash matches.
Any failure (no C compiler, a type error mypyc rejects) leaves a working
pure-Python build and a warning. Set CRISISWATCH_PURE=1 to skip the compile.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

ROOT = Path(__file__).parent
CLASSIFY = ROOT / "crisiswatch" / "classify"

# Run in the build environment: mypycify turns the three modules into extensions.
_SETUP = """
from setuptools import setup
from mypyc.build import mypycify
setup(
    name="crisiswatch-native",
    ext_modules=mypycify(
        [
            "--ignore-missing-imports",
            "--follow-imports=silent",
            *[f"crisiswatch_native/{{n}}" for n in {sources!r}],
        ],
        opt_level="3",
    ),
)
"""


def _native_module() -> Any:
    """crisiswatch/classify/native.py, loaded alone (the build has no runtime deps)."""
    spec = importlib.util.spec_from_file_location("_crisiswatch_native", CLASSIFY / "native.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class NativeClassifierHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or os.environ.get(_native_module().PURE_ENV):
            return
        self._work = Path(tempfile.mkdtemp(prefix="crisiswatch-native-"))
        try:
            built = self._compile(self._work)
        except Exception as error:  # no compiler, no mypy, a mypyc error: stay pure
            reason = str(error).strip().splitlines()[-1:] or [type(error).__name__]
            self.app.display_warning(
                f"crisiswatch: compiled classifier not built ({reason[0]}); "
                "installing the pure-Python one, which gives the same results more slowly"
            )
            return
        key = "force_include_editable" if version == "editable" else "force_include"
        build_data.setdefault(key, {}).update(built)
        build_data["pure_python"] = False
        build_data["infer_tag"] = True

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        work = getattr(self, "_work", None)
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)

    def _compile(self, work: Path) -> dict[str, str]:
        """Compile into `work`; return {built file: path in the wheel}."""
        native = _native_module()
        source = work / "src"
        # The whole package, so mypy sees the types the compiled modules import.
        shutil.copytree(ROOT / "crisiswatch", source / "crisiswatch")
        package = source / native.PACKAGE
        package.mkdir()
        (package / "__init__.py").write_text(
            f'"""Compiled by hatch_build.py from crisiswatch/classify."""\n\n'
            f"SOURCE_HASH = {native.source_hash(CLASSIFY)!r}\n",
            encoding="utf-8",
        )
        for name in native.SOURCES:
            text = (CLASSIFY / name).read_text(encoding="utf-8")
            (package / name).write_text(native.native_source(text), encoding="utf-8")
        out = work / "out"
        command = [
            sys.executable,
            "-c",
            _SETUP.format(sources=native.SOURCES),
            "build_ext",
            "--build-lib",
            str(out),
            "--build-temp",
            str(work / "tmp"),
        ]
        done = subprocess.run(command, cwd=source, capture_output=True, text=True, check=False)
        if done.returncode:
            raise RuntimeError((done.stdout + done.stderr).strip() or "mypyc failed")
        built = {str(path): path.relative_to(out).as_posix() for path in out.rglob("*.so")}
        if not any(path.startswith(f"{native.PACKAGE}/judge.") for path in built.values()):
            raise RuntimeError("mypyc produced no judge module")
        built[str(package / "__init__.py")] = f"{native.PACKAGE}/__init__.py"
        return built
