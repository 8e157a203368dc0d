"""GFSE encoding speed (issue 14): MOSES graphs/s against RWSE(20)+LapPE(8), and one 100,000-node graph.

Not a timed test. Both encoders run in the same process on the same graphs,
on each thread count; the GFSE encoder is the checkpoint's (or, without one,
a randomly initialised default, which costs the same). The large graph runs in
a fresh subprocess so its peak RSS is its own.

    python benchmarks/gfse_speed.py --molecules 10000 --threads 1,2 [--checkpoint runs/gfse/model.pt]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time


def molecules(count: int):
    from graphssl.gfse.corpus import MosesStructures

    return list(MosesStructures("../shared/data/moses/train.csv.gz", num_graphs=count, pool=max(count * 5, 10000)))


def gfse_encoder(checkpoint: str | None):
    import graphssl.gfse  # noqa: F401
    from graphssl.gfse import GFSEConfig, GFSEEncoder, load_gfse

    return load_gfse(checkpoint) if checkpoint else GFSEEncoder(GFSEConfig()).eval()


def molecule_speed(args) -> list[dict]:
    import torch
    from torch_geometric.data import Batch

    from graphssl.gfse.transform import encode_nodes
    from graphssl.pe import AddPSE, LapPE, RWSE

    graphs = molecules(args.molecules)
    encoder = gfse_encoder(args.checkpoint)
    classic = AddPSE([RWSE(k=20), LapPE(k=8)])
    rows = []
    for threads in [int(t) for t in args.threads.split(",")]:
        torch.set_num_threads(threads)
        for name, run in (("gfse", lambda: [encode_nodes(encoder, graphs[i:i + 256], 256)
                                            for i in range(0, len(graphs), 256)]),
                          ("rwse20+lap8", lambda: [classic.compute(Batch.from_data_list(graphs[i:i + 1024]))
                                                   for i in range(0, len(graphs), 1024)])):
            start = time.perf_counter()
            run()
            seconds = time.perf_counter() - start
            rows.append({"encoding": name, "threads": threads, "graphs": len(graphs), "seconds": round(seconds, 2),
                         "graphs_per_s": round(len(graphs) / seconds, 1)})
            print(json.dumps(rows[-1]), flush=True)
    return rows


def large_graph(nodes: int, checkpoint: str | None, family: str = "grid") -> dict:
    """One sparse graph of about ``nodes`` nodes: wall time and peak RSS of encoding it.

    ``family``: ``"grid"`` (a square 2-D grid, default) or ``"regular"`` (random 4-regular, seed 0,
    an expander: random-walk balls grow fastest there, the worst case of RWSE and edge RRWP).
    """
    import resource

    import networkx as nx
    import torch

    from graphssl.gfse.corpus import structure_of

    side = int(round(nodes ** 0.5))
    graph = nx.grid_2d_graph(side, side) if family == "grid" else nx.random_regular_graph(4, nodes, seed=0)
    data = structure_of(graph)
    encoder = gfse_encoder(checkpoint)
    start = time.perf_counter()
    with torch.no_grad():
        out = encoder(data)
    seconds = time.perf_counter() - start
    return {"graph": f"{family}, {data.num_nodes} nodes, {data.edge_index.shape[1] // 2} edges", "seconds": round(seconds, 2),
            "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024), "shape": list(out.node.shape)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--molecules", type=int, default=10000)
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--large-nodes", type=int, default=100_000)
    parser.add_argument("--large-family", default="grid", choices=["grid", "regular"])
    parser.add_argument("--checkpoint")
    parser.add_argument("--large-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.large_only:
        print(json.dumps(large_graph(args.large_nodes, args.checkpoint, args.large_family)))
        return 0
    molecule_speed(args)
    command = [sys.executable, __file__, "--large-only", "--large-nodes", str(args.large_nodes),
               "--large-family", args.large_family]
    if args.checkpoint:
        command += ["--checkpoint", args.checkpoint]
    print(subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
