"""The date layer (text/dates.py): expressions found and resolved against a publication date."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from parallax.text.dates import (
    WEEKDAYS,
    find_date_expressions,
    month_end,
    parse_iso_date,
    resolve_date,
    resolve_weekday,
    shift_month,
)

DAYS = st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31))


def resolved(text: str, published: date | None, year: int | None = None) -> list[tuple[str, str, str]]:
    out = []
    for expr in find_date_expressions(text):
        span = resolve_date(expr, published, year)
        if span:
            out.append((expr.expression, span[0].isoformat(), span[2]))
    return out


def test_dates_find_explicit_weekday_and_relative_expressions() -> None:
    found = find_date_expressions(
        "On Friday, two weeks ago and yesterday; on October 20, 2023 and 2023-10-07."
    )
    assert [(e.expression, e.how) for e in found] == [
        ("Friday", "weekday"),
        ("two weeks ago", "relative"),
        ("yesterday", "relative"),
        ("October 20, 2023", "explicit"),
        ("2023-10-07", "explicit"),
    ]


def test_dates_resolve_against_publication() -> None:
    saturday = date(2023, 10, 21)
    assert resolved("On Friday talks began.", saturday) == [("Friday", "2023-10-20", "day")]
    assert resolved("It happened yesterday.", saturday) == [("yesterday", "2023-10-20", "day")]
    # a week before the 21st is the 14th, give or take three days
    assert resolved("A week ago.", saturday) == [("A week ago", "2023-10-11", "week")]
    assert resolved("Two months ago.", saturday) == [("Two months ago", "2023-08-01", "month")]
    assert resolved("The fire of December 28.", date(2022, 1, 3)) == [("December 28", "2021-12-28", "day")]
    assert resolved("Talks on March 3.", None, 2019) == [("March 3", "2019-03-03", "day")]
    assert resolved("Talks on Friday.", None) == []  # a weekday needs a publication date


def test_dates_may_as_a_verb_is_no_date() -> None:
    assert find_date_expressions("Prices may 5 times rise") == []
    assert [e.expression for e in find_date_expressions("Talks on May 5")] == ["May 5"]


def test_dates_parse_iso_and_months() -> None:
    assert parse_iso_date("2023-10-20T08:00:00Z") == date(2023, 10, 20)
    assert parse_iso_date("yesterday") is None
    assert parse_iso_date(None) is None
    assert shift_month(date(2023, 1, 1), -2) == date(2022, 11, 1)
    assert month_end(date(2024, 2, 10)) == date(2024, 2, 29)


@given(DAYS, st.integers(0, 6))
def test_dates_bare_weekday_is_the_last_such_day_on_or_before_publication(published: date, day: int) -> None:
    found = resolve_weekday(day, published)
    assert found.weekday() == day
    assert timedelta(0) <= published - found < timedelta(days=7)


@given(DAYS, st.integers(0, 6))
def test_dates_next_and_last_weekday_bracket_publication(published: date, day: int) -> None:
    after = resolve_weekday(day, published, "next")
    before = resolve_weekday(day, published, "last")
    assert after.weekday() == before.weekday() == day
    assert timedelta(0) < after - published <= timedelta(days=7)
    assert timedelta(0) < published - before <= timedelta(days=7)


@given(DAYS, st.sampled_from(WEEKDAYS))
def test_dates_found_weekday_resolves_to_its_weekday(published: date, name: str) -> None:
    (expr,) = find_date_expressions(f"It began on {name.title()}.")
    span = resolve_date(expr, published)
    assert span is not None and span[0].weekday() == WEEKDAYS.index(name)
