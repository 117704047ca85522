"""Run `crisiswatch` on a real pseudo-terminal, as a person's shell would (POSIX only)."""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Terminal:
    proc: subprocess.Popen[bytes]
    master: int  # write keys here
    screen: bytearray = field(default_factory=bytearray)  # everything drawn so far
    reader: threading.Thread | None = None


@contextlib.contextmanager
def terminal(
    args: list[str],
    *,
    rows: int = 40,
    cols: int = 120,
    interactive: bool = False,
    color: bool = False,
    cwd: Path | None = None,
) -> Iterator[Terminal]:
    """Start crisiswatch with the terminal as stdout and stderr (and stdin, when
    `interactive`: the dashboard reads keys from it, in a session of its own so a
    test can kill it like a closed window). The screen is read all along, since an
    unread terminal stops the app writing; the process is killed on the way out."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    env = {**os.environ, "CRISISWATCH_CONFIG": "", "TERM": "xterm-256color"}
    if color:
        env.pop("NO_COLOR", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "crisiswatch", *args],
        stdin=slave if interactive else subprocess.DEVNULL,
        stdout=slave,
        stderr=slave,
        cwd=cwd,
        env=env,
        start_new_session=interactive,
    )
    os.close(slave)
    term = Terminal(proc, master)

    def drain() -> None:  # until the child closes the terminal (EIO)
        with contextlib.suppress(OSError):
            while chunk := os.read(master, 65536):
                term.screen.extend(chunk)

    term.reader = threading.Thread(target=drain, daemon=True)
    term.reader.start()
    try:
        yield term
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
        term.reader.join(10)
        os.close(master)
