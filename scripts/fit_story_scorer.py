"""Fit the story-pair scorer (``parallax/data/story_scorer.json``) on pairs from several sources.

    python scripts/fit_story_scorer.py                   # fit, validate across sources, write the JSON
    python scripts/fit_story_scorer.py --cache DIR       # keep lead vectors between runs
    python scripts/fit_story_scorer.py --heldout-dir DIR # also write the scorers fitted without each source
    python scripts/fit_story_scorer.py --held-out neus   # validate without that source only (faster)
    python scripts/fit_story_scorer.py --show-allsides 150  # print AllSides candidate pairs to label by hand
    python scripts/fit_story_scorer.py --cross-only      # refit the cross-language coefficient alone
    python scripts/fit_story_scorer.py --undated-only    # refit the bar for undated pairs alone

Sources (read from ../shared; labels only from tests/data):

* ``ecbplus``: ECB+ documents, one date for all (as bench/clustering.py ingests them), gold ``event``;
* ``neus``: 921 NeuS train stories (2,763 articles), title and lead, undated, gold ``story``;
* ``allsides``: AllSides articles of May and June 2020, dated, with the pairs listed in
  ``tests/data/allsides_story_pairs.json`` labelled by hand (ids and labels only).

Pairs are drawn the way the clusterer meets them: each article's ``neighbours`` nearest
by lead-vector cosine (at least ``min_similarity``, within ``window_days`` when both are
dated). Names and terms are weighed by document frequencies over the source. The model is
scikit-learn's LogisticRegression over standardised ``scorer.FEATURES``, each source
weighing the same in total. The threshold is the probability with the best BCubed F1 of the
real clusterer on the dated training sources (ECB+), and ``undated_threshold`` the one with the
best F1 on the undated ones (the NeuS draws), so each kind of input gets the bar its data asks
for (``fit``). Cross-source validation fits on all sources but one and
scores the pairs of the one held out. Deterministic: the same data gives the same file.

The sources above are English, so ``cross_lead_cosine`` (the multilingual lead cosine of a
pair in different languages) is 0 on all their pairs: it keeps mean 0, scale 1 and
coefficient 0 there. Its coefficient is then fitted alone (``fit_cross``), with the others
held, on the cross-language pairs of the *train* stories of tests/data/multilingual_facts.json
(the val stories and examples/calder-cable-car are left for bench/multilingual.py): each
story told in en/fr/de/es, one article per language and lead fact, dated one day as
bench/multilingual.py dates them, every pair in two languages scored as the clusterer scores
it. A one-variable logistic regression with the English model's log-odds as a fixed offset
(L2 penalty ``CROSS_PENALTY``). English pairs score exactly as before.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from parallax.corpus.bags import Bag, Frequencies  # noqa: E402
from parallax.corpus.connect import open_store  # noqa: E402
from parallax.corpus.features import extract_names, extract_terms, lead_text  # noqa: E402
from parallax.corpus.intake import ingest  # noqa: E402
from parallax.corpus.pairs import ClusterSettings, date_number, first_year, names_bag  # noqa: E402
from parallax.corpus.scorer import (  # noqa: E402
    CROSS_FEATURE,
    FEATURES,
    Profile,
    StoryScorer,
    load_scorer,
    pair_features,
    read_scorer,
)

SHARED = ROOT.parent / "shared" / "datasets"
LABELS = ROOT / "tests" / "data" / "allsides_story_pairs.json"
OUTPUT = ROOT / "src" / "parallax" / "data" / "story_scorer.json"
ECB_DATE = "2020-01-15"
ALLSIDES_MONTHS = ("2020-05", "2020-06")
NEUS_STORIES = 921  # three val-sized draws of NeuS train (embedding all 7,356 leads costs long on a CPU)
GRID = [round(0.05 * n, 2) for n in range(3, 11)]  # thresholds tried: 0.15 .. 0.5
UNDATED_GRID = [round(0.05 * n, 2) for n in range(1, 9)]  # for undated pairs: 0.05 .. 0.4
MULTILINGUAL = ROOT / "tests" / "data" / "multilingual_facts.json"
MULTILINGUAL_DATE = "2026-11-20"  # as bench/multilingual.py dates its articles
LANGUAGES = ("en", "fr", "de", "es")
CROSS_PENALTY = 1.0  # L2 penalty on the cross-language coefficient (inverse of sklearn's C)


@dataclass
class Doc:
    id: str
    title: str
    text: str
    date: str | None
    label: str

    @property
    def day(self) -> int | None:
        return date_number(self.date)


@dataclass
class Clustering:
    """A source with gold stories, to choose the threshold by clustering it through the real store."""

    name: str
    docs: list[Doc]
    vectors: np.ndarray


@dataclass
class Pairs:
    name: str
    rows: np.ndarray  # one row of FEATURES per pair
    labels: np.ndarray  # 1: the same story


def load_ecb() -> list[Doc]:
    rows = [json.loads(line) for line in (SHARED / "ecbplus" / "documents.jsonl").open(encoding="utf-8")]
    return [Doc(f"ecb:{r['doc']}", "", r["text"], ECB_DATE, str(r["event"])) for r in rows]


def load_neus(stories: int = NEUS_STORIES) -> list[Doc]:
    """NeuS train, ``stories`` of its stories: the first three val-sized draws of
    ``bench/clustering.py --neus train --neus-stories 307 --neus-part 0|1|2`` (seed 7)."""
    rows = [json.loads(line) for line in (SHARED / "neus" / "train.jsonl").open(encoding="utf-8")]
    names = sorted({r["story"] for r in rows})
    random.Random(7).shuffle(names)
    keep = set(names[:stories])
    return [
        Doc(f"neus:{r['id']}", r["title"], r["text"], None, str(r["story"]))
        for r in rows
        if r["story"] in keep
    ]


def load_allsides() -> list[Doc]:
    docs = []
    with gzip.open(SHARED / "allsides" / "articles.jsonl.gz", "rt", encoding="utf-8") as handle:
        for line in handle:
            r = json.loads(line)
            if (r.get("date") or "")[:7] in ALLSIDES_MONTHS:
                docs.append(Doc(r["id"], r["title"] or "", r["text"] or "", r["date"], ""))
    return sorted(docs, key=lambda d: d.id)


class Embedder:
    """The clusterer's lead embedder, with an optional on-disk cache per source."""

    def __init__(self, cache: Path | None) -> None:
        self.cache = cache

    def __call__(self, name: str, leads: Sequence[str]) -> np.ndarray:
        path = self.cache / f"{name}.npy" if self.cache else None
        if path is not None and path.exists():
            vectors = np.load(path)
            if vectors.shape[0] == len(leads):
                return vectors
        from parallax.corpus.embedding import embed_leads

        print(f"embedding {len(leads)} {name} leads", file=sys.stderr)
        vectors = embed_leads(leads)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            np.save(path, vectors)
        return vectors


def profile_docs(docs: Sequence[Doc], settings: ClusterSettings) -> list[Profile]:
    """Each document's names, terms and lead terms weighed by frequencies over ``docs``."""
    name_freq, term_freq, lead_freq = Frequencies(), Frequencies(), Frequencies()
    found = [list(extract_names(d.title + "\n" + d.text[: settings.names_chars])) for d in docs]
    names = [names_bag(n) for n in found]
    terms = [Bag.from_counts(extract_terms(d.title + "\n" + d.text[: settings.terms_chars])) for d in docs]
    leads = [Bag.from_counts(extract_terms(lead_text(d.title, d.text, settings.lead_chars))) for d in docs]
    for n, t, m in zip(names, terms, leads, strict=True):
        name_freq.add(n)
        term_freq.add(t)
        lead_freq.add(m)
    return [
        Profile(name_freq.weigh(n), term_freq.weigh(t), first_year(f), lead_freq.weigh(m))
        for n, t, f, m in zip(names, terms, found, leads, strict=True)
    ]


def candidate_pairs(
    docs: Sequence[Doc], vectors: np.ndarray, settings: ClusterSettings
) -> list[tuple[int, int]]:
    """(i, j), i < j: each document's nearest neighbours as the clusterer's ANN query meets them."""
    days = np.array([-(10**9) if d.day is None else d.day for d in docs])
    dated = np.array([d.day is not None for d in docs])
    found: set[tuple[int, int]] = set()
    for start in range(0, len(docs), 512):
        block = vectors[start : start + 512] @ vectors.T
        for offset, row in enumerate(block):
            i = start + offset
            row[i] = -1.0
            far = dated & dated[i] & (np.abs(days - days[i]) > settings.window_days)
            row[far] = -1.0
            for j in np.argsort(-row, kind="stable")[: settings.neighbours]:
                if row[j] >= settings.min_similarity:
                    found.add((min(i, int(j)), max(i, int(j))))
    return sorted(found)


def pair_rows(
    docs: Sequence[Doc], vectors: np.ndarray, profiles: Sequence[Profile], pairs: Sequence[tuple[int, int]]
) -> np.ndarray:
    rows = []
    for i, j in pairs:
        a, b = docs[i].day, docs[j].day
        gap = None if a is None or b is None else abs(a - b)
        rows.append(pair_features(float(vectors[i] @ vectors[j]), profiles[i], profiles[j], gap))
    return np.vstack(rows) if rows else np.zeros((0, len(FEATURES)))


def gold_pairs(
    name: str, docs: list[Doc], embed: Callable[[str, Sequence[str]], np.ndarray]
) -> tuple[Pairs, np.ndarray]:
    """Candidate pairs of a source with gold story labels, as feature rows; and the lead vectors."""
    settings = ClusterSettings()
    vectors = embed(name, [lead_text(d.title, d.text, settings.lead_chars) for d in docs])
    pairs = candidate_pairs(docs, vectors, settings)
    labels = np.array([docs[i].label == docs[j].label for i, j in pairs], dtype=np.int64)
    return Pairs(name, pair_rows(docs, vectors, profile_docs(docs, settings), pairs), labels), vectors


def neus_draws(docs: list[Doc], vectors: np.ndarray, parts: int = 2) -> list[Clustering]:
    """The NeuS training stories in ``parts`` disjoint val-sized draws (the density of val)."""
    names = sorted({d.label for d in docs})
    random.Random(7).shuffle(names)
    size = len(names) // parts
    draws = []
    for part in range(parts):
        keep = set(names[part * size : (part + 1) * size])
        rows = [n for n, d in enumerate(docs) if d.label in keep]
        draws.append(Clustering(f"neus[{part}]", [docs[n] for n in rows], vectors[rows]))
    return draws


def allsides_pairs(embed: Callable[[str, Sequence[str]], np.ndarray]) -> Pairs:
    """The hand-labelled AllSides pairs, scored within the months they were drawn from."""
    settings = ClusterSettings()
    docs = load_allsides()
    position = {d.id: n for n, d in enumerate(docs)}
    labelled = json.loads(LABELS.read_text(encoding="utf-8"))["pairs"]
    vectors = embed("allsides", [lead_text(d.title, d.text, settings.lead_chars) for d in docs])
    pairs = [(position[p["a"]], position[p["b"]]) for p in labelled]
    labels = np.array([int(p["same_story"]) for p in labelled], dtype=np.int64)
    return Pairs("allsides", pair_rows(docs, vectors, profile_docs(docs, settings), pairs), labels)


def pair_f1(probabilities: np.ndarray, labels: np.ndarray, threshold: float) -> float:
    said = probabilities >= threshold
    hits = float((said & (labels == 1)).sum())
    return 2 * hits / (float(said.sum()) + float(labels.sum())) if labels.sum() else 0.0


def fit_coefficients(sources: Sequence[Pairs]) -> StoryScorer:
    """A logistic model over all ``sources``, each weighing the same in total (threshold 0.5 for now)."""
    rows = np.vstack([s.rows for s in sources])
    labels = np.concatenate([s.labels for s in sources])
    weights = np.concatenate(
        [np.full(len(s.labels), len(labels) / (len(sources) * len(s.labels))) for s in sources]
    )
    mean = rows.mean(axis=0)
    scale = rows.std(axis=0)
    scale[scale == 0] = 1.0
    mean[CROSS_FEATURE], scale[CROSS_FEATURE] = 0.0, 1.0  # unstandardised: 0 leaves a score as it is
    model = LogisticRegression(C=1.0, max_iter=2000)
    model.fit((rows - mean) / scale, labels, sample_weight=weights)
    return StoryScorer(mean, scale, model.coef_[0].astype(np.float64), float(model.intercept_[0]), 0.5)


def fit(sources: Sequence[Pairs], clusterings: Sequence[Sequence[Clustering]] = ()) -> StoryScorer:
    """Coefficients from ``sources``, then the decision bars. With ``clusterings`` (per source, draws
    with gold stories, clustered through the real store): ``threshold`` is the one with the best
    BCubed F1 on the dated sources (averaged over draws, then over sources, each counting once),
    and ``undated_threshold`` the one with the best F1 on the undated sources (their pairs are all
    undated, so it alone moves them); a kind of source absent from the training leaves its bar to
    the other (``undated_threshold`` None). Without ``clusterings``: one threshold, by mean pair F1."""
    scorer = fit_coefficients(sources)
    if not clusterings:
        scores = {
            t: float(
                np.mean(
                    [pair_f1(np.array([scorer.probability(r) for r in s.rows]), s.labels, t) for s in sources]
                )
            )
            for t in GRID
        }
        return replace(scorer, threshold=best(scores))
    dated = [g for g in clusterings if all(d.date for c in g for d in c.docs)]
    undated = [g for g in clusterings if not all(d.date for c in g for d in c.docs)]
    scores = grid_f1(scorer, dated or undated, GRID, "threshold")
    scorer = replace(scorer, threshold=best(scores))
    if dated and undated:
        scores = grid_f1(scorer, undated, UNDATED_GRID, "undated_threshold")
        scorer = replace(scorer, undated_threshold=best(scores))
    return scorer


def grid_f1(
    scorer: StoryScorer, clusterings: Sequence[Sequence[Clustering]], grid: Sequence[float], field: str
) -> dict[float, float]:
    """Mean BCubed F1 (over draws, then over sources) of ``scorer`` with ``field`` set to each of ``grid``."""
    scores = {
        t: float(
            np.mean(
                [np.mean([cluster_f1(c, replace(scorer, **{field: t}))[2] for c in g]) for g in clusterings]
            )
        )
        for t in grid
    }
    print(
        json.dumps({f"{field}_grid_bcubed_f1": {t: round(f, 4) for t, f in scores.items()}}), file=sys.stderr
    )
    return scores


def best(scores: dict[float, float]) -> float:
    """The grid value with the best score (ties: the one nearer 0.5)."""
    return max(scores, key=lambda t: (scores[t], -abs(t - 0.5)))


def cluster_f1(clustering: Clustering, scorer: StoryScorer) -> tuple[float, float, float]:
    """BCubed P, R, F1 of ``clustering``'s documents ingested into a fresh store in a fixed shuffled order."""
    from clustering import bcubed  # bench/clustering.py

    settings = ClusterSettings()
    lookup = {
        lead_text(d.title, d.text, settings.lead_chars): v
        for d, v in zip(clustering.docs, clustering.vectors, strict=True)
    }

    def embed(texts: Sequence[str]) -> np.ndarray:
        return np.vstack([lookup[t] for t in texts])

    docs = list(clustering.docs)
    random.Random(7).shuffle(docs)
    with tempfile.TemporaryDirectory() as tmp:
        scorer_path = Path(tmp) / "scorer.json"
        write_scorer(scorer, scorer_path)
        source = Path(tmp) / "docs.jsonl"
        with source.open("w", encoding="utf-8") as handle:
            for d in docs:
                handle.write(
                    json.dumps({"id": d.id, "title": d.title, "text": d.text, "date": d.date}) + "\n"
                )
        with open_store(str(Path(tmp) / "fit.db")) as store:
            ingest(store, [str(source)], embed=embed, settings=replace(settings, scorer=str(scorer_path)))
            predicted = {i: s["id"] for s in store.list_stories() for i in s["article_ids"]}
        load_scorer.cache_clear()  # the next call writes another scorer to a path of the same name
    gold = {d.id: d.label for d in docs}
    return bcubed({k: predicted.get(k, f"missing:{k}") for k in gold}, gold)


def judge(scorer: StoryScorer, pairs: Pairs) -> dict[str, float]:
    probabilities = np.array([scorer.probability(r) for r in pairs.rows])
    auc = (
        roc_auc_score(pairs.labels, probabilities)
        if 0 < pairs.labels.sum() < len(pairs.labels)
        else float("nan")
    )
    return {
        "pairs": len(pairs.labels),
        "positives": int(pairs.labels.sum()),
        "auc": round(float(auc), 4),
        "pair_f1": round(pair_f1(probabilities, pairs.labels, scorer.threshold), 4),
    }


def multilingual_docs(split: str = "train") -> list[tuple[Doc, str]]:
    """(document, language) per story of ``split``, language and lead fact: that fact as title, the
    story's other facts as text."""
    source = json.loads(MULTILINGUAL.read_text(encoding="utf-8"))
    docs = []
    for story in (s for s in source["stories"] if s["split"] == split):
        facts = story["facts"]
        for language in LANGUAGES:
            for lead in range(len(facts)):
                title = facts[lead][language]
                text = "\n\n".join(f[language] for n, f in enumerate(facts) if n != lead)
                doc = Doc(f"{story['id']}-{language}-{lead}", title, text, MULTILINGUAL_DATE, story["id"])
                docs.append((doc, language))
    return docs


def cross_pairs(scorer: StoryScorer, split: str = "train") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rows, labels, offsets) of every pair in two languages among ``multilingual_docs(split)``:
    feature rows as the clusterer builds them, and the log-odds without the cross-language term."""
    from parallax.corpus.crosslingual import strip_function_words
    from parallax.nlp.multilingual import load_multilingual_encoder

    settings = ClusterSettings()
    found = multilingual_docs(split)
    docs = [d for d, _ in found]
    languages = [language for _, language in found]
    leads = [lead_text(d.title, d.text, settings.lead_chars) for d in docs]
    vectors = load_multilingual_encoder().encode(leads)
    stripped = [
        replace(d, title=strip_function_words(d.title, lang), text=strip_function_words(d.text, lang))
        for d, lang in found
    ]
    profiles = profile_docs(stripped, settings)
    rows, labels = [], []
    for i in range(len(docs)):
        for j in range(i + 1, len(docs)):
            if languages[i] == languages[j]:
                continue
            a, b = docs[i].day, docs[j].day
            gap = None if a is None or b is None else abs(a - b)
            cross = float(np.clip(vectors[i] @ vectors[j], -1.0, 1.0))
            rows.append(pair_features(cross, profiles[i], profiles[j], gap, cross))
            labels.append(int(docs[i].label == docs[j].label))
    table = np.vstack(rows)
    held = replace(scorer, coef=np.where(np.arange(len(FEATURES)) == CROSS_FEATURE, 0.0, scorer.coef))
    offsets = np.array([held.log_odds(r) for r in table])
    return table, np.array(labels, dtype=np.int64), offsets


def fit_cross(scorer: StoryScorer) -> StoryScorer:
    """``scorer`` with the cross-language coefficient fitted on the multilingual train pairs, the
    others held: Newton steps on the penalised log-loss of one variable with a fixed offset,
    positives and negatives weighing the same in total."""
    rows, labels, offsets = cross_pairs(scorer)
    x = rows[:, CROSS_FEATURE]
    weights = np.where(labels == 1, 0.5 / labels.mean(), 0.5 / (1 - labels.mean()))
    w = 0.0
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-(offsets + w * x)))
        gradient = float(np.sum(weights * (p - labels) * x)) + CROSS_PENALTY * w
        hessian = float(np.sum(weights * p * (1 - p) * x * x)) + CROSS_PENALTY
        step = gradient / hessian
        w -= step
        if abs(step) < 1e-10:
            break
    fitted = replace(scorer, coef=scorer.coef.copy())
    fitted.coef[CROSS_FEATURE] = w
    said = (offsets + w * x) >= np.log(scorer.threshold / (1 - scorer.threshold))
    hits = int((said & (labels == 1)).sum())
    print(
        json.dumps(
            {
                "cross_language_pairs": len(labels),
                "positives": int(labels.sum()),
                "coefficient": round(w, 4),
                "pair_precision": round(hits / max(int(said.sum()), 1), 4),
                "pair_recall": round(hits / int(labels.sum()), 4),
                "auc": round(float(roc_auc_score(labels, offsets + w * x)), 4),
            }
        ),
        file=sys.stderr,
    )
    return fitted


def write_scorer(scorer: StoryScorer, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = scorer.to_dict()
    rounded = {
        k: [round(x, 6) for x in v] if isinstance(v, list) and k != "features" else v for k, v in data.items()
    }
    rounded["intercept"] = round(scorer.intercept, 6)
    path.write_text(json.dumps(rounded, indent=1) + "\n", encoding="utf-8")


def show_allsides(count: int, embed: Callable[[str, Sequence[str]], np.ndarray]) -> None:
    """Print candidate AllSides pairs (one per sampled article) for labelling by hand; nothing is stored."""
    settings = ClusterSettings()
    docs = load_allsides()
    vectors = embed("allsides", [lead_text(d.title, d.text, settings.lead_chars) for d in docs])
    pairs = candidate_pairs(docs, vectors, settings)
    by_first: dict[int, list[int]] = {}
    for i, j in pairs:
        by_first.setdefault(i, []).append(j)
    rng = random.Random(15)
    starts = sorted(by_first)
    rng.shuffle(starts)
    for i in starts[:count]:
        ranked = sorted(by_first[i], key=lambda j: -float(vectors[i] @ vectors[j]))
        j = ranked[0] if rng.random() < 0.5 else rng.choice(ranked)
        for d in (docs[i], docs[j]):
            print(f"{d.id} | {d.title} | {' '.join(d.text.split())[:260]}")
        print(f"PAIR {docs[i].id} {docs[j].id} sim={float(vectors[i] @ vectors[j]):.2f}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", type=Path, default=None, help="keep lead vectors in this folder")
    parser.add_argument("--heldout-dir", type=Path, default=None, help="write each held-out fit here too")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="where the scorer fitted on all goes")
    parser.add_argument(
        "--held-out", action="append", default=[], metavar="SOURCE", help="validate only without this source"
    )
    parser.add_argument("--show-allsides", type=int, default=0, metavar="N", help="print N pairs to label")
    parser.add_argument(
        "--cross-only",
        action="store_true",
        help="refit only the cross-language coefficient of the scorer in --output (needs no ../shared)",
    )
    parser.add_argument(
        "--undated-only",
        action="store_true",
        help="keep the coefficients and the dated threshold of --output; refit only undated_threshold",
    )
    args = parser.parse_args()
    if args.cross_only:
        data = json.loads(args.output.read_text(encoding="utf-8"))
        write_scorer(fit_cross(read_scorer(data, str(args.output))), args.output)
        print(f"wrote {args.output}", file=sys.stderr)
        return
    if not (SHARED / "ecbplus").exists():
        sys.exit(f"{SHARED} is absent: fitting needs ../shared beside the repository")
    embed = Embedder(args.cache)
    if args.show_allsides:
        show_allsides(args.show_allsides, embed)
        return
    if args.undated_only:
        held = read_scorer(json.loads(args.output.read_text(encoding="utf-8")), str(args.output))
        neus_docs = load_neus()
        leads = [lead_text(d.title, d.text, ClusterSettings().lead_chars) for d in neus_docs]
        draws = neus_draws(neus_docs, embed("neus", leads))
        scores = grid_f1(held, [draws], UNDATED_GRID, "undated_threshold")
        write_scorer(replace(held, undated_threshold=best(scores)), args.output)
        print(f"wrote {args.output}", file=sys.stderr)
        return
    ecb_pairs, ecb_vectors = gold_pairs("ecbplus", load_ecb(), embed)
    neus_docs = load_neus()
    neus_pairs, neus_vectors = gold_pairs("neus", neus_docs, embed)
    sources = [ecb_pairs, neus_pairs, allsides_pairs(embed)]
    clusterings = {
        "ecbplus": [Clustering("ecbplus", load_ecb(), ecb_vectors)],
        "neus": neus_draws(neus_docs, neus_vectors),
    }
    scorer = fit_cross(fit(sources, list(clusterings.values())))
    write_scorer(scorer, args.output)
    print(f"wrote {args.output}", file=sys.stderr)
    for held in sources:
        if args.held_out and held.name not in args.held_out:
            continue
        rest = [s for s in sources if s is not held]
        chosen = [group for name, group in clusterings.items() if name != held.name]
        kept = fit(rest, chosen)
        print(
            json.dumps({"held_out": held.name, "threshold": kept.threshold, **judge(kept, held)}), flush=True
        )
        if args.heldout_dir:
            write_scorer(kept, args.heldout_dir / f"story_scorer_without_{held.name}.json")
    for source in sources:
        print(
            json.dumps(
                {
                    "fitted_on": "all",
                    "source": source.name,
                    "threshold": scorer.threshold,
                    **judge(scorer, source),
                }
            )
        )
    print(
        json.dumps(
            {
                "coefficients": dict(zip(FEATURES, [round(float(c), 3) for c in scorer.coef], strict=True)),
                "intercept": round(scorer.intercept, 3),
            }
        )
    )


if __name__ == "__main__":
    main()
