"""Languages beyond English: detection, the fr/de/es text layer, and the multilingual cascade."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from parallax.analysis.details.quotes import scan_marks
from parallax.ingest.common import detect_language
from parallax.model import ArticleWarning
from parallax.nlp.multilingual import identify_language
from parallax.text.dates import find_date_expressions
from parallax.text.languages import localise, split_sentences_by_rule
from parallax.text.numbers import find_numbers, list_values

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "calder-cable-car"


def test_languages_detects_each_language() -> None:
    assert detect_language("Le conseil municipal a voté mardi la fermeture du pont pour trois mois.") == "fr"
    assert detect_language("El ayuntamiento aprobó el martes cerrar el puente durante tres meses.") == "es"
    assert detect_language("Der Gemeinderat hat am Dienstag beschlossen, die Brücke zu sperren.") == "de"


def test_languages_mixed_article_takes_main_language() -> None:
    french = "Le maire a annoncé la fermeture du pont. Les travaux dureront trois mois et coûteront cher."
    text = f"{french}\n\nThe mayor said so on Tuesday.\n\n{french}"
    assert identify_language(text) == "fr"


@pytest.mark.parametrize(
    ("text", "language", "value", "bound"),
    [
        ("Mehr als 4.100 Menschen flohen.", "de", 4100.0, "lower"),
        ("Plus de 4 100 personnes ont fui.", "fr", 4100.0, "lower"),
        ("Más de 200 personas huyeron.", "es", 200.0, "lower"),
        ("Es kostete 2,5 Millionen Euro.", "de", 2_500_000.0, "exact"),
        ("More than 4,100 people fled.", "en", 4100.0, "lower"),
    ],
)
def test_languages_numbers_by_language(text: str, language: str, value: float, bound: str) -> None:
    found = find_numbers(text, language)
    assert [(f.value, f.bound) for f in found] == [(value, bound)]
    assert text[found[0].start : found[0].end].split()[0].lower() in {"mehr", "plus", "más", "2,5", "more"}


def test_languages_number_separators_differ() -> None:
    assert list_values("4.100", "de") == [4100.0]
    assert list_values("4.100", "en") == [4.1]
    assert list_values("4,5", "es") == [4.5]


@pytest.mark.parametrize(
    ("text", "language", "expression"),
    [
        ("Die Bahn öffnete am 20. Oktober 2025 wieder.", "de", "20. Oktober 2025"),
        ("Le pont a fermé le 20 octobre 2026.", "fr", "20 octobre 2026"),
        ("El puente cerró el 20 de octubre de 2026.", "es", "20 de octubre de 2026"),
    ],
)
def test_languages_dates_by_language(text: str, language: str, expression: str) -> None:
    found = [e for e in find_date_expressions(text, language) if e.how == "explicit"]
    assert [(e.expression, e.day, e.month, e.year) for e in found] == [
        (expression, 20, 10, int(expression[-4:]))
    ]
    assert text[found[0].start : found[0].end] == expression


def test_languages_localise_keeps_english_unchanged() -> None:
    text = "More than 4.100 people, mehr als"
    assert localise(text, "en").text == text


def test_languages_rule_splitter_keeps_german_ordinal_dates() -> None:
    text = "Der Rat tagte am 20. Oktober. Dr. Meier sagte: „Wir sind bereit.“ Danach ging er."
    parts = [text[a:b] for a, b in split_sentences_by_rule(text, "de")]
    assert parts == [
        "Der Rat tagte am 20. Oktober.",
        "Dr. Meier sagte: „Wir sind bereit.“",
        "Danach ging er.",
    ]


@pytest.mark.parametrize(
    ("text", "language", "inner"),
    [
        ("„Alle sind in Sicherheit“, sagte sie.", "de", "Alle sind in Sicherheit"),
        ("« Tout le monde est sauf », a-t-elle dit.", "fr", " Tout le monde est sauf "),
        ("«Todos están a salvo», dijo.", "es", "Todos están a salvo"),
        ("Er sagte ‚nie wieder‘ und ging.", "de", "nie wieder"),
    ],
)
def test_languages_quote_marks(text: str, language: str, inner: str) -> None:
    warnings: list[ArticleWarning] = []
    found = scan_marks(text, 0, warnings, language)
    assert [text[q.start : q.end] for q in found] == [inner]
    assert warnings == []


def test_languages_english_only_never_loads_encoder() -> None:
    """The cascade: blending a one-language story's cosines leaves them as they are and never
    loads the multilingual encoder (checked in a fresh process)."""
    script = (
        "import numpy as np\n"
        "from parallax.model import Article, Sentence\n"
        "from parallax.analysis.claims.crosslingual import blend_cross_language\n"
        "from parallax.nlp.multilingual import is_encoder_loaded\n"
        "arts = [Article(id=f'a{n}', source='x', title='', outlet=None, published=None, language='en',"
        " original='x') for n in (1, 2)]\n"
        "sents = [Sentence(id=f'a{n}:s0', article=f'a{n}', index=0, text='A fact.', start=0, end=7)"
        " for n in (1, 2)]\n"
        "cos = np.eye(2, dtype=np.float32)\n"
        "out = blend_cross_language(cos, sents, arts)\n"
        "from parallax.corpus.crosslingual import cross_language_cosines\n"
        "leads = cross_language_cosines(['en', 'en'], ['A fact.', 'A fact.'])\n"
        "print(out is cos, leads is None, is_encoder_loaded())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True", "False"]


@pytest.mark.slow
def test_languages_english_analysis_never_loads_encoder() -> None:
    """A whole English-only analysis (the harbour-bridge example) in a fresh process: the
    multilingual encoder is never loaded, nor the language identifier."""
    script = (
        "from parallax import analyze\n"
        "from parallax.nlp import multilingual\n"
        f"report = analyze([{str(ROOT / 'examples' / 'harbour-bridge')!r}])\n"
        "print(len(report.claims) > 0, multilingual.is_encoder_loaded(), sorted(multilingual.load_seconds))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=900,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1",
             "HOME": str(Path.home())},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "True False []"


@pytest.mark.slow
def test_languages_example_groups_facts_across_languages() -> None:
    """Done-when: the multilingual example's claims join its four languages, each article is
    labelled, numbers, dates and quotes are read in each, and no English-only run loads the
    encoder (the example is multilingual, so here it does)."""
    from parallax import analyze
    from parallax.nlp.multilingual import is_encoder_loaded

    report = analyze([str(EXAMPLE)])
    languages = {a.outlet: a.language for a in report.articles}
    assert languages == {
        "Alpine Courier": "en", "Le Veilleur des Alpes": "fr", "Der Bergbote": "de",
        "Diario de la Sierra": "es", "Lindauer Abendblatt": "de",
    }  # fmt: skip
    assert is_encoder_loaded()
    unrelated = next(a.id for a in report.articles if a.outlet == "Lindauer Abendblatt")
    shared = [c for c in report.claims if len(c.articles) >= 2]
    assert len(shared) >= 6
    for claim in shared:
        assert unrelated not in claim.articles
        assert len({m.article for m in claim.mentions}) == 4
        by_article = {a.id: a for a in report.articles}
        for mention in claim.mentions:  # each mention in its own language, exactly as written
            assert by_article[mention.article].original[mention.start : mention.end] == mention.text
    values = {(q.article, q.value) for q in report.quantities}
    ids = {a.language: a.id for a in report.articles if a.outlet != "Lindauer Abendblatt"}
    assert (ids["fr"], 200_000.0) in values and (ids["de"], 200_000.0) in values
    assert (ids["es"], 200_000.0) in values and (ids["fr"], 4100.0) in values
    english = report.article(ids["en"]).original
    assert all(" ".join(c.text.split()) in " ".join(english.split()) for c in shared)  # the main language
    assert report.summary  # in the main language: every sentence is worded as the English article has it
    assert all(" ".join(s.text.split()) in " ".join(english.split()) for s in report.summary)
    assert any(s.text in {c.text for c in shared} for s in report.summary)
    quoted = {q.article: q.speaker for q in report.quotes}
    assert quoted[ids["fr"]] == "la maire d'Orsenne"
    assert quoted[ids["de"]] == "die Bürgermeisterin von Orsenne"
    assert quoted[ids["es"]] == "la alcaldesa de Orsenne"
    assert report.story_groups == [list(ids.values()), [unrelated]]
    durations = [q for q in report.quantities if q.article != ids["en"] and q.value == 5.0]
    assert durations == []  # "cinq heures", "fünf Stunden", "cinco horas": time spans, not counts
    dated = {d.article for e in report.timeline for d in e.evidence if d.how == "explicit"}
    assert {ids["de"], ids["es"]} <= dated


@pytest.mark.slow
def test_languages_ingest_puts_example_in_one_story(tmp_path: Path) -> None:
    from parallax.corpus.connect import open_store
    from parallax.corpus.stories import StoryClusterer
    from parallax.ingest import read_sources

    articles, _skipped = read_sources([EXAMPLE])
    for article in articles:
        article.text = article.original
    store = open_store(tmp_path / "c.db")
    store.add_articles(articles)
    StoryClusterer(store).cluster_pending()
    groups = sorted(sorted(m.outlet or "" for m in store.story_members(r.id)) for r in store.story_records())
    store.close()
    assert groups == [
        ["Alpine Courier", "Der Bergbote", "Diario de la Sierra", "Le Veilleur des Alpes"],
        ["Lindauer Abendblatt"],
    ]


@pytest.mark.slow
def test_languages_bench_floors() -> None:
    from conftest import floor

    sys.path.insert(0, str(ROOT / "bench"))
    import multilingual  # bench/multilingual.py

    pairs = [p for p in multilingual.load_pairs() if p["split"] == "val"]
    precision, recall = multilingual.pair_quality(pairs, multilingual.score_claim_pairs(pairs), 0.56)
    assert precision >= floor("multilingual_claim_pair_precision")
    assert recall >= floor("multilingual_claim_pair_recall")
    _p, _r, f1 = multilingual.story_bcubed()
    assert f1 >= floor("multilingual_story_bcubed_f1")


@pytest.mark.parametrize(
    ("text", "language", "speaker"),
    [
        ("« Nous sommes prêts », a déclaré le ministre, Paul Arnaud.", "fr", "le ministre"),
        ("Der Minister sagte: „Wir sind bereit.“", "de", "Der Minister"),
        ("«Estamos listos», dijo la ministra.", "es", "la ministra"),
        ("« Nous sommes prêts », a-t-il ri.", "fr", ""),
    ],
)
def test_languages_speaker_by_rule(text: str, language: str, speaker: str) -> None:
    from parallax.analysis.details.speakers import find_speaker_by_rule

    quote = scan_marks(text, 0, [], language)[0]
    assert find_speaker_by_rule(text, quote.open_at, quote.close_at, language)[0] == speaker


def test_languages_pairs_file_is_large_enough() -> None:
    rows = [json.loads(line) for line in (ROOT / "tests" / "data" / "multilingual_pairs.jsonl").open()]
    for pair in {tuple(r["languages"]) for r in rows}:
        chosen = [r for r in rows if tuple(r["languages"]) == pair]
        assert sum(r["same"] for r in chosen) >= 200
        assert sum(not r["same"] for r in chosen) >= 200
    assert len({tuple(r["languages"]) for r in rows}) == 6


@pytest.mark.parametrize("fmt", ["text", "md", "html", "json"])
def test_languages_every_format_shows_language(fmt: str) -> None:
    from parallax.model import Article, Report
    from parallax.render import render

    articles = [
        Article(id=f"a{n}", source=f"{code}.txt", title=f"Title {code}", outlet=f"Outlet {code}",
                published=None, language=code, original="Text.")
        for n, code in enumerate(("fr", "de"), 1)
    ]  # fmt: skip
    shown = render(Report(articles=articles), fmt)
    if fmt == "json":
        assert [a["language"] for a in json.loads(shown)["articles"]] == ["fr", "de"]
    else:
        assert "language" in shown
        for code in ("fr", "de"):
            assert re.search(rf"(?:\|\s*|>|│\s*){code}(?:\s*\||<|\s*│)", shown), code


def test_languages_web_pages_show_language() -> None:
    from parallax.web.app import create_app
    from parallax.web.source import MemorySource
    from test_web import call, make_article, make_report

    french = make_article("a1", "Le Veilleur", "Budget voté", ["Le conseil a voté le budget mardi."])
    german = make_article("a2", "Der Bergbote", "Haushalt", ["Der Rat hat den Haushalt beschlossen."])
    french.language, german.language = "fr", "de"
    source = MemorySource()
    source.add_report("s1", make_report([french, german]), "Budget")
    app = create_app(source=source)
    story = call(app, "GET", "/stories/s1").text
    assert '<span class="language">(fr)</span>' in story and '<span class="language">(de)</span>' in story
    page = call(app, "GET", "/stories/s1/articles/a2").text
    assert "language: de" in page


def test_languages_corpus_cascade_stays_idle_for_english() -> None:
    from parallax.corpus.crosslingual import CrossLanguageLeads, strip_function_words
    from parallax.corpus.rows import StoredArticle

    def stored(ident: int, language: str) -> StoredArticle:
        return StoredArticle(ident, None, "h", "s", None, None, None, "Title", "Some text.", language, {})

    leads = CrossLanguageLeads(store=None, lead_chars=480)  # type: ignore[arg-type]
    leads.add_batch(
        [stored(1, "en"), stored(2, "unknown")], nearby=lambda: pytest.fail("asked for neighbours")
    )
    assert not leads.active and leads.vectors == {}
    assert leads.similarity(1, 2) is None and leads.neighbours(1, 5) == []
    assert strip_function_words("Die Bahn und der Rat", "de") == "· Bahn · · Rat"
    assert strip_function_words("The train and the council", "en") == "The train and the council"


def test_languages_claims_worded_in_main_language() -> None:
    from parallax.analysis.claims.crosslingual import find_main_language, restate_in_main_language
    from parallax.model import Article, Claim, Mention

    codes = {"a1": "fr", "a2": "de", "a3": "de", "a4": "en"}
    articles = [
        Article(id=k, source=k, title="", outlet=None, published=None, language=v, original="x")
        for k, v in codes.items()
    ]
    claims = [
        Claim("c1", "Le pont a fermé.", ["a1", "a2", "a3"], [], [
            Mention("a1", "a1:s0", "Le pont a fermé.", 0, 16),
            Mention("a2", "a2:s0", "Die Brücke ist zu.", 0, 18),
            Mention("a3", "a3:s0", "Die Brücke wurde geschlossen.", 0, 29),
        ]),
        Claim("c2", "Nur hier.", ["a2"], [], [Mention("a2", "a2:s1", "Nur hier.", 20, 29)]),
    ]  # fmt: skip
    assert find_main_language(claims, articles) == "de"
    restate_in_main_language(claims, articles, lambda mentions: mentions[-1].text)
    assert claims[0].text == "Die Brücke wurde geschlossen."
    assert claims[0].mentions[0].text == "Le pont a fermé."  # mentions stay as written
    one = [Article(id="a1", source="a1", title="", outlet=None, published=None, language="en", original="x")]
    assert find_main_language(claims, one) is None
