"""Build the static (model2vec) embedding model from the bundled all-MiniLM-L6-v2, offline.

    python scripts/build_static_model.py [--out FOLDER] [--pca-dims 256]

The source weights' SHA-256 is checked before distilling, nothing is downloaded
(HF_HUB_OFFLINE=1), and FOLDER/manifest.json records the source checksum, the
model2vec version, the parameters and each output file's SHA-256. FOLDER defaults to
$PARALLAX_STATIC_MODEL or ~/.cache/parallax/static-minilm. Needs model2vec and
skeletoken (`pip install 'model2vec>=0.6,<1' 'skeletoken>=0.6,<0.7'`); takes two to
four minutes on two cores.
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
from parallax.nlp.static import DEFAULT_PCA_DIMS, build_static_model, default_folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=default_folder(), help="output folder")
    parser.add_argument("--pca-dims", type=int, default=DEFAULT_PCA_DIMS, help="vector dimensions")
    args = parser.parse_args(argv)
    try:
        result = build_static_model(args.out, pca_dims=args.pca_dims)
    except ModelUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"built {result.folder} in {result.seconds:.0f} s")
    print(json.dumps(result.manifest, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
