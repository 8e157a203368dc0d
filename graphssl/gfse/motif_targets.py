"""``gfse_cycles``: the ``motif`` objective's targets, keeping graphs whose cycles cannot be counted.

``graphssl.pe.CycleCounts`` counts simple cycles exactly and refuses a graph
whose enumeration needs more than ``max_paths`` open paths from one node
(hubs of ego-networks, dense blocks). A pretraining corpus should not lose
such a graph, nor stop on it: this transform gives it zero counts and
``cycles_valid = False``, which the ``motif`` objective's target reader skips
(:mod:`graphssl.objectives.targets`), while its other targets still train.
"""

from __future__ import annotations

import torch
from torch import Tensor
from torch_geometric.data import Batch, Data

from graphssl.data.registry import register_transform
from graphssl.errors import InvalidGraphError
from graphssl.pe import CycleCounts


@register_transform("gfse_cycles")
class CyclesWithValidity:
    """Cycle counts of lengths ``3..max_length`` per node as ``cycles``, and ``cycles_valid`` per graph.

    Args:
        max_length: longest cycle counted (default ``8``).
        max_paths: open-path cap of one start node (default ``200000``); above it the graph is marked invalid.
        attr_name: output prefix (default ``"cycles"``).

    Shapes:
        ``cycles`` ``[N, max_length - 2]`` float32; ``cycles_valid`` ``[num_graphs]`` bool.
    """

    def __init__(self, max_length: int = 8, max_paths: int = 200_000, attr_name: str = "cycles") -> None:
        self.counts = CycleCounts(max_length, max_paths=max_paths, attr_name=attr_name)
        self.max_length, self.max_paths, self.attr_name = max_length, max_paths, attr_name

    def _one(self, edge_index: Tensor, num_nodes: int) -> tuple[Tensor, bool]:
        try:
            return self.counts.compute(Data(edge_index=edge_index, num_nodes=num_nodes))[self.attr_name], True
        except InvalidGraphError:
            return torch.zeros(num_nodes, self.max_length - 2), False

    def compute(self, graphs) -> dict[str, Tensor]:
        """Batched (a ``Data``, ``Batch`` or list): one pass when every graph can be counted, else graph by graph."""
        if isinstance(graphs, (list, tuple)):
            graphs = Batch.from_data_list([Data(edge_index=g.edge_index, num_nodes=g.num_nodes) for g in graphs])
        ptr = getattr(graphs, "ptr", None)
        ptr = torch.tensor([0, int(graphs.num_nodes)]) if ptr is None else ptr
        try:
            counts = self.counts.compute(graphs)[self.attr_name]
            valid = torch.ones(ptr.numel() - 1, dtype=torch.bool)
        except InvalidGraphError:
            edge_graph = torch.bucketize(graphs.edge_index[0], ptr[1:], right=True)
            parts = [self._one(graphs.edge_index[:, edge_graph == g] - ptr[g], int(ptr[g + 1] - ptr[g]))
                     for g in range(ptr.numel() - 1)]
            counts = torch.cat([c for c, _ in parts])
            valid = torch.tensor([ok for _, ok in parts])
        return {self.attr_name: counts, f"{self.attr_name}_valid": valid}

    def __call__(self, data):
        for key, value in self.compute(data).items():
            data[key] = value
        return data

    def __repr__(self) -> str:
        return f"CyclesWithValidity(max_length={self.max_length}, max_paths={self.max_paths}, attr_name={self.attr_name!r})"
