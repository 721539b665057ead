"""all-MiniLM-L6-v2 through ONNX Runtime: the same sentence vectors without torch at run time.

``python scripts/build_onnx_model.py`` (run by ``./tasks.sh setup``) exports the bundled
MiniLM, with its mean pooling and L2 normalisation, into ``~/.cache/parallax/onnx-minilm/``
(or the folder ``PARALLAX_ONNX_MODEL`` names); see ``parallax.nlp.onnx_build``. Here it is
loaded with ``onnxruntime`` and the fast tokenizer of the ``tokenizers`` library (the
package's own ``tokenizer.json``), after checking each file against the build manifest.

Encoding follows sentence-transformers for this model: each text is stripped, tokenized
(lower-cased word pieces, at most 256 tokens, truncating the rest), the texts are sorted
by length and run in batches padded to their longest, and each vector is the masked mean
of the token vectors scaled to unit length. The vectors match sentence-transformers' to
a cosine of 0.9999 or better (tests/test_onnx_embedder.py).
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from parallax.errors import ModelUnavailable
from parallax.nlp.builds import verify_manifest
from parallax.nlp.digests import remembered_sha256
from parallax.nlp.pretrained import BEHAVIOUR_TEXTS, load_seconds, wrong_similarities

MANIFEST = "manifest.json"
MODEL_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
MAX_TOKENS = 256  # sentence-transformers' max_seq_length for all-MiniLM-L6-v2
DIM = 384
BUILD_COMMAND = "python scripts/build_onnx_model.py"
INSTALL_HINT = "pip install 'onnxruntime>=1.20,<2' 'tokenizers>=0.20,<1'"


def default_folder() -> Path:
    """The ONNX model's folder: ``PARALLAX_ONNX_MODEL`` or ``~/.cache/parallax/onnx-minilm``."""
    chosen = os.environ.get("PARALLAX_ONNX_MODEL", "")
    if chosen:
        return Path(chosen).expanduser()
    return Path.home() / ".cache" / "parallax" / "onnx-minilm"


def is_built(folder: Path | None = None) -> bool:
    """Whether a build manifest is in place (the files are checked when the model loads)."""
    return ((folder or default_folder()).expanduser() / MANIFEST).exists()


def verify_onnx_files(folder: Path) -> dict[str, object]:
    """Check the ONNX model's files against its manifest; returns the manifest.

    Digests are remembered while a file's size and mtime are unchanged (``parallax.nlp.digests``).
    """
    return verify_manifest(
        folder,
        MANIFEST,
        what="ONNX model",
        made="exported",
        build_command=BUILD_COMMAND,
        files=(MODEL_FILE, TOKENIZER_FILE),
        digest=remembered_sha256,
    )


class OnnxEmbedder:
    """The exported MiniLM and its tokenizer; one ONNX Runtime session per thread count."""

    def __init__(self, folder: Path) -> None:
        try:
            import onnxruntime
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise ModelUnavailable(f"cannot run the ONNX model: {exc}; run `{INSTALL_HINT}`") from exc
        self.folder = folder
        self.runtime = onnxruntime
        self.tokenizer = Tokenizer.from_file(str(folder / TOKENIZER_FILE))
        # tokenizer.json ships with truncation at 128 and fixed padding; sentence-transformers
        # truncates at 256 and pads each batch to its longest, which encode() does.
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self.sessions: dict[int, Any] = {}

    def session(self, threads: int) -> Any:
        """The inference session that uses ``threads`` threads (created on first use)."""
        if threads not in self.sessions:
            options = self.runtime.SessionOptions()
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
            # No busy-waiting between operators: the cores are shared with the rest of the run.
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            try:
                self.sessions[threads] = self.runtime.InferenceSession(
                    str(self.folder / MODEL_FILE), sess_options=options, providers=["CPUExecutionProvider"]
                )
            except Exception as exc:
                raise ModelUnavailable(
                    f"could not load the ONNX model {self.folder / MODEL_FILE}: {exc}; "
                    f"rebuild with `{BUILD_COMMAND}`"
                ) from exc
        return self.sessions[threads]

    def encode(self, texts: Sequence[str], batch_size: int = 32, threads: int = 1) -> np.ndarray:
        """Unit-length float32 vectors, one row per text, in the order given."""
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        encodings = self.tokenizer.encode_batch([text.strip() for text in texts])
        order = sorted(range(len(texts)), key=lambda n: -len(encodings[n].ids))
        session = self.session(threads)
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for start in range(0, len(order), max(1, batch_size)):
            rows = order[start : start + max(1, batch_size)]
            width = max(len(encodings[n].ids) for n in rows)
            feed = {name: np.zeros((len(rows), width), dtype=np.int64) for name in self.input_names}
            for i, n in enumerate(rows):
                found = encodings[n]
                size = len(found.ids)
                feed["input_ids"][i, :size] = found.ids
                feed["attention_mask"][i, :size] = found.attention_mask
                feed["token_type_ids"][i, :size] = found.type_ids
            out[rows] = session.run(["sentence_embedding"], feed)[0]
        return out

    input_names = ("input_ids", "attention_mask", "token_type_ids")


def check_behaviour(model: OnnxEmbedder) -> None:
    """A paraphrase pair must be closer than an unrelated sentence, as for the torch model."""
    wrong = wrong_similarities(model.encode(BEHAVIOUR_TEXTS))
    if wrong:
        raise ModelUnavailable(
            f"the ONNX model gives wrong similarities ({wrong}); "
            f"its files are probably damaged: rebuild with `{BUILD_COMMAND}`"
        )


@cache
def load_onnx_embedder(folder: Path | None = None) -> OnnxEmbedder:
    """The ONNX MiniLM, loaded offline after checking its files and behaviour; cached per process.

    Raises ModelUnavailable, saying what to run, when it is not built or is damaged.
    """
    began = time.perf_counter()
    where = (folder or default_folder()).expanduser()
    if not is_built(where):
        raise ModelUnavailable(f"no ONNX MiniLM at {where}: build it with `{BUILD_COMMAND}`")
    verify_onnx_files(where)
    model = OnnxEmbedder(where)
    check_behaviour(model)
    load_seconds["embedder"] = time.perf_counter() - began
    return model
