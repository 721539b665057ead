"""Text reuse: shared passages, systematic swaps, direction (analysis/provenance/reuse.py)."""

from __future__ import annotations

from parallax.analysis.provenance.reuse import compare_pair, find_reuse, tokenize_article
from parallax.model import Article, ReusePair

# A fictional story written for these tests.
ORIGINAL = (
    "The harbour council closed the old ferry terminal on Tuesday after engineers found cracks in the pier. "
    "Commuters were told to use the temporary ferry landing at Mill Point until further notice. "
    "The council said repairs to the pier would take at least six weeks and cost two million dollars. "
    "Local traders warned that the closure of the ferry terminal would cut the number of visitors "
    "to the market. "
    "A spokesperson for the council said the safety of passengers came before everything else. "
    "Engineers will begin work on the foundations next Monday, weather permitting."
)
# A rewrite: "council" -> "municipal authority", "ferry" -> "boat" throughout, paragraphs reordered,
# one sentence added, one dropped.
REWRITE = (
    "Local traders warned that the closure of the boat terminal would cut the number of visitors "
    "to the market. "
    "The harbour municipal authority closed the old boat terminal on Tuesday after engineers found "
    "cracks in the pier. "
    "Commuters were told to use the temporary boat landing at Mill Point until further notice. "
    "Critics have long accused the port administration of neglecting the waterfront. "
    "The municipal authority said repairs to the pier would take at least six weeks and cost "
    "two million dollars. "
    "A spokesperson for the municipal authority said the safety of passengers came before everything else."
)
# The same event, reported independently in other words.
INDEPENDENT = (
    "Cracks discovered beneath the Mill Point jetty forced officials to shut the ferry terminal this week. "
    "The council expects six weeks of work and a bill near two million dollars, according to a statement. "
    "Market stallholders fear fewer shoppers while the ferry service is diverted."
)
UNRELATED = (
    "The city orchestra announced a new season of concerts featuring young composers from the region. "
    "Tickets go on sale next month, and students will be admitted free on Thursday evenings. "
    "The conductor said she hoped the programme would bring new audiences to the concert hall."
)


def make(article_id: str, text: str, published: str | None = None) -> Article:
    return Article(
        id=article_id,
        source=f"{article_id}.txt",
        title="",
        outlet=f"Outlet {article_id}",
        published=published,
        language="en",
        original=text,
    )


def test_reuse_finds_rewrite_with_substitutions() -> None:
    a, b = make("a1", ORIGINAL), make("a2", REWRITE)
    pair, _ = compare_pair(a, b)
    assert pair is not None
    assert pair.kind == "rewrite"
    assert pair.score > 0.6
    swaps = {(s.a_words.lower(), s.b_words.lower()) for s in pair.substitutions}
    assert ("ferry", "boat") in swaps
    assert ("council", "municipal authority") in swaps
    assert all(s.count >= 1 and len(s.a_starts) == s.count for s in pair.substitutions)


def test_reuse_spans_point_into_original_text() -> None:
    a, b = make("a1", ORIGINAL), make("a2", REWRITE)
    pair, _ = compare_pair(a, b)
    assert pair is not None and len(pair.spans) >= 3  # reordering splits the text into several passages
    for span in pair.spans:
        assert a.original[span.a_start : span.a_end] == span.a_text
        assert b.original[span.b_start : span.b_end] == span.b_text
    for s in pair.substitutions:
        for start in s.b_starts:
            assert b.original[start:].lower().startswith(s.b_words.lower().split()[0])


def test_reuse_reordered_passage_is_found() -> None:
    a, b = make("a1", ORIGINAL), make("a2", REWRITE)
    pair, _ = compare_pair(a, b)
    assert pair is not None
    traders = ORIGINAL.index("Local traders")
    assert any(s.a_start <= traders < s.a_end and s.b_start == 0 for s in pair.spans)


def test_reuse_unrelated_and_independent_pairs_are_not_copies() -> None:
    pairs = find_reuse([make("a1", ORIGINAL), make("a3", INDEPENDENT), make("a4", UNRELATED)])
    assert all(p.score < 0.2 for p in pairs)
    assert not any({p.a, p.b} == {"a1", "a4"} for p in pairs)


def test_reuse_direction_from_other_articles_vocabulary() -> None:
    # The independent report uses "ferry" and "council": the rewrite's words are its own.
    pairs = find_reuse([make("a1", ORIGINAL), make("a2", REWRITE), make("a3", INDEPENDENT)])
    top = pairs[0]
    assert {top.a, top.b} == {"a1", "a2"}
    assert top.source == "a1" and top.copy == "a2"
    assert 0 < top.confidence <= 1
    assert any("words" in e for e in top.evidence)


def test_reuse_direction_from_publication_date() -> None:
    text = ORIGINAL + " The mayor visited the site."
    pairs = find_reuse([make("x", text, "2024-05-02"), make("y", ORIGINAL, "2024-05-01")])
    assert pairs and pairs[0].source == "y"
    assert any("earlier" in e for e in pairs[0].evidence)


def test_reuse_tokens_skip_removed_furniture() -> None:
    from parallax.model import Span

    text = "Read more: unrelated teaser\n" + ORIGINAL
    article = make("a1", text)
    start = text.index("The harbour")
    article.kept = [Span(start, len(text), text[start:])]
    words = [t.norm for t in tokenize_article(article)]
    assert "teaser" not in words and words[0] == "the"
    assert all(text[t.start : t.end].lower().replace("’", "'") == t.norm for t in tokenize_article(article))


def test_reuse_seeds_name_the_rewritten_pair(seed_report) -> None:  # type: ignore[no-untyped-def]
    top = seed_report.reuse[0]
    sources = {seed_report.article(top.a).source, seed_report.article(top.b).source}
    assert top.score >= 0.5
    assert top.substitutions, "the rewritten copy swaps words systematically"
    copy_words = {s.b_words.lower() if top.b == top.copy else s.a_words.lower() for s in top.substitutions}
    assert top.copy is not None and copy_words
    # the pair shares far more than any other pair
    assert all(p.score < top.score / 2 for p in seed_report.reuse[1:])
    assert len(sources) == 2


def test_reuse_find_runs_same_with_prebuilt_indexes() -> None:
    from parallax.analysis.provenance.reuse import find_runs, index_grams

    a = tokenize_article(make("x", "one two three four five six seven one two three eight nine ten"))
    b = tokenize_article(make("y", "zero one two three four five six nine ten eleven one two three eight"))
    built = find_runs(a, b, a_index=index_grams(a), b_index=index_grams(b))
    assert built == find_runs(a, b)
    assert (built[0].a0, built[0].a1, built[0].b0, built[0].b1) == (0, 6, 1, 7)


def test_reuse_pairs_read_back_from_the_cache_when_one_article_joins() -> None:
    from dataclasses import asdict

    from parallax.nlp.cache import MemoryCache

    def story(*texts: tuple[str, str, str | None]) -> list[Article]:
        return [make(article_id, text, date) for article_id, text, date in texts]

    first = story(("a1", ORIGINAL, "2024-05-01"), ("a2", REWRITE, "2024-05-02"), ("a3", INDEPENDENT, None))
    joined = [*first, make("a4", ORIGINAL.replace("Tuesday", "Wednesday"), "2024-05-03")]
    cache = MemoryCache()
    find_reuse(first, cache=cache)
    assert cache.stats.misses["reuse-pair:" + kind_digest()] == 3
    warm = find_reuse(joined, cache=cache)
    pairs = "reuse-pair:" + kind_digest()
    assert (cache.stats.hits[pairs], cache.stats.misses[pairs]) == (3, 3 + 3)  # only a4's pairs aligned
    cold = find_reuse(joined)

    def dump(pairs: list[ReusePair]) -> list[dict[str, object]]:
        return [asdict(p) for p in pairs]

    assert dump(warm) == dump(cold)
    assert any(p.a == "a1" and p.b == "a4" for p in warm)  # the joined article's pairs are there
    # A changed article is a different key: its pairs are aligned again, not read back.
    edited = [*first[:2], make("a3", INDEPENDENT + " The ferry reopens in June.", None), joined[3]]
    before = cache.stats.misses[pairs]
    assert dump(find_reuse(edited, cache=cache)) == dump(find_reuse(edited))
    assert cache.stats.misses[pairs] - before == 3  # the pairs holding a3


def kind_digest() -> str:
    from parallax.nlp.article_cache import code_digest

    return code_digest()


def test_reuse_tokens_survive_their_compact_encoding() -> None:
    from parallax.analysis.provenance.reuse_cache import decode_tokens, encode_tokens

    article = make("a1", "L’Oréal’s chief said: “naïve” — 12 of 3,000 ÉTÉ workers.\n\nThen\tmore")
    tokens = tokenize_article(article)
    assert tokens and decode_tokens(encode_tokens(tokens)) == tokens
    assert decode_tokens(encode_tokens([])) == []
