"""Per-graph random node masks that are never empty.

Drawing a fraction of nodes over the whole batch can leave small graphs with
no masked node (no signal) or fully masked (no context). Here every graph with
``n >= 1`` nodes gets exactly ``max(1, round(ratio * n))`` masked nodes, and
at most ``n - 1`` when ``n >= 2``. Randomness comes from ``generator`` (or
torch's global generator, which the trainer checkpoints).
"""

from __future__ import annotations

import torch
from torch import Tensor


def per_graph_counts(batch_vector: Tensor, num_graphs: int) -> Tensor:
    """Nodes per graph, ``[num_graphs]``."""
    return torch.bincount(batch_vector, minlength=num_graphs)


def rank_within_graph(batch_vector: Tensor, num_graphs: int, generator: torch.Generator | None = None) -> Tensor:
    """A uniformly random rank ``0..n_g-1`` of every node among its graph's nodes."""
    num_nodes = batch_vector.numel()
    noise = torch.rand(num_nodes, generator=generator, device=batch_vector.device, dtype=torch.float64)
    order = torch.argsort(batch_vector.to(torch.float64) + noise)
    counts = per_graph_counts(batch_vector, num_graphs)
    starts = torch.cumsum(counts, 0) - counts
    ranks = torch.empty_like(batch_vector)
    ranks[order] = torch.arange(num_nodes, device=batch_vector.device) - starts[batch_vector[order]]
    return ranks


def sample_node_mask(batch_vector: Tensor, num_graphs: int, ratio: float, generator: torch.Generator | None = None) -> Tensor:
    """Bool ``[N]`` mask with ``clamp(round(ratio * n_g), 1, max(n_g - 1, 1))`` True nodes per graph."""
    if not 0.0 < ratio < 1.0:
        raise ValueError(f"mask ratio must be in (0, 1), got {ratio}")
    counts = per_graph_counts(batch_vector, num_graphs)
    wanted = torch.round(counts.to(torch.float64) * ratio).long()
    wanted = torch.minimum(wanted.clamp(min=1), (counts - 1).clamp(min=1))
    return rank_within_graph(batch_vector, num_graphs, generator) < wanted[batch_vector]
