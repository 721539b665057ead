"""The learned claim-pair scorer against MiniLM cosine, and the claims stage on the seeds.

Prints, in one run: ECB+ same-event sentence pairs held out by topic (learned scorer fitted on
the train topics, its threshold chosen there; MiniLM cosine at its train-chosen threshold and at
its oracle-best one), the cross-source figures (fit on ECB+, score the seed annotation's pairs,
and the reverse), and the seed annotation's pair precision and recall of the claims stage as it
runs (bench/claims_quality.py).

    python bench/claim_scorer.py [--cache PATH]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "bench"))

from fit_claim_scorer import SHARED, load_pairs, validate  # noqa: E402

from claims_quality import measure_quality  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=None, help="keep described sentences here between runs")
    args = parser.parse_args(argv)
    if not (SHARED / "datasets" / "ecbplus").is_dir() or not (SHARED / "seeds").is_dir():
        print(f"{SHARED} lacks datasets/ecbplus or seeds")
        return 1
    validate(load_pairs(args.cache))
    import parallax

    quality = measure_quality(parallax.analyze([SHARED / "seeds"]))
    print(
        f"seeds, claims stage: pair precision {quality.precision:.3f} ({quality.correct_pairs}/"
        f"{quality.predicted_pairs}), recall {quality.recall:.3f} "
        f"({quality.correct_pairs}/{quality.true_pairs})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
