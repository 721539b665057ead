"""The ordered stages of an analysis, read top to bottom.

1. clean_articles     take page furniture out of each body, keep it listed with its reason
2. split_sentences    sentences and named entities (spaCy), offsets into the original text
   detect_reuse         passages shared between article pairs, word swaps, who copied whom
   find_syndication     syndication notices, near-identical articles, agency stories
   find_cited_sources   whom each article cites: outlets, named people, anonymous sources
3. embed_sentences    sentence vectors (all-MiniLM-L6-v2 where a claim may need one; static model first)
   group_stories      which inputs tell the same story (corpus clustering's pair scores); several are noted
4. group_claims       sentences from different articles (of one story) that state the same fact -> claims
   match_entities       people, organisations, places merged across articles by name variants
   flag_damage          garbled quotes, truncated or unparsable sentences, odd name spellings
   flag_judgement_words judgement-laden attribution verbs, hedges, scare quotes, loaded words
   count_independent_sources  per claim: independent sources (copies and shared origins count once)
   build_dated_timeline  dated events (explicit, weekday, relative dates); infers missing article dates
   compare_quote_wording  direct quotes with speakers; the same quote verbatim, reworded or paraphrased
   compare_numbers      quantities with what they count; figures that agree, update or differ across outlets
   judge_agreement      per multi-outlet claim: agreed, or contested (figures, negation, actors, speaker)
   compare_word_choice  how each outlet names the same referent (aligned claims, entities, aligned numbers)
5. compare_coverage   per article: exclusive claims and well-supported claims it omits
6. summarise          a neutral summary from the best-supported claims, with citations
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from parallax.contracts import check_contracts
from parallax.model import Report
from parallax.options import Options
from parallax.stage import Context, Stage

if TYPE_CHECKING:
    from parallax.nlp.cache import AnalysisCache


def default_stages() -> list[Stage]:
    from parallax.analysis.claims.agreement import judge_agreement
    from parallax.analysis.claims.coverage import compare_coverage
    from parallax.analysis.claims.grouping import group_claims
    from parallax.analysis.claims.independence import count_independent_sources
    from parallax.analysis.claims.summary import summarise
    from parallax.analysis.details.numbers import compare_numbers
    from parallax.analysis.details.quotes import compare_quote_wording
    from parallax.analysis.details.timeline import build_dated_timeline
    from parallax.analysis.provenance.reuse import detect_reuse
    from parallax.analysis.provenance.sources import find_cited_sources
    from parallax.analysis.provenance.syndication import find_syndication
    from parallax.analysis.reading.embed import embed_sentences
    from parallax.analysis.reading.sentences import split_sentences
    from parallax.analysis.reading.story_groups import group_stories
    from parallax.analysis.wording.damage import flag_damage
    from parallax.analysis.wording.entities import match_entities
    from parallax.analysis.wording.framing import compare_word_choice
    from parallax.analysis.wording.markers import flag_judgement_words
    from parallax.clean.furniture import clean_articles

    return [
        clean_articles,
        split_sentences,
        detect_reuse,
        find_syndication,
        find_cited_sources,
        embed_sentences,
        group_stories,
        group_claims,
        match_entities,
        flag_damage,
        flag_judgement_words,
        count_independent_sources,
        build_dated_timeline,
        compare_quote_wording,
        compare_numbers,
        judge_agreement,
        compare_word_choice,
        compare_coverage,
        summarise,
    ]


def build(stages: Sequence[Stage]) -> list[Stage]:
    """Check the stages' contracts: every path names a model field, and every field a stage
    needs is given by the input or provided by an earlier stage (``parallax.contracts``)."""
    check_contracts(stages)
    return list(stages)


def run(
    report: Report,
    options: Options,
    stages: Sequence[Stage] | None = None,
    *,
    cache: AnalysisCache | None = None,
) -> Report:
    """Run the stages over a report whose articles are already read; sentence vectors and parses
    found in ``cache`` are reused, and those computed are added to it."""
    ctx = Context(report=report, options=options, cache=cache)
    for st in build(stages if stages is not None else default_stages()):
        began = time.perf_counter()
        st(ctx)
        report.timings[st.name] = round(time.perf_counter() - began, 4)
        report.stages.append(st.name)
    return report


def describe_stages(stages: Sequence[Stage] | None = None) -> list[tuple[str, str, str, str]]:
    """(name, needs, provides, one-line description) per stage, in order, after checking the contracts."""
    checked = build(stages if stages is not None else default_stages())
    return [(st.name, ", ".join(st.requires), ", ".join(st.provides), st.description) for st in checked]
