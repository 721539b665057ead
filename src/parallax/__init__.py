"""Parallax: compare several outlets' reports of one story.

>>> import parallax
>>> report = parallax.analyze(["story/"])          # paths, or Article objects
>>> [c.text for c in report.claims if len(c.outlets) > 1]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from os import PathLike
from typing import TYPE_CHECKING

from parallax.model import Article, Claim, Report, Skipped
from parallax.options import Options
from parallax.stage import Stage

if TYPE_CHECKING:
    from parallax.nlp.cache import AnalysisCache

__all__ = ["Article", "Claim", "Options", "Report", "Skipped", "__version__", "analyze"]
__version__ = "0.1.0"


def analyze(
    articles: Iterable[Article | str | PathLike[str]],
    options: Options | None = None,
    *,
    stages: Sequence[Stage] | None = None,
    cache: AnalysisCache | None = None,
) -> Report:
    """Analyse several reports of one story.

    ``articles`` holds Article objects and/or sources: paths (files or folders)
    and http(s) URLs given as strings, read as ``parallax analyze`` and
    ``parallax ingest`` read them (``parallax.ingest.read_sources``). Inputs that cannot be read are listed in
    ``Report.skipped`` with their reason. Raises NothingToAnalyse when no input
    could be read at all. ``cache`` (``parallax.nlp.cache``) keeps sentence vectors and parses
    across calls: what it holds is reused, what is computed is added.
    """
    from parallax import pipeline
    from parallax.errors import NothingToAnalyse
    from parallax.ingest import prepare, read_sources

    given: list[Article] = []
    sources: list[str | PathLike[str]] = []
    for item in articles:
        (given if isinstance(item, Article) else sources).append(item)  # type: ignore[arg-type]
    read, skipped = read_sources(sources) if sources else ([], [])
    report = prepare(given + read, skipped)
    if not report.articles:
        reasons = "; ".join(f"{s.source}: {s.reason}" for s in report.skipped) or "no inputs given"
        raise NothingToAnalyse(f"nothing could be analysed ({reasons})")
    return pipeline.run(report, options or Options(), stages, cache=cache)
