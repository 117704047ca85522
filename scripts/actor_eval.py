"""Score the actor matcher against labelled items and time it.

Micro-averaged precision, recall and F1 over (item, country) pairs, the way
the labelling guide's ``actors`` field is scored, plus the mean time of
``ActorMatcher.find`` per item. Any JSONL file with ``title``, ``summary`` and
``actors`` fields works (the shared dev set, tests/classify/cases_actors.jsonl).

    python scripts/actor_eval.py /work/shared/eval/dev.jsonl [--show-errors]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crisiswatch.classify.actors import ActorMatcher


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args()
    matcher = ActorMatcher()
    for path in args.files:
        rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
        true_pos = false_pos = false_neg = 0
        for row in rows:
            evidence = matcher.find(row["title"], row.get("summary", ""))
            got, want = set(ActorMatcher.actors(evidence)), set(row["actors"])
            true_pos += len(got & want)
            false_pos += len(got - want)
            false_neg += len(want - got)
            if args.show_errors and got != want:
                spans = [(e.text, e.value) for e in evidence]
                print(f"  {row['title']!r}\n    got {sorted(got)} want {sorted(want)} {spans}")
        precision = true_pos / (true_pos + false_pos) if true_pos + false_pos else 1.0
        recall = true_pos / (true_pos + false_neg) if true_pos + false_neg else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        rounds = max(1, 20000 // max(1, len(rows)))
        start = time.perf_counter()
        for _ in range(rounds):
            for row in rows:
                matcher.find(row["title"], row.get("summary", ""))
        micros = (time.perf_counter() - start) / (rounds * len(rows)) * 1e6
        print(
            f"{path}: {len(rows)} items  P={precision:.3f} R={recall:.3f} F1={f1:.3f}  "
            f"{micros:.1f} µs/item"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
