"""Reading inputs into Articles: one module per format.

Contract (used by parallax.analyze and the CLI):
- ``read_paths(paths) -> (articles, skipped)``: files and folders, every input accounted for.
- ``prepare(articles, skipped) -> Report``: ids assigned, notes added; ready for the pipeline.

Folders are read recursively in sorted order, so the same inputs always give the
same articles in the same order. Every file (and every record of a multi-record
file) ends up either as an Article or as a Skipped with its reason: an
unsupported type, an empty, binary or undecodable file, a record without text,
or an exact duplicate of an earlier input.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from os import PathLike
from pathlib import Path

from parallax.clean.normalise import normalise_for_matching
from parallax.ingest.decode import UnreadableInput, decode_bytes
from parallax.ingest.html import read_html
from parallax.ingest.jsonl import read_json, read_jsonl
from parallax.ingest.text import read_text
from parallax.model import Article, ArticleWarning, Report, Skipped

Reader = Callable[[str, str], tuple[list[Article], list[Skipped]]]

READERS: dict[str, Reader] = {
    ".txt": read_text,
    ".md": read_text,
    ".markdown": read_text,
    ".html": read_html,
    ".htm": read_html,
    ".json": read_json,
    ".jsonl": read_jsonl,
}
SINGLE_ARTICLE_NOTE = "only one article: nothing to compare"

__all__ = ["READERS", "describe_skipped", "drop_duplicates", "prepare", "read_file", "read_paths"]


def read_paths(paths: Sequence[str | PathLike[str]]) -> tuple[list[Article], list[Skipped]]:
    """Read files and folders (recursively, sorted) into Articles; list what could not be read."""
    articles: list[Article] = []
    skipped: list[Skipped] = []
    for given in paths:
        for path, problem in _expand(Path(given)):
            if problem:
                skipped.append(Skipped(str(path), problem))
                continue
            read, failed = read_file(path)
            articles.extend(read)
            skipped.extend(failed)
    unique, duplicates = drop_duplicates(articles)
    return unique, skipped + duplicates


def read_file(path: Path) -> tuple[list[Article], list[Skipped]]:
    """Read one file with the reader its extension names (a key of READERS)."""
    source = str(path)
    # A two-part suffix (".warc.gz") is looked up before the last one (".gz").
    double = "".join(path.suffixes[-2:]).lower()
    reader = READERS.get(double) or READERS.get(path.suffix.lower())
    if reader is None:
        kind = f"'{path.suffix}'" if path.suffix else "without an extension"
        supported = ", ".join(sorted(READERS))
        return [], [Skipped(source, f"unsupported file type {kind} (supported: {supported})")]
    try:
        data = path.read_bytes()
    except OSError as exc:
        return [], [Skipped(source, f"cannot read the file ({exc.strerror or exc})")]
    try:
        text = decode_bytes(data)
    except UnreadableInput as exc:
        return [], [Skipped(source, str(exc))]
    return reader(text, source)


def drop_duplicates(articles: Sequence[Article]) -> tuple[list[Article], list[Skipped]]:
    """Keep the first of articles whose normalised text is identical; skip the rest, naming the first."""
    first_source: dict[str, str] = {}
    unique: list[Article] = []
    skipped: list[Skipped] = []
    for article in articles:
        key = normalise_for_matching(article.original)
        if key in first_source:
            skipped.append(Skipped(article.source, f"duplicate of '{first_source[key]}' (same text)"))
            continue
        first_source[key] = article.source
        unique.append(article)
    return unique, skipped


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


def _expand(path: Path) -> list[tuple[Path, str]]:
    """The files under a path, in sorted order, each with a problem ('' when readable)."""
    if path.is_file():
        return [(path, "")]
    if not path.is_dir():
        if path.exists():
            return [(path, "not a regular file or folder")]
        return [(path, "no such file or folder")]
    found: list[tuple[Path, str]] = []
    for root, dirs, files in os.walk(path):
        here = Path(root)
        hidden = sorted(d for d in dirs if d.startswith("."))
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        entries = [(here / d, "hidden folder, not read") for d in hidden]
        for name in sorted(files):
            problem = "hidden file, not read" if name.startswith(".") else ""
            entries.append((here / name, problem))
        found.extend(entries)
    found.sort(key=lambda item: item[0].parts)
    if not found:
        return [(path, "empty folder: no files in it")]
    return found
