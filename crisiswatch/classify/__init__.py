"""Tag a news item with the countries involved and an escalation level 0-5.

STUB: the real engine lands with the classifier issue. The public surface is:
`classify(title, summary) -> Classification`, `Classifier(extra_aliases)` and
`VERSION`.
"""

from __future__ import annotations

from crisiswatch.models import Classification

VERSION = "0-stub"


class Classifier:
    def __init__(self, extra_aliases: dict[str, list[str]] | None = None) -> None:
        self.extra_aliases = extra_aliases or {}
        self.version = VERSION

    def classify(self, title: str, summary: str = "") -> Classification:
        return Classification(version=self.version)


_default: Classifier | None = None


def classify(title: str, summary: str = "") -> Classification:
    global _default
    if _default is None:
        _default = Classifier()
    return _default.classify(title, summary)
