"""Exporting the bundled all-MiniLM-L6-v2 to ONNX, with its pooling, at set-up time.

The exported graph takes ``input_ids``, ``attention_mask`` and ``token_type_ids`` (int64,
batch x tokens) and returns unit-length sentence vectors (batch x 384): the transformer,
then the mean of the token vectors under the attention mask, then L2 normalisation, which
is what sentence-transformers' Transformer, Pooling (mean) and Normalize modules do for
this model. Running it needs only ``onnxruntime`` and ``tokenizers``
(``parallax.nlp.onnx_embedder``); exporting needs torch and transformers, which Parallax
installs, and runs offline from the package's files after checking their SHA-256.

The model is written to a temporary folder beside the target and moved into place when
complete; ``manifest.json`` records the source checksum, the versions used and each output
file's SHA-256, and loading checks the files against it.
"""

from __future__ import annotations

import os
import shutil
import time
import warnings
from pathlib import Path
from typing import Any

from parallax.nlp.builds import BuildResult, staged_folder, write_manifest
from parallax.nlp.onnx_embedder import (
    MANIFEST,
    MAX_TOKENS,
    MODEL_FILE,
    TOKENIZER_FILE,
    default_folder,
    load_onnx_embedder,
)
from parallax.nlp.pretrained import (
    STANDARD_EMBEDDER,
    locate_embedder,
    verify_embedder_files,
)

OPSET = 17
INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def make_pooled_encoder(folder: Path) -> Any:
    """A torch module: MiniLM from ``folder``, masked mean pooling, L2 normalisation."""
    import torch
    from transformers import AutoModel

    bert = AutoModel.from_pretrained(str(folder), local_files_only=True, attn_implementation="eager")
    bert.eval()

    class PooledEncoder(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            hidden = self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            summed = (hidden * mask).sum(dim=1)
            counts = mask.sum(dim=1).clamp(min=1e-9)
            return torch.nn.functional.normalize(summed / counts, p=2.0, dim=1)

    return PooledEncoder().eval()


def export_onnx(folder: Path, target: Path) -> None:
    """Trace the pooled encoder on a small batch and write it to ``target`` with dynamic axes.

    The TorchScript exporter (``dynamo=False``) is used: it needs only the ``onnx`` package,
    where the newer exporter also needs onnxscript; the vectors are checked against
    sentence-transformers' in tests/test_onnx_embedder.py either way.
    """
    import torch

    encoder = make_pooled_encoder(folder)
    sample = torch.ones((2, 8), dtype=torch.long)
    axes = {name: {0: "batch", 1: "tokens"} for name in INPUTS}
    axes["sentence_embedding"] = {0: "batch"}
    # The tracer warns about Python conditions and indexing in transformers' mask code that
    # are fixed for any input shape; the exported vectors are checked in the tests instead.
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            encoder,
            (sample, sample, torch.zeros_like(sample)),
            str(target),
            input_names=list(INPUTS),
            output_names=["sentence_embedding"],
            dynamic_axes=axes,
            opset_version=OPSET,
            do_constant_folding=True,
            dynamo=False,
        )
    import onnx

    onnx.checker.check_model(str(target), full_check=True)  # a well-formed graph, shapes inferred


def build_onnx_model(folder: Path | None = None) -> BuildResult:
    """Export the bundled MiniLM to ONNX into ``folder`` (replacing what is there); offline."""
    target = (folder or default_folder()).expanduser()
    began = time.perf_counter()
    source, how = locate_embedder(STANDARD_EMBEDDER)
    verify_embedder_files(source)
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    import onnxruntime
    import torch
    import transformers

    with staged_folder(target) as staging:
        export_onnx(source, staging / MODEL_FILE)
        shutil.copyfile(source / TOKENIZER_FILE, staging / TOKENIZER_FILE)
        details = {
            "exported_with": {
                "torch": torch.__version__,
                "transformers": transformers.__version__,
                "onnxruntime_at_build": onnxruntime.__version__,
                "opset": OPSET,
            },
            "graph": "transformer -> masked mean pooling -> L2 normalisation",
            "max_tokens": MAX_TOKENS,
        }
        files = (MODEL_FILE, TOKENIZER_FILE)
        seconds, manifest = write_manifest(staging, MANIFEST, how, began, files, details)
    load_onnx_embedder.cache_clear()
    return BuildResult(target, seconds, manifest)
