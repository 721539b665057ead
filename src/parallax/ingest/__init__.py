"""Reading inputs into Articles: one module per format.

Contract (used by parallax.analyze and the CLI):
- ``read_paths(paths) -> (articles, skipped)``: files and folders, every input accounted for.
- ``prepare(articles, skipped) -> Report``: ids assigned, notes added; ready for the pipeline.
"""

from __future__ import annotations

from collections.abc import Sequence
from os import PathLike
from pathlib import Path

from parallax.model import Article, Report, Skipped, Span


def read_paths(paths: Sequence[str | PathLike[str]]) -> tuple[list[Article], list[Skipped]]:
    # Placeholder reader for .txt files; the ingest helper replaces this.
    articles: list[Article] = []
    skipped: list[Skipped] = []
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files.extend(sorted(f for f in p.rglob("*") if f.is_file()))
        elif p.is_file():
            files.append(p)
        else:
            skipped.append(Skipped(str(p), "no such file or folder"))
    for f in files:
        text = f.read_text(encoding="utf-8", errors="replace")
        articles.append(Article(id="", source=str(f), title="", outlet=None, published=None,
                                language="en", original=text))
    return articles, skipped


def prepare(articles: list[Article], skipped: list[Skipped]) -> Report:
    report = Report(articles=list(articles), skipped=list(skipped))
    for i, a in enumerate(report.articles, 1):
        if not a.id:
            a.id = f"a{i}"
        if not a.kept:
            a.kept = [Span(0, len(a.original), a.original)]
            a.text = a.original
    return report
