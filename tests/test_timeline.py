"""Timeline: explicit, weekday and relative dates; publication dates inferred from shared events."""

from __future__ import annotations

from datetime import date

from conftest import build_article
from parallax.analysis.details.timeline import (
    build_timeline,
    collect_mentions,
    find_time_mentions,
    infer_missing_dates,
)
from parallax.model import Article, Caption, Report
from parallax.text.dates import resolve_date


def make_article(aid: str, texts: list[str], published: str | None, outlet: str | None = None) -> Article:
    return build_article(aid, texts, outlet=outlet or aid.upper(), published=published)


def resolved(text: str, published: str | None, year: int | None = None) -> list[tuple[str, str, str]]:
    day = date.fromisoformat(published) if published else None
    out = []
    for m in find_time_mentions("a", "a:s0", text, 0):
        r = resolve_date(m, day, year)
        if r:
            out.append((m.expression, r[0].isoformat(), r[2]))
    return out


def test_timeline_explicit_dates_in_several_forms() -> None:
    text = "It began on October 7, resumed Oct. 20, 2023, paused on 21 October and ended 2023-10-25."
    assert [d for _, d, _ in resolved(text, "2023-11-02")] == [
        "2023-10-07",
        "2023-10-20",
        "2023-10-21",
        "2023-10-25",
    ]


def test_timeline_dates_without_a_year_take_the_publication_year() -> None:
    assert resolved("Talks opened on March 3.", "2021-03-10") == [("March 3", "2021-03-03", "day")]
    # a December date in a January report belongs to the year before
    assert resolved("The fire started on December 28.", "2022-01-03")[0][1] == "2021-12-28"
    # no publication date: the story's year
    assert resolved("Talks opened on March 3.", None, 2019) == [("March 3", "2019-03-03", "day")]
    # no year anywhere: it cannot be dated, and is not made up
    assert resolved("Talks opened on March 3.", None, None) == []


def test_timeline_weekdays_resolve_on_or_before_publication() -> None:
    # 2023-10-21 is a Saturday
    found = dict(
        (e, d)
        for e, d, _ in resolved("On Friday the talks began; since Saturday aid has flowed.", "2023-10-21")
    )
    assert found == {"Friday": "2023-10-20", "Saturday": "2023-10-21"}
    assert resolved("They met last Saturday.", "2023-10-21")[0][1] == "2023-10-14"


def test_timeline_relative_expressions() -> None:
    found = {
        e: (d, p)
        for e, d, p in resolved(
            "Two weeks ago it began; yesterday it ended; earlier this month too.", "2023-10-21"
        )
    }
    assert found["Two weeks ago"] == ("2023-10-04", "week")  # a week's window around 7 October
    assert found["yesterday"] == ("2023-10-20", "day")
    assert found["earlier this month"] == ("2023-10-01", "month")


def test_timeline_entries_list_outlets_and_evidence() -> None:
    a = make_article(
        "a", ["The storm hit the coast on Friday, flooding the harbour."], "2024-02-10", "Coast News"
    )
    b = make_article(
        "b",
        ["The harbour was flooded when the storm hit the coast on February 9."],
        "2024-02-12",
        "City Daily",
    )
    report = Report(articles=[a, b])
    mentions = {x.id: collect_mentions(x) for x in report.articles}
    infer_missing_dates(report, mentions)
    (entry,) = build_timeline(report, mentions)
    assert entry.date == "2024-02-09"
    assert entry.outlets == ["Coast News", "City Daily"]
    assert {ev.how for ev in entry.evidence} == {"weekday", "explicit"}
    assert all(
        a.original[ev.start : ev.end] in ("Friday", "February 9")
        for ev in entry.evidence
        if ev.article == "a"
    )


def test_timeline_infers_a_missing_publication_date() -> None:
    dated = make_article(
        "a",
        [
            "Rebels freed two aid workers held in the hills on Thursday, officials said.",
            "The siege began on May 1.",
        ],
        "2024-05-18",
    )  # 2024-05-18 is a Saturday, so Thursday is 2024-05-16
    undated = make_article(
        "b",
        [
            "The two aid workers held in the hills were freed by rebels on Thursday.",
            "Talks resumed on Sunday.",
        ],
        None,
    )
    report = Report(articles=[dated, undated])
    mentions = {x.id: collect_mentions(x) for x in report.articles}
    infer_missing_dates(report, mentions)
    assert undated.published_inferred and not dated.published_inferred
    assert undated.published is not None
    # Thursday 16 May puts publication in 16-22 May; Sunday then is 19 May, closest to Thursday.
    assert undated.published == "2024-05-19"
    assert any("inferred" in note for note in report.notes)
    timeline = build_timeline(report, mentions)
    freed = [e for e in timeline if e.date == "2024-05-16"]
    assert freed and set(freed[0].articles) == {"a", "b"}
    assert any(ev.inferred for ev in freed[0].evidence if ev.article == "b")


def test_timeline_infers_from_a_relative_expression() -> None:
    dated = make_article("a", ["The siege of the port began on May 1, officials said."], "2024-05-03")
    undated = make_article("b", ["The siege of the port began two weeks ago, officials said."], None)
    report = Report(articles=[dated, undated])
    mentions = {x.id: collect_mentions(x) for x in report.articles}
    infer_missing_dates(report, mentions)
    assert undated.published_inferred
    assert "2024-05-12" <= (undated.published or "") <= "2024-05-18"


def test_timeline_a_historical_date_is_not_a_publication_date() -> None:
    dated = make_article("a", ["The harbour wall gave way on Tuesday, officials said."], "2024-05-02")
    undated = make_article(
        "b",
        [
            "The harbour wall gave way, officials said.",
            "It was built soon after the Berlin Wall fell on November 9, 1989.",
        ],
        None,
    )
    report = Report(articles=[dated, undated])
    mentions = {x.id: collect_mentions(x) for x in report.articles}
    infer_missing_dates(report, mentions)
    assert undated.published is None and not undated.published_inferred
    assert not any("1989" in note for note in report.notes if "inferred" in note)


def test_timeline_latest_date_is_used_when_other_reports_agree() -> None:
    dated = make_article("a", ["The harbour wall gave way on Tuesday, officials said."], "2024-05-02")
    undated = make_article("b", ["The harbour wall gave way on April 30, officials said."], None)
    report = Report(articles=[dated, undated])
    mentions = {x.id: collect_mentions(x) for x in report.articles}
    infer_missing_dates(report, mentions)
    assert undated.published == "2024-04-30" and undated.published_inferred


def test_timeline_article_without_any_date_stays_undated() -> None:
    lonely = make_article("a", ["Something happened on Friday, witnesses said."], None)
    report = Report(articles=[lonely])
    mentions = {lonely.id: collect_mentions(lonely)}
    infer_missing_dates(report, mentions)
    assert lonely.published is None and not lonely.published_inferred
    assert build_timeline(report, mentions) == []
    assert any("none could be inferred" in n for n in report.notes)


def test_timeline_no_dates_at_all_and_captions() -> None:
    plain = make_article("a", ["Nothing here says when.", "May we go?"], "2024-01-01")
    assert collect_mentions(plain) == []
    plain.captions.append(Caption("Crowds on the quay, January 1 (Photo: agency).", 500, 545))
    mentions = {plain.id: collect_mentions(plain)}
    (entry,) = build_timeline(Report(articles=[plain]), mentions)
    assert entry.date == "2024-01-01" and entry.evidence[0].sentence == ""


def test_timeline_seed_report_is_dated_with_sources(seed_report: Report) -> None:
    dates = {e.date: e for e in seed_report.timeline}
    for day in ("2023-10-07", "2023-10-18", "2023-10-20"):
        assert day in dates, f"{day} missing from the seed timeline"
    release = max((e for e in seed_report.timeline if e.date == "2023-10-20"), key=lambda e: len(e.outlets))
    assert len(release.outlets) >= 3 and release.evidence
    inferred = [a for a in seed_report.articles if a.published_inferred]
    assert inferred and all(a.published for a in inferred)
    assert any(not a.published_inferred and a.published for a in seed_report.articles)
