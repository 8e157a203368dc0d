"""Molecule featurization speed: graphssl vs ogb.utils.smiles2graph and PyG from_smiles (issue #8).

All featurizers run in this one process on the same MOSES SMILES, in
interleaved rounds (ogb, graphssl, ... then again), so load from other work
on the machine hits them alike. Printed: molecules/s of the best round, the
ratio of best rounds to ogb, and the median of the per-round ratios.

    PYTHONPATH=. python benchmarks/featurize_speed.py --n 10000 --rounds 3
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import os
import resource
import statistics
import time
from pathlib import Path
from typing import Callable

DEFAULT_DATA = Path(os.environ.get("GRAPHSSL_SHARED_DATA", Path(__file__).resolve().parents[1] / ".." / "shared" / "data"))


def busy_seconds() -> float:
    """CPU-seconds all processes have used so far (Linux /proc/stat), to spot rounds disturbed by others."""
    try:
        with open("/proc/stat") as handle:
            values = [int(v) for v in handle.readline().split()[1:]]
    except OSError:
        return float("nan")
    return (sum(values) - values[3] - values[4]) / os.sysconf("SC_CLK_TCK")


def own_seconds() -> float:
    self_, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return self_.ru_utime + self_.ru_stime + children.ru_utime + children.ru_stime


def load_smiles(path: Path, n: int) -> list[str]:
    with gzip.open(path, "rt") as handle:
        next(handle)
        return [line.strip() for line in itertools.islice(handle, n)]


def contenders(smiles: list[str], n_jobs: int) -> dict[str, Callable[[], object]]:
    from ogb.utils import smiles2graph
    from rdkit import Chem
    from torch_geometric.utils import from_smiles

    from graphssl.chem import mol_to_graph, mols_to_graphs

    return {
        "rdkit MolFromSmiles only": lambda: [Chem.MolFromSmiles(s) for s in smiles],
        "ogb smiles2graph": lambda: [smiles2graph(s) for s in smiles],
        "pyg from_smiles": lambda: [from_smiles(s) for s in smiles],
        "graphssl mol_to_graph (loop)": lambda: [mol_to_graph(s) for s in smiles],
        "graphssl mols_to_graphs": lambda: mols_to_graphs(smiles),
        "graphssl mols_to_graphs +fragments": lambda: mols_to_graphs(smiles, fragments=True),
        f"graphssl mols_to_graphs n_jobs={n_jobs}": lambda: mols_to_graphs(smiles, n_jobs=n_jobs),
        f"graphssl +fragments n_jobs={n_jobs}": lambda: mols_to_graphs(smiles, n_jobs=n_jobs, fragments=True),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA / "moses" / "train.csv.gz",
                        help="MOSES csv.gz (default: ../shared/data/moses/train.csv.gz)")
    parser.add_argument("--n", type=int, default=10000, help="number of SMILES (default 10000)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument("--n-jobs", type=int, default=2, help="workers for the parallel rows (default 2)")
    args = parser.parse_args()

    smiles = load_smiles(args.data, args.n)
    runs = contenders(smiles, args.n_jobs)
    runs["graphssl mols_to_graphs"]()  # warm-up: RDKit import and the decoder's self-check
    seconds: dict[str, list[float]] = {name: [] for name in runs}
    print(f"{len(smiles)} MOSES SMILES, {args.rounds} rounds, load average before: {os.getloadavg()[0]:.2f}")
    elsewhere = []
    for _ in range(args.rounds):
        busy, own = busy_seconds(), own_seconds()
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            seconds[name].append(time.perf_counter() - start)
        elsewhere.append((busy_seconds() - busy) - (own_seconds() - own))
    ogb = seconds["ogb smiles2graph"]
    serial = seconds["graphssl mols_to_graphs"]
    serial_frag = seconds["graphssl mols_to_graphs +fragments"]
    print(f"load average after: {os.getloadavg()[0]:.2f}; CPU-seconds used by other processes per round: "
          + " ".join(f"{e:.1f}" for e in elsewhere))
    print(f"{'featurizer':40s} {'mol/s':>8s} {'x ogb':>6s} {'median':>7s}  per-round x ogb")
    for name, times in seconds.items():
        ratios = [o / t for o, t in zip(ogb, times)]
        print(f"{name:40s} {len(smiles) / min(times):8.0f} {min(ogb) / min(times):6.2f} {statistics.median(ratios):7.2f}  "
              + " ".join(f"{r:.2f}" for r in ratios))
    for label, base, name in (("", serial, f"graphssl mols_to_graphs n_jobs={args.n_jobs}"),
                              ("+fragments ", serial_frag, f"graphssl +fragments n_jobs={args.n_jobs}")):
        scaling = [b / t for b, t in zip(base, seconds[name])]
        print(f"n_jobs={args.n_jobs} {label}over n_jobs=1: best {min(base) / min(seconds[name]):.2f}, "
              f"median {statistics.median(scaling):.2f} (rounds: {' '.join(f'{s:.2f}' for s in scaling)})")

if __name__ == "__main__":
    main()
