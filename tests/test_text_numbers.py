"""The number layer (text/numbers.py): one grammar for words, digits, scales, qualifiers, ranges."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from parallax.text.numbers import find_numbers, list_values, parse_number, parse_word_number

ONES = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def spell(n: int) -> str:
    """English words for 1..999 (the test's own speller)."""
    parts = []
    if n >= 100:
        parts.append(f"{ONES[n // 100 - 1]} hundred")
        n %= 100
        if n:
            parts.append("and")
    if n >= 20:
        parts.append(TENS[n // 10 - 2] + (f"-{ONES[n % 10 - 1]}" if n % 10 else ""))
    elif n >= 10:
        parts.append(
            ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
             "eighteen", "nineteen"][n - 10]
        )  # fmt: skip
    elif n:
        parts.append(ONES[n - 1])
    return " ".join(parts)


def test_numbers_words_digits_and_scales() -> None:
    assert parse_word_number("fifty-four") == 54
    assert parse_word_number("two hundred and ten") == 210
    assert parse_word_number("two three") is None
    assert parse_number("4,100") == 4100
    assert parse_number("2.3", "million") == 2_300_000
    assert parse_number("5", "bn") == 5e9


def test_numbers_qualifiers_and_ranges() -> None:
    (more,) = find_numbers("more than 200 people were taken")
    assert (more.value, more.qualifier, more.bound) == (200, "more than", "lower")
    (between,) = find_numbers("between 3 and 5 trucks")
    assert (between.value, between.high, between.bound) == (3, 5, "range")
    (dash,) = find_numbers("10-20 of them")
    assert (dash.value, dash.high) == (10, 20)
    assert all(f.high is None for f in find_numbers("the score was 7-4"))  # falling: no range


def test_numbers_leave_out_dates_years_and_times() -> None:
    assert find_numbers("On October 20 in 2023 at 10:30 the talks began") == []
    (money,) = find_numbers("aid worth $2.3 million")
    assert (money.value, money.unit, money.kind) == (2_300_000, "USD", "money")


def test_numbers_list_values_keeps_every_stated_value() -> None:
    assert list_values("Two hostages, 4,100 dead and 2.3 million displaced in 2023") == [
        2,
        4100,
        2_300_000,
        2023,
    ]
    assert list_values("a dozen tents, twenty-five trucks") == [12, 25]
    assert list_values("tent often") == []  # no number inside a word


@given(st.integers(1, 999))
def test_numbers_spelled_numbers_read_back(n: int) -> None:
    assert parse_word_number(spell(n)) == n
    assert list_values(f"They counted {spell(n)} trucks.") == [n]


@given(st.integers(1, 10**9))
def test_numbers_digits_with_separators_read_back(n: int) -> None:
    assert parse_number(f"{n:,}") == n
    assert list_values(f"about {n:,} people") == [n]
