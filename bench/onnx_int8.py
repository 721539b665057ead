"""The ONNX MiniLM against a dynamically quantised (int8) copy: cost per sentence and agreement.

Quantises the built export's weights to int8 (``onnxruntime.quantization.quantize_dynamic``)
into a temporary folder with its own manifest, then embeds the seed sentences and a spread of
ECB+ sentences with both, interleaved, on one thread, and prints wall and CPU milliseconds per
sentence and the cosine between the two vectors of each sentence. ``--keep FOLDER`` keeps the
int8 copy there, so other benchmarks can run on it (``PARALLAX_ONNX_MODEL=FOLDER``).

    python bench/onnx_int8.py [--rounds 2] [--ecbplus 300] [--keep FOLDER]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from parallax.nlp.digests import sha256_file
from parallax.nlp.onnx_embedder import MANIFEST, MODEL_FILE, TOKENIZER_FILE, OnnxEmbedder, default_folder

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"


def read_sentences(ecbplus: int) -> list[str]:
    texts: list[str] = []
    for path in sorted((SHARED / "seeds").glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            texts += [part.strip() for part in line.split(". ") if part.strip()]
    source = SHARED / "datasets" / "ecbplus" / "sentences.jsonl"
    if source.exists() and ecbplus:
        lines = source.read_text(encoding="utf-8").splitlines()
        texts += [json.loads(line)["text"] for line in lines[:: max(1, len(lines) // ecbplus)][:ecbplus]]
    return texts


def quantise(source: Path, target: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source / TOKENIZER_FILE, target / TOKENIZER_FILE)
    quantize_dynamic(str(source / MODEL_FILE), str(target / MODEL_FILE), weight_type=QuantType.QInt8)
    manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    manifest["files"][MODEL_FILE] = sha256_file(target / MODEL_FILE)
    manifest["graph"] = str(manifest.get("graph", "")) + "; weights quantised to int8 (dynamic)"
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--ecbplus", type=int, default=300, help="ECB+ sentences added to the seeds'")
    parser.add_argument("--keep", type=Path, help="keep the int8 copy in this folder")
    args = parser.parse_args()
    source = default_folder()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="parallax-int8-"))
    try:
        began = time.perf_counter()
        quantise(source, folder)
        print(f"quantised in {time.perf_counter() - began:.1f} s: {folder / MODEL_FILE}")
        texts = read_sentences(args.ecbplus)
        models = {"fp32": OnnxEmbedder(source), "int8": OnnxEmbedder(folder)}
        vectors = {}
        for round_ in range(args.rounds):
            for name, model in models.items():
                wall, cpu = time.perf_counter(), time.process_time()
                vectors[name] = model.encode(texts, batch_size=32, threads=1)
                wall = 1000 * (time.perf_counter() - wall) / len(texts)
                cpu = 1000 * (time.process_time() - cpu) / len(texts)
                print(
                    f"round {round_ + 1} {name}: {len(texts)} sentences, {wall:.2f} ms wall, "
                    f"{cpu:.2f} ms CPU per sentence (load average {os.getloadavg()[0]:.1f})"
                )
        cosines = (vectors["fp32"] * vectors["int8"]).sum(axis=1)
        print(
            f"cosine int8 against fp32: min {cosines.min():.4f}, 1st percentile "
            f"{np.percentile(cosines, 1):.4f}, mean {cosines.mean():.4f}"
        )
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
