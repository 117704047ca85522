"""`crisiswatch classify` and `crisiswatch eval` as a person or a script runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from crisiswatch.classify import VERSION
from tests.classify import DEV_SET

DEV = DEV_SET


def run(
    *args: str, stdin: bytes = b"", cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "CRISISWATCH_CONFIG": "", "NO_COLOR": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "crisiswatch", *args],
        input=stdin,
        capture_output=True,
        timeout=120,
        cwd=cwd,
        env=env,
    )


# -- classify TEXT ---------------------------------------------------------------------------


def test_classify_text_is_readable(tmp_path: Path) -> None:
    result = run(
        "classify",
        "Israeli jets strike weapons depots near Damascus",
        "--summary",
        "Air defences intercepted some of the missiles.",
        cwd=tmp_path,
    )
    out = result.stdout.decode()
    assert result.returncode == 0, result.stderr
    assert "ISR, SYR" in out and "level    3 (limited use of force)" in out
    assert "'jets strike'" in out and "title[8:19]" in out and "summary[" in out
    assert VERSION in out
    assert "\x1b[" not in out  # piped: plain text


def test_classify_text_shows_deescalation(tmp_path: Path) -> None:
    out = run("classify", "Armenia and Azerbaijan agree to a ceasefire", cwd=tmp_path).stdout
    assert b"de-escalation" in out and b"0 (no conflict signal" in out


def test_classify_hostile_text_is_shown_inert(tmp_path: Path) -> None:
    out = run("classify", "Missile strike \x1b]52;c;aGk=\x07 on [bold]Kyiv[/bold]", cwd=tmp_path)
    assert out.returncode == 0
    assert b"\x1b" not in out.stdout and b"[bold]Kyiv[/bold]" in out.stdout


@pytest.mark.parametrize("args", [(), ("headline", "--jsonl"), ("--jsonl", "--summary", "x")])
def test_classify_usage_errors_are_one_line(tmp_path: Path, args: tuple[str, ...]) -> None:
    result = run("classify", *args, cwd=tmp_path)
    assert result.returncode == 2
    assert b"Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1


def test_classify_uses_config_aliases(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[actors]\nFRA = ["Hexagone"]\n')
    result = run("classify", "--config", str(config), "Hexagone deploys troops", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert b"FRA" in result.stdout and f"{VERSION}+".encode() in result.stdout


def test_classify_missing_config_is_one_line(tmp_path: Path) -> None:
    result = run("classify", "--config", str(tmp_path / "none.toml"), "x", cwd=tmp_path)
    assert result.returncode == 2 and b"Traceback" not in result.stderr


# -- classify --jsonl ------------------------------------------------------------------------


def test_jsonl_round_trip_keeps_order_and_extra_keys(tmp_path: Path) -> None:
    rows = [
        {"id": 1, "title": "Russian drones hit Odesa port", "feed": "a"},
        {"id": "b", "title": "Central bank holds rates", "summary": "Growth slows."},
        {"id": None, "title": "Truce agreed in Gaza", "summary": None},
    ]
    result = run("classify", "--jsonl", stdin=b"\n".join(json.dumps(r).encode() for r in rows))
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == [1, "b", None]
    assert out[0]["feed"] == "a" and out[0]["actors"] == ["RUS", "UKR"] and out[0]["level"] == 3
    assert out[2]["deescalation"] is True and out[2]["level"] == 0
    for o in out:
        assert set(o) >= {"actors", "level", "deescalation", "evidence", "classifier_version"}
        assert o["classifier_version"] == VERSION
        assert "title" not in o


def test_jsonl_bad_lines_become_errors_and_processing_continues(tmp_path: Path) -> None:
    good = json.dumps({"id": 9, "title": "Shelling kills 3 in Kharkiv"}).encode()
    lines = [
        b'{"id": "x1", "title": broken',  # bad JSON, id still readable
        b"not json at all",
        b"[1, 2, 3]",
        json.dumps({"id": 7, "summary": "no title"}).encode(),
        json.dumps({"id": 8, "title": 42}).encode(),
        b"",  # blank lines are not items
        '{"id": 10, "title": "Frappe \xe0 Kharkiv"}'.encode("latin-1"),  # not UTF-8
        b'\xef\xbb\xbf{"id": 11, "title": "BOM first"}',
        good,
    ]
    result = run("classify", "--jsonl", stdin=b"\n".join(lines) + b"\n", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 8
    assert "error" in out[0] and out[0]["id"] == "x1"
    assert "error" in out[1] and "id" not in out[1]
    assert "error" in out[2]
    assert out[3] == {"error": out[3]["error"], "id": 7}
    assert out[4]["id"] == 8 and "error" in out[4]
    assert out[5]["id"] == 10 and "not UTF-8 (byte 0xe0 at column 29)" in out[5]["error"]
    assert out[6]["id"] == 11 and "error" not in out[6]
    assert out[7]["id"] == 9 and out[7]["level"] == 3


def test_jsonl_survives_a_huge_line(tmp_path: Path) -> None:
    huge = json.dumps({"id": "big", "title": "x" * (2 << 20)}).encode()
    after = json.dumps({"id": "after", "title": "Missile strike on Kyiv"}).encode()
    result = run("classify", "--jsonl", stdin=huge + b"\n" + after + b"\n", cwd=tmp_path)
    assert result.returncode == 0
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert "error" in out[0] and out[0]["id"] == "big"
    assert out[1]["id"] == "after" and out[1]["level"] == 3


def test_jsonl_lone_surrogates_do_not_crash(tmp_path: Path) -> None:
    result = run("classify", "--jsonl", stdin=b'{"title": "strike \\ud800 on Kyiv"}\n')
    assert result.returncode == 0 and json.loads(result.stdout)["level"] == 3


# -- eval ------------------------------------------------------------------------------------


def write_labelled(path: Path) -> Path:
    rows = [
        {
            "id": "a",
            "title": "Russian missile strike kills 41 in Kyiv",
            "actors": ["RUS", "UKR"],
            "level": 4,
        },
        {"id": "b", "title": "Central bank holds rates", "actors": [], "level": 0},
        {"id": "c", "title": "Iran threatens to close Hormuz", "actors": ["IRN"], "level": 1},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return path


def test_eval_prints_every_figure(tmp_path: Path) -> None:
    result = run("eval", str(write_labelled(tmp_path / "gold.jsonl")), cwd=tmp_path)
    out = result.stdout.decode()
    assert result.returncode == 0, result.stderr
    for needle in (
        "precision",
        "recall",
        "F1",
        "exact",
        "within-one",
        "macro-F1",
        "false-alarm rate",
        "miss rate",
        "confusion",
        "worst mistakes",
    ):
        assert needle in out
    assert "c: level 1 -> 2" in out  # the mistake, with both labels


def test_eval_json(tmp_path: Path) -> None:
    result = run("eval", "--json", str(write_labelled(tmp_path / "gold.jsonl")), cwd=tmp_path)
    data = json.loads(result.stdout)
    assert data["items"] == 3 and data["level"]["exact"] == pytest.approx(2 / 3)
    assert data["classifier_version"] == VERSION and len(data["confusion"]) == 6


def test_eval_rules_only_shows_what_the_review_adds(tmp_path: Path) -> None:
    path = tmp_path / "gold.jsonl"
    row = {"title": "University expels three students over cheating", "actors": [], "level": 0}
    path.write_text(json.dumps(row) + "\n")
    full = json.loads(run("eval", "--json", str(path), cwd=tmp_path).stdout)
    rules = json.loads(run("eval", "--json", "--rules-only", str(path), cwd=tmp_path).stdout)
    assert (full["level"]["exact"], rules["level"]["exact"]) == (1.0, 0.0)
    assert rules["classifier_version"] == VERSION + "-rules"


def test_classify_names_the_words_behind_a_review(tmp_path: Path) -> None:
    result = run("classify", "University expels three students over cheating", cwd=tmp_path)
    out = result.stdout.decode()
    assert "level    0 (no conflict signal)" in out
    assert "  level        1              'expels'" in out  # the rules' reading stays shown
    assert "  review       0" in out and "learned review (" in out


def test_eval_missing_file_is_one_line(tmp_path: Path) -> None:
    result = run("eval", str(tmp_path / "nope.jsonl"), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.decode().strip().endswith("nope.jsonl: no such file")
    assert b"Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1


def test_eval_bad_line_names_file_and_line(tmp_path: Path) -> None:
    path = write_labelled(tmp_path / "gold.jsonl")
    path.write_text(path.read_text() + "{oops\n")
    result = run("eval", str(path), cwd=tmp_path)
    assert result.returncode == 2 and b"Traceback" not in result.stderr
    assert f"{path}:4: not valid JSON".encode() in result.stderr


@pytest.mark.skipif(not DEV.exists(), reason="shared dev set not present")
def test_dev_set_meets_the_bars(tmp_path: Path) -> None:
    data = json.loads(run("eval", "--json", str(DEV), cwd=tmp_path).stdout)
    assert data["actors"]["f1"] >= 0.95
    assert data["level"]["exact"] >= 0.85 and data["level"]["within_one"] >= 0.97
    assert data["false_alarm_rate"] <= 0.03 and data["miss_rate"] <= 0.03
