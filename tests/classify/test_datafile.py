"""A broken classifier data file ends a command with one line naming it, never a traceback."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import crisiswatch
from crisiswatch.classify import WEIGHTS_FILE
from crisiswatch.classify.datafile import DataFileError
from crisiswatch.classify.levels import LevelEngine
from crisiswatch.classify.review import Review
from crisiswatch.classify.rules import RULES_FILE, load_rules
from tests.classify.test_classify_cli import run

GOOD_TERM = '[[term]]\nname = "strike"\nlevel = 3\nphrases = ["air strike"]\n'


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_toml_syntax_error_names_the_file_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "levels.toml", GOOD_TERM + "\n[[term]]\nname = = 'x'\n" + GOOD_TERM)
    with pytest.raises(DataFileError, match=r"levels\.toml: .*line 7.*reinstall") as caught:
        load_rules(path)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("extra", "said"),
    [
        ('[[term]]\nname = "raid"\nlevel = 3\n', r"\[\[term\]\] number 2: lacks the key 'phrases'"),
        ('[[term]]\nname = "raid"\nphrases = 7\n', r"\[\[term\]\] number 2: .*not iterable"),
        ('[[modifier]]\nname = "may"\neffect = "perhaps"\nphrases = ["may"]\n', "unknown effect"),
        ('[[term]]\nname = "strike"\nlevel = 2\nphrases = ["raid"]\n', "two terms named"),
    ],
)
def test_a_wrongly_shaped_entry_names_its_table(tmp_path: Path, extra: str, said: str) -> None:
    path = _write(tmp_path, "levels.toml", GOOD_TERM + extra)
    with pytest.raises(DataFileError, match=said):
        load_rules(path)


def test_a_wrong_setting_is_named(tmp_path: Path) -> None:
    path = _write(tmp_path, "levels.toml", '[settings]\ncasualty_major = "many"\n' + GOOD_TERM)
    with pytest.raises(DataFileError, match=r"\[settings\]: invalid literal"):
        LevelEngine(load_rules(path))


def test_broken_review_weights_name_the_file_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "review.json", '{\n  "meta": {\n    "features": 5,,\n')
    with pytest.raises(DataFileError, match=r"review\.json: line 3: "):
        Review(path)
    data = json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))
    del data["bias"]
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(DataFileError, match="lacks the key 'bias'"):
        Review(path)


@pytest.mark.parametrize("name", ["levels.toml", "actors.toml", "review.json"])
def test_the_cli_says_which_data_file_is_broken(tmp_path: Path, name: str) -> None:
    """A copy of the package with one data file damaged, run as a person would."""
    package = Path(crisiswatch.__file__).parent
    shutil.copytree(package, tmp_path / "crisiswatch", ignore=shutil.ignore_patterns("__pycache__"))
    broken = tmp_path / "crisiswatch" / "classify" / "data" / name
    assert broken.parent == (tmp_path / "crisiswatch" / RULES_FILE.relative_to(package)).parent
    broken.write_text(broken.read_text(encoding="utf-8")[:-200] + "\n[[[", encoding="utf-8")
    result = run("classify", "Missiles hit Kyiv", cwd=tmp_path)  # the copy comes first
    lines = result.stderr.decode().splitlines()
    assert result.returncode == 2, result.stderr.decode()
    assert len(lines) == 1 and "Traceback" not in lines[0]
    assert lines[0].startswith("crisiswatch: error: ") and str(broken) in lines[0]
    assert "reinstall crisiswatch" in lines[0]
