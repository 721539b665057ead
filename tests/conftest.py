"""Shared fixtures. Expensive things are built once per test session."""

from __future__ import annotations

import atexit
import json
import os
import shutil
import tempfile
import uuid
import zlib
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

from parallax.model import Article, Entity, Report, Sentence

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"

# Parallax uses BABE only when pointed at it; the quality floors were set with BABE's
# biased words in the loaded-word lexicon, so point at the shared copy when there is one.
BABE = ROOT.parent / "shared" / "datasets" / "babe"
if BABE.exists():
    os.environ.setdefault("PARALLAX_BABE", str(BABE))
# What Parallax remembers between runs (model digests) goes to a folder of this session,
# not to the home folder, so that tests neither depend on nor leave behind earlier runs.
if "PARALLAX_CACHE_DIR" not in os.environ:
    os.environ["PARALLAX_CACHE_DIR"] = tempfile.mkdtemp(prefix="parallax-test-cache-")
    atexit.register(shutil.rmtree, os.environ["PARALLAX_CACHE_DIR"], ignore_errors=True)


def shared_path(*parts: str) -> Path:
    """A path under ../shared (beside the repository root)."""
    return ROOT.parent.joinpath("shared", *parts)


def need_shared(*parts: str) -> Path:
    """The shared path, or skip the test with a clear message when it is absent."""
    path = shared_path(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: these tests need ../shared beside the repository")
    return path


def floor(name: str) -> float:
    """A score floor from tests/data/floors.json; raising one is a deliberate edit."""
    floors: dict[str, float] = json.loads((DATA / "floors.json").read_text(encoding="utf-8"))
    return floors[name]


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return need_shared("seeds")


@pytest.fixture(scope="session")
def seed_report(seeds_dir: Path) -> Report:
    """A full default analysis of the five seed reports."""
    import parallax

    return parallax.analyze([seeds_dir])


@pytest.fixture(scope="session")
def example_dir() -> Path:
    """The bundled fictional example story."""
    return ROOT / "examples" / "harbour-bridge"


@pytest.fixture(scope="session")
def example_report(example_dir: Path) -> Report:
    import parallax

    return parallax.analyze([example_dir])


def build_article(
    aid: str,
    texts: list[str],
    *,
    outlet: str | None = None,
    published: str | None = None,
    joiner: str = " ",
    names: Iterable[tuple[str, str]] = (),
) -> Article:
    """An article whose sentences are exactly ``texts`` (joined by ``joiner``), with real offsets.

    ``names`` are (name, spaCy label) pairs, tagged as entities wherever they occur in a sentence.
    """
    original = joiner.join(texts)
    article = Article(aid, f"{aid}.txt", "", outlet, published, "en", original, text=original)
    pos = 0
    for i, text in enumerate(texts):
        start = original.index(text, pos)
        sentence = Sentence(f"{aid}:s{i}", aid, i, text, start, start + len(text))
        for name, label in names:
            at = text.find(name)
            while at >= 0:
                sentence.entities.append(Entity(name, label, start + at, start + at + len(name)))
                at = text.find(name, at + len(name))
        article.sentences.append(sentence)
        pos = start + len(text)
    return article


PG_ENV = "PARALLAX_TEST_PG_URL"


def bag_embedder(texts: Sequence[str]) -> np.ndarray:
    """Stand-in title/lead vectors (a bag of per-word random vectors), so a corpus clusters without MiniLM."""
    rows = []
    for text in texts:
        total = np.zeros(384)
        for word in text.lower().split():
            total += np.random.default_rng(zlib.crc32(word.strip(".,'").encode())).standard_normal(384)
        rows.append(total / (np.linalg.norm(total) or 1.0))
    return np.asarray(rows, dtype=np.float32).reshape(len(texts), 384)


def postgres_database() -> Iterator[str]:
    """A fresh database on the test server; skips when none is configured or reachable."""
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(
            f"{PG_ENV} is not set: start a server with scripts/postgres.sh and export the URL it prints"
        )
    import psycopg

    try:
        admin = psycopg.connect(url, autocommit=True, connect_timeout=5)
    except psycopg.Error as exc:
        pytest.skip(f"no PostgreSQL server reachable at {PG_ENV} ({exc})")
    name = f"parallax_test_{uuid.uuid4().hex[:10]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = url.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A corpus target: a SQLite file, then a fresh PostgreSQL database (skipped when none is configured)."""
    if request.param == "sqlite":
        yield str(tmp_path / "corpus.db")
    else:
        yield from postgres_database()
