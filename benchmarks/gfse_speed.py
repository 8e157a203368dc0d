"""GFSE encoding speed (issue 14): MOSES graphs/s against RWSE(20)+LapPE(8), and one 100,000-node graph.

Not a timed test. Both encoders run in the same process on the same graphs,
on each thread count; the GFSE encoder is the checkpoint's (or, without one,
a randomly initialised default, which costs the same). The large graph runs in
a fresh subprocess so its peak RSS is its own.

    python benchmarks/gfse_speed.py --molecules 10000 --threads 1,2 [--checkpoint runs/gfse/model.pt]

``--train`` instead measures pretraining throughput (optimizer steps of the
config's encoder and objectives) on a small fixed corpus cut from the config,
in one process: "before" computes every input inside the encoder with the
core's float64 RRWP (the encoder as it was before ``gfse_inputs``), "after"
reads the clean graph's inputs precomputed by ``gfse_inputs`` (float32 RRWP)
and computes only the augmented views'. It also times data preparation per
graph, with and without ``gfse_inputs``.

    OMP_NUM_THREADS=1 python benchmarks/gfse_speed.py --train examples/configs/gfse_pretrain.yaml --graphs-per-part 64 --steps 3
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


def _cut_corpus(path: str, graphs_per_part: int) -> dict:
    """The config at ``path`` with each data part cut to ``graphs_per_part`` graphs."""
    from graphssl.config import load_yaml

    config = load_yaml(path)
    for part in config["data"]:
        part["params"] = {**part.get("params", {}), "num_graphs": graphs_per_part}
    return config


def _without_precomputed(config: dict) -> dict:
    return {**config, "data": [{**part, "transforms": [t for t in part.get("transforms", [])
                                                     if t["name"] != "gfse_inputs"]} for part in config["data"]]}


def _prepare_timed(config: dict):
    from graphssl.data.prepare import prepare_data
    from graphssl.train.config import config_from_dict

    resolved = config_from_dict(config)
    start = time.perf_counter()
    data = prepare_data(resolved.data)
    return resolved, data, time.perf_counter() - start


class _Trainer:
    """One model of the config, its optimizer and a fixed seeded batch order over ``data``."""

    def __init__(self, resolved, data, batch_size: int) -> None:
        import torch

        from graphssl.train.model import build_pretrain_model
        from graphssl.train.trainer import with_spec

        torch.manual_seed(0)
        self.model = build_pretrain_model(with_spec(resolved, data.spec), data.spec).train()
        self.optimizer = torch.optim.AdamW(self.model.parameters(), lr=1e-3)
        self.order = torch.randperm(len(data), generator=torch.Generator().manual_seed(0)).tolist()
        self.generator = torch.Generator().manual_seed(0)
        self.data, self.batch_size, self.seconds, self.graphs = data, batch_size, 0.0, 0

    def step(self, index: int, timed: bool = True) -> None:
        from torch_geometric.data import Batch

        first = (index * self.batch_size) % len(self.order)
        batch = Batch.from_data_list([self.data[i] for i in self.order[first:first + self.batch_size]])
        start = time.perf_counter()
        loss = self.model(batch, self.generator)["loss"]
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer.step()
        if timed:
            self.seconds += time.perf_counter() - start
            self.graphs += batch.num_graphs


def train_speed(args) -> list[dict]:
    """Pretraining graphs/s before and after precomputed inputs, and data preparation seconds per graph.

    The two variants alternate step by step (after one untimed warm-up step each), so load from
    other processes falls on both alike; the timing covers forward, backward and the optimizer step.
    """
    import graphssl.gfse  # noqa: F401
    import graphssl.gfse.inputs as inputs
    from graphssl.pe import RRWP

    config = _cut_corpus(args.train, args.graphs_per_part)
    _prepare_timed(config)  # warm-up: imports, RDKit, the raw files' first read
    before_config, before_data, before_prep = _prepare_timed(_without_precomputed(config))
    after_config, after_data, after_prep = _prepare_timed(config)
    batch_size = args.batch_size or after_config.train.batch_size
    rows = [{"prepare": "targets only", "graphs": len(before_data), "seconds": round(before_prep, 2),
             "ms_per_graph": round(1000 * before_prep / len(before_data), 2)},
            {"prepare": "targets + gfse_inputs", "graphs": len(after_data), "seconds": round(after_prep, 2),
             "ms_per_graph": round(1000 * after_prep / len(after_data), 2)}]
    before, after = _Trainer(before_config, before_data, batch_size), _Trainer(after_config, after_data, batch_size)
    float32_rrwp = inputs.RRWPFloat32
    for index in range(args.steps + 1):
        inputs.RRWPFloat32 = RRWP  # "before": the core's float64 RRWP, computed in every forward
        try:
            before.step(index, timed=index > 0)
        finally:
            inputs.RRWPFloat32 = float32_rrwp
        after.step(index, timed=index > 0)
    for name, trainer in (("before (inputs computed in forward, float64 RRWP)", before),
                          ("after (gfse_inputs precomputed, float32 RRWP)", after)):
        rows.append({"train": name, "batch_size": batch_size, "steps": args.steps,
                     "graphs_per_s": round(trainer.graphs / trainer.seconds, 2)})
    for row in rows:
        print(json.dumps(row), flush=True)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--molecules", type=int, default=10000)
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--large-nodes", type=int, default=100_000)
    parser.add_argument("--large-family", default="grid", choices=["grid", "regular"])
    parser.add_argument("--checkpoint")
    parser.add_argument("--large-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--train", metavar="CONFIG", help="measure pretraining graphs/s of this config instead")
    parser.add_argument("--graphs-per-part", type=int, default=64, help="--train: graphs of each data part")
    parser.add_argument("--steps", type=int, default=3, help="--train: timed optimizer steps (after one warm-up)")
    parser.add_argument("--batch-size", type=int, help="--train: default the config's train.batch_size")
    args = parser.parse_args()
    if args.train:
        train_speed(args)
        return 0
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
