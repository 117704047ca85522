"""Worst-case memory and time of `crisiswatch collect --once`, per hostile feed.

    python bench/faults.py [--repeat 3] [--only NAME ...]

Every fault from tests/faults runs alone next to the healthy feeds, in a real
`crisiswatch collect --once` subprocess against the fault server on 127.0.0.1;
each is repeated and the worst run kept. Memory, each above a healthy-only
baseline: the collector process's peak (VmHWM, exact), the largest parse
worker's peak (VmHWM, exact) and the peak of the whole process tree's summed
PSS (sampled every 5 ms from /proc; PSS counts the pages the forkserver and
its workers share once, where an RSS sum counted them once per process).
A fault is survived when the command exits 0 within the poll deadline, the
feed's health says why in words, healthy items are all stored, nothing
hostile is stored, and memory stays within 50 MB of the baseline.
"""

from __future__ import annotations

import argparse
import os
import re
import sqlite3
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crisiswatch.store import Store  # noqa: E402
from tests.faults import feeds as f  # noqa: E402
from tests.faults import harness as h  # noqa: E402
from tests.faults.catalog import FAULTS, Fault  # noqa: E402


@dataclass(slots=True)
class Worst:
    seconds: float = 0.0
    main_mb: float = 0.0  # above baseline
    worker_mb: float = 0.0  # above baseline
    tree_mb: float = 0.0  # above baseline
    problems: tuple[str, ...] = ()
    words: str = ""


def _healthy_stored(db: Path, setup: h.Setup) -> bool:
    with sqlite3.connect(db) as conn:
        rows = set(
            conn.execute("SELECT feeds.url, guid FROM items JOIN feeds ON feeds.id = feed_id")
        )
    return h.expected_healthy_ids(setup) <= rows


def measure(fault: Fault, setup: h.Setup, base: h.Measured, folder: Path, repeat: int) -> Worst:
    worst = Worst()
    problems: list[str] = []
    for n in range(repeat):
        config = h.write_config(
            folder / f"{fault.name}.toml", setup.feed_configs([fault.name]), h.SETTINGS
        )
        db = folder / f"{fault.name}-{n}.db"
        run = h.collect_once_measured(config, db)
        worst.seconds = max(worst.seconds, run.wall)
        worst.main_mb = max(worst.main_mb, run.main_peak_mb - base.main_peak_mb)
        worst.worker_mb = max(worst.worker_mb, run.worker_peak_mb - base.worker_peak_mb)
        worst.tree_mb = max(worst.tree_mb, run.tree_peak_mb - base.tree_peak_mb)
        if run.returncode != 0:
            problems.append(f"exit {run.returncode}")
            continue
        with Store(db) as store:
            health_rows = {x.url: x for x in store.feed_health()}
        health = health_rows[setup.urls[fault.name]]
        worst.words = " | ".join(w for w in (health.error, health.warning) if w)
        if fault.reason and not re.search(fault.reason, worst.words, re.I):
            problems.append("health does not say why")
        if not _healthy_stored(db, setup):
            sick = {x.name: x.error for u, x in health_rows.items() if u in setup.healthy_urls}
            problems.append(f"healthy items missing ({[e for e in sick.values() if e][:1]})")
        problems += h.hostile_findings(db, setup.lab.secret)
    if worst.seconds > h.POLL_DEADLINE + 2.0:  # plus process start-up
        problems.append(f"took {worst.seconds:.1f} s")
    grown = max(worst.main_mb, worst.worker_mb, worst.tree_mb)
    if grown > h.MEMORY_BOUND_MB:
        problems.append(f"memory +{grown:.0f} MB")
    worst.problems = tuple(dict.fromkeys(problems))
    return worst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per fault; the worst is kept")
    parser.add_argument("--only", nargs="*", help="fault names to run (default: all)")
    args = parser.parse_args()
    faults = [x for x in FAULTS if not args.only or x.name in args.only]
    print(
        f"crisiswatch fault bench: {len(faults)} faults x {args.repeat} runs, "
        f"{f.HEALTHY_FEEDS} healthy feeds alongside, deadline {h.TIMEOUT:g} s network + "
        f"{h.PARSE_TIMEOUT:g} s parse, {os.cpu_count()} cores"
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        setup = h.start_servers(h.make_lab(folder))
        try:
            baselines = []
            for n in range(args.repeat):
                config = h.write_config(folder / "base.toml", setup.feed_configs([]), h.SETTINGS)
                baselines.append(h.collect_once_measured(config, folder / f"base-{n}.db"))
            base = h.largest(baselines)  # as the tests do: a short run may miss a worker
            print(
                f"baseline (healthy feeds only): {min(b.wall for b in baselines):.2f} s, "
                f"collector {base.main_peak_mb:.0f} MB, largest worker "
                f"{base.worker_peak_mb:.0f} MB, whole tree {base.tree_peak_mb:.0f} MB PSS\n"
            )
            print(
                f"{'fault':<30} {'worst s':>8} {'+MB main':>9} {'+MB worker':>11} "
                f"{'+MB all':>8}  result"
            )
            survived = 0
            worst_time = worst_mem = 0.0
            for fault in faults:
                worst = measure(fault, setup, base, folder, args.repeat)
                ok = not worst.problems
                survived += ok
                worst_time = max(worst_time, worst.seconds)
                worst_mem = max(worst_mem, worst.main_mb, worst.worker_mb, worst.tree_mb)
                verdict = "survived" if ok else "FAILED: " + "; ".join(worst.problems)
                print(
                    f"{fault.name:<30} {worst.seconds:>8.2f} {worst.main_mb:>+9.1f} "
                    f"{worst.worker_mb:>+11.1f} {worst.tree_mb:>+8.1f}  {verdict}"
                )
        finally:
            setup.faults.stop()
            setup.healthy.stop()
    print(
        f"\n{len(faults)} faults covered, {survived} survived; worst time {worst_time:.2f} s "
        f"(wall, including process start-up), worst memory +{worst_mem:.1f} MB over baseline "
        f"(bound +{h.MEMORY_BOUND_MB:.0f} MB)"
    )


if __name__ == "__main__":
    main()
