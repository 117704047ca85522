"""Train the learned review (`crisiswatch/classify/review.py`) from labelled items.

A multinomial logistic regression over the review's features: the rules' level,
the levels and modifiers its evidence names, the count of countries, and the
item's words (the whole item's, and the title's apart). Rare features
(fewer than --min-count items) are dropped before training and small weights after
it, so the weights file stays a few hundred kilobytes of readable words.

Items whose id starts with a --hold-out prefix are left out of training and scored
afterwards, rules alone against rules plus review: the honest figure for news the
review has not read. Needs the `train` extra (scikit-learn).

    python scripts/train_review.py LABELLED.jsonl... [--hold-out BG-,BH-] [--dry-run]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crisiswatch.classify import WEIGHTS_FILE, Classifier
from crisiswatch.classify.review import (
    FEATURES,
    LEVELS,
    Review,
    features,
    rule_tags,
)
from crisiswatch.evaluate import LabelError, Labelled, Outcome, format_report, load_labelled, score


def _rows(items: list[Labelled], rules: Classifier) -> list[set[str]]:
    """Each item's feature names, from the rules' reading of it."""
    rows = []
    for item in items:
        found = rules.classify(item.title, item.summary)
        tags = rule_tags(found.evidence)
        rows.append(features(item.title, item.summary, found.level, len(found.actors), tags))
    return rows


def _fit(
    rows: list[set[str]], levels: list[int], counts: list[float], args: argparse.Namespace
) -> dict[str, Any]:
    """Each item counts `counts[i]` times (the --weight option)."""
    import numpy as np
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    seen = Counter(name for row in rows for name in row)
    kept = [{name: 1 for name in row if seen[name] >= args.min_count} for row in rows]
    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform(kept)
    model = LogisticRegression(C=args.c, max_iter=5000).fit(matrix, levels, sample_weight=counts)
    if list(model.classes_) != list(range(LEVELS)):
        raise SystemExit(f"the labelled items must cover levels 0-{LEVELS - 1}")
    coef = np.round(model.coef_, 3)
    weights = {
        name: [float(x) for x in coef[:, column]]
        for name, column in sorted(vectorizer.vocabulary_.items())
        if np.abs(coef[:, column]).max() >= args.prune
    }
    return {"bias": [round(float(b), 3) for b in model.intercept_], "weights": weights}


def _write(path: Path, meta: dict[str, Any], fitted: dict[str, Any]) -> None:
    """One weight row a line, sorted: a retrained file diffs word by word."""
    lines = ["{", f'"meta": {json.dumps(meta, sort_keys=True)},']
    lines.append(f'"bias": {json.dumps(fitted["bias"])},')
    lines.append('"weights": {')
    rows = [f"{json.dumps(name)}: {json.dumps(row)}" for name, row in fitted["weights"].items()]
    lines.append(",\n".join(rows))
    lines.append("}}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--hold-out", default="", help="comma-separated id prefixes to score")
    parser.add_argument(
        "--weight",
        action="append",
        default=[],
        metavar="FILE=N",
        help="count each item of the named file N times (hand-written cases that settle the guide)",
    )
    parser.add_argument("--min-count", type=int, default=10)
    parser.add_argument("--c", type=float, default=0.3, help="inverse regularisation")
    parser.add_argument("--prune", type=float, default=0.1, help="drop smaller weights")
    parser.add_argument("--out", type=Path, default=WEIGHTS_FILE)
    parser.add_argument("--dry-run", action="store_true", help="score, do not write --out")
    args = parser.parse_args()
    prefixes = tuple(p for p in args.hold_out.split(",") if p)
    try:
        by_file = {path.name: load_labelled(path, need_actors=False) for path in args.files}
    except LabelError as exc:
        print(f"train_review: {exc}", file=sys.stderr)
        return 2
    weight_of = {name: float(n) for name, n in (w.split("=", 1) for w in args.weight)}
    items = [item for loaded in by_file.values() for item in loaded]
    item_weight = {
        id(item): weight_of.get(name, 1.0) for name, loaded in by_file.items() for item in loaded
    }
    train = [i for i in items if not (prefixes and i.id.startswith(prefixes))]
    held = [i for i in items if prefixes and i.id.startswith(prefixes)]
    rules = Classifier(review=False)
    rows = _rows(train, rules)
    fitted = _fit(rows, [i.level for i in train], [item_weight[id(i)] for i in train], args)
    meta = {
        "features": FEATURES,
        "items": len(train),
        "levels": dict(sorted(Counter(str(i.level) for i in train).items())),
        "min_count": args.min_count,
        "c": args.c,
        "prune": args.prune,
        "files": {name: len(loaded) for name, loaded in by_file.items()},
        "weights": weight_of,
        "held_out": list(prefixes),
    }
    out = Path(tempfile.mkdtemp()) / "review.json" if args.dry_run else args.out
    _write(out, meta, fitted)
    print(f"{len(train)} items, {len(fitted['weights'])} weights -> {out}")
    if held:
        reviewed = Classifier(review=Review(out))
        before, after = [], []
        for item in held:
            found = rules.classify(item.title, item.summary)
            before.append(Outcome(item, found.actors, found.level))
            after.append(
                Outcome(item, found.actors, reviewed.classify(item.title, item.summary).level)
            )
        print(format_report(score(before, worst=0), f"held out, rules alone ({len(held)})"))
        print(format_report(score(after, worst=0), f"held out, rules and review ({len(held)})"))
    return 0


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    except ImportError as error:
        missing = f"train_review: {error.name} is missing: pip install -e '.[train]'"
        raise SystemExit(missing) from None
    except (OSError, ValueError, KeyError) as error:  # a file missing, a line not JSON
        raise SystemExit(f"train_review: {type(error).__name__}: {error}") from None
