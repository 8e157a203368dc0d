"""Distributed data parallel with 2 CPU processes and the gloo backend, through torchrun."""

import json
import os
import subprocess
import sys

import torch

from graphssl.train import load_checkpoint
from graphssl.train.sampling import ShardedBatchOrder
from tests.conftest import REPO


def test_two_process_gloo_run_keeps_ranks_in_sync(tiny_config, tmp_path):
    config = tiny_config(train={"steps": 6, "batch_size": 8, "checkpoint_every": 3})
    out = tmp_path / "ddp"
    env = {**os.environ, "PYTHONPATH": str(REPO), "OMP_NUM_THREADS": "1"}
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2",
               str(REPO / "tests" / "train" / "ddp_worker.py"), str(config), str(out)]
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    rank0, rank1 = torch.load(out / "rank0.pt"), torch.load(out / "rank1.pt")
    for key in rank0:
        if "running" in key or "num_batches_tracked" in key:
            continue  # BatchNorm statistics are per process, as in plain DDP
        assert torch.equal(rank0[key], rank1[key]), key
    payload = load_checkpoint(out / "checkpoint.pt")
    assert payload["world_size"] == 2 and payload["step"] == 6 and len(payload["rng"]) == 2
    # Every parameter gets a gradient, so DDP runs without searching for unused ones, and says nothing.
    assert [json.loads((out / f"rank{r}.json").read_text())["find_unused_parameters"] for r in (0, 1)] == [False, False]
    assert "find_unused_parameters" not in result.stderr


def test_shards_are_disjoint_and_cover_the_data():
    orders = [ShardedBatchOrder(50, 8, seed=1, rank=r, world_size=3) for r in range(3)]
    seen = [i for order in orders for batch in order.epoch(2) for i in batch]
    assert len(seen) == 51 and set(seen) == set(range(50))
    assert orders[0].epoch(2) == ShardedBatchOrder(50, 8, seed=1, rank=0, world_size=3).epoch(2)
    assert orders[0].epoch(2) != orders[0].epoch(3)
