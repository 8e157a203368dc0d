"""Latency of ``graphssl cad predict`` on one part in a cold process (issue 16: target under 5 s).

Each repeat starts a fresh ``python -m graphssl cad predict PART --model MODEL --json OUT``
process and times it from launch to exit: Python and torch start-up, importing
OpenCascade, loading the segmenter, reading the STEP file, extracting the gAAG and
predicting. The median and the range over repeats are printed with the load
average, since other jobs share the cores.

Usage:
    PYTHONPATH=. python benchmarks/cad_predict_latency.py --model SEGMENTER.pt [--part PART.step] [--repeats 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_PART = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "mfcad" / "step" / "0-0-0-0-5-23.step"


def cold_predict(part: Path, model: str, out: Path) -> float:
    """Seconds one ``graphssl cad predict`` process takes, launch to exit; raises if it fails."""
    command = [sys.executable, "-m", "graphssl", "cad", "predict", str(part), "--model", model, "--json", str(out)]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"cad predict failed ({done.returncode}): {done.stderr.strip()}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, help="segmenter file (or a shipped segmenter's name)")
    parser.add_argument("--part", type=Path, default=DEFAULT_PART, help="STEP file (default: an MFCAD part)")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as folder:
        times = [cold_predict(args.part, args.model, Path(folder) / "out.json") for _ in range(args.repeats)]
    print(f"load average after:  {os.getloadavg()[0]:.2f}")
    print(f"{args.part.name}: cold-process predict median {statistics.median(times):.2f} s "
          f"(min {min(times):.2f}, max {max(times):.2f}, {len(times)} runs)")


if __name__ == "__main__":
    main()
