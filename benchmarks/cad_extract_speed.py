"""STEP -> gAAG extraction speed on MFCAD (one core and N processes), and generator speed.

Prints models/s and faces/s for:

- the anchor: OCP read + transfer alone (``STEPControl_Reader``), one core;
- ``read_step`` (full gAAG with 10x10 UV grids and 10-point edge grids), one core;
- the dataset extraction path (``run_jobs`` over worker processes, graphs returned
  to the parent), with ``--workers`` processes, pool start-up included;
- the part generator (``generate_part`` + STEP/JSON writing), one core.

Extraction figures are also given as a ratio to the anchor, which drifts less
on a shared machine than absolute times. The load average is printed before
and after, since other jobs share the cores.

Usage:
    PYTHONPATH=. python benchmarks/cad_extract_speed.py [--limit N] [--workers 2] [--generate 30]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

DEFAULT_ROOT = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "mfcad"


def _anchor(files: list[Path]) -> tuple[float, int]:
    from OCP.STEPControl import STEPControl_Reader

    from graphssl.cad.step_reader import quiet_occt

    start = time.perf_counter()
    for path in files:
        reader = STEPControl_Reader()
        with quiet_occt():
            reader.ReadFile(str(path))
            reader.TransferRoots()
        reader.OneShape()
    return time.perf_counter() - start, 0


def _one_core(files: list[Path]) -> tuple[float, int]:
    from graphssl.cad import read_step

    start = time.perf_counter()
    faces = sum(read_step(path).num_nodes for path in files)
    return time.perf_counter() - start, faces


def _job(path: str):
    from graphssl.cad import read_step

    return read_step(path)


def _processes(files: list[Path], workers: int) -> tuple[float, int]:
    from graphssl.cad.datasets.parallel import run_jobs

    start = time.perf_counter()
    outcomes = run_jobs(_job, [str(p) for p in files], num_workers=workers, progress=False)
    elapsed = time.perf_counter() - start
    assert all(ok for ok, _ in outcomes), [r for ok, r in outcomes if not ok][:3]
    return elapsed, sum(int(data.num_nodes) for _, data in outcomes)


def _generator(count: int) -> tuple[float, int]:
    from graphssl.cad.generator.output import write_part
    from graphssl.cad.generator.part import generate_part

    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        faces = 0
        for i in range(count):
            part = generate_part(0, i)
            write_part(part, Path(folder), f"part_{i:06d}")
            faces += len(part.labels)
        return time.perf_counter() - start, faces


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT, help="MFCAD folder (with step/*.step)")
    parser.add_argument("--limit", type=int, default=0, help="use the first N files (default: all)")
    parser.add_argument("--workers", type=int, default=2, help="processes for the parallel run (default 2)")
    parser.add_argument("--generate", type=int, default=30, help="parts for the generator run (default 30)")
    args = parser.parse_args()

    files = sorted((args.root / "step").glob("*.step"))
    if args.limit:
        files = files[: args.limit]
    print(f"{len(files)} MFCAD models; load average before: {os.getloadavg()}")
    _one_core(files[:5])
    rows = []
    anchor_s, _ = _anchor(files)
    rows.append(("OCP read + transfer (anchor), 1 core", anchor_s, len(files), None))
    single_s, faces = _one_core(files)
    rows.append(("read_step -> gAAG, 1 core", single_s, len(files), faces))
    multi_s, faces_multi = _processes(files, args.workers)
    assert faces_multi == faces
    rows.append((f"dataset extraction, {args.workers} processes", multi_s, len(files), faces))
    if args.generate:
        gen_s, gen_faces = _generator(args.generate)
        rows.append(("generator (part + STEP/JSON), 1 core", gen_s, args.generate, gen_faces))
    print(f"load average after: {os.getloadavg()}")
    print(f"{'run':44s} {'seconds':>8s} {'models/s':>9s} {'faces/s':>8s} {'vs anchor':>9s}")
    for name, seconds, models, nfaces in rows:
        face_rate = f"{nfaces / seconds:8.0f}" if nfaces else f"{'':8s}"
        ratio = f"{anchor_s / seconds * 1.0:9.2f}" if "anchor" not in name and "generator" not in name else f"{'':9s}"
        print(f"{name:44s} {seconds:8.2f} {models / seconds:9.1f} {face_rate} {ratio}")


if __name__ == "__main__":
    main()
