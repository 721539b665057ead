"""Timeline: events with calendar dates, and publication dates inferred where missing.

Time expressions are read from each sentence (and photo caption):

* explicit dates: "October 7", "Oct. 20, 2023", "20 October", "2023-10-21"
  (a date without a year takes the year of the publication date, or of the
  story when the article has none);
* weekdays: "on Friday", "since Sunday", "Saturday evening" -> the latest such
  day on or before the publication date ("last Friday" the one before that);
* relative expressions: "two weeks ago", "yesterday", "this week",
  "earlier this month", "last month", against the publication date.

An article with no publication date gets one inferred from the events it
shares with dated reports: its "on Friday" matched to an event another article
dates to Friday 20 October puts its publication in the week from that day; its
"two weeks ago" matched to an event on 7 October puts it about 21 October; its
own explicit dates are a lower bound. Of the days that satisfy the most
constraints, the one that keeps the article's weekday references closest
together is chosen (reports describe the last few days), the earlier on a tie.
Such dates are marked ``published_inferred`` and the report notes the evidence.

Mentions of the same date whose wording around the date expression overlaps
become one timeline entry, listing the outlets that report it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import cast

from parallax.model import Article, DateEvidence, DateHow, Precision, Report, TimelineEntry
from parallax.stage import Context, stage

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}
_M = "|".join(sorted(MONTHS, key=len, reverse=True))
ISO_RE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
MONTH_DAY_RE = re.compile(rf"\b({_M})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}})\b)?", re.IGNORECASE)
DAY_MONTH_RE = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_M})\b\.?(?:,?\s+(\d{{4}})\b)?", re.IGNORECASE
)
WEEKDAY_RE = re.compile(
    r"\b(?:(last|this|next|past)\s+)?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
    re.IGNORECASE,
)
AGO_RE = re.compile(
    r"\b(a|an|one|two|three|four|five|six|seven|\d{1,2})\s+(day|week|month)s?\s+ago\b", re.IGNORECASE
)
NAMED_RE = re.compile(
    r"\b(yesterday|today|tonight|last night|earlier this week|this week|last week|"
    r"earlier this month|this month|last month)\b",
    re.IGNORECASE,
)
STOP = {
    "the", "a", "an", "and", "or", "of", "to", "in", "on", "at", "for", "is", "are", "was", "were",
    "be", "been", "it", "its", "that", "this", "with", "as", "by", "but", "not", "has", "had", "have",
    "said", "says", "will", "would", "after", "since", "ago", "late", "early", "earlier", "last",
    "week", "weeks", "day", "days", "month", "months", "who", "which", "from", "their", "they",
}  # fmt: skip
MATCH_AT = 0.2  # least word overlap for two mentions of one date to describe the same event
INFER_AT = 0.5  # least word overlap for a mention to date an undated article (a clear match only)


@dataclass
class TimeMention:
    """A time expression in an article, resolved or waiting for a publication date."""

    article: str
    sentence: str
    text: str  # the sentence (or caption)
    offset: int  # where ``text`` starts in the original
    expression: str
    start: int  # of the expression in ``text``
    end: int
    how: str  # explicit | weekday | relative
    month: int = 0  # explicit
    day: int = 0
    year: int | None = None
    weekday: int = -1  # weekday: 0 = Monday
    modifier: str = ""  # weekday: last | this | next; relative: the expression, lower-cased
    amount: int = 0  # relative "N units ago"
    unit: str = ""


def find_time_mentions(article_id: str, sentence_id: str, text: str, offset: int) -> list[TimeMention]:
    """Every explicit, weekday and relative time expression in a piece of text."""
    out: list[TimeMention] = []
    taken: list[tuple[int, int]] = []

    def add(m: re.Match[str], **kw: object) -> None:
        if any(s < m.end() and m.start() < e for s, e in taken):
            return
        taken.append((m.start(), m.end()))
        out.append(TimeMention(article_id, sentence_id, text, offset, m.group(0), m.start(), m.end(), **kw))  # type: ignore[arg-type]

    for m in ISO_RE.finditer(text):
        if 1 <= int(m.group(2)) <= 12 and 1 <= int(m.group(3)) <= 31:
            add(m, how="explicit", year=int(m.group(1)), month=int(m.group(2)), day=int(m.group(3)))
    for m in MONTH_DAY_RE.finditer(text):
        if (
            m.group(1).lower() == "may"
            and not m.group(3)
            and not text[: m.start()].strip().endswith(("on", "On"))
        ):
            continue  # "may 5" is more often a verb than a month
        if 1 <= int(m.group(2)) <= 31:
            add(m, how="explicit", month=MONTHS[m.group(1).lower()], day=int(m.group(2)),
                year=int(m.group(3)) if m.group(3) else None)  # fmt: skip
    for m in DAY_MONTH_RE.finditer(text):
        if 1 <= int(m.group(1)) <= 31:
            add(m, how="explicit", month=MONTHS[m.group(2).lower()], day=int(m.group(1)),
                year=int(m.group(3)) if m.group(3) else None)  # fmt: skip
    for m in WEEKDAY_RE.finditer(text):
        add(m, how="weekday", weekday=WEEKDAYS.index(m.group(2).lower()), modifier=(m.group(1) or "").lower())
    for m in AGO_RE.finditer(text):
        raw = m.group(1).lower()
        amount = int(raw) if raw.isdigit() else NUMBER_WORDS[raw]
        add(m, how="relative", amount=amount, unit=m.group(2).lower(), modifier="ago")
    for m in NAMED_RE.finditer(text):
        add(m, how="relative", modifier=m.group(1).lower())
    return sorted(out, key=lambda t: t.start)


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def resolve(m: TimeMention, published: date | None, year: int | None) -> tuple[date, date, str] | None:
    """(first day, last day, precision) of a mention, or None when it cannot be dated."""
    if m.how == "explicit":
        y = m.year or (published.year if published else year)
        if y is None:
            return None
        found = _valid(y, m.month, m.day)
        if found and m.year is None and published and found > published + timedelta(days=31):
            found = _valid(y - 1, m.month, m.day)  # "December 28" in a report of January 3
        return (found, found, "day") if found else None
    if published is None:
        return None
    if m.how == "weekday":
        back = (published.weekday() - m.weekday) % 7
        if m.modifier == "next":
            ahead = (m.weekday - published.weekday()) % 7 or 7
            day = published + timedelta(days=ahead)
        else:
            day = published - timedelta(days=back + (7 if m.modifier == "last" and back == 0 else 0))
        return day, day, "day"
    if m.modifier == "ago":
        if m.unit == "day":
            day = published - timedelta(days=m.amount)
            return day, day, "day"
        if m.unit == "week":
            day = published - timedelta(days=7 * m.amount)
            return day - timedelta(days=3), day + timedelta(days=3), "week"
        first = _shift_month(published.replace(day=1), -m.amount)
        return first, _month_end(first), "month"
    monday = published - timedelta(days=published.weekday())
    if m.modifier in ("yesterday", "last night"):
        day = published - timedelta(days=1)
        return day, day, "day"
    if m.modifier in ("today", "tonight"):
        return published, published, "day"
    if m.modifier in ("this week", "earlier this week"):
        return monday, published, "week"
    if m.modifier == "last week":
        return monday - timedelta(days=7), monday - timedelta(days=1), "week"
    if m.modifier in ("this month", "earlier this month"):
        return published.replace(day=1), published, "month"
    if m.modifier == "last month":
        first = _shift_month(published.replace(day=1), -1)
        return first, _month_end(first), "month"
    return None


def _shift_month(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _month_end(first: date) -> date:
    return _shift_month(first, 1) - timedelta(days=1)


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 4 and word.endswith("s") else word


def context_words(m: TimeMention, reach: int = 80) -> set[str]:
    """Content words around the expression (the event it dates), without date words."""
    near = m.text[max(0, m.start - reach) : m.start] + " " + m.text[m.end : m.end + reach]
    words = {_stem(w) for w in re.findall(r"[a-z0-9]+", near.lower().replace("’", "'"))}
    return {w for w in words if w not in STOP and w not in MONTHS and w not in WEEKDAYS and len(w) > 2}


def similarity(a: TimeMention, b: TimeMention) -> float:
    """Overlap coefficient of the words around two mentions."""
    wa, wb = context_words(a), context_words(b)
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / min(len(wa), len(wb))


def collect_mentions(article: Article) -> list[TimeMention]:
    """Time mentions in an article's sentences and captions (a leading dateline is skipped)."""
    out: list[TimeMention] = []
    for s in article.sentences:
        for m in find_time_mentions(article.id, s.id, s.text, s.start):
            if m.how == "explicit" and s.start + m.start < 40 and _is_dateline(m, article.published):
                continue
            out.append(m)
    for c in article.captions:
        out += find_time_mentions(article.id, "", c.text, c.start)
    return out


def _is_dateline(m: TimeMention, published: str | None) -> bool:
    return (
        published is not None
        and m.year is not None
        and f"{m.year:04d}-{m.month:02d}-{m.day:02d}" == published
    )


def story_year(report: Report, mentions: list[TimeMention]) -> int | None:
    """The year most publication dates (else explicit years) fall in."""
    years = Counter(int(a.published[:4]) for a in report.articles if a.published)
    years.update(m.year for m in mentions if m.year)
    return years.most_common(1)[0][0] if years else None


def _parse_iso(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


# An undated article's latest explicit date stands for its publication date only when
# another report's dates fall this close to it (days before, days after).
CORROBORATE_BEFORE = 7
CORROBORATE_AFTER = 30


def corroborated(
    day: date, article: Article, anchors: list[tuple[TimeMention, date]], story_days: list[date]
) -> bool:
    """Whether other reports date events or publication near ``day``."""
    near = [d for m, d in anchors if m.article != article.id] + story_days
    return any(-CORROBORATE_BEFORE <= (d - day).days <= CORROBORATE_AFTER for d in near)


def infer_publication(
    article: Article,
    own: list[TimeMention],
    anchors: list[tuple[TimeMention, date]],
    year: int | None,
    story_days: list[date] | None = None,
) -> tuple[date, list[str]] | None:
    """A publication date for an undated article from events it shares with dated ones.

    ``story_days`` are the other reports' publication dates. Without a shared
    weekday or relative date, the article's latest explicit date is used only
    when other reports' dates corroborate it.
    """
    story_days = story_days or []
    windows: list[tuple[date, date, str]] = []
    explicit = [r[0] for m in own if m.how == "explicit" and (r := resolve(m, None, year))]
    floor_day = max(explicit) if explicit else None
    for m in own:
        if m.how == "explicit":
            continue
        best: tuple[float, date | None, TimeMention | None] = (0.0, None, None)
        for anchor, day in anchors:
            if anchor.article == article.id and anchor.how != "explicit":
                continue
            if m.how == "weekday" and day.weekday() != m.weekday:
                continue
            score = similarity(m, anchor)
            if score >= INFER_AT and score > best[0]:
                best = (score, day, anchor)
        _, matched_day, matched = best
        if matched_day is None or matched is None:
            continue
        window = _window(m, matched_day)
        if window:
            why = f"{m.expression!r} matches {matched_day.isoformat()} ({matched.expression!r})"
            windows.append((*window, why))
    if not windows:
        if floor_day is None or not corroborated(floor_day, article, anchors, story_days):
            return None  # a lone date may be history ("the Wall fell on November 9, 1989"), not the news
        return floor_day, [
            f"it reports events up to {floor_day.isoformat()} and shares no weekday or relative date"
        ]
    counts: Counter[date] = Counter()
    for lo, hi, _ in windows:
        for n in range((hi - lo).days + 1):
            day = lo + timedelta(days=n)
            if floor_day is None or day >= floor_day:
                counts[day] += 1
    if not counts:
        return None
    top = max(counts.values())
    candidates = sorted(d for d, c in counts.items() if c == top)
    weekdays = [m for m in own if m.how == "weekday" and m.modifier != "next"]

    def spread(day: date) -> int:
        days = [r[0] for m in weekdays if (r := resolve(m, day, year))]
        return (max(days) - min(days)).days if days else 0

    chosen = min(candidates, key=lambda d: (spread(d), d))
    reasons = [why for lo, hi, why in windows if lo <= chosen <= hi]
    if floor_day:
        reasons.append(f"its latest explicit date is {floor_day.isoformat()}")
    return chosen, reasons


def _window(m: TimeMention, day: date) -> tuple[date, date] | None:
    """The publication dates for which ``m`` would resolve to ``day``."""
    if m.how == "weekday":
        if m.modifier == "next":
            return day - timedelta(days=7), day - timedelta(days=1)
        if m.modifier == "last":
            return day + timedelta(days=1), day + timedelta(days=7)
        return day, day + timedelta(days=6)
    if m.modifier == "ago":
        span = {"day": 1, "week": 7, "month": 30}[m.unit] * m.amount
        slack = {"day": 0, "week": 3, "month": 10}[m.unit]
        centre = day + timedelta(days=span)
        return centre - timedelta(days=slack), centre + timedelta(days=slack)
    if m.modifier in ("yesterday", "last night"):
        return day + timedelta(days=1), day + timedelta(days=1)
    if m.modifier in ("today", "tonight"):
        return day, day
    if m.modifier in ("this week", "earlier this week"):
        return day, day + timedelta(days=6 - day.weekday())
    if m.modifier in ("this month", "earlier this month"):
        return day, _month_end(day.replace(day=1))
    return None


def infer_missing_dates(report: Report, mentions: dict[str, list[TimeMention]]) -> None:
    """Give undated articles an inferred publication date where shared events allow it."""
    year = story_year(report, [m for ms in mentions.values() for m in ms])
    for _ in range(2):  # an inferred article can anchor another
        anchors: list[tuple[TimeMention, date]] = []
        for a in report.articles:
            published = _parse_iso(a.published)
            for m in mentions[a.id]:
                r = resolve(m, published, year)
                if r and r[2] == "day" and (published or m.how == "explicit"):
                    anchors.append((m, r[0]))
        changed = False
        story_days = [d for a in report.articles if (d := _parse_iso(a.published))]
        for a in report.articles:
            if a.published:
                continue
            found = infer_publication(a, mentions[a.id], anchors, year, story_days)
            if found is None:
                continue
            day, reasons = found
            a.published = day.isoformat()
            a.published_inferred = True
            a.meta["published_evidence"] = reasons
            report.notes.append(
                f"{a.label} has no publication date; inferred {a.published} (earliest date consistent with "
                f"the events it shares with other reports: {'; '.join(reasons)})"
            )
            changed = True
        if not changed:
            break
    for a in report.articles:
        if not a.published and mentions[a.id]:
            report.notes.append(
                f"{a.label} has no publication date and none could be inferred: its weekdays and "
                "relative dates are left out of the timeline"
            )


def build_timeline(report: Report, mentions: dict[str, list[TimeMention]]) -> list[TimelineEntry]:
    """Resolve every mention and group those of one date and one event into entries."""
    year = story_year(report, [m for ms in mentions.values() for m in ms])
    labels = {a.id: a.label for a in report.articles}
    resolved: list[tuple[TimeMention, date, date, str, bool]] = []
    for a in report.articles:
        published = _parse_iso(a.published)
        for m in mentions[a.id]:
            r = resolve(m, published, year)
            if r:
                resolved.append((m, *r, a.published_inferred and m.how != "explicit"))
    groups: list[list[tuple[TimeMention, date, date, str, bool]]] = []
    # Day-precise mentions first, so that a week or month joins the day it covers.
    for item in sorted(resolved, key=lambda x: (x[3] != "day", x[1], x[0].article)):
        m, lo, hi, precision, _ = item
        home, best = None, MATCH_AT
        for group in groups:
            g_lo, g_hi = group[0][1], group[0][2]
            if not ((lo == g_lo and hi == g_hi) or (precision != "day" and lo <= g_lo <= hi)):
                continue
            score = max(similarity(m, other[0]) for other in group)
            if score >= best:
                home, best = group, score
        if home is None:
            groups.append([item])
        else:
            home.append(item)
    entries: list[TimelineEntry] = []
    for group in groups:
        first = group[0]
        articles = list(dict.fromkeys(x[0].article for x in group))
        evidence = [
            DateEvidence(
                article=m.article, sentence=m.sentence, text=m.text, expression=m.expression,
                how=cast(DateHow, m.how), start=m.offset + m.start, end=m.offset + m.end, inferred=inferred,
            )
            for m, _, _, _, inferred in group
        ]  # fmt: skip
        event = min((x[0].text for x in group), key=len)
        entries.append(
            TimelineEntry(
                date=first[1].isoformat(), event=event, articles=articles,
                outlets=list(dict.fromkeys(labels[a] for a in articles)), evidence=evidence,
                precision=cast(Precision, first[3]),
                until=first[2].isoformat() if first[3] != "day" else None,
            )
        )  # fmt: skip
    entries.sort(key=lambda e: (e.date, -len(e.articles)))
    return entries


@stage(
    requires=(
        "article.sentences",
        "article.outlet",
        "article.captions",
        "article.published",
        "report.notes",
    ),
    provides=(
        "report.timeline",
        "article.published",
        "article.published_inferred",
        "article.meta",
        "report.notes",
    ),
)
def build_dated_timeline(ctx: Context) -> None:
    """Dated events from explicit, weekday and relative dates; infer missing publication dates."""
    report = ctx.report
    mentions = {a.id: collect_mentions(a) for a in report.articles}
    infer_missing_dates(report, mentions)
    report.timeline = build_timeline(report, mentions)
