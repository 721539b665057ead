"""MinHash LSH near-duplicate index (text/neardup.py)."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from datasketch import MinHashLSH

from parallax.options import Options
from parallax.text.neardup import KNOWN_LSH_PARAMS, NearDuplicateIndex, lsh_params, make_shingles
from parallax.text.words import tokenize_words

VOCAB = [f"w{i}" for i in range(3000)]


def make_text(seed: int, n: int = 300) -> list[str]:
    rng = random.Random(seed)
    return [rng.choice(VOCAB) for _ in range(n)]


def edit(words: list[str], rate: float, seed: int) -> list[str]:
    """Substitute a share of the words with random others."""
    rng = random.Random(seed)
    return [rng.choice(VOCAB) if rng.random() < rate else w for w in words]


def test_neardup_finds_edited_copy_and_ignores_others() -> None:
    index = NearDuplicateIndex(threshold=0.3)
    for k in range(50):
        index.add(f"doc{k}", " ".join(make_text(k)))
    copy = " ".join(edit(make_text(7), 0.05, seed=99))
    found = index.query(copy)
    assert [m.key for m in found][:1] == ["doc7"]
    assert all(m.key == "doc7" for m in found)
    assert found[0].similarity > 0.5


def test_neardup_unrelated_text_finds_nothing() -> None:
    index = NearDuplicateIndex()
    for k in range(20):
        index.add(f"doc{k}", " ".join(make_text(k)))
    assert index.query(" ".join(make_text(1000))) == []


def test_neardup_ignores_case_and_typography() -> None:
    index = NearDuplicateIndex()
    index.add(
        "a",
        "The council’s ferry terminal closed on Tuesday, engineers said, after cracks appeared in the pier.",
    )
    hits = index.query(
        "THE COUNCIL'S FERRY TERMINAL -- closed on Tuesday; engineers said after cracks appeared in the pier"
    )
    assert hits and hits[0].key == "a" and hits[0].similarity > 0.9


def test_neardup_find_pairs_and_remove() -> None:
    index = NearDuplicateIndex()
    base = make_text(3)
    index.add_many(
        [("x", " ".join(base)), ("y", " ".join(edit(base, 0.03, 5))), ("z", " ".join(make_text(4)))]
    )
    pairs = index.find_pairs()
    assert [(a, b) for a, b, _ in pairs] == [("x", "y")]
    index.remove("y")
    assert index.find_pairs() == [] and "y" not in index and len(index) == 2


def test_neardup_rejects_bad_use() -> None:
    index = NearDuplicateIndex()
    index.add("a", "one two three four")
    with pytest.raises(KeyError):
        index.add("a", "again")
    with pytest.raises(ValueError):
        NearDuplicateIndex(threshold=1.5)
    index.add("empty", "")
    assert index.query("") == []


def test_neardup_shingles() -> None:
    words = tokenize_words("A b, C d!")
    assert words == ["a", "b", "c", "d"]
    assert make_shingles(words, 3) == {"a b c", "b c d"}
    assert make_shingles(words[:2], 3) == {"a b"}


def _allsides_texts(limit: int) -> list[str]:
    import gzip
    import json

    from conftest import need_shared

    path = need_shared("datasets", "allsides", "articles.jsonl.gz")
    texts: list[str] = []
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            text = json.loads(line).get("text") or ""
            if len(text.split()) >= 200 and all(text[:200] != t[:200] for t in texts):
                texts.append(text)
                if len(texts) >= limit:
                    break
    return texts


def test_neardup_recall_on_edited_allsides_copies() -> None:
    from conftest import floor

    texts = _allsides_texts(240)
    originals, distractors = texts[:40], texts[40:]
    index = NearDuplicateIndex()
    index.add_many((f"o{k}", t) for k, t in enumerate(originals))
    index.add_many((f"d{k}", t) for k, t in enumerate(distractors))
    rng = random.Random(5)
    hits = total = 0
    for k, text in enumerate(originals):
        words = text.split()
        deleted = [w for w in words if rng.random() >= 0.10]
        substituted = [rng.choice(words) if rng.random() < 0.10 else w for w in words]
        truncated = words[: int(len(words) * 0.9)]
        for copy in (deleted, substituted, truncated):
            total += 1
            hits += any(m.key == f"o{k}" for m in index.query(" ".join(copy)))
    assert hits / total >= floor("neardup_recall_edit10")


def test_neardup_same_event_reports_are_not_copies() -> None:
    import json

    from conftest import floor, need_shared
    from parallax.analysis.provenance.reuse import compare_pair
    from parallax.model import Article

    path = need_shared("datasets", "ecbplus", "documents.jsonl")
    docs = [json.loads(line) for line in path.open(encoding="utf-8")]
    index = NearDuplicateIndex()
    index.add_many((d["doc"], d["text"]) for d in docs)
    event = {d["doc"]: d["event"] for d in docs}
    text = {d["doc"]: d["text"] for d in docs}
    same_event_pairs = sum(
        n * (n - 1) // 2 for n in (list(event.values()).count(e) for e in set(event.values()))
    )
    wrong = 0
    for a, b, _ in index.find_pairs():
        assert event[a] == event[b], "documents about different events were linked"
        pair, _ = compare_pair(
            Article("a", "a", "", None, None, "en", text[a]), Article("b", "b", "", None, None, "en", text[b])
        )
        if pair is None or max(pair.a_coverage, pair.b_coverage) < 0.5:
            wrong += 1  # linked, but no copied passage covers half of either: a false positive
    assert 1 - wrong / same_event_pairs >= floor("neardup_ecbplus_specificity")


@pytest.mark.parametrize(("threshold", "num_perm"), sorted(KNOWN_LSH_PARAMS))
def test_neardup_known_lsh_params_are_datasketchs(threshold: float, num_perm: int) -> None:
    """The table of bands and rows is what datasketch chooses itself (by integrating)."""
    chosen = MinHashLSH(threshold=threshold, num_perm=num_perm)
    assert lsh_params(threshold, num_perm) == (chosen.b, chosen.r)


def test_neardup_syndication_threshold_is_known() -> None:
    """The syndication stage's threshold at the default setting (0.8 x 0.7, not exactly 0.56)
    is served from the table, with the bands datasketch picks for that exact value."""
    threshold = min(max(Options().duplicate_similarity * 0.8, 0.05), 0.95)
    chosen = MinHashLSH(threshold=threshold, num_perm=128)
    assert lsh_params(threshold, 128) == (chosen.b, chosen.r)
    assert lsh_params(0.42, 128) is None  # not in the table: datasketch chooses


def test_neardup_import_leaves_scipy_integrate_out() -> None:
    """A new process that imports the analysis stages and uses the index imports neither
    scipy.integrate nor scipy.cluster (about 0.45 s of CPU at every start); scipy.integrate
    still imports normally afterwards."""
    script = (
        "import sys\n"
        "from parallax.pipeline import default_stages\n"
        "default_stages()\n"
        "from parallax.text.neardup import NearDuplicateIndex\n"
        "index = NearDuplicateIndex(threshold=0.56)\n"
        "index.add('a', 'one two three four five six seven')\n"
        "index.add('b', 'one two three four five six seven eight')\n"
        "assert [p[:2] for p in index.find_pairs()] == [('a', 'b')]\n"
        "print(sorted(m for m in sys.modules if m.startswith(('scipy.integrate', 'scipy.cluster'))))\n"
        "other = NearDuplicateIndex(threshold=0.42)\n"  # not in the table: the stand-in's quad
        "print(other._lsh.b, other._lsh.r)\n"
        "from scipy.integrate import quad\n"
        "print(quad.__module__)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent / "src")}
    command = [sys.executable, "-c", script]
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert lines[0] == "[]"
    chosen = MinHashLSH(threshold=0.42, num_perm=128)
    assert lines[1] == f"{chosen.b} {chosen.r}"
    assert lines[2].startswith("scipy.integrate")
