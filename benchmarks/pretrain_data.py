"""Pretraining data preparation at MOSES scale: disk-backed cache, peak memory, cached restart (issue 12 §7).

Two phases, each in a fresh process so its memory is its own:

1. ``build``: ``prepare_data`` with ``storage: disk`` on the MOSES train split
   (OGB features, RWSE(16)), featurized in ``--n-jobs`` processes and
   streamed into shards, then ``--steps`` training steps of a small GIN on
   batches drawn in the trainer's order. Reports wall time and peak RSS.
2. ``reuse``: the same again in a new process; the cache is found, so this
   reports the time from process start (imports included) to the first
   batch, then the same training steps and the peak RSS.

Peak memory is sampled every 0.5 s over the process and all its children
together (psutil: summed RSS, and summed PSS, which counts pages shared with
forked workers once), next to ``getrusage``'s ``ru_maxrss`` for the process
and for its largest child.

    PYTHONPATH=. python benchmarks/pretrain_data.py --limit 100000 --n-jobs 2
    PYTHONPATH=. python benchmarks/pretrain_data.py            # the full 1,584,663 molecules
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

STARTED = time.perf_counter()
DEFAULT_CSV = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "moses" / "train.csv.gz"


class PeakRSS:
    """Largest summed RSS and PSS of this process and its children, sampled in a background thread.

    Summed RSS counts pages shared between the parent and its forked workers
    once per process (an upper bound); PSS splits each shared page between
    the processes sharing it (what the group really holds).
    """

    def __init__(self, interval: float = 0.5) -> None:
        import psutil

        self.process, self.interval, self.peak, self.peak_pss = psutil.Process(), interval, 0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import psutil

        while not self._stop.is_set():
            total = pss = 0
            for proc in [self.process] + self.process.children(recursive=True):
                try:
                    info = proc.memory_full_info()
                except psutil.Error:
                    continue
                total, pss = total + info.rss, pss + info.pss
            self.peak, self.peak_pss = max(self.peak, total), max(self.peak_pss, pss)
            self._stop.wait(self.interval)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def data_config(args):
    from graphssl.data.config import DataConfig, TransformConfig

    params = {"path": str(args.csv), "smiles_column": "SMILES", "n_jobs": args.n_jobs}
    if args.limit is not None:
        params["limit"] = args.limit
    return DataConfig(name="molecule_csv", params=params, storage="disk",
                      transforms=[TransformConfig("rwse", {"k": args.rwse_k})])


def train_steps(dataset, args, first_batch_at: dict) -> float:
    """``--steps`` steps of a 3-layer GIN (sum of atom-feature embeddings + RWSE) in the trainer's batch order."""
    import torch
    from torch_geometric.loader import DataLoader
    from torch_geometric.nn import GIN, global_add_pool

    from graphssl.train.sampling import ShardedBatchOrder

    spec = dataset.spec
    torch.manual_seed(0)
    embed = torch.nn.ModuleList(torch.nn.Embedding(c, 64) for c in spec.node_categorical)
    rwse = torch.nn.Linear(args.rwse_k, 64)
    gin = GIN(64, 64, num_layers=3)
    params = list(embed.parameters()) + list(rwse.parameters()) + list(gin.parameters())
    optimizer = torch.optim.AdamW(params, lr=1e-3)
    order = ShardedBatchOrder(len(dataset), args.batch_size, seed=0)
    loader = DataLoader(dataset, batch_sampler=order.epoch(0)[: args.steps], num_workers=args.workers)
    start = time.perf_counter()
    for step, batch in enumerate(loader):
        if step == 0:
            first_batch_at["seconds"] = time.perf_counter() - STARTED
        h = sum(e(batch.x[:, i]) for i, e in enumerate(embed)) + rwse(batch.rwse)
        graph = global_add_pool(gin(h, batch.edge_index), batch.batch, batch.num_graphs)
        # A stand-in objective: predict each graph's atom count (the data path is what is measured).
        loss = (graph.sum(-1) - batch.ptr.diff().float()).pow(2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return time.perf_counter() - start


def run_phase(args) -> dict:
    import resource

    peak = PeakRSS()
    # Everything the phase needs is imported before the long build starts.
    import torch_geometric.nn  # noqa: F401

    import graphssl.train.sampling  # noqa: F401
    from graphssl.data.prepare import prepare_data

    config = data_config(args)
    start = time.perf_counter()
    dataset = prepare_data(config)
    prepared = time.perf_counter() - start
    first: dict = {}
    trained = train_steps(dataset, args, first)
    sampled = peak.stop()
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    return {"phase": args.phase, "graphs": len(dataset), "rejects": len(dataset.rejects), "prepare_s": prepared,
            "first_batch_s": first["seconds"], "train_s": trained, "steps": args.steps,
            "peak_rss_sampled_gb": sampled / 1e9, "peak_pss_sampled_gb": peak.peak_pss / 1e9, "maxrss_self_gb": own / 1e9, "maxrss_largest_child_gb": children / 1e9,
            "cache": str(dataset.folder)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, default=DEFAULT_CSV, help="MOSES train.csv.gz")
    parser.add_argument("--limit", type=int, default=None, help="first N molecules only (default: all)")
    parser.add_argument("--n-jobs", type=int, default=2, help="featurization processes (default 2)")
    parser.add_argument("--rwse-k", type=int, default=16, help="RWSE walk lengths (default 16)")
    parser.add_argument("--batch-size", type=int, default=256, help="graphs per training batch (default 256)")
    parser.add_argument("--steps", type=int, default=50, help="training steps per phase (default 50)")
    parser.add_argument("--workers", type=int, default=0, help="DataLoader workers (default 0)")
    parser.add_argument("--cache", type=Path, default=None,
                        help="cache folder (default: a new one under /tmp, so the build phase starts cold)")
    parser.add_argument("--phase", choices=["build", "reuse"], default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase is not None:
        print(json.dumps(run_phase(args)), flush=True)
        return
    import tempfile

    cache = args.cache or Path(tempfile.mkdtemp(prefix="graphssl-bench-"))
    env = {**os.environ, "GRAPHSSL_CACHE": str(cache)}
    forwarded = sys.argv[1:]
    results = []
    for phase in ("build", "reuse"):
        out = subprocess.run([sys.executable, __file__, *forwarded, "--phase", phase], env=env,
                             stdout=subprocess.PIPE, text=True)
        if out.returncode != 0:
            sys.exit(f"phase {phase} failed (exit code {out.returncode}); its error is above")
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(json.dumps(results[-1]), flush=True)
    build, reuse = results
    rate = build["graphs"] / build["prepare_s"]
    print(f"molecules {build['graphs']:,} (rejected {build['rejects']}); build {build['prepare_s']:.1f} s "
          f"({rate:,.0f} mol/s, full 1,584,663 extrapolated {1584663 / rate / 60:.1f} min); "
          f"peak RSS build {build['peak_rss_sampled_gb']:.2f} GB (PSS {build['peak_pss_sampled_gb']:.2f}), "
          f"reuse {reuse['peak_rss_sampled_gb']:.2f} GB; "
          f"cached restart to first batch {reuse['first_batch_s']:.1f} s")


if __name__ == "__main__":
    main()
