"""The phrase table both lexicons are matched with: every occurrence, in place."""

from __future__ import annotations

import subprocess
import sys

from hypothesis import given
from hypothesis import strategies as st

from crisiswatch.classify.phrases import PhraseTable

# Few letters, so phrases overlap and nest often; a non-BMP character and a lone
# surrogate, so positions must count characters, not UTF-8 or UTF-16 units.
ALPHABET = st.sampled_from("ab \U0001f600\ud800é")
KEYS = st.lists(st.text("ab ", min_size=1, max_size=4), min_size=1, max_size=6)


def brute_force(keys: tuple[str, ...], text: str) -> list[tuple[int, int, int]]:
    return [
        (index, start, start + len(key))
        for index, key in enumerate(keys)
        for start in range(len(text) - len(key) + 1)
        if text.startswith(key, start)
    ]


@given(KEYS, st.text(ALPHABET, max_size=30))
def test_every_occurrence_is_found_where_it_is(keys: list[str], text: str) -> None:
    table = PhraseTable((key, key.upper()) for key in keys)
    found = table.matches(text)
    assert sorted(found) == sorted(brute_force(table.keys, text))
    assert [end for _, _, end in found] == sorted(end for _, _, end in found)  # by their ends
    assert all(text[start:end] == table.keys[index] for index, start, end in found)
    assert table.found_in(text) == bool(found)


def test_a_phrase_given_twice_keeps_its_last_value() -> None:
    table = PhraseTable([(" war ", 1), (" strike ", 2), (" war ", 3)])
    assert len(table) == 2
    assert dict(table.items()) == {" war ": 3, " strike ": 2}
    [(index, start, end)] = table.matches(" a war ")
    assert table.values[index] == 3 and (start, end) == (2, 7)


def test_text_that_is_not_utf8_still_matches_around_it() -> None:
    table = PhraseTable([(" war ", 1)])
    assert table.matches("\ud800 war \udfff") == [(0, 1, 6)]
    assert not table.found_in("war\ud800")


def test_warming_builds_every_table_a_parse_worker_reads() -> None:
    """warm.py runs in the workers' fork server: after it, no worker builds a table."""
    probe = (
        "import crisiswatch.classify.warm as warm, crisiswatch.classify as c\n"
        "tables = [c._merged, warm._classifier._actors.phrases, c._engine.rules.phrases]\n"
        "print([t._automaton is not None for t in tables])\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[True, True, True]"
