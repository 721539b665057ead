"""Export the bundled all-MiniLM-L6-v2 to ONNX (with mean pooling and normalisation), offline.

    python scripts/build_onnx_model.py [--out FOLDER]

The source weights' SHA-256 is checked before exporting, nothing is downloaded
(HF_HUB_OFFLINE=1), and FOLDER/manifest.json records the source checksum, the torch,
transformers and opset versions and each output file's SHA-256. FOLDER defaults to
$PARALLAX_ONNX_MODEL or ~/.cache/parallax/onnx-minilm. Needs torch and transformers
(installed with Parallax); takes well under a minute.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

from parallax.errors import ModelUnavailable
from parallax.nlp.onnx_build import build_onnx_model
from parallax.nlp.onnx_embedder import default_folder, load_onnx_embedder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=default_folder(), help="output folder")
    args = parser.parse_args(argv)
    try:
        result = build_onnx_model(args.out)
        load_onnx_embedder(result.folder)  # checks the files and a paraphrase pair
    except ModelUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"built {result.folder} in {result.seconds:.0f} s")
    print(json.dumps(result.manifest, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
