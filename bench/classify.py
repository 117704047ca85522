"""How fast is the whole classifier (actors + level) on realistic news items?

Run: python bench/classify.py [N]

Items pair wire-style headlines (~70 characters) with summaries (~150
characters): headlines from the three labelled sets in the repository (the
shared dev set, the level cases and the actor cases: mostly crisis news, with
some politics, economy and sport), summaries from a world-news mix, drawn with
a fixed seed. Prints items/s and microseconds per item on one
core, best of three runs, and whether the compiled core (built by the install, see
hatch_build.py) or the pure-Python one ran: CRISISWATCH_PURE=1 measures the latter.
The second line is the same run without the learned review (the rules alone), so
the review's cost is in plain sight.
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

from crisiswatch.classify import Classifier, native

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [
    ROOT.parent / "shared" / "eval" / "dev.jsonl",
    ROOT / "tests" / "classify" / "cases_levels.jsonl",
    ROOT / "tests" / "classify" / "cases_actors.jsonl",
]
# Summaries as wire feeds write them: about 150 characters, and a mix like a world
# news feed's, where roughly half the stories involve force or coercion.
SUMMARIES = [
    "Officials said the talks would continue next week in Geneva, with delegations from both "
    "sides expected to attend alongside mediators.",
    "The ministry said air defences intercepted most of the drones overnight, but debris damaged "
    "several homes and a school in the region.",
    "Analysts expect the central bank to hold rates steady as inflation eases and growth slows "
    "across the region's largest economies.",
    "Witnesses described heavy gunfire and explosions near the airport; the army said it had "
    "repelled the attack and arrested several suspects.",
    "The government declared three days of mourning and promised aid to families who lost "
    "their homes in the floods that swept the valley.",
    "The president told reporters the measure would be signed into law this week despite "
    "objections from opposition lawmakers.",
    "Regional officials said at least two people were killed and a dozen wounded when a "
    "missile struck a residential building.",
    "The company said quarterly profit rose 12 percent on strong demand in Asia, beating "
    "forecasts, and raised its outlook for the year.",
    "The foreign ministry summoned the ambassador and said it reserved the right to respond "
    "to what it called a dangerous provocation.",
    "The striker scored twice in the second half as the home side came from behind to win "
    "the match in front of a sell-out crowd.",
    "Thousands of people marched through the capital on Saturday, demanding early elections "
    "and the release of detained activists.",
    "Rescue teams were still searching the rubble on Tuesday; the death toll is expected to "
    "rise, the disaster agency said.",
    "The warships sailed through the strait as the navy began a week of drills that the "
    "neighbouring government called a rehearsal for a blockade.",
    "Researchers said the new vaccine was safe and produced a strong immune response in a "
    "trial involving more than 2,000 volunteers.",
    "The sanctions target banks and shipping firms accused of helping the government evade "
    "an oil embargo, the Treasury said in a statement.",
    "Local media reported shelling in several districts overnight, and the regional governor "
    "urged residents to stay in shelters.",
]


def items(count: int) -> list[tuple[str, str]]:
    titles: list[str] = []
    for path in SOURCES:
        if path.exists():
            titles += [json.loads(line)["title"] for line in path.read_text().splitlines() if line]
    rng = random.Random(7)
    return [(rng.choice(titles), rng.choice(SUMMARIES)) for _ in range(count)]


def host_reference() -> float:
    """Seconds for a bare ten-million-step Python loop: how fast this machine runs Python,
    so figures from different machines can be compared."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        total = 0
        for step in range(10_000_000):
            total += step
        best = min(best, time.perf_counter() - start)
    return best


def best_of_three(classifier: Classifier, batch: list[tuple[str, str]]) -> float:
    classifier.classify(*batch[0])  # build the automata outside the timing
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for title, summary in batch:
            classifier.classify(title, summary)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    batch = items(count)
    best = best_of_three(Classifier(), batch)
    rules_alone = Classifier(review=False)
    rules = best_of_three(rules_alone, batch)
    reviewed = sum(rules_alone.classify(*item).level > 0 for item in batch)
    chars = sum(len(t) + len(s) for t, s in batch) / len(batch)
    core = "compiled (mypyc)" if native.load() else "pure Python"
    print(f"{count} items, {chars:.0f} characters each on average; classifier core: {core}")
    print(f"{count / best:,.0f} items/s, {best / count * 1e6:.1f} µs/item (best of 3, one core)")
    print(
        f"rules alone: {count / rules:,.0f} items/s, {rules / count * 1e6:.1f} µs/item "
        f"(the review reads the {reviewed / count:.0%} of items the rules put above 0)"
    )
    print(f"host reference: a 10M-step Python loop takes {host_reference():.2f} s on this machine")


if __name__ == "__main__":
    main()
