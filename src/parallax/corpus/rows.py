"""The plain records the corpus store reads and writes (no I/O here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from parallax.model import Article


def article_key(input_id: str | None, row_id: int) -> str:
    """An article's id everywhere outside the store: its input id where one was given, else ``a<row id>``.

    Story listings, exports and story reports all use it, so an article reads the same in each.
    """
    return input_id or f"a{row_id}"


@dataclass
class StoredArticle:
    """One article row of the corpus."""

    id: int
    input_id: str | None
    content_hash: str
    source: str
    url: str | None
    outlet: str | None
    published: str | None
    title: str
    text: str
    language: str | None
    meta: dict[str, Any]
    story_id: int | None = None
    dup_of: int | None = None

    @property
    def key(self) -> str:
        """The id shown to users and used in reports (``article_key``)."""
        return article_key(self.input_id, self.id)

    def to_article(self) -> Article:
        """A model Article for ``parallax.analyze`` (its id is the input id where one was given)."""
        meta = dict(self.meta)
        meta.setdefault("corpus_id", self.id)
        if self.url:
            meta.setdefault("url", self.url)
        return Article(
            id=self.key,
            source=self.source,
            title=self.title,
            outlet=self.outlet,
            published=self.published,
            language=self.language or "en",
            original=self.text,
            meta=meta,
        )


@dataclass
class AddOutcome:
    """What storing a batch of articles did."""

    added: list[int] = field(default_factory=list)  # row ids of new articles
    duplicates: int = 0  # same content already stored
    conflicts: list[str] = field(default_factory=list)  # input ids already stored with other content


@dataclass
class StoryRecord:
    """One story row as listed by ``parallax stories``."""

    id: str
    title: str
    size: int
    outlets: list[str]
    first: str | None
    last: str | None
    status: str
    analysed: bool = False
    article_ids: list[str] = field(default_factory=list)
    analysis: str = "none"  # current, stale, pending, failed, none (parallax.corpus.queue)
    digest: dict[str, Any] | None = None  # what the stored analysis found (parallax.corpus.digest)
    coverage: dict[str, Any] | None = None  # who covers it, by leaning, country, owner (corpus.coverage)
    blindspot: dict[str, Any] | None = None  # the side that barely covers it (corpus.coverage)
    dates_missing: int = 0  # members without a publication date: placed on content alone

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "size": self.size,
            "outlets": self.outlets,
            "first": self.first,
            "last": self.last,
            "analysed": self.analysed,
            "article_ids": self.article_ids,
            "analysis": self.analysis,
            "digest": self.digest,
            "coverage": self.coverage,
            "blindspot": self.blindspot,
            "dates_missing": self.dates_missing,
        }


@dataclass
class ClusterBatch:
    """Everything one clustering batch changes, written in one transaction."""

    new_stories: list[int] = field(default_factory=list)
    features: list[tuple[int, bytes, bytes, str]] = field(default_factory=list)
    assigned: dict[int, tuple[int, int | None]] = field(default_factory=dict)  # article -> (story, dup of)
    moved: dict[int, int] = field(default_factory=dict)  # article -> new story (merges, splits)
    merged: dict[int, int] = field(default_factory=dict)  # story -> story it was merged into
    checked: dict[int, int] = field(default_factory=dict)  # story -> size at its last split check
    events: list[tuple[str, int, int | None, int | None, dict[str, Any]]] = field(default_factory=list)
    touched: set[int] = field(default_factory=set)
