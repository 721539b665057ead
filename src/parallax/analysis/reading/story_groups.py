"""Which inputs tell the same story: the report's articles grouped before claims are formed.

Articles are scored pair by pair exactly as story clustering scores them in the
store (``parallax.corpus.pairs``: the learned scorer's log-odds over title+lead
vector cosine, shared names, shared whole-text and lead terms, year conflicts and
dates, with the default ``ClusterSettings``; a pair in different languages on the
multilingual lead cosine, ``parallax.corpus.crosslingual``) and parted by average
linkage at the scorer's fitted threshold.
Names and terms are weighed by their document frequencies over the report's own
articles, so a feature only one article has counts for nothing: within a handful
of articles this favours keeping them together, and splitting needs articles
that share little beyond common words (two articles sharing any rare term stay
one story).

When there is more than one group, a note at the head of ``report.notes`` says
which articles the comparison covers and which were left out, and why; claims are
then formed within each group only (``claims.grouping``) and the summary covers
the largest group (``claims.summary``).
"""

from __future__ import annotations

import numpy as np

from parallax.corpus.crosslingual import cross_language_cosines, strip_function_words
from parallax.corpus.features import lead_text
from parallax.corpus.pairs import ClusterSettings, Lead, date_number, group_articles
from parallax.model import Report
from parallax.stage import Context, stage


def describe_groups(report: Report) -> str:
    """The note that says the inputs form several stories: which one is compared, which are left out."""
    groups = report.story_groups
    main = ", ".join(groups[0])
    others = []
    for group in groups[1:]:
        title = report.article(group[0]).title.strip() or "untitled"
        others.append(f'{", ".join(group)} ("{title}")')
    return (
        f"These {len(report.articles)} inputs form {len(groups)} stories; the comparison covers the "
        f"largest ({main}); left out: {'; '.join(others)}, because their wording shares too little "
        "with the largest story's to report the same event (claims are grouped within each story only)."
    )


@stage(
    requires=("article.text", "article.published", "article.language"),
    provides=("report.story_groups", "report.notes"),
)
def group_stories(ctx: Context) -> None:
    """Articles grouped into stories by the pair scores of corpus clustering; several are noted first."""
    report = ctx.report
    articles = report.articles
    if len(articles) < 2:
        report.story_groups = [[a.id for a in articles]] if articles else []
        return
    settings = ClusterSettings()
    leads = [  # a foreign article's function words left out of its names and terms
        Lead(
            strip_function_words(a.title, a.language),
            strip_function_words(a.text, a.language),
            date_number(a.published),
        )
        for a in articles
    ]
    vectors = np.asarray(
        ctx.resources.embed([lead_text(a.title, a.text, settings.lead_chars) for a in articles])
    )
    cross = cross_language_cosines(  # articles in different languages: the multilingual lead cosine
        [a.language for a in articles], [lead_text(a.title, a.text, settings.lead_chars) for a in articles]
    )
    positions = group_articles(settings, leads, vectors, cross)
    report.story_groups = [[articles[p].id for p in group] for group in positions]
    if len(report.story_groups) > 1:
        report.notes.insert(0, describe_groups(report))
