"""Time `crisiswatch collect --once` against a local farm of feeds, cold and warm.

    python bench/collect.py [--feeds 200] [--items 50] [--latency 0.3]

Prints wall time, items stored and the collector's peak memory for: cold
(empty DB), warm (every feed answers 304), and cold with per-response latency.
Targets for 200 x 50 on two cores:
cold <= 2.5 s, warm <= 0.5 s, cold with 300 ms latency <= 3 s, memory < 200 MB.
The collector's own peak is the kernel's high-water mark (VmHWM, exact); its
process tree with the parse workers is sampled from /proc every 50 ms (reading
every process's page tables more often costs the run measurable CPU).

With latency the floor is set by the global concurrency cap, which the issue
fixes at 32 by default: 200 feeds / 32 in flight = 7 rounds of at least one
round trip each, 7 x 0.3 s = 2.1 s before any parsing or start-up.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from farm import Farm


def _tree_pss_kb(pid: int) -> int:
    """Memory of a process and its descendants (KiB), shared pages counted once.

    PSS, not RSS: the parse workers share most of their pages with the
    forkserver they are forked from, and an RSS sum counts those once per
    process (see tests/faults/harness.py, which measures the same way).
    """
    total = 0
    pids = [pid]
    while pids:
        current = pids.pop()
        try:
            with open(f"/proc/{current}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
            with open(f"/proc/{current}/task/{current}/children") as fh:
                pids += [int(p) for p in fh.read().split()]
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def run_collect(config: Path, db: Path) -> tuple[float, int, int]:
    """Wall seconds, peak memory of the collector process (VmHWM, KiB) and of its tree (PSS)."""
    cmd = [
        sys.executable,
        "-m",
        "crisiswatch",
        "collect",
        "--once",
        "--all",
        "--config",
        str(config),
        "--db",
        str(db),
    ]
    peak_main = peak_tree = 0
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak_main, peak_tree
        while not stop.is_set():
            peak_tree = max(peak_tree, _tree_pss_kb(proc.pid))
            peak_main = max(peak_main, _status_kb(proc.pid, "VmHWM:"))
            stop.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = proc.communicate()
    wall = time.perf_counter() - started
    stop.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"collect failed with exit code {proc.returncode}")
    print(f"    {out.strip()}")
    return wall, peak_main, peak_tree


def _status_kb(pid: int, key: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith(key):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def count(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM items").fetchone()[0]


def scenario(label: str, feeds: int, items: int, latency: float, warm: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp, Farm(feeds, items, latency) as farm:
        config = Path(tmp) / "config.toml"
        config.write_text(farm.config_toml())
        db = Path(tmp) / "bench.db"
        wall, main_kb, tree_kb = run_collect(config, db)
        print(
            f"{label} cold: {wall:.2f} s, {count(db)} items stored, "
            f"peak memory {main_kb / 1024:.0f} MB collector, "
            f"{tree_kb / 1024:.0f} MB with parse workers (PSS)"
        )
        if warm:
            wall, main_kb, tree_kb = run_collect(config, db)
            print(
                f"{label} warm (304s): {wall:.2f} s, {count(db)} items stored, "
                f"peak memory {main_kb / 1024:.0f} MB"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--latency", type=float, default=0.3)
    args = parser.parse_args()
    print(
        f"crisiswatch collect benchmark: {args.feeds} feeds x {args.items} items, "
        f"{os.cpu_count()} cores"
    )
    scenario("no latency", args.feeds, args.items, 0.0, warm=True)
    scenario(
        f"{args.latency * 1000:.0f} ms latency", args.feeds, args.items, args.latency, warm=False
    )


if __name__ == "__main__":
    main()
