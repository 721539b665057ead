"""Where a new ``parallax analyze`` process spends its time before and around the analysis.

1. ``load``: model loading in a new process, step by step: importing spaCy (which imports
   torch through thinc), loading en_core_web_sm, finding MiniLM, checking its SHA-256 twice
   (the second check is what a later start pays), importing sentence-transformers, loading
   MiniLM, the behaviour check (the first encode), and the same check again; then, in another
   new process, the same for the ONNX export (spaCy imported with torch hidden from thinc,
   onnxruntime and tokenizers, the export's checks and its first encode), when it is built.
2. ``parses``: how much text spaCy parses in an analysis, by stage: the sentence stage's
   batched parse of every article, and what later stages parse again (quote windows,
   sentences the sentence stage could not hand over).
3. ``phases``: CPU and wall seconds of each phase of an analysis of the seeds in a new process
   (imports, the stage modules, spaCy, the ONNX embedder, the analysis, the JSON report), the
   lowest CPU of ``--runs`` runs; with ``--baseline`` the other checkout's runs interleaved.
4. ``commands``: wall time of ``parallax --help`` and ``parallax analyze ../shared/seeds``
   in new processes (``--runs`` each), wall and CPU seconds, with the load average before each
   run; the analysis alternates between the embedders (``PARALLAX_EMBEDDER=onnx`` then
   ``torch``, interleaved, so both see the same load) when the ONNX export is built, unless
   ``--embedder`` names one. ``--baseline OTHER/src`` times another checkout's code in the
   same rounds (before and after a change, under the same load).

    python bench/startup.py [--part load|parses|phases|commands|all] [--runs 3] [--allsides]
        [--baseline OTHER/src] [--embedder onnx|torch]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
BABE = SHARED / "datasets" / "babe"
if BABE.exists():
    os.environ.setdefault("PARALLAX_BABE", str(BABE))

# Runs in a new process: seconds for each step of loading the two models.
LOAD_STEPS = """
import os, tempfile, time
os.environ["PARALLAX_CACHE_DIR"] = tempfile.mkdtemp()  # start with nothing remembered
steps = []
def step(name, began):
    steps.append((name, time.perf_counter() - began))
    return time.perf_counter()
t = time.perf_counter()
import spacy
t = step("import spacy (and torch through thinc)", t)
from parallax.nlp import pretrained
nlp = pretrained.load_spacy()
t = step("load en_core_web_sm (" + "+".join(nlp.pipe_names) + ")", t)
folder, how = pretrained.locate_embedder()  # the order of load_embedder: find, check, import, load
t = step("find MiniLM (" + how + ")", t)
pretrained.verify_embedder_files(folder)
t = step("check SHA-256, first run", t)
pretrained.verify_embedder_files(folder)
t = step("check SHA-256, second run", t)
import sentence_transformers
t = step("import sentence_transformers (and transformers)", t)
model = sentence_transformers.SentenceTransformer(str(folder), device="cpu", local_files_only=True)
t = step("load MiniLM", t)
pretrained.check_embedder_behaviour(model)
t = step("behaviour check (3 sentences, the first encode)", t)
pretrained.check_embedder_behaviour(model)
t = step("the same check again", t)
for name, seconds in steps:
    print(f"{seconds:8.3f} s  {name}")
print(f"{sum(s for _, s in steps):8.3f} s  total")
"""


# The same, for the ONNX export: what an analysis loads when the export is built.
LOAD_STEPS_ONNX = """
import os, sys, tempfile, time
os.environ["PARALLAX_CACHE_DIR"] = tempfile.mkdtemp()  # start with nothing remembered
steps = []
def step(name, began):
    steps.append((name, time.perf_counter() - began))
    return time.perf_counter()
t = time.perf_counter()
from parallax.nlp.parser import import_spacy_without_torch
import_spacy_without_torch()
t = step("import spacy (torch hidden from thinc)", t)
from parallax.nlp import pretrained
nlp = pretrained.load_spacy()
t = step("load en_core_web_sm (" + "+".join(nlp.pipe_names) + ")", t)
import onnxruntime, tokenizers
t = step("import onnxruntime and tokenizers", t)
from parallax.nlp import onnx_embedder
folder = onnx_embedder.default_folder()
onnx_embedder.verify_onnx_files(folder)
t = step("check the export's SHA-256s, first run", t)
onnx_embedder.verify_onnx_files(folder)
t = step("check the export's SHA-256s, second run", t)
model = onnx_embedder.OnnxEmbedder(folder)
model.session(1)
t = step("load tokenizer and ONNX session", t)
onnx_embedder.check_behaviour(model)
t = step("behaviour check (3 sentences, the first encode)", t)
onnx_embedder.check_behaviour(model)
t = step("the same check again", t)
for name, seconds in steps:
    print(f"{seconds:8.3f} s  {name}")
print(f"{sum(s for _, s in steps):8.3f} s  total")
assert "torch" not in sys.modules, "torch was imported"
"""


# Runs in a new process: CPU and wall seconds of each phase of ``parallax analyze SEEDS``, in the
# order the command meets them (the analysis itself after its models are loaded).
PHASES = """
import json, os, sys, time
marks = [("python start", time.process_time(), 0.0)]
began = time.perf_counter()
def mark(name):
    marks.append((name, time.process_time(), time.perf_counter() - began))
import parallax.cli
mark("import parallax.cli")
from parallax import pipeline
pipeline.default_stages()
mark("import the stage modules")
from parallax.nlp.parser import import_spacy_without_torch
import_spacy_without_torch()
mark("import spaCy")
from parallax.nlp import pretrained
pretrained.load_spacy()
mark("load en_core_web_sm")
from parallax.nlp.onnx_embedder import load_onnx_embedder
load_onnx_embedder()
mark("load the ONNX embedder (with checks)")
import parallax
from parallax.options import Options
report = parallax.analyze([sys.argv[1]], Options())
mark("the analysis (first in the process)")
from parallax.codec import report_to_json
report_to_json(report)
mark("write the JSON report")
print(json.dumps(marks))
"""


def environment(**extra: str) -> dict[str, str]:
    """This checkout's src first, unless PYTHONPATH names another (to measure another version)."""
    source = os.environ.get("PYTHONPATH") or str(ROOT / "src")
    return {**os.environ, "PYTHONPATH": source, "HF_HUB_OFFLINE": "1", **extra}


def onnx_built() -> bool:
    sys.path[:0] = (os.environ.get("PYTHONPATH") or str(ROOT / "src")).split(os.pathsep)
    try:
        from parallax.nlp.onnx_embedder import is_built
    except ImportError:  # measuring a version without the ONNX embedder
        return False
    return is_built()


def measure_load() -> None:
    scripts = {"sentence-transformers": LOAD_STEPS}
    if onnx_built():
        scripts["ONNX Runtime"] = LOAD_STEPS_ONNX
    for name, script in scripts.items():
        print(f"model loading in a new process, {name} (load average {os.getloadavg()[0]:.1f}):")
        done = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, env=environment(), check=True
        )
        print(done.stdout.rstrip())


class CountingParser:
    """Wraps a spaCy pipeline and counts texts and characters parsed, by the stage asking."""

    def __init__(self, nlp: Any) -> None:
        self.nlp = nlp
        self.texts: dict[str, int] = defaultdict(int)
        self.chars: dict[str, int] = defaultdict(int)

    def count(self, texts: list[str]) -> None:
        frame = sys._getframe(2)
        while frame is not None and "parallax/analysis/" not in frame.f_code.co_filename:
            frame = frame.f_back  # type: ignore[assignment]
        where = frame.f_code.co_name if frame is not None else "?"
        self.texts[where] += len(texts)
        self.chars[where] += sum(len(t) for t in texts)

    def pipe(self, texts: Any, **kwargs: Any) -> Any:
        listed = list(texts)
        self.count(listed)
        return self.nlp.pipe(listed, **kwargs)

    def __call__(self, text: str) -> Any:
        self.count([text])
        return self.nlp(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.nlp, name)


def measure_parses(allsides: bool) -> None:
    import parallax
    from parallax.nlp import pretrained
    from parallax.options import Options

    counting = CountingParser(pretrained.load_spacy())
    pretrained.load_spacy = lambda name="en_core_web_sm": counting  # type: ignore[assignment]
    inputs: dict[str, list[Any]] = {"seeds": [SHARED / "seeds"]}
    if allsides:
        sys.path.insert(0, str(ROOT / "bench"))
        from speed import cut_allsides_story

        label, articles = cut_allsides_story(SHARED / "datasets" / "allsides" / "articles.jsonl.gz", 50)
        inputs[f"allsides 50 ({label})"] = articles
    for name, given in inputs.items():
        counting.texts.clear()
        counting.chars.clear()
        report = parallax.analyze(given, Options())
        article_chars = sum(len(a.original) for a in report.articles)
        print(f"{name}: {len(report.articles)} articles, {article_chars} characters of original text")
        for where in counting.texts:
            print(
                f"  {where:28s} {counting.texts[where]:5d} texts {counting.chars[where]:8d} characters "
                f"({counting.chars[where] / max(1, article_chars):.1%} of the originals)"
            )


def time_command(
    args: list[str], runs: int, embedders: tuple[str, ...] = ("",), sources: tuple[str, ...] = ("",)
) -> None:
    """Run ``parallax args`` ``runs`` times per embedder and per source tree (``--baseline``), all
    interleaved in each round; prints wall and CPU seconds (user + system of the child)."""
    for run in range(runs):
        for source in sources:
            for embedder in embedders:
                extra = {"PARALLAX_EMBEDDER": embedder} if embedder else {}
                if source:
                    extra["PYTHONPATH"] = source
                load = os.getloadavg()[0]
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                began = time.perf_counter()
                subprocess.run(
                    [sys.executable, "-m", "parallax", *args],
                    env=environment(**extra),
                    capture_output=True,
                    check=True,
                )
                wall = time.perf_counter() - began
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
                label = f" {embedder:5s}" if embedder else ""
                label += f" {'baseline' if source != sources[0] else 'this':8s}" if len(sources) > 1 else ""
                timed = f"{wall:6.2f} s wall, {cpu:5.2f} s CPU"
                print(f"  run {run + 1}{label}: {timed} (load average {load:.1f})")


def measure_commands(runs: int, baseline: str = "", embedder: str = "") -> None:
    sources = ("", baseline) if baseline else ("",)
    print("parallax --help, new process:")
    time_command(["--help"], runs, sources=sources)
    embedders = (embedder,) if embedder else ("onnx", "torch") if onnx_built() else ("",)
    with tempfile.TemporaryDirectory() as folder:
        print("parallax analyze ../shared/seeds -o report.json, new process:")
        report = str(Path(folder) / "report.json")
        time_command(["analyze", str(SHARED / "seeds"), "-o", report], runs, embedders, sources)


def measure_phases(runs: int, baseline: str = "") -> None:
    """CPU and wall seconds per phase of an analysis of the seeds in new processes (ONNX embedder),
    this checkout and ``baseline`` interleaved in each round; the lowest CPU of the runs per phase."""
    if not onnx_built():
        print("phases: the ONNX export is not built (python scripts/build_onnx_model.py); skipped")
        return
    sources = ("", baseline) if baseline else ("",)
    found: dict[str, list[list[tuple[str, float, float]]]] = defaultdict(list)
    for _ in range(runs):
        for source in sources:
            extra = {"PYTHONPATH": source} if source else {}
            done = subprocess.run(
                [sys.executable, "-c", PHASES, str(SHARED / "seeds")],
                env=environment(PARALLAX_EMBEDDER="onnx", **extra),
                capture_output=True,
                text=True,
                check=True,
            )
            found[source].append([tuple(m) for m in json.loads(done.stdout.strip().splitlines()[-1])])
    print(f"phases of parallax analyze (seeds, ONNX), new processes, {runs} runs, lowest CPU of the runs:")
    print(f"  {'phase':40s} " + "  ".join(f"{'this' if not s else 'baseline':>18s}" for s in sources))
    names = [m[0] for m in found[""][0]][1:]
    for k, name in enumerate(names, start=1):
        cells = []
        for source in sources:
            cpu = min(run[k][1] - run[k - 1][1] for run in found[source])
            wall = min(run[k][2] - run[k - 1][2] for run in found[source])
            cells.append(f"{cpu:6.3f} CPU {wall:6.2f} s")
        print(f"  {name:40s} " + "  ".join(f"{c:>18s}" for c in cells))
    for source in sources:
        total = min(run[-1][1] for run in found[source])
        print(f"  total CPU ({'this' if not source else 'baseline'}): {total:.3f} s (lowest of the runs)")
    print(f"  load average {os.getloadavg()[0]:.1f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("load", "parses", "commands", "phases", "all"), default="all")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--allsides", action="store_true", help="also count parses on the 50-article story")
    parser.add_argument(
        "--baseline", default="", help="another checkout's src folder, timed interleaved with this one"
    )
    parser.add_argument("--embedder", choices=("onnx", "torch"), help="time the commands with this one only")
    args = parser.parse_args()
    if args.part in ("load", "all"):
        measure_load()
    if args.part in ("parses", "all"):
        measure_parses(args.allsides)
    if args.part in ("phases", "all"):
        measure_phases(args.runs, args.baseline)
    if args.part in ("commands", "all"):
        measure_commands(args.runs, args.baseline, args.embedder or "")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
