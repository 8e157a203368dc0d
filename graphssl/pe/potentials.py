"""Dense pairwise quantities: the Laplacian pseudo-inverse and effective resistance.

For the combinatorial Laplacian ``L = D - A`` of a graph with components
``C_1..C_c``, the Moore-Penrose pseudo-inverse is

    L^+ = (L + J)^{-1} - J,    J = sum_c 1_c 1_c^T / |C_c|,

which needs one batched inverse instead of an eigendecomposition (Ghosh,
Boyd and Saberi, "Minimizing Effective Resistance of a Graph", SIAM Review
2008). Pairs in different components have no potential or resistance
between them; they are masked by ``same`` below. These kinds need ``O(n^2)``
memory and ``O(n^3)`` time per graph, so graphs above ``max_nodes`` are
rejected with an :class:`~graphssl.errors.InvalidGraphError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import numpy as np
import torch
from torch import Tensor

from graphssl.errors import InvalidGraphError
from graphssl.pe.dense import adjacency_blocks, dense_buckets, large_graphs
from graphssl.pe.graphs import GraphSet

#: Default size limit of the dense pairwise kinds (electrostatic, resistance, SPD pairs).
PAIRWISE_MAX_NODES = 2048


@dataclass
class PairBlock:
    """``B`` graphs of ``n`` nodes as dense float64 blocks.

    Shapes:
        nodes: ``[B, n]`` global node ids.
        adjacency: ``[B, n, n]`` weighted adjacency.
        same: ``[B, n, n]`` bool, True when ``i`` and ``j`` share a component.
    """

    nodes: Tensor
    adjacency: Tensor
    same: Tensor


def component_labels(graphs: GraphSet) -> Tensor:
    """``[N]`` connected-component label of every node (labels unique across graphs)."""
    if "components" not in graphs.cache:
        from scipy.sparse.csgraph import connected_components

        _, labels = connected_components(graphs.adjacency(), directed=False)
        graphs.cache["components"] = torch.from_numpy(labels.astype(np.int64))
    return graphs.cache["components"]


def pair_blocks(graphs: GraphSet, max_nodes: int, kind: str) -> Iterator[PairBlock]:
    """Every non-empty graph of ``graphs`` as a dense block: size buckets, then large graphs one by one."""
    too_big = (graphs.sizes > max_nodes).nonzero().view(-1)
    if too_big.numel():
        g = int(too_big[0])
        raise InvalidGraphError(
            f"{graphs.graph_name(g)}: has {int(graphs.sizes[g])} nodes; {kind} needs dense n x n matrices "
            f"and is limited to max_nodes={max_nodes}"
        )
    labels = component_labels(graphs)
    for bucket, adjacency in zip(dense_buckets(graphs), adjacency_blocks(graphs)):
        comp = labels[bucket.nodes]
        yield PairBlock(bucket.nodes, adjacency.double(), comp.unsqueeze(2) == comp.unsqueeze(1))
    for g in large_graphs(graphs):
        start, stop = int(graphs.ptr[g]), int(graphs.ptr[g + 1])
        nodes = torch.arange(start, stop).unsqueeze(0)
        adjacency = torch.from_numpy(graphs.graph_adjacency(g).toarray()).unsqueeze(0)
        comp = labels[nodes]
        yield PairBlock(nodes, adjacency, comp.unsqueeze(2) == comp.unsqueeze(1))


def laplacian_pinv(block: PairBlock) -> Tensor:
    """``[B, n, n]`` pseudo-inverse of the combinatorial Laplacian ``D - A`` (self-loops cancel)."""
    adjacency = block.adjacency
    laplacian = -adjacency
    laplacian.diagonal(dim1=1, dim2=2).add_(adjacency.sum(-1))
    same = block.same.to(adjacency.dtype)
    averaging = same / same.sum(-1, keepdim=True)
    return torch.linalg.inv(laplacian + averaging) - averaging


def effective_resistance(block: PairBlock, pinv: Tensor | None = None) -> Tensor:
    """``[B, n, n]`` effective resistance ``R_ij = P_ii + P_jj - 2 P_ij``; ``inf`` across components."""
    pinv = laplacian_pinv(block) if pinv is None else pinv
    diag = pinv.diagonal(dim1=1, dim2=2)
    resistance = diag.unsqueeze(2) + diag.unsqueeze(1) - 2 * pinv
    resistance.clamp_(min=0.0)
    resistance.diagonal(dim1=1, dim2=2).zero_()
    return resistance.masked_fill(~block.same, float("inf"))


def collect_pairs(parts: list[tuple[Tensor, Tensor]], num_nodes: int) -> tuple[Tensor, Tensor]:
    """Concatenate per-block ``(nodes [B, n], values [B, n, n])`` into ``pair_index [2, P]`` and
    ``values [P]``, ordered by (source, target): graph by graph, row-major inside a graph."""
    if not parts:
        return torch.zeros(2, 0, dtype=torch.long), torch.zeros(0)
    rows, cols, values = [], [], []
    for nodes, matrix in parts:
        n = nodes.size(1)
        rows.append(nodes.unsqueeze(2).expand(-1, n, n).reshape(-1))
        cols.append(nodes.unsqueeze(1).expand(-1, n, n).reshape(-1))
        values.append(matrix.reshape(-1))
    row, col, value = torch.cat(rows), torch.cat(cols), torch.cat(values)
    order = torch.argsort(row * num_nodes + col)
    return torch.stack([row[order], col[order]]), value[order]
