"""A fast constructor for `Evidence`, shared by the actor and level engines.

Every classified item carries a handful of Evidence objects, so building them is
on the hot path of `Classifier.classify`.
"""

from __future__ import annotations

from crisiswatch.models import Evidence

# Evidence is a frozen, slotted dataclass; its generated __init__ sets every slot
# through object.__setattr__. On this hot path the same slots are set through their
# descriptors: about twice as fast, and an equal object (a test compares the two).
assert tuple(Evidence.__dataclass_fields__) == (
    "field", "start", "end", "text", "kind", "value", "note"
), "Evidence changed: update make_evidence"  # fmt: skip
SET_FIELD, SET_START, SET_END, SET_TEXT = (
    Evidence.field.__set__, Evidence.start.__set__, Evidence.end.__set__, Evidence.text.__set__
)  # fmt: skip
SET_KIND, SET_VALUE, SET_NOTE = (
    Evidence.kind.__set__, Evidence.value.__set__, Evidence.note.__set__
)  # fmt: skip


def make_evidence(
    field: str, start: int, end: int, text: str, kind: str, value: str, note: str
) -> Evidence:
    """The same as Evidence(field, start, end, text, kind, value, note), built faster."""
    evidence = object.__new__(Evidence)
    SET_FIELD(evidence, field)
    SET_START(evidence, start)
    SET_END(evidence, end)
    SET_TEXT(evidence, text)
    SET_KIND(evidence, kind)
    SET_VALUE(evidence, value)
    SET_NOTE(evidence, note)
    return evidence
