"""Latency of ``graphssl cad predict`` on one part in a cold process (issue 16: target under 5 s).

Each repeat starts a fresh ``python -m graphssl cad predict PART --model MODEL --json OUT``
process and times it from launch to exit: Python and torch start-up, importing
OpenCascade, loading the segmenter, reading the STEP file, extracting the gAAG and
predicting. The median and the range over repeats are printed, in wall time and
in the process's CPU time (user + system): on shared cores the wall time grows
with the load, the CPU time much less, and on an idle core the two agree.

``--phases`` also runs one fresh process that times each phase in turn (importing
torch, PyG, OpenCascade and graphssl; loading the segmenter; the first and a second
prediction; interpreter shutdown), so the split needs no hand timing.

Usage:
    PYTHONPATH=. python benchmarks/cad_predict_latency.py --model SEGMENTER.pt [--part PART.step] [--repeats 5]
        [--phases]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_PART = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "mfcad" / "step" / "0-0-0-0-5-23.step"

#: Run in a fresh process by ``--phases``: one time stamp after each phase, printed as JSON on the last line.
PHASES_SCRIPT = """
import json, sys, time
stamps = [("start", time.time())]
import torch; stamps.append(("import torch", time.time()))
import torch_geometric; stamps.append(("import torch_geometric", time.time()))
import OCP.BRep, OCP.STEPControl; stamps.append(("import OCP", time.time()))
from graphssl.brepmae import prediction; import graphssl.cli; stamps.append(("import graphssl", time.time()))
segmenter = prediction.resolve_segmenter(sys.argv[2]); stamps.append(("load the segmenter", time.time()))
options = prediction.extraction_options(segmenter.card)
prediction.predict_part(sys.argv[1], segmenter, options); stamps.append(("read, extract, predict", time.time()))
prediction.predict_part(sys.argv[1], segmenter, options); stamps.append(("the same again (warm)", time.time()))
print(json.dumps(stamps), flush=True)
"""


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cold_predict(part: Path, model: str, out: Path) -> tuple[float, float]:
    """``(wall s, CPU s)`` of one ``graphssl cad predict`` process, launch to exit; raises if it fails."""
    command = [sys.executable, "-m", "graphssl", "cad", "predict", str(part), "--model", model, "--json", str(out)]
    cpu, start = _child_cpu(), time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"cad predict failed ({done.returncode}): {done.stderr.strip()}")
    return elapsed, _child_cpu() - cpu


def phases(part: Path, model: str) -> list[tuple[str, float]]:
    """``(phase, seconds)`` of one fresh process, shutdown included (from its last stamp to its exit)."""
    launched = time.time()
    done = subprocess.run([sys.executable, "-c", PHASES_SCRIPT, str(part), model], capture_output=True, text=True)
    ended = time.time()
    if done.returncode != 0:
        raise SystemExit(f"phase timing failed ({done.returncode}): {done.stderr.strip()}")
    stamps = json.loads(done.stdout.strip().splitlines()[-1])
    split = [("interpreter start", stamps[0][1] - launched)]
    split += [(name, now - before) for (_, before), (name, now) in zip(stamps, stamps[1:])]
    return split + [("interpreter shutdown", ended - stamps[-1][1])]


def _summary(values: list[float]) -> str:
    return f"median {statistics.median(values):.2f} s (min {min(values):.2f}, max {max(values):.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, help="segmenter file (or a shipped segmenter's name)")
    parser.add_argument("--part", type=Path, default=DEFAULT_PART, help="STEP file (default: an MFCAD part)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--phases", action="store_true", help="also time each phase in one fresh process")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f}; OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', '')}")
    with tempfile.TemporaryDirectory() as folder:
        runs = [cold_predict(args.part, args.model, Path(folder) / "out.json") for _ in range(args.repeats)]
    print(f"load average after:  {os.getloadavg()[0]:.2f}")
    print(f"{args.part.name}: cold-process predict, {len(runs)} runs: wall {_summary([w for w, _ in runs])}; "
          f"CPU {_summary([c for _, c in runs])}")
    if args.phases:
        for name, seconds in phases(args.part, args.model):
            print(f"  {name:<24} {seconds:6.2f} s")


if __name__ == "__main__":
    main()
