"""A fast constructor for `Evidence`, shared by the actor and level engines.

Every classified item carries a handful of Evidence objects, so building them is
on the hot path of `Classifier.classify`.
"""

from __future__ import annotations

from crisiswatch.models import Evidence

# Evidence is a named tuple; its generated __new__ is a Python function around
# tuple.__new__. Calling tuple.__new__ directly skips that frame: about three
# times as fast, and an equal object (a test compares the two).
assert Evidence._fields == (
    "field", "start", "end", "text", "kind", "value", "note"
), "Evidence changed: update make_evidence"  # fmt: skip
_tuple_new = tuple.__new__


def make_evidence(
    field: str, start: int, end: int, text: str, kind: str, value: str, note: str
) -> Evidence:
    """The same as Evidence(field, start, end, text, kind, value, note), built faster."""
    return _tuple_new(Evidence, (field, start, end, text, kind, value, note))
