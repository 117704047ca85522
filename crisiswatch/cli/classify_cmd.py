"""`crisiswatch classify` and `crisiswatch eval`: the classifier on the command line."""

from __future__ import annotations

import contextlib
import json
import re
import sys
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import click

from crisiswatch.cli.common import Fail, common_options, load
from crisiswatch.evaluate import LabelError, Outcome, format_report, load_labelled, score
from crisiswatch.models import LEVEL_NAMES, Classification, Evidence
from crisiswatch.styles import evidence_style

if TYPE_CHECKING:
    from crisiswatch.classify import Classifier

MAX_LINE = 1 << 20  # a JSON line longer than this is refused, not read into memory
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_ID = re.compile(rb'"id"\s*:\s*("(?:[^"\\]|\\.){0,200}"|-?\d{1,30})')


def _classifier(review: bool = True) -> Classifier:
    """Built on demand, so `--help` does not load the automata."""
    from crisiswatch.classify import Classifier

    return Classifier(extra_aliases=load(require_feeds=False).extra_aliases, review=review)


@click.command("classify")
@click.argument("text", required=False)
@click.option("--summary", default="", help="The item's summary, classified with the title.")
@click.option(
    "--jsonl",
    is_flag=True,
    help="Read JSON lines with 'title' (and 'summary') from stdin; write one result per line.",
)
@common_options
def classify_cmd(text: str | None, summary: str, jsonl: bool) -> None:
    """Show the actors and escalation level of TEXT (a headline), with the evidence."""
    if jsonl == (text is not None):
        raise click.UsageError("give either a headline TEXT or --jsonl, not both or neither")
    classifier = _classifier()
    if jsonl:
        if summary:
            raise click.UsageError("--summary goes with TEXT; in --jsonl mode put it in each line")
        _stream(classifier, sys.stdin.buffer, sys.stdout.buffer)
        return
    assert text is not None
    _show(text, summary, classifier.classify(text, summary))


def _stream(classifier: Classifier, source: IO[bytes], out: IO[bytes]) -> None:
    """One output line per non-blank input line, in order; bad lines become errors."""
    while True:
        raw = source.readline(MAX_LINE + 1)
        if not raw:
            break
        if len(raw) > MAX_LINE and not raw.endswith(b"\n"):
            while (rest := source.readline(MAX_LINE)) and not rest.endswith(b"\n"):
                pass  # skip the rest of the oversized line without holding it
            _write(out, _error(f"line longer than {MAX_LINE} bytes", raw))
            continue
        if not raw.strip():
            continue
        _write(out, _result(classifier, raw))
    out.flush()


def _result(classifier: Classifier, raw: bytes) -> dict[str, Any]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:  # guessing an encoding would misread names silently
        return _error(
            f"not UTF-8 (byte 0x{raw[exc.start]:02x} at column {exc.start + 1}); "
            "re-encode the input as UTF-8",
            raw,
        )
    try:
        row = json.loads(text.lstrip("\ufeff"))
    except json.JSONDecodeError as exc:
        return _error(f"not valid JSON ({exc.msg}, column {exc.colno})", raw)
    except RecursionError:  # [[[[...: within the size limit, deeper than the parser goes
        return _error("not valid JSON (nested too deeply)", raw)
    if not isinstance(row, dict):
        return {"error": "expected a JSON object with 'title'"}
    title, summary = row.get("title"), row.get("summary")
    if not isinstance(title, str) or not (summary is None or isinstance(summary, str)):
        result = {"error": "'title' must be a string, and 'summary' a string if given"}
        if "id" in row:
            result["id"] = row["id"]
        return result
    passed = {k: v for k, v in row.items() if k not in ("title", "summary")}
    return {**passed, **classifier.classify(title, summary or "").to_dict()}


def _error(message: str, raw: bytes) -> dict[str, Any]:
    """An error line, with the item's id when it can still be read from the raw bytes."""
    result: dict[str, Any] = {"error": message}
    if match := _ID.search(raw[:4096]):
        with contextlib.suppress(json.JSONDecodeError):
            result["id"] = json.loads(match.group(1).decode("utf-8", errors="replace"))
    return result


def _write(out: IO[bytes], obj: dict[str, Any]) -> None:
    try:
        line = json.dumps(obj, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates from \ud800-style escapes
        line = json.dumps(obj).encode("ascii")
    except (RecursionError, ValueError):  # a passed-through value too deep to write back
        error: dict[str, Any] = {"error": "the line's other keys cannot be written back as JSON"}
        if isinstance(obj.get("id"), str | int | float | None):
            error["id"] = obj.get("id")
        line = json.dumps(error).encode("ascii")
    out.write(line + b"\n")


def _safe(text: str) -> str:
    """Control, bidi and zero-width characters shown as U+FFFD, one for one (spans hold)."""
    return _UNSAFE.sub("\ufffd", text)


def _show(title: str, summary: str, result: Classification) -> None:
    from rich.console import Console
    from rich.text import Text

    console = Console(highlight=False, soft_wrap=True)
    for field, text in (("title", title), ("summary", summary)):
        if not text:
            continue
        line = Text(_safe(text))
        for e in result.evidence:
            if e.field == field:
                line.stylize(evidence_style(e), e.start, e.end)
        console.print(Text(f"{field:<9}", style="dim") + line)
    console.print(Text(f"{'actors':<9}") + Text(", ".join(result.actors) or "none", "bold"))
    calm = ", de-escalation" if result.deescalation else ""
    console.print(
        Text(f"{'level':<9}")
        + Text(str(result.level), "bold")
        + Text(f" ({LEVEL_NAMES[result.level]}{calm})")
    )
    if result.evidence:
        console.print(Text("evidence", style="dim"))
    for e in sorted(result.evidence, key=lambda e: (e.field != "title", e.start)):
        console.print(_evidence_line(e, evidence_style(e)))
    console.print(Text(f"{'version':<9}{result.version}", style="dim"))


def _evidence_line(e: Evidence, style: str) -> Any:
    from rich.text import Text

    where = f"{e.field}[{e.start}:{e.end}]"
    return (
        Text(f"  {e.kind:<12} {e.value:<14} ")
        + Text(_safe(repr(e.text)), style)
        + Text(f"  {where}  {_safe(e.note)}", "dim")
    )


@click.command("eval")
@click.argument("file", type=click.Path(dir_okay=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the scores as one JSON object.")
@click.option(
    "--worst", default=10, show_default=True, type=click.IntRange(0), help="Mistakes to list."
)
@click.option(
    "--rules-only",
    is_flag=True,
    help="Score the rules alone, without the learned review (to see what the review adds).",
)
@common_options
def eval_cmd(file: Path, as_json: bool, worst: int, rules_only: bool) -> None:
    """Score the classifier on FILE, JSON lines labelled like the shared dev set."""
    try:
        gold = load_labelled(file)
    except LabelError as exc:
        raise Fail(str(exc)) from None
    classifier = _classifier(review=not rules_only)
    outcomes = []
    for item in gold:
        result = classifier.classify(item.title, item.summary)
        outcomes.append(Outcome(item, result.actors, result.level))
    report = score(outcomes, worst=worst)
    if as_json:
        data = {"file": str(file), "classifier_version": classifier.version, **report.to_dict()}
        click.echo(json.dumps(data, ensure_ascii=False))
        return
    header = f"{file}: {report.items} items, classifier {classifier.version}"
    click.echo(format_report(report, header))
