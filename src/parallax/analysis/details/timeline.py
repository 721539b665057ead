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

import dataclasses
import json
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import cast

from parallax.model import Article, DateEvidence, DateHow, Precision, Report, TimelineEntry
from parallax.stage import Context, stage
from parallax.text.dates import (
    MONTHS,
    WEEKDAYS,
    DateExpression,
    find_date_expressions,
    month_end,
    parse_iso_date,
    resolve_date,
)
from parallax.text.words import QUANTITY_WORDS, fact_stop_words, stem, tokenize_words

# Words around a date that say nothing about the event it dates.
DATE_WORDS = frozenset(
    {"ago", "late", "early", "earlier", "last", "week", "weeks", "day", "days", "month", "months"}
    | set(MONTHS)
    | set(WEEKDAYS)
)
MATCH_AT = 0.2  # least word overlap for two mentions of one date to describe the same event
INFER_AT = 0.5  # least word overlap for a mention to date an undated article (a clear match only)


@dataclass(kw_only=True)
class TimeMention(DateExpression):
    """A date expression in an article's sentence or caption, resolved or waiting for a publication date."""

    article: str
    sentence: str
    text: str  # the sentence (or caption)
    offset: int  # where ``text`` starts in the original


def find_time_mentions(
    article_id: str, sentence_id: str, text: str, offset: int, language: str = "en"
) -> list[TimeMention]:
    """Every explicit, weekday and relative time expression in a piece of text (in ``language``)."""
    return [
        TimeMention(
            **dataclasses.asdict(e), article=article_id, sentence=sentence_id, text=text, offset=offset
        )
        for e in find_date_expressions(text, language)
    ]


def context_words(m: TimeMention, reach: int = 80) -> set[str]:
    """Stems of the content words around the expression (the event it dates), without date words."""
    near = m.text[max(0, m.start - reach) : m.start] + " " + m.text[m.end : m.end + reach]
    stops = fact_stop_words() - QUANTITY_WORDS  # counts date an event too: "two more hostages"
    return {stem(w) for w in tokenize_words(near) if w not in stops and w not in DATE_WORDS and len(w) > 2}


def similarity(a: TimeMention, b: TimeMention) -> float:
    """Overlap coefficient of the words around two mentions."""
    return word_overlap(context_words(a), context_words(b))


def word_overlap(wa: set[str], wb: set[str]) -> float:
    """Overlap coefficient of two sets of words (0 when either is empty)."""
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / min(len(wa), len(wb))


def collect_mentions(article: Article) -> list[TimeMention]:
    """Time mentions in an article's sentences and captions (a leading dateline is skipped)."""
    out: list[TimeMention] = []
    for s in article.sentences:
        for m in find_time_mentions(article.id, s.id, s.text, s.start, article.language):
            if m.how == "explicit" and s.start + m.start < 40 and _is_dateline(m, article.published):
                continue
            out.append(m)
    for c in article.captions:
        out += find_time_mentions(article.id, "", c.text, c.start, article.language)
    return out


def read_mentions(articles: list[Article], ctx: Context) -> list[list[TimeMention]]:
    """``collect_mentions`` of each article, kept per article in the run's analysis cache (keyed
    by the article, its sentences, captions and language) where there is one."""
    from parallax.nlp.article_cache import article_key, code_digest, reuse_values

    def encode(found: list[TimeMention]) -> bytes:
        return json.dumps([dataclasses.asdict(m) for m in found], ensure_ascii=False).encode("utf-8")

    def decode(data: bytes) -> list[TimeMention]:
        return [TimeMention(**fields) for fields in json.loads(data)]

    keys = [
        article_key(
            a, None, a.language, [s.text for s in a.sentences], [(c.text, c.start) for c in a.captions]
        )
        for a in articles
    ]
    return reuse_values(
        ctx.resources.cache,
        f"time-mentions:{code_digest()}",
        keys,
        lambda wanted: [collect_mentions(articles[n]) for n in wanted],
        list[TimeMention],
        (encode, decode),
    )


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
    explicit = [r[0] for m in own if m.how == "explicit" and (r := resolve_date(m, None, year))]
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
        days = [r[0] for m in weekdays if (r := resolve_date(m, day, year))]
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
        return day, month_end(day.replace(day=1))
    return None


def infer_missing_dates(report: Report, mentions: dict[str, list[TimeMention]]) -> None:
    """Give undated articles an inferred publication date where shared events allow it."""
    year = story_year(report, [m for ms in mentions.values() for m in ms])
    for _ in range(2):  # an inferred article can anchor another
        anchors: list[tuple[TimeMention, date]] = []
        for a in report.articles:
            published = parse_iso_date(a.published)
            for m in mentions[a.id]:
                r = resolve_date(m, published, year)
                if r and r[2] == "day" and (published or m.how == "explicit"):
                    anchors.append((m, r[0]))
        changed = False
        story_days = [d for a in report.articles if (d := parse_iso_date(a.published))]
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
        published = parse_iso_date(a.published)
        for m in mentions[a.id]:
            r = resolve_date(m, published, year)
            if r:
                resolved.append((m, *r, a.published_inferred and m.how != "explicit"))
    near = {id(item[0]): context_words(item[0]) for item in resolved}  # once per mention, not per pair
    groups: list[list[tuple[TimeMention, date, date, str, bool]]] = []
    # Day-precise mentions first, so that a week or month joins the day it covers.
    for item in sorted(resolved, key=lambda x: (x[3] != "day", x[1], x[0].article)):
        m, lo, hi, precision, _ = item
        home, best = None, MATCH_AT
        for group in groups:
            g_lo, g_hi = group[0][1], group[0][2]
            if not ((lo == g_lo and hi == g_hi) or (precision != "day" and lo <= g_lo <= hi)):
                continue
            score = max(word_overlap(near[id(m)], near[id(other[0])]) for other in group)
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
    mentions = dict(zip((a.id for a in report.articles), read_mentions(report.articles, ctx), strict=True))
    infer_missing_dates(report, mentions)
    report.timeline = build_timeline(report, mentions)
