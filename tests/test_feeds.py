"""RSS and Atom feeds: entries become articles; broken feeds give clear errors."""

from __future__ import annotations

from pathlib import Path

from parallax.ingest.feeds import html_to_text, read_feed, read_feed_bytes
from parallax.model import Article, Skipped

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Harbour Gazette</title><link>https://gazette.example/</link>
<item><title>Ferry strike ends</title><link>https://gazette.example/ferry</link><guid>g-1</guid>
<pubDate>Tue, 05 Mar 2024 09:30:00 GMT</pubDate>
<description>&lt;p&gt;The ferry crews voted to return to work on Tuesday after a five-day strike.&lt;/p&gt;&lt;p&gt;Sailings resume at noon.&lt;/p&gt;</description></item>
<item><title>Headline only</title><link>https://gazette.example/empty</link><description></description></item>
</channel></rss>"""  # noqa: E501

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Valley Times</title><id>urn:vt</id><updated>2024-03-06T00:00:00Z</updated>
<entry><title>Bridge reopens</title><id>urn:vt:1</id><link href="https://vt.example/bridge"/>
<updated>2024-03-06T08:00:00Z</updated><summary>Short summary.</summary>
<content type="html">&lt;p&gt;The old stone bridge reopened to traffic on Wednesday after two years of repairs.&lt;/p&gt;</content></entry>
</feed>"""  # noqa: E501


def articles_and_errors(items: list[Article | Skipped]) -> tuple[list[Article], list[Skipped]]:
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, Skipped)]


def test_feeds_rss_entries_become_articles(tmp_path: Path) -> None:
    path = tmp_path / "gazette.rss"
    path.write_text(RSS, encoding="utf-8")
    articles, errors = articles_and_errors(list(read_feed(path)))
    (ferry,) = articles
    assert ferry.title == "Ferry strike ends" and ferry.outlet == "Harbour Gazette"
    assert ferry.published == "2024-03-05" and ferry.meta["url"] == "https://gazette.example/ferry"
    assert ferry.meta["input_id"] == "g-1"
    assert (
        ferry.original == "The ferry crews voted to return to work on Tuesday after a five-day strike."
        "\n\nSailings resume at noon."
    )
    (empty,) = errors
    assert "no article text" in empty.reason
    assert "https://gazette.example/empty" in empty.reason


def test_feeds_atom_prefers_full_content_over_summary() -> None:
    articles, errors = articles_and_errors(list(read_feed_bytes(ATOM.encode(), "vt.atom")))
    assert not errors
    (bridge,) = articles
    assert bridge.original.startswith("The old stone bridge reopened") and bridge.published == "2024-03-06"
    assert bridge.outlet == "Valley Times"


def test_feeds_broken_feed_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.xml"
    path.write_bytes(b"\x00\x01 this is not xml at all <<<")
    articles, errors = articles_and_errors(list(read_feed(path)))
    assert not articles and len(errors) == 1
    assert errors[0].reason.startswith("not a readable RSS or Atom feed")


def test_feeds_truncated_feed_keeps_readable_entries_and_notes_the_damage() -> None:
    cut = RSS[: RSS.index("<item><title>Headline only")]  # ends inside the channel, no closing tags
    articles, errors = articles_and_errors(list(read_feed_bytes(cut.encode(), "cut.rss")))
    assert [a.title for a in articles] == ["Ferry strike ends"]
    assert any("malformed" in e.reason for e in errors)


def test_feeds_missing_file_is_reported(tmp_path: Path) -> None:
    (error,) = list(read_feed(tmp_path / "absent.rss"))
    assert isinstance(error, Skipped) and "cannot read the feed" in error.reason


def test_feeds_html_to_text_drops_markup_and_scripts() -> None:
    assert html_to_text("<p>One &amp; two</p><script>alert(1)</script><p>Three</p>") == "One & two\n\nThree"
