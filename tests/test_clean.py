"""Cleaning: page furniture out, reporting kept, offsets exact, normalisation for matching."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from conftest import floor
from parallax.clean import rules
from parallax.clean.evaluate import empty_score, score_removals
from parallax.clean.furniture import clean_article, clean_articles
from parallax.clean.normalise import join_spans, map_clean_offset, map_clean_range, normalise_for_matching
from parallax.ingest import prepare, read_sources
from parallax.model import Article, Removed, Report
from parallax.options import Options
from parallax.stage import Context

DATA = Path(__file__).resolve().parent / "data"
BODY = (
    "The regional council approved the budget on Monday after a debate that lasted more than six hours, "
    "the council's press office said."
)
SECOND = "Opposition members voted against it, saying the plan cut too deeply into library services."


def article_from(text: str, title: str = "") -> Article:
    article = Article(
        id="a1", source="t", title=title, outlet=None, published=None, language="en", original=text
    )
    clean_article(article)
    return article


def read_clean(path: Path) -> Article:
    articles, skipped = read_sources([path])
    assert skipped == []
    clean_article(articles[0])
    return articles[0]


def removed_by(article: Article) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for r in article.removed:
        found.setdefault(r.reason, []).append(r.text)
    return found


def assert_offsets_exact(article: Article) -> None:
    """Kept and removed pieces are exact slices of the original, in order, never overlapping."""
    pieces = [(s.start, s.end) for s in article.kept] + [(r.start, r.end) for r in article.removed]
    pieces.sort()
    for (_, end), (start, _) in itertools.pairwise(pieces):
        assert end <= start
    for span in article.kept:
        assert article.original[span.start : span.end] == span.text
    for r in article.removed:
        assert article.original[r.start : r.end] == r.text
    for c in article.captions:
        assert article.original[c.start : c.end] == c.text
    assert article.text == join_spans(article.kept)
    # Everything not kept or removed is whitespace: nothing vanished silently.
    covered = set()
    for start, end in pieces:
        covered.update(range(start, end))
    assert all(ch.isspace() for i, ch in enumerate(article.original) if i not in covered)


# --- normalisation -------------------------------------------------------------


def test_clean_normalise_unifies_quotes_dashes_and_spaces() -> None:
    text = "“It’s `final`,” she said \u2014 twice\u00a0over\u2013and\n\n over\uff01"
    key = normalise_for_matching(text)
    assert key == "\"It's 'final',\" she said - twice over-and over!"
    assert text.startswith("“It’s")  # the input is untouched


def test_clean_normalise_does_not_change_displayed_text() -> None:
    article = article_from("He called it a “breakthrough” — at last.\n" + BODY)
    assert "“breakthrough” —" in article.text


def test_clean_offset_map_round_trips() -> None:
    article = read_clean(DATA / "clean_wire_story.txt")
    assert len(article.kept) > 2
    for i, ch in enumerate(article.text):
        original = map_clean_offset(article.kept, i)
        if ch != "\n" or article.original[original : original + 1] == "\n":
            assert article.original[original] == ch
    needle = "40,000 daily commuters"
    at = article.text.index(needle)
    start, end = map_clean_range(article.kept, at, at + len(needle))
    assert article.original[start:end] == needle
    with pytest.raises(ValueError):
        map_clean_offset(article.kept, len(article.text) + 1)


# --- each kind of furniture, on fixtures with other outlets' furniture ---------


def test_clean_wire_story_every_kind() -> None:
    article = read_clean(DATA / "clean_wire_story.txt")
    found = removed_by(article)
    assert found["title"] == ["Harbour bridge closed after cracks found in main span"]
    assert len(found["repeated-headline"]) == 2  # one with a trailing counter, one inside the body
    assert found["dateline"] == ["MERIDIAN CITY, March 3, 2024 (Coastline Wire) —"]
    assert (article.outlet, article.published) == ("Coastline Wire", "2024-03-03")
    assert found["caption"][0].endswith("(AP Photo/Jane Roe)")
    assert found["photo-credit"] == ["Photograph: Sam Lee/Harbour Images"]
    assert len(article.captions) == 2
    assert found["related-link"] == ["Read more: Ferry fares to rise again next spring, operator warns"]
    assert sorted(found["headline-only-line"]) == [
        "Council Budget Row Deepens Over Pension Deficit",
        "What happens next",
    ]
    assert article.provenance == [found["syndication-notice"][0]]
    assert "Valley Ledger" in article.provenance[0]
    assert len(found["comment-form"]) == 2
    assert article.text.startswith("Engineers closed the Old Harbour Bridge")
    for gone in ("Read more", "Photograph", "Join the conversation", "republished", "What happens next"):
        assert gone not in article.text
    assert_offsets_exact(article)


def test_clean_keeps_reporting_without_a_full_stop() -> None:
    article = read_clean(DATA / "clean_wire_story.txt")
    # A cut-off line of 15+ words, and a short one ending "officials said": both reporting.
    assert "priced by independent engineers working for the council" in article.text
    assert "The repairs could take months, officials said" in article.text
    assert "A structural report is due within three weeks" in article.text


def test_clean_markdown_post() -> None:
    article = read_clean(DATA / "clean_blog_post.md")
    found = removed_by(article)
    assert found["title"] == ["# Night trains return to the northern line"]
    assert article.published == "2024-02-14" and found["dateline"] == ["Posted: 14 February 2024"]
    assert found["headline-only-line"] == ["## Why now"]
    assert found["related-link"][0].startswith("Also read |")
    assert found["caption"][0].endswith("Image: Northgate Rail Press Office")
    assert len(found["comment-form"]) == 3
    assert [s.text[:12] for s in article.kept] == ["The regional", "Ridership ha", "Tickets for "]
    assert_offsets_exact(article)


def test_clean_hard_wrapped_paragraphs_stay_whole() -> None:
    article = read_clean(DATA / "clean_hardwrapped.txt")
    assert article.title == ""
    assert [r.reason for r in article.removed] == ["outlet-tag"]
    assert article.outlet == "Gull News"
    assert len(article.kept) == 2  # two paragraphs, each one span
    assert "and less in summer\nunder the agreement" in article.kept[0].text
    assert article.kept[1].text.endswith("a steady income.")
    assert_offsets_exact(article)


@pytest.mark.parametrize(
    "line",
    [
        "Leave a Reply",
        "Leave a comment",
        "Post a comment",
        "12 Comments",
        "Comments (3)",
        "Your email address will not be published. Required fields are marked *",
        "Required fields are marked *",
        "You must be logged in to post a comment.",
        "Save my name, email, and website in this browser for the next time I comment.",
        "Notify me of follow-up comments by email.",
        "Cancel reply",
        "Name *",
    ],
)
def test_clean_comment_forms(line: str) -> None:
    article = article_from(f"{BODY}\n\n{SECOND}\n\n{line}")
    assert removed_by(article) == {"comment-form": [line]}
    assert article.text == f"{BODY}\n\n{SECOND}"


@pytest.mark.parametrize(
    "line",
    [
        "See also\u00a0 Ferry strike ends after two weeks",
        "SEE ALSO: Ferry strike ends after two weeks",
        "Also read: Why the ferry strike ended after two weeks",
        "Read more: Ferry strike ends after two weeks",
        "Related: Ferry strike ends after two weeks",
        "Related Articles",
        "You may also like",
    ],
)
def test_clean_related_links(line: str) -> None:
    article = article_from(f"{BODY}\n\n{line}\n\n{SECOND}")
    assert removed_by(article) == {"related-link": [line]}
    assert article.text == f"{BODY}\n\n{SECOND}"


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Firefighters at the scene of the blaze on Sunday. (Photo: Reuters)", "caption"),
        ("Firefighters at the scene of the blaze on Sunday (Photo: Reuters).", "caption"),
        ("Firefighters at the scene on Sunday. (Reuters/Ann Smith)", "caption"),
        ("The mayor visits the site on Monday. (AP Photo/Bob Lee)", "caption"),
        ("Firefighters at the scene. Photo: Jan Kowal", "caption"),
        ("Photo: Getty Images", "photo-credit"),
        ("(Image: Harbour Press)", "photo-credit"),
        ("Image source, Getty Images", "photo-credit"),
        ("Getty Images", "photo-credit"),
    ],
)
def test_clean_captions_and_credits(line: str, reason: str) -> None:
    article = article_from(f"{BODY}\n\n{line}\n\n{SECOND}")
    assert removed_by(article) == {reason: [line]}
    assert [c.text for c in article.captions] == [line]
    assert article.text == f"{BODY}\n\n{SECOND}"


def test_clean_credit_after_a_long_paragraph_cuts_only_the_credit() -> None:
    paragraph = f"{BODY} {SECOND} (Photo: Reuters)"
    article = article_from(f"{paragraph}\n\n{SECOND}")
    assert removed_by(article) == {"photo-credit": ["(Photo: Reuters)"]}
    assert article.kept[0].text == f"{BODY} {SECOND}"


@pytest.mark.parametrize(
    ("opening", "reason", "outlet", "published"),
    [
        ("(Dan Tri) – ", "outlet-tag", "Dan Tri", None),
        ("(Harbour Gazette) - ", "outlet-tag", "Harbour Gazette", None),
        (" date 2023-10-21 Islam Times - ", "dateline", "Islam Times", "2023-10-21"),
        ("Published 2024-01-05 Coast Post — ", "dateline", "Coast Post", "2024-01-05"),
        ("WASHINGTON (Reuters) - ", "dateline", "Reuters", None),
        ("GAZA CITY, Oct. 21, 2023 (AP) — ", "dateline", "AP", "2023-10-21"),
        ("Lisbon, 3 May 2024 (Lusa) – ", "dateline", "Lusa", "2024-05-03"),
        ("NAIROBI — ", "dateline", None, None),
    ],
)
def test_clean_datelines_and_outlet_tags(
    opening: str, reason: str, outlet: str | None, published: str | None
) -> None:
    article = article_from(f"{opening}{BODY}\n\n{SECOND}")
    found = removed_by(article)
    assert found == {reason: [opening.strip()]}
    assert (article.outlet, article.published) == (outlet, published)
    assert article.text == f"{BODY}\n\n{SECOND}"


def test_clean_dateline_does_not_override_known_metadata() -> None:
    article = Article(
        id="a1",
        source="t",
        title="",
        outlet="Known Outlet",
        published="2020-01-01",
        language="en",
        original=f"(Other Tag) – {BODY}",
    )
    clean_article(article)
    assert (article.outlet, article.published) == ("Known Outlet", "2020-01-01")
    assert article.text == BODY


@pytest.mark.parametrize(("tail", "outlet"), [("(RT, PC)", "RT"), ("(AFP)", "AFP"), ("/Xinhua/", "Xinhua")])
def test_clean_trailing_agency_tags(tail: str, outlet: str) -> None:
    article = article_from(f"{BODY}\n\n{SECOND}\n\n{tail}")
    assert removed_by(article) == {"outlet-tag": [tail]}
    assert article.outlet == outlet


def test_clean_agency_tag_closing_the_last_paragraph() -> None:
    article = article_from(f"{BODY}\n\n{SECOND} (Reuters)")
    assert removed_by(article) == {"outlet-tag": ["(Reuters)"]}
    assert article.outlet == "Reuters"
    assert article.text.endswith("library services.")


@pytest.mark.parametrize(
    "notice",
    [
        "(Other than the headline, this story has not been edited by Metro Daily staff and is "
        "auto-generated from a syndicated feed.)",
        "This article was originally published on The Conversation.",
        "This story first appeared in the Valley Ledger and is republished with permission.",
    ],
)
def test_clean_syndication_notice_becomes_provenance(notice: str) -> None:
    article = article_from(f"{BODY}\n\n{SECOND}\n\n{notice}")
    assert removed_by(article) == {"syndication-notice": [notice]}
    assert article.provenance == [notice]
    assert "published" not in article.text and "syndicated" not in article.text


def test_clean_syndication_notice_names_outlet() -> None:
    article = article_from(
        f"{BODY}\n\n(This story was not edited by Metro Daily staff; it comes from a syndicated feed.)"
    )
    assert article.outlet == "Metro Daily"


def test_clean_title_and_repeated_headline() -> None:
    title = "Council approves budget after long debate"
    text = f"{title}\n\n{title} 3\n\n{BODY}\n\n{title.upper()}\n\n{SECOND}"
    article = article_from(text, title=title)
    found = removed_by(article)
    assert found["title"] == [title]
    assert found["repeated-headline"] == [f"{title} 3", title.upper()]
    assert article.text == f"{BODY}\n\n{SECOND}"


def test_clean_repeated_headline_without_known_title() -> None:
    head = "Budget row deepens as council meets again over deficit and library cuts"
    article = article_from(f"{BODY}\n\n{head}\n\n{SECOND}\n\n{head}")
    assert removed_by(article) == {"repeated-headline": [head, head]}


@pytest.mark.parametrize(
    "line",
    [
        "‘Secret Talks’",
        "What Comes Next",
        "Ferry Operator Posts Record Loss as Fuel Costs Soar",
        "Ferry strike ends, says union leader",
        "Advertisement",
    ],
)
def test_clean_headline_only_lines(line: str) -> None:
    article = article_from(f"{BODY}\n\n{line}\n\n{SECOND}")
    assert removed_by(article) == {"headline-only-line": [line]}


@pytest.mark.parametrize(
    "line",
    [
        # reporting that merely lacks a full stop, or that looks a little like furniture
        "The ferry operator said fuel costs had risen by a third since spring and that fares would follow",
        "Late on Friday two more crew members were",
        "The talks will resume next week, officials said",
        "Related charges were filed against the two men on Tuesday.",
        "Comments made by the minister on Monday angered the union.",
        "The deal was signed by both sides (UK/France).",
        "Israel - which denies the claim - says the talks continue.",
        "NATO allies met in Brussels on Monday to discuss the plan.",
        "He said the photo: was taken in 2019 by a local resident.",
        "Also on Monday, the harbour master asked the ferry operator to explain the delay.",
        "Her letter, originally published in full on a local blog, was shared 20,000 times.",
    ],
)
def test_clean_keeps_reporting_lines(line: str) -> None:
    article = article_from(f"{BODY}\n\n{line}\n\n{SECOND}")
    assert article.removed == []
    assert line in article.text


def test_clean_never_empties_an_article_of_headline_shaped_lines() -> None:
    article = article_from("Ferry Strike Ends\n\nUnion Leaders Claim Victory")
    assert article.text == "Ferry Strike Ends\n\nUnion Leaders Claim Victory"
    empty = article_from("Leave a Reply\n\nYour email address will not be published.")
    assert empty.kept == [] and [w.kind for w in empty.warnings] == ["no-body"]


def test_clean_stage_cleans_every_article_and_is_repeatable() -> None:
    articles, skipped = read_sources([DATA / "clean_wire_story.txt", DATA / "clean_blog_post.md"])
    report: Report = prepare(articles, skipped)
    ctx = Context(report=report, options=Options())
    assert "article.text" in clean_articles.provides and "article.kept" in clean_articles.provides
    clean_articles(ctx)
    first = [(a.text, len(a.removed), list(a.provenance)) for a in report.articles]
    clean_articles(ctx)
    assert [(a.text, len(a.removed), list(a.provenance)) for a in report.articles] == first
    assert all(a.text for a in report.articles)


def test_clean_reason_strings_are_the_documented_ones() -> None:
    assert {
        rules.RELATED_LINK,
        rules.COMMENT_FORM,
        rules.REPEATED_HEADLINE,
        rules.CAPTION,
        rules.PHOTO_CREDIT,
        rules.OUTLET_TAG,
        rules.DATELINE,
        rules.SYNDICATION_NOTICE,
        rules.HEADLINE_ONLY_LINE,
        rules.TITLE,
    } == {
        "related-link",
        "comment-form",
        "repeated-headline",
        "caption",
        "photo-credit",
        "outlet-tag",
        "dateline",
        "syndication-notice",
        "headline-only-line",
        "title",
    }


# --- the seeds -------------------------------------------------------------------

# Short needles from real reporting sentences in each seed (file-name prefix -> needles).
# Each is checked against the seed file first, so a needle that is not in the seed fails loudly.
SEED_NEEDLES = {
    "000": ["Bloomberg news agency reported", "Ben LaBolt said in a statement", "17-year-old Natalie Raanan"],
    "001": ["did not immediately respond for comment", "This will not change the mission"],
    "002": ["Bloomberg reported", "more than 4,100 Palestinians martyred", "misheard the question"],
    "003": [
        "two American women were released",
        "Mr. Panikoff said",
        "helped us buy time",  # inside a cut-off line of reporting
        "Bloomberg cited knowledgeable sources",
    ],
    "004": ["Israel has mobilized 300,000 soldiers", "54 aid trucks", "two aircraft carrier groups"],
}


@pytest.fixture(scope="module")
def seed_articles(seeds_dir: Path) -> dict[str, Article]:
    articles, skipped = read_sources([seeds_dir])
    assert skipped == []
    report = prepare(articles, skipped)
    clean_articles(Context(report=report, options=Options()))
    return {Path(a.source).name[:3]: a for a in report.articles}


def test_clean_seeds_no_furniture_left(seed_articles: dict[str, Article]) -> None:
    for article in seed_articles.values():
        for furniture in (
            "Leave a Reply",
            "See also",
            "email address will not be published",
            "Required fields",
        ):
            assert furniture not in article.text, (article.source, furniture)
        assert_offsets_exact(article)
    removed = [r.reason for a in seed_articles.values() for r in a.removed]
    assert removed.count("comment-form") >= 6 and removed.count("related-link") >= 3


def test_clean_seeds_reporting_kept(seed_articles: dict[str, Article], seeds_dir: Path) -> None:
    for prefix, needles in SEED_NEEDLES.items():
        [path] = [p for p in seeds_dir.iterdir() if p.name.startswith(prefix)]
        raw = path.read_text(encoding="utf-8")
        for needle in needles:
            assert needle in raw, f"test needle {needle!r} is not in {path.name}"
            assert needle in seed_articles[prefix].text, f"reporting lost from {path.name}: {needle!r}"


def test_clean_seeds_syndication_notice_is_provenance(seed_articles: dict[str, Article]) -> None:
    noticed = [a for a in seed_articles.values() if a.provenance]
    assert len(noticed) == 1
    [article] = noticed
    assert "syndicated feed" in article.provenance[0]
    assert "syndicated" not in article.text
    assert article.outlet  # the notice names the outlet whose staff did not edit it


def test_clean_seeds_repeated_headline_removed(seed_articles: dict[str, Article]) -> None:
    repeated = [a for a in seed_articles.values() if any(r.reason == "repeated-headline" for r in a.removed)]
    assert repeated
    for article in seed_articles.values():
        if article.title:
            assert article.title not in article.text
            assert article.removed[0].reason == "title"


def test_clean_seeds_dateline_gives_outlet_and_date(seed_articles: dict[str, Article]) -> None:
    dated = [a for a in seed_articles.values() if any(r.reason == "dateline" for r in a.removed)]
    assert len(dated) == 1
    [article] = dated
    assert (article.outlet, article.published) == ("Islam Times", "2023-10-21")
    assert not article.text.lstrip().lower().startswith("date")
    tagged = [a for a in seed_articles.values() if any(r.reason == "outlet-tag" for r in a.removed)]
    assert all(a.outlet for a in tagged) and len(tagged) >= 2


def test_clean_seeds_against_annotated_furniture(seed_articles: dict[str, Article]) -> None:
    gold = json.loads((DATA / "clean_seed_furniture.json").read_text(encoding="utf-8"))
    score = empty_score()
    for prefix, article in seed_articles.items():
        score = score.add(score_removals(article.removed, gold[prefix]))
    assert score.annotated == sum(len(v) for k, v in gold.items() if k != "about")
    assert score.recall >= floor("clean_seed_furniture_recall"), score.missed
    assert score.precision >= floor("clean_seed_removal_precision"), [r.text for r in score.extra]


def test_clean_evaluate_scores_matches_and_misses() -> None:
    removed = [
        Removed("See also Other story", "related-link", 0, 20),
        Removed("Real line", "caption", 30, 39),
    ]
    score = score_removals(removed, [["See also", "related-link"], ["Leave a Reply", "comment-form"]])
    assert (score.matched, score.recall, score.precision) == (1, 0.5, 0.5)
    assert score.missed == [("Leave a Reply", "comment-form")] and score.extra == [removed[1]]
