"""One path for every kind computed on dense ``n x n`` blocks, with optional all-pairs outputs.

SPD, effective resistance, the electrostatic kernel and RRWP all need every
pair of a graph's nodes. :class:`PairwisePSE` does the shared work once:
graphs are cut into dense blocks by :func:`pair_blocks` (size buckets of
:mod:`graphssl.pe.dense`, then large graphs one by one, each with a mask of
the pairs that share a connected component), a kind turns one block into
per-node rows and a per-pair matrix (:meth:`PairwisePSE.block_outputs`), and
with ``pairs=True`` the matrices are laid out in the repository's pair
convention:

* ``NAME_pair_index`` ``[2, P]`` int64: every ordered pair ``(i, j)`` of
  nodes of the same graph, graph by graph and row-major inside a graph
  (``P = sum_g n_g^2``); batching offsets it like ``edge_index``;
* ``NAME_pair_value`` ``[P]`` or ``[P, d]``: the value of each pair.

These kinds need ``O(n^2)`` memory, so graphs above ``max_nodes`` are
rejected with an :class:`~graphssl.errors.InvalidGraphError`.
"""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import dataclass
from typing import Any, ClassVar, Iterator

import numpy as np
import torch
from torch import Tensor

from graphssl.errors import ConfigError, InvalidGraphError
from graphssl.pe.base import PSETransform
from graphssl.pe.dense import adjacency_blocks, dense_buckets, large_graphs
from graphssl.pe.graphs import DirectedPolicy, GraphSet
from graphssl.pe.hints import Param, param_error

#: Default size limit of the dense pairwise kinds (electrostatic, resistance, SPD, RRWP).
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
    """Every non-empty graph of ``graphs`` as a dense block: size buckets, then large graphs one by one.

    A graph above ``max_nodes`` raises before any work; the message names the ``max_nodes`` parameter.
    """
    too_big = (graphs.sizes > max_nodes).nonzero().view(-1)
    if too_big.numel():
        g = int(too_big[0])
        raise param_error(
            InvalidGraphError,
            f"{graphs.graph_name(g)}: has {int(graphs.sizes[g])} nodes; {kind} needs dense n x n matrices "
            "and is limited to {max_nodes}",
            max_nodes=Param("max_nodes", max_nodes),
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


def collect_pairs(parts: list[tuple[Tensor, Tensor]], num_nodes: int, empty: Tensor) -> tuple[Tensor, Tensor]:
    """Per-block ``(nodes [B, n], values [B, n, n, *d])`` as ``pair_index [2, P]`` and ``values [P, *d]``.

    Pairs are ordered by (source, target): graph by graph, row-major inside a
    graph. ``empty`` (``[0, *d]``) is returned when there are no pairs.
    """
    if not parts:
        return torch.zeros(2, 0, dtype=torch.long), empty
    rows, cols, values = [], [], []
    for nodes, matrix in parts:
        n = nodes.size(1)
        rows.append(nodes.unsqueeze(2).expand(-1, n, n).reshape(-1))
        cols.append(nodes.unsqueeze(1).expand(-1, n, n).reshape(-1))
        values.append(matrix.reshape(-1, *matrix.shape[3:]))
    row, col, value = torch.cat(rows), torch.cat(cols), torch.cat(values)
    order = torch.argsort(row * num_nodes + col)
    return torch.stack([row[order], col[order]]), value[order]


class PairwisePSE(PSETransform):
    """A kind computed from dense blocks: per-node rows, and every pair's value with ``pairs=True``.

    Args:
        pairs: also return ``NAME_pair_index`` / ``NAME_pair_value`` (default ``False``).
        max_nodes: larger graphs raise :class:`~graphssl.errors.InvalidGraphError` (default ``2048``).
        attr_name: output prefix (default: the kind).
        directed: ``"raise"`` (default) or ``"symmetrize"``.

    Subclasses set :attr:`label` and implement :meth:`node_width`,
    :meth:`block_outputs` and, if not float32 scalars, :meth:`pair_shape` /
    :attr:`pair_dtype`.
    """

    #: Name of the kind in messages (``"SPD"``).
    label: ClassVar[str] = ""
    #: dtype of ``NAME_pair_value``.
    pair_dtype: ClassVar[torch.dtype] = torch.float32

    def __init__(
        self,
        *,
        pairs: bool = False,
        max_nodes: int = PAIRWISE_MAX_NODES,
        attr_name: str | None = None,
        directed: DirectedPolicy = "raise",
    ) -> None:
        super().__init__(attr_name=attr_name, directed=directed)
        if int(max_nodes) < 1:
            raise ConfigError(f"{type(self).__name__} max_nodes must be >= 1, got {max_nodes}")
        self.pairs = bool(pairs)
        self.max_nodes = int(max_nodes)

    def params(self) -> dict[str, Any]:
        return {"pairs": self.pairs, "max_nodes": self.max_nodes, **super().params()}

    def suffixes(self) -> list[str]:
        return ["", "_pair_index", "_pair_value"] if self.pairs else [""]

    @abstractmethod
    def node_width(self) -> int:
        """Columns of the per-node output."""

    def pair_shape(self) -> tuple[int, ...]:
        """Trailing shape of one pair's value: ``()`` for a scalar, ``(d,)`` for a vector."""
        return ()

    @abstractmethod
    def block_outputs(self, block: PairBlock) -> tuple[Tensor, Tensor]:
        """Per-node rows ``[B, n, width]`` and per-pair values ``[B, n, n, *pair_shape]`` of one block."""

    def _compute(self, graphs: GraphSet) -> dict[str, Tensor]:
        width = self.node_width()
        out = torch.zeros(graphs.num_nodes, width)
        parts = []
        for block in pair_blocks(graphs, self.max_nodes, self.label):
            rows, matrix = self.block_outputs(block)
            out[block.nodes.reshape(-1)] = rows.reshape(-1, width).float()
            if self.pairs:
                parts.append((block.nodes, matrix.to(self.pair_dtype)))
        result = {"": out}
        if self.pairs:
            empty = torch.zeros(0, *self.pair_shape(), dtype=self.pair_dtype)
            result["_pair_index"], result["_pair_value"] = collect_pairs(parts, graphs.num_nodes, empty)
        return result
