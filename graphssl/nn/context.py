"""What a layer may know about the batch beyond ``x`` and ``edge_index``, computed once per forward.

Blocks that work per graph (GPS attention) need the graph of each node, the
number of graphs, and the batch itself (to read pair attributes). The encoder
builds one :class:`BatchContext` per forward and passes it to every such
block; work the blocks share (the dense attention layout) goes into its
``cache``, so it is done once per forward, not once per layer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import torch
from torch import Tensor


def num_graphs_of(batch) -> int:
    """Number of graphs in a ``Batch`` (or 1 for a single ``Data``), empty graphs included."""
    count = getattr(batch, "num_graphs", None)
    if count is not None:
        return int(count)
    vector = getattr(batch, "batch", None)
    return int(vector.max()) + 1 if vector is not None and vector.numel() else 1


def batch_vector_of(batch) -> Tensor:
    """The graph of each node, ``[N]`` (zeros for a single ``Data``)."""
    vector = getattr(batch, "batch", None)
    if vector is not None:
        return vector
    return torch.zeros(batch.num_nodes, dtype=torch.long, device=batch.edge_index.device)


@dataclass
class BatchContext:
    """The batch a forward runs on, as layers see it.

    Args:
        data: the PyG ``Data`` or ``Batch``.
        batch: graph of each node, ``[N]``, sorted.
        num_graphs: number of graphs, empty ones included.
        cache: per-forward results layers share, by key (default ``{}``).
    """

    data: Any
    batch: Tensor
    num_graphs: int
    cache: dict[Any, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, data) -> "BatchContext":
        return cls(data=data, batch=batch_vector_of(data), num_graphs=num_graphs_of(data))

    def counts(self) -> Tensor:
        """Nodes per graph, ``[num_graphs]``."""
        if "counts" not in self.cache:
            self.cache["counts"] = torch.bincount(self.batch, minlength=self.num_graphs)
        return self.cache["counts"]
