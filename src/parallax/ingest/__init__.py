"""Reading inputs into Articles: one module per format, one way in (``sources``).

Contract (used by parallax.analyze, the CLI, corpus ingest and the web upload):
- ``read_sources(sources) -> (articles, skipped)``: files, folders, URL lists and
  URLs, every input accounted for (``iter_sources`` streams the same).
- ``prepare(articles, skipped) -> Report``: ids assigned, notes added; ready for the pipeline.

Every file (and every record of a multi-record file) ends up either as an
Article or as a Skipped with its reason: an unsupported type, an empty, binary
or undecodable file, a record without text, or an exact duplicate of an
earlier input. See ``parallax.ingest.sources`` for the rules.
"""

from __future__ import annotations

from collections.abc import Sequence

from parallax.ingest.sources import READERS, drop_duplicates, iter_sources, read_file, read_sources
from parallax.model import Article, ArticleWarning, Report, Skipped

SINGLE_ARTICLE_NOTE = "only one article: nothing to compare"

__all__ = [
    "READERS",
    "describe_skipped",
    "drop_duplicates",
    "iter_sources",
    "prepare",
    "read_file",
    "read_sources",
]


def prepare(articles: list[Article], skipped: list[Skipped]) -> Report:
    """A Report ready for the pipeline: duplicates dropped (listed in ``skipped``), ids assigned."""
    unique, duplicates = drop_duplicates(articles)
    report = Report(articles=unique, skipped=list(skipped) + duplicates)
    taken = {a.id for a in unique if a.id}
    counter = 0
    for article in unique:
        if article.id:
            continue
        counter += 1
        while f"a{counter}" in taken:
            counter += 1
        article.id = f"a{counter}"
        taken.add(article.id)
    if len(unique) == 1:
        report.notes.append(SINGLE_ARTICLE_NOTE)
        only = unique[0]
        if not any(w.kind == "single-article" for w in only.warnings):
            only.warnings.append(ArticleWarning("single-article", SINGLE_ARTICLE_NOTE))
    return report


def describe_skipped(skipped: Sequence[Skipped], read_count: int) -> list[str]:
    """One message per skipped input, saying what went wrong and what happened to the rest."""
    if read_count == 0:
        rest = "no input could be read"
    elif read_count == 1:
        rest = "1 other input was read"
    else:
        rest = f"{read_count} other inputs were read"
    return [f"skipped '{s.source}': {s.reason}; {rest}" for s in skipped]
