"""PSE engine speed: RWSE(20) + LapPE(8) on MOSES molecules against PyG, and RWSE(20) on a 100k-node graph.

For each thread count the script runs itself in a fresh process (BLAS thread
counts are fixed at import), limits every BLAS/OpenMP pool, sets
``torch.set_num_threads``, then times in that one process, alternating:

* PyG: ``AddRandomWalkPE(20)`` then ``AddLaplacianEigenvectorPE(8)`` on every
  ``Data`` (``is_undirected=False``, PyG's default, and ``True``);
* graphssl: ``AddPSE([RWSE(k=20), LapPE(k=8)]).compute(batch)`` on the same
  graphs collated once as a ``Batch`` (the layout of an ``InMemoryDataset``),
  and from the list of ``Data`` (collation timed too).

It checks the values (RWSE max |difference|; LapPE eigenvalues as Rayleigh
quotients of PyG's eigenvectors) and reports the best of ``--repeats`` runs
(graphs/s) and the ratio. Molecule graphs are built with RDKit (heavy atoms,
bonds in both directions) before any timing.

Usage:
    python benchmarks/pe_speed.py --graphs 10000 --threads 1 2 --repeats 3
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MOSES = ROOT.parent / "shared" / "data" / "moses" / "train.csv.gz"
THREAD_VARS = (
    "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS"
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--graphs", type=int, default=10_000, help="MOSES molecules (first rows of train.csv.gz)")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2], help="thread counts, one process each")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per method; the best is reported")
    parser.add_argument("--moses", type=Path, default=MOSES, help="MOSES train.csv.gz")
    parser.add_argument("--large-nodes", type=int, default=100_000, help="nodes of the large graphs (0 skips them)")
    parser.add_argument("--worker", choices=["molecules", "grid", "regular"], help=argparse.SUPPRESS)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    if args.worker:
        worker(args)
        return
    print(f"uptime: {os.popen('uptime').read().strip()}")
    for threads in args.threads:
        run_worker(args, "molecules", threads)
    if args.large_nodes:
        print(f"\n== RWSE(20) on {args.large_nodes:,}-node graphs, 1 thread, one process each ==")
        for case in ("grid", "regular"):
            run_worker(args, case, 1)


def run_worker(args: argparse.Namespace, kind: str, threads: int) -> None:
    env = dict(os.environ, **{var: str(threads) for var in THREAD_VARS}, PYTHONPATH=str(ROOT))
    command = [sys.executable, __file__, "--worker", kind, "--graphs", str(args.graphs), "--repeats", str(args.repeats),
               "--moses", str(args.moses), "--large-nodes", str(args.large_nodes), "--threads", str(threads)]
    subprocess.run(command, env=env, check=True)


def worker(args: argparse.Namespace) -> None:
    import torch

    torch.set_num_threads(args.threads[0])
    if args.worker == "molecules":
        molecules(args)
    else:
        large_graph(args, args.worker)


def load_molecules(path: Path, count: int):
    import torch
    from rdkit import Chem, RDLogger
    from torch_geometric.data import Data

    RDLogger.DisableLog("rdApp.*")
    graphs = []
    with gzip.open(path, "rt") as handle:
        next(handle)
        for line in handle:
            mol = Chem.MolFromSmiles(line.strip())
            if mol is None:
                continue
            bonds = [(b.GetBeginAtomIdx(), b.GetEndAtomIdx()) for b in mol.GetBonds()]
            edges = torch.tensor(bonds + [(j, i) for i, j in bonds], dtype=torch.long).t().reshape(2, -1)
            graphs.append(Data(edge_index=edges.contiguous(), num_nodes=mol.GetNumAtoms()))
            if len(graphs) == count:
                break
    return graphs


def molecules(args: argparse.Namespace) -> None:
    import numpy as np
    import torch
    from torch_geometric.data import Batch
    from torch_geometric.transforms import AddLaplacianEigenvectorPE, AddRandomWalkPE

    from graphssl.pe import AddPSE, GraphSet, LapPE, RWSE

    graphs = load_molecules(args.moses, args.graphs)
    batch = Batch.from_data_list(graphs)
    ours = AddPSE([RWSE(k=20), LapPE(k=8)])
    rw = AddRandomWalkPE(20, "rw")
    lap_default = AddLaplacianEigenvectorPE(8, "lap")
    lap_sym = AddLaplacianEigenvectorPE(8, "lap", is_undirected=True)

    def pyg(lap):
        return [lap(rw(data)) for data in graphs]

    methods = {
        "pyg_default": lambda: pyg(lap_default),
        "pyg_is_undirected": lambda: pyg(lap_sym),
        "graphssl_batch": lambda: ours.compute(batch),
        "graphssl_data_list": lambda: ours.compute(GraphSet.from_data_list(graphs)),
    }
    best = {name: float("inf") for name in methods}
    results = {}
    for _ in range(args.repeats):
        for name, method in methods.items():
            start = time.perf_counter()
            results[name] = method()
            best[name] = min(best[name], time.perf_counter() - start)

    out = results["graphssl_batch"]
    pyg_rw = torch.cat([d.rw for d in results["pyg_default"]])
    rwse_dev = float((pyg_rw - out["rwse"]).abs().max())
    eig_dev, covered = eigenvalue_deviation(results["pyg_is_undirected"], out, batch.ptr, graphs)
    eig_dev_default, _ = eigenvalue_deviation(results["pyg_default"], out, batch.ptr, graphs)
    load = os.getloadavg()
    sizes = np.array([g.num_nodes for g in graphs])
    speed = {name: len(graphs) / seconds for name, seconds in best.items()}
    print(f"\n== {len(graphs)} MOSES graphs (nodes: mean {sizes.mean():.1f}, max {sizes.max()}), "
          f"{torch.get_num_threads()} thread(s), best of {args.repeats}; load average after: {load[0]:.2f} ==")
    for name in methods:
        print(f"{name:>20}: {best[name]:7.3f} s  {speed[name]:9.0f} graphs/s")
    for base in ("pyg_default", "pyg_is_undirected"):
        print(f"ratio graphssl_batch / {base}: {speed['graphssl_batch'] / speed[base]:.1f}x   "
              f"(data list: {speed['graphssl_data_list'] / speed[base]:.1f}x)")
    print(f"max |RWSE - PyG RWSE|: {rwse_dev:.2e}")
    print(f"max |LapPE eigenvalue - PyG Rayleigh quotient|: {eig_dev:.2e} (is_undirected), "
          f"{eig_dev_default:.2e} (default), over {covered} eigenpairs")
    assert rwse_dev < 1e-5 and eig_dev < 1e-5 and eig_dev_default < 1e-5, "values do not match PyG"
    summary = {"threads": torch.get_num_threads(), "graphs_per_s": speed, "rwse_dev": rwse_dev, "eig_dev": eig_dev}
    print(json.dumps(summary))


def eigenvalue_deviation(pyg_graphs, out, ptr, graphs):
    """Max |our eigenvalue - v^T L v / v^T v| over PyG's eigenvectors ``v`` (PyG outputs no eigenvalues)."""
    import torch
    from torch_geometric.utils import get_laplacian, to_dense_adj

    worst, covered = 0.0, 0
    for g, data in enumerate(pyg_graphs):
        n = graphs[g].num_nodes
        index, weight = get_laplacian(graphs[g].edge_index, normalization="sym", num_nodes=n)
        laplacian = to_dense_adj(index, edge_attr=weight, max_num_nodes=n)[0].double()
        vecs = data.lap.double()
        quotients = torch.einsum("ik,ij,jk->k", vecs, laplacian, vecs) / (vecs * vecs).sum(0)
        ours = out["lap_eigvals"][int(ptr[g]), : vecs.size(1)].double()
        worst = max(worst, float((quotients - ours).abs().max()))
        covered += vecs.size(1)
    return worst, covered


def large_graph(args: argparse.Namespace, case: str) -> None:
    import resource

    import numpy as np
    import torch
    from scipy import sparse
    from torch_geometric.data import Data

    from graphssl.pe import RWSE

    n = args.large_nodes
    rng = np.random.default_rng(0)
    if case == "grid":
        rows = int(np.sqrt(n / 2.5))
        name, edges = f"2D grid {rows}x{n // rows}", grid_edges(rows, n // rows)
    else:
        name, edges = "random 3-regular", regular_edges(n - n % 2, rng)
    nodes = int(edges.max()) + 1
    data = Data(edge_index=torch.from_numpy(np.concatenate([edges, edges[::-1]], 1)), num_nodes=nodes)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    out = RWSE(k=20).compute(data)["rwse"].numpy()
    seconds = time.perf_counter() - start
    peak = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    ones = np.ones(data.edge_index.size(1))
    adjacency = sparse.coo_matrix((ones, data.edge_index.numpy()), shape=(nodes, nodes)).tocsr()
    walk = sparse.diags(1 / np.asarray(adjacency.sum(1)).ravel()) @ adjacency
    sample = rng.choice(nodes, 64, replace=False)
    columns = sparse.csr_matrix((np.ones(64), (sample, np.arange(64))), shape=(nodes, 64))
    worst = 0.0
    for p in range(20):
        columns = (walk.T @ columns).tocsr()
        worst = max(worst, float(np.abs(columns[sample, np.arange(64)].A1 - out[sample, p]).max()))
    dense_gib = nodes * nodes * 4 / 2**30
    print(f"{name:>20}: {nodes:,} nodes, {data.edge_index.size(1):,} directed edges: {seconds:6.1f} s, "
          f"peak RSS growth {peak:6.0f} MiB (a dense float32 matrix: {dense_gib:.0f} GiB); "
          f"max |error| on 64 sampled nodes {worst:.1e}")


def grid_edges(rows: int, cols: int):
    import numpy as np

    ids = np.arange(rows * cols).reshape(rows, cols)
    right = np.stack([ids[:, :-1].ravel(), ids[:, 1:].ravel()])
    down = np.stack([ids[:-1].ravel(), ids[1:].ravel()])
    return np.concatenate([right, down], 1)


def regular_edges(n: int, rng):
    """A random 3-regular multigraph (configuration model; rare loops and multi-edges kept)."""
    import numpy as np

    stubs = rng.permutation(np.repeat(np.arange(n), 3))
    return stubs.reshape(2, -1)


if __name__ == "__main__":
    main()
