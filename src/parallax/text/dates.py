"""Dates: explicit, weekday and relative date expressions, resolved against a publication date.

``find_date_expressions`` finds "October 20", "20 Oct 2023", "2023-10-20",
"Friday", "last Monday", "two weeks ago", "yesterday" and "this month";
``resolve_date`` turns one into a span of days (first day, last day, precision)
given the date the text was published: news reports name the weekdays of the
week before publication, so a bare "Friday" is the last Friday on or before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from parallax.text.languages import LOCALISED, localise
from parallax.text.numbers import parse_number

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# The amounts an "N days/weeks/months ago" takes in words ("a week ago", "two weeks ago").
_AGO_WORDS = ("a", "an", "one", "two", "three", "four", "five", "six", "seven")
_M = "|".join(sorted(MONTHS, key=len, reverse=True))
ISO_RE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
MONTH_DAY_RE = re.compile(rf"\b({_M})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}})\b)?", re.IGNORECASE)
DAY_MONTH_RE = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_M})\b\.?(?:,?\s+(\d{{4}})\b)?", re.IGNORECASE
)
WEEKDAY_RE = re.compile(rf"\b(?:(last|this|next|past)\s+)?({'|'.join(WEEKDAYS)})\b", re.IGNORECASE)
AGO_RE = re.compile(rf"\b({'|'.join(_AGO_WORDS)}|\d{{1,2}})\s+(day|week|month)s?\s+ago\b", re.IGNORECASE)
NAMED_RE = re.compile(
    r"\b(yesterday|today|tonight|last night|earlier this week|this week|last week|"
    r"earlier this month|this month|last month)\b",
    re.IGNORECASE,
)


@dataclass
class DateExpression:
    """A date expression in a text, before it is resolved."""

    expression: str
    start: int  # in the text searched
    end: int
    how: str  # explicit | weekday | relative
    month: int = 0  # explicit
    day: int = 0
    year: int | None = None
    weekday: int = -1  # weekday: 0 = Monday
    modifier: str = ""  # weekday: last | this | next | past; relative: the expression, lower-cased
    amount: int = 0  # relative "N units ago"
    unit: str = ""


def find_date_expressions(text: str, language: str = "en") -> list[DateExpression]:
    """Every explicit, weekday and relative date expression in a text, in order; none overlap.

    ``language``: the text's language; French ("20 octobre 2026"), German ("20. Oktober")
    and Spanish ("20 de octubre") are read through their English forms
    (``parallax.text.languages``), with expressions and offsets from ``text`` itself."""
    if language in LOCALISED:
        local = localise(text, language)
        found = _find_english_dates(local.text)
        for expr in found:
            expr.start, expr.end = local.span(expr.start, expr.end)
            expr.expression = text[expr.start : expr.end]
        return found
    return _find_english_dates(text)


def _find_english_dates(text: str) -> list[DateExpression]:
    out: list[DateExpression] = []

    def add(m: re.Match[str], how: str, **fields: int | str | None) -> None:
        if any(e.start < m.end() and m.start() < e.end for e in out):
            return
        out.append(DateExpression(m.group(0), m.start(), m.end(), how, **fields))  # type: ignore[arg-type]

    for m in ISO_RE.finditer(text):
        if 1 <= int(m.group(2)) <= 12 and 1 <= int(m.group(3)) <= 31:
            add(m, "explicit", year=int(m.group(1)), month=int(m.group(2)), day=int(m.group(3)))
    for m in MONTH_DAY_RE.finditer(text):
        if (
            m.group(1).lower() == "may"
            and not m.group(3)
            and not text[: m.start()].strip().endswith(("on", "On"))
        ):
            continue  # "may 5" is more often a verb than a month
        if 1 <= int(m.group(2)) <= 31:
            year = int(m.group(3)) if m.group(3) else None
            add(m, "explicit", month=MONTHS[m.group(1).lower()], day=int(m.group(2)), year=year)
    for m in DAY_MONTH_RE.finditer(text):
        if 1 <= int(m.group(1)) <= 31:
            year = int(m.group(3)) if m.group(3) else None
            add(m, "explicit", month=MONTHS[m.group(2).lower()], day=int(m.group(1)), year=year)
    for m in WEEKDAY_RE.finditer(text):
        add(m, "weekday", weekday=WEEKDAYS.index(m.group(2).lower()), modifier=(m.group(1) or "").lower())
    for m in AGO_RE.finditer(text):
        raw = m.group(1).lower()
        amount = int(parse_number(raw) or 1)  # "a", "an": one
        add(m, "relative", amount=amount, unit=m.group(2).lower(), modifier="ago")
    for m in NAMED_RE.finditer(text):
        add(m, "relative", modifier=m.group(1).lower())
    return sorted(out, key=lambda e: e.start)


def make_date(year: int, month: int, day: int) -> date | None:
    """The date, or None when there is no such day (February 30)."""
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_iso_date(value: str | None) -> date | None:
    """The date at the start of an ISO date or timestamp ("2023-10-20T08:00Z"), else None."""
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def shift_month(first: date, months: int) -> date:
    """The first day of the month ``months`` after (or before) the month of ``first``."""
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_end(first: date) -> date:
    """The last day of the month of ``first``."""
    return shift_month(first.replace(day=1), 1) - timedelta(days=1)


def resolve_weekday(weekday: int, published: date, modifier: str = "") -> date:
    """The day a weekday (0 = Monday) names in a text published on ``published``.

    Bare, "this" and "past": the last such day on or before publication; "last": the
    same, but a week back when publication falls on that weekday; "next": the first
    such day after publication.
    """
    if modifier == "next":
        return published + timedelta(days=(weekday - published.weekday()) % 7 or 7)
    back = (published.weekday() - weekday) % 7
    return published - timedelta(days=back + (7 if modifier == "last" and back == 0 else 0))


def resolve_date(
    expr: DateExpression, published: date | None, year: int | None = None
) -> tuple[date, date, str] | None:
    """(first day, last day, precision) of an expression, or None when it cannot be dated.

    ``published`` anchors weekdays and relative dates and gives an explicit date its
    year; without it, ``year`` (the story's) dates explicit dates only. An explicit
    date more than a month after publication is taken from the year before
    ("December 28" in a report of January 3).
    """
    if expr.how == "explicit":
        y = expr.year or (published.year if published else year)
        if y is None:
            return None
        found = make_date(y, expr.month, expr.day)
        if found and expr.year is None and published and found > published + timedelta(days=31):
            found = make_date(y - 1, expr.month, expr.day)
        return (found, found, "day") if found else None
    if published is None:
        return None
    if expr.how == "weekday":
        day = resolve_weekday(expr.weekday, published, expr.modifier)
        return day, day, "day"
    if expr.modifier == "ago":
        return _resolve_ago(expr.amount, expr.unit, published)
    return _resolve_named(expr.modifier, published)


def _resolve_ago(amount: int, unit: str, published: date) -> tuple[date, date, str]:
    if unit == "day":
        day = published - timedelta(days=amount)
        return day, day, "day"
    if unit == "week":
        day = published - timedelta(days=7 * amount)
        return day - timedelta(days=3), day + timedelta(days=3), "week"
    first = shift_month(published.replace(day=1), -amount)
    return first, month_end(first), "month"


def _resolve_named(name: str, published: date) -> tuple[date, date, str] | None:
    monday = published - timedelta(days=published.weekday())
    if name in ("yesterday", "last night"):
        day = published - timedelta(days=1)
        return day, day, "day"
    if name in ("today", "tonight"):
        return published, published, "day"
    if name in ("this week", "earlier this week"):
        return monday, published, "week"
    if name == "last week":
        return monday - timedelta(days=7), monday - timedelta(days=1), "week"
    if name in ("this month", "earlier this month"):
        return published.replace(day=1), published, "month"
    if name == "last month":
        first = shift_month(published.replace(day=1), -1)
        return first, month_end(first), "month"
    return None
