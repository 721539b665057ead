"""Model-file digests remembered between runs (parallax.nlp.digests)."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from parallax.nlp import digests


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("PARALLAX_CACHE_DIR", str(folder))
    return folder


def test_digests_first_call_hashes_and_remembers(tmp_path: Path, cache: Path) -> None:
    weights = tmp_path / "model.bin"
    weights.write_bytes(b"weights " * 1000)
    assert digests.remembered_sha256(weights) == hashlib.sha256(b"weights " * 1000).hexdigest()
    stored = json.loads((cache / digests.CACHE_NAME).read_text())
    entry = stored[str(weights.resolve())]
    assert entry["size"] == 8000
    assert entry["sha256"] == hashlib.sha256(b"weights " * 1000).hexdigest()


def test_digests_unchanged_file_is_not_hashed_again(tmp_path: Path, cache: Path) -> None:
    weights = tmp_path / "model.bin"
    weights.write_bytes(b"abc")
    digests.remembered_sha256(weights)
    store = cache / digests.CACHE_NAME
    stored = json.loads(store.read_text())
    stored[str(weights.resolve())]["sha256"] = "f" * 64  # only a remembered digest can give this
    store.write_text(json.dumps(stored))
    assert digests.remembered_sha256(weights) == "f" * 64


def test_digests_changed_file_is_hashed_again(tmp_path: Path, cache: Path) -> None:
    weights = tmp_path / "model.bin"
    weights.write_bytes(b"abc")
    digests.remembered_sha256(weights)
    weights.write_bytes(b"abd")  # same size: the new mtime alone must force a new hash
    status = weights.stat()
    os.utime(weights, ns=(status.st_atime_ns, status.st_mtime_ns + 1_000_000_000))
    assert digests.remembered_sha256(weights) == hashlib.sha256(b"abd").hexdigest()
    weights.write_bytes(b"abcd")
    assert digests.remembered_sha256(weights) == hashlib.sha256(b"abcd").hexdigest()


def test_digests_malformed_cache_is_ignored_and_replaced(tmp_path: Path, cache: Path) -> None:
    cache.mkdir()
    (cache / digests.CACHE_NAME).write_text("{not json")
    weights = tmp_path / "model.bin"
    weights.write_bytes(b"abc")
    assert digests.remembered_sha256(weights) == hashlib.sha256(b"abc").hexdigest()
    assert str(weights.resolve()) in json.loads((cache / digests.CACHE_NAME).read_text())


def test_digests_unwritable_cache_still_gives_the_digest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("PARALLAX_CACHE_DIR", str(blocker / "cache"))  # a folder inside a file cannot exist
    weights = tmp_path / "model.bin"
    weights.write_bytes(b"abc")
    assert digests.remembered_sha256(weights) == hashlib.sha256(b"abc").hexdigest()
    assert digests.remembered_sha256(weights) == hashlib.sha256(b"abc").hexdigest()
