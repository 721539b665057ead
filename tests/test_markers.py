"""Judgement words: attribution verbs, hedges, scare quotes, loaded words; BABE floors."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from conftest import build_article, floor, need_shared
from parallax.analysis.wording.markers import flag_markers, quotation_spans
from parallax.lexicons import LoadedLexicon, derive_babe_words, load_attribution_verbs, load_hedges
from parallax.model import Article, Claim, Mention

ROOT = Path(__file__).resolve().parent.parent


def make_article(aid: str, outlet: str, texts: list[str], names: tuple[str, ...] = ()) -> Article:
    return build_article(aid, texts, outlet=outlet, names=[(name, "GPE") for name in names])


LEXICON = LoadedLexicon(words={"brutal": "test", "slammed": "test"}, sources=["test lexicon"])


def kinds(markers, article_id: str, kind: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [m.text for m in markers if m.article == article_id and m.kind == kind]


def test_markers_judgement_verb_with_what_others_write() -> None:
    a1 = make_article("a1", "One", ["The mayor said the bridge was safe."])
    a2 = make_article("a2", "Two", ["The mayor claimed the bridge was safe."])
    claim = Claim(
        "c1",
        "The mayor said the bridge was safe.",
        ["a1", "a2"],
        ["One", "Two"],
        [
            Mention("a1", "a1:s0", a1.sentences[0].text, 0, 10),
            Mention("a2", "a2:s0", a2.sentences[0].text, 0, 10),
        ],
    )
    markers = flag_markers([a1, a2], claims=[claim], lexicon=LEXICON)
    (claimed,) = [m for m in markers if m.kind == "attribution"]
    assert claimed.article == "a2" and claimed.text == "claimed"
    assert a2.original[claimed.start : claimed.end] == "claimed"
    assert "'said'" in claimed.note and "One" in claimed.note
    assert kinds(markers, "a1", "attribution") == []  # "said" is neutral


def test_markers_claim_as_noun_is_not_an_attribution_verb() -> None:
    a1 = make_article("a1", "One", ["He rejected the claims of the council.", "These are false claims."])
    assert kinds(flag_markers([a1], lexicon=LEXICON), "a1", "attribution") == []


def test_markers_hedges_outside_quotations_only() -> None:
    a1 = make_article(
        "a1",
        "One",
        [
            "The ship reportedly sank.",
            "He said: “it allegedly sank near the pier.”",
            "Ten are believed to have died.",
        ],
    )
    hedges = kinds(flag_markers([a1], lexicon=LEXICON), "a1", "hedge")
    assert hedges == ["reportedly", "believed to have"]


def test_markers_scare_quotes_around_names_not_words_or_headings() -> None:
    a1 = make_article(
        "a1",
        "One",
        [
            "Troops of ‘Norland’ crossed the river.",
            "‘Norland’s’ allies stayed.",
            "They were ‘guests’ of the state.",
            "‘Secret Talks’",
        ],
        names=("Norland",),
    )
    scare = kinds(flag_markers([a1], lexicon=LEXICON), "a1", "scare-quote")
    assert scare == ["‘Norland’", "‘Norland’s’"]


def test_markers_loaded_words_distinctive_and_shared() -> None:
    a1 = make_article("a1", "One", ["A brutal storm hit the town.", "The mayor slammed the plan."])
    a2 = make_article("a2", "Two", ["A brutal storm hit the coast."])
    markers = flag_markers([a1, a2], lexicon=LEXICON)
    loaded = {(m.article, m.text): m.distinctive for m in markers if m.kind == "loaded"}
    assert loaded[("a1", "brutal")] is False and loaded[("a2", "brutal")] is False
    assert loaded[("a1", "slammed")] is True
    assert all(m.source for m in markers)


def test_markers_odd_input_no_sentences_and_one_sentence() -> None:
    empty = Article(id="a1", source="x", title="", outlet=None, published=None, language="en", original="")
    assert flag_markers([empty], lexicon=LEXICON) == []
    one = make_article(
        "a2", "Two", ["Officials insisted, reportedly, that ‘Norland’ was brutal."], names=("Norland",)
    )
    found = {m.kind for m in flag_markers([one], lexicon=LEXICON)}
    assert found == {"attribution", "hedge", "scare-quote", "loaded"}


def test_markers_quotation_spans_and_lexicon_files() -> None:
    assert quotation_spans("He said “we will stay here” today.") == [(8, 27)]
    verbs = load_attribution_verbs()
    assert verbs["claimed"].judgement and not verbs["said"].judgement
    assert "reportedly" in load_hedges()


def test_markers_babe_words_derived_from_rows() -> None:
    rows = [
        {"text": "The radical plan failed.", "biased_words": ["radical"]},
        {"text": "A radical idea won.", "biased_words": ["radical", "the"]},
        {"text": "The plan passed.", "biased_words": []},
    ]
    assert derive_babe_words(rows) == {"radical"}  # function words are left out, one-offs too


def load_bench():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("bench_babe", ROOT / "bench" / "babe.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_markers_babe_held_out_scores_meet_floors() -> None:
    path = need_shared("datasets", "babe", "sentences.jsonl")
    bench = load_bench()
    result = bench.evaluate_lexicon(bench.read_babe_rows(path))
    assert result["test"] > 500 and result["train"] > 4 * result["test"] - 10
    tokens = result["tokens_combined"]
    assert tokens["precision"] >= floor("babe_token_precision")
    assert tokens["recall"] >= floor("babe_token_recall")
    assert result["sentences_rule"]["macro_f1"] >= floor("babe_sentence_rule_macro_f1")


def test_markers_seeds_show_claimed_scare_quotes_and_hedges(seed_report) -> None:  # type: ignore[no-untyped-def]
    markers = seed_report.markers
    by_kind = {
        k: [m for m in markers if m.kind == k] for k in ("attribution", "hedge", "scare-quote", "loaded")
    }
    assert all(by_kind.values()), f"a marker kind is missing: { {k: len(v) for k, v in by_kind.items()} }"
    for m in markers:
        assert seed_report.article(m.article).original[m.start : m.end] == m.text
    claimed = [m for m in by_kind["attribution"] if m.text.lower() == "claimed"]
    assert claimed and any("said" in m.note for m in claimed)
    scare_outlets = {m.article for m in by_kind["scare-quote"]}
    assert len(scare_outlets) == 1  # only one outlet puts names in quote marks
