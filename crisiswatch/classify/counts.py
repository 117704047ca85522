"""Reading counts in headlines: "41", "1,200", "dozens", "twenty-six".

Casualty counts decide between level 3 and 4, salvo sizes between a strike and a
large attack; the parsing is separate so it can be tested on its own.
"""

from __future__ import annotations

import re

# "Seiichi Morimura, 90, ... Dies", "activist Dorothy Hughes dies, 84"
_AGE = re.compile(r"[A-Za-z], (\d{1,3}),|\b(?:[Dd]ies|[Dd]ied|[Dd]ead), (\d{1,3})\b")
_NO_AGES: frozenset[int] = frozenset()
# Number words a headline uses for casualties and salvo sizes.
_NUMBER_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "dozen": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
    "dozens": 24, "scores": 40, "hundreds": 200, "thousand": 1000, "thousands": 2000,
}  # fmt: skip
_TENS = frozenset(("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"))
_UNITS = frozenset(("two", "three", "four", "five", "six", "seven", "eight", "nine"))
_NOT_COUNTS = frozenset(
    ("km", "kilometres", "kilometers", "miles", "metres", "meters", "minutes", "hours", "days",
     "weeks", "months", "years", "percent", "per", "cent", "mph", "tonnes", "tons", "billion",
     "million", "bn", "m", "am", "pm", "th", "st", "nd", "rd", "counts", "charges", "seats",
     "points", "votes", "goals", "year")
)  # fmt: skip
_NOT_COUNT_AFTER = frozenset({"aged", "age", "at", "since", "in"})
_ONLY = frozenset({"just", "only", "barely"})  # "shot dead aged just 26"
_AGE_WORDS = frozenset({"age", "ages"})  # "at the age of 85"; "the killing of 111" counts
_PRONOUNS = frozenset({"he", "she"})  # "... has died. He was 85": an age
_MORE = frozenset({"more", "others", "other"})  # "and dozens more injured"
_AUXILIARIES = frozenset({"were", "was", "are", "been", "have", "has", "had"})
# "Boy, 15, dies": a number right after a person is an age.
_PEOPLE = frozenset(
    ("man", "woman", "boy", "girl", "teenager", "teen", "mother", "father", "son", "daughter",
     "pensioner", "grandmother", "grandfather", "student", "child", "baby", "toddler", "wife",
     "husband", "actor", "actress", "singer", "veteran")
)  # fmt: skip
# A number right before these counts weapons, not the dead ("34 killed when two missiles hit").
WEAPON_NOUNS = frozenset(
    ("missile", "missiles", "ballistic", "cruise", "hypersonic", "drone", "drones", "rocket",
     "rockets", "shells", "bombs", "bomb", "strikes", "warplanes", "jets", "tanks", "grenades")
)  # fmt: skip
# ... and these count the hurt, not the dead ("killed two, and dozens more injured").
INJURED = frozenset(("injured", "wounded", "hurt", "injuries"))


def _counts_else(words: list[str], j: int, not_before: frozenset[str]) -> bool:
    """Does the count right before words[j] count something in `not_before` ("two
    missiles", "dozens more injured", "50 people were injured", "hundreds of others
    have been injured")?"""
    if words[j] == "of" and j + 1 < len(words) and words[j + 1] in _MORE:
        j += 1
    if words[j] in _MORE and j + 1 < len(words):
        j += 1
    if words[j] == "people" and j + 1 < len(words):
        j += 1  # "10 people have died and 50 people were injured"
    while j + 1 < len(words) and words[j] in _AUXILIARIES:
        j += 1
    return words[j] in not_before


def ages_in(text: str) -> frozenset[int]:
    """Numbers set off by commas after a name: ages ("Seiichi Morimura, 90, ... Dies")."""
    if ", " not in text:
        return _NO_AGES
    return frozenset(int(first or second) for first, second in _AGE.findall(text))


def count_near(
    words: list[str],
    at: int,
    before: int,
    after: int,
    not_before: frozenset[str] = frozenset(),
    ages: frozenset[int] = frozenset(),
) -> int:
    """The count nearest to words[at] ("41", "dozens", "1 200"), 0 if there is none.

    A number followed by a word in `not_before` counts something else and is skipped,
    and so is one of `ages`.
    """
    best, best_distance = 0, 99
    for i in range(max(0, at - before), min(len(words), at + after + 1)):
        word = words[i]
        if word.isdecimal():
            if i > 0 and (
                words[i - 1].isdecimal()
                or words[i - 1] in _NOT_COUNT_AFTER
                or words[i - 1] in _PEOPLE
                or (words[i - 1] == "of" and i > 1 and words[i - 2] in _AGE_WORDS)
                or (words[i - 1] in _ONLY and i > 1 and words[i - 2] in _NOT_COUNT_AFTER)
                or (words[i - 1] == "was" and i > 1 and words[i - 2] in _PRONOUNS)
            ):
                continue  # the tail of "1,200", an age ("he was 85"), a date
            value, j = int(word), i + 1
            while j < len(words) and len(words[j]) == 3 and words[j].isdecimal():
                value, j = value * 1000 + int(words[j]), j + 1  # "1,200" reads "1 200"
            if (
                (len(word) == 4 and 1900 <= value <= 2100)
                or value in ages
                or (
                    j < len(words)
                    and (words[j] in _NOT_COUNTS or _counts_else(words, j, not_before))
                )
            ):
                continue
        elif word in _NUMBER_WORDS:
            value = _NUMBER_WORDS[word]
            if word == "dozen" and i > 0 and words[i - 1] in _NUMBER_WORDS:
                value = 12 * _NUMBER_WORDS[words[i - 1]]
            elif word in _UNITS and i > 0 and words[i - 1] in _TENS:
                value += _NUMBER_WORDS[words[i - 1]]  # "twenty-six" reads "twenty six"
            if i + 1 < len(words) and _counts_else(words, i + 1, not_before):
                continue
        else:
            continue
        if abs(i - at) < best_distance:
            best, best_distance = value, abs(i - at)
    return best


def place_count(words: list[str]) -> int:
    """The number among the few words before a plural place ("in 12 regions", "at least
    ten Ukrainian cities"); 0 if there is none, or if it is a year."""
    for word in reversed(words):
        if word.isdecimal():
            value = int(word)
            return 0 if len(word) == 4 and 1900 <= value <= 2100 else value
        if word in _NUMBER_WORDS:
            return _NUMBER_WORDS[word]
    return 0
