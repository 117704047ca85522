"""The tmux smoke script, run as part of the suite wherever tmux is installed.

It drives the installed `crisiswatch --demo` in a real terminal and reads the
screen the way a person would (scripts/tmux_smoke.sh says what it checks).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "tmux_smoke.sh"


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_demo_dashboard_in_a_real_terminal() -> None:
    binary = Path(sys.executable).with_name("crisiswatch")
    env = {**os.environ, "CRISISWATCH": str(binary)}
    result = subprocess.run(
        ["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "tmux smoke test passed" in result.stdout
