"""Deterministic, resumable batch order, sharded across processes.

Epoch ``e`` shuffles the dataset with ``seed + e``, pads it to a multiple of
the world size (repeating from the start, as ``DistributedSampler`` does) and
gives rank ``r`` every ``world_size``-th index from ``r``. A run resumed at
step ``s`` recomputes the same epoch order and skips the batches already
consumed, so the data seen is identical to an uninterrupted run.
"""

from __future__ import annotations

import math

import torch


class ShardedBatchOrder:
    """Batches of dataset indices for each epoch, for one process.

    Args:
        num_items: dataset size.
        batch_size: graphs per batch (per process).
        seed: shuffling seed.
        rank: this process's rank (default ``0``).
        world_size: number of processes (default ``1``).
    """

    def __init__(self, num_items: int, batch_size: int, seed: int, rank: int = 0, world_size: int = 1) -> None:
        if num_items < 1:
            raise ValueError("the dataset is empty; nothing to train on")
        self.num_items, self.batch_size, self.seed = num_items, batch_size, seed
        self.rank, self.world_size = rank, world_size
        self.shard_size = math.ceil(num_items / world_size)

    @property
    def batches_per_epoch(self) -> int:
        return math.ceil(self.shard_size / self.batch_size)

    def epoch(self, epoch: int) -> list[list[int]]:
        generator = torch.Generator().manual_seed(self.seed + epoch)
        order = torch.randperm(self.num_items, generator=generator)
        padded = self.shard_size * self.world_size
        if padded > self.num_items:
            order = torch.cat([order, order[: padded - self.num_items]])
        shard = order[self.rank :: self.world_size].tolist()
        return [shard[i : i + self.batch_size] for i in range(0, len(shard), self.batch_size)]


def learning_rate(step: int, total_steps: int, peak: float, warmup_steps: int, minimum: float) -> float:
    """Linear warmup to ``peak`` over ``warmup_steps``, then cosine decay to ``minimum`` at ``total_steps``."""
    if warmup_steps > 0 and step < warmup_steps:
        return peak * (step + 1) / warmup_steps
    decay_steps = max(total_steps - warmup_steps, 1)
    progress = min(max(step - warmup_steps, 0) / decay_steps, 1.0)
    return minimum + 0.5 * (peak - minimum) * (1.0 + math.cos(math.pi * progress))
