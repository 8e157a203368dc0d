"""A validated view of one graph or a batch of graphs, shared by every PSE kind.

:class:`GraphSet` holds the edges of ``G`` graphs in one global node numbering
(the layout of a PyG :class:`~torch_geometric.data.Batch`), checks them once,
and caches what several encodings share (dense blocks, eigendecompositions,
sparse adjacency), so computing RWSE and LapPE together costs one
eigendecomposition.

Conventions used by every encoding:

* The weighted adjacency ``A`` sums duplicate edges: ``A[i, j]`` is the total
  weight of all stored edges ``i -> j``. Without ``edge_weight`` each edge
  weighs 1. A zero-weight edge is treated as absent.
* Inputs must be undirected with both directions stored (the repository's
  convention). ``directed="raise"`` (the default) rejects a graph where some
  ``A[i, j] != A[j, i]`` (relative tolerance ``1e-6``);
  ``directed="symmetrize"`` replaces ``A`` by the elementwise ``max(A, A^T)``,
  which leaves an undirected input unchanged.
* Errors name the graph by its index (``index_base`` + position in the batch).
"""

from __future__ import annotations

from typing import Literal, Sequence

import numpy as np
import torch
from torch import Tensor

from graphssl.errors import ConfigError, InvalidGraphError
from graphssl.pe.hints import Param, param_error

DirectedPolicy = Literal["raise", "symmetrize"]
DIRECTED_POLICIES = ("raise", "symmetrize")

#: Relative tolerance below which ``A[i, j]`` and ``A[j, i]`` count as equal.
SYMMETRY_RTOL = 1e-6


def check_policy(directed: str) -> str:
    if directed not in DIRECTED_POLICIES:
        raise ConfigError(f"directed must be one of {DIRECTED_POLICIES}, got {directed!r}")
    return directed


def directed_error(graph: int, row: int, col: int, forward: float, backward: float) -> InvalidGraphError:
    """The error for an edge ``row -> col`` whose reverse has another weight; the fix names ``directed``."""
    return param_error(
        InvalidGraphError,
        f"graph {graph}: input is directed (edge {row}->{col} has weight {forward:g} but "
        f"{col}->{row} has {backward:g}); PSE encodings need both directions stored: pass "
        "{directed} (uses max(A, A^T)) or store the reverse of every edge",
        directed=Param("directed", "symmetrize"),
    )


class GraphSet:
    """``G`` graphs in one global node numbering, validated on construction.

    Args:
        edge_index: ``[2, E]`` global node indices.
        ptr: ``[G + 1]`` node offsets; graph ``g`` owns nodes ``ptr[g]:ptr[g+1]``.
        edge_weight: optional ``[E]`` non-negative finite weights.
        directed: ``"raise"`` (default) or ``"symmetrize"``; see the module docstring.
        index_base: added to graph positions in error messages (e.g. a dataset offset).
        node_graph: optional ``[N]`` graph position of every node (a Batch's ``batch``), saving
            its recomputation.
    """

    def __init__(
        self,
        edge_index: Tensor,
        ptr: Tensor,
        edge_weight: Tensor | None = None,
        *,
        directed: DirectedPolicy = "raise",
        index_base: int = 0,
        node_graph: Tensor | None = None,
    ) -> None:
        self.directed = check_policy(directed)
        self.index_base = int(index_base)
        self.cache: dict = {}
        if node_graph is not None:
            self.cache["node_graph"] = node_graph
        self.ptr = torch.as_tensor(ptr, dtype=torch.long)
        self.sizes = self.ptr.diff()
        self.num_graphs = self.sizes.numel()
        self.num_nodes = int(self.ptr[-1]) if self.num_graphs else 0
        self.edge_index = self._check_edge_index(edge_index)
        self.edge_weight = self._check_weight(edge_weight)

    # ----------------------------------------------------------------- builders
    @classmethod
    def from_data(
        cls,
        data,
        *,
        directed: DirectedPolicy = "raise",
        index_base: int = 0,
        weight_attr: str = "edge_weight",
    ) -> "GraphSet":
        """From a PyG ``Data`` (one graph) or ``Batch`` (``batch.num_graphs`` graphs)."""
        if data.edge_index is None:
            raise InvalidGraphError(f"graph {index_base}: has no edge_index")
        num_nodes = data.num_nodes
        if num_nodes is None:
            raise InvalidGraphError(f"graph {index_base}: number of nodes is unknown (set num_nodes)")
        ptr = getattr(data, "ptr", None)
        if ptr is None:
            ptr = torch.tensor([0, int(num_nodes)])
        elif int(ptr[-1]) != int(num_nodes):
            raise InvalidGraphError(
                f"graphs {index_base}..: batch ptr ends at {int(ptr[-1])} but num_nodes is {num_nodes}"
            )
        for key in ("x", "pos"):
            value = getattr(data, key, None)
            if isinstance(value, Tensor) and value.dim() > 0 and value.size(0) != int(num_nodes):
                g, count, rows = _first_mismatch(data, key, ptr, value)
                raise InvalidGraphError(f"graph {index_base + g}: num_nodes is {count} but {key} has {rows} rows")
        node_graph = getattr(data, "batch", None) if ptr.numel() > 2 else None
        if not isinstance(node_graph, Tensor) or node_graph.numel() != int(num_nodes):
            node_graph = None
        weight = getattr(data, weight_attr, None)
        return cls(data.edge_index, ptr, weight, directed=directed, index_base=index_base, node_graph=node_graph)

    @classmethod
    def from_data_list(
        cls,
        data_list: Sequence,
        *,
        directed: DirectedPolicy = "raise",
        index_base: int = 0,
        weight_attr: str = "edge_weight",
    ) -> "GraphSet":
        """Concatenate graphs without collating a :class:`~torch_geometric.data.Batch` (only edges are needed)."""
        sizes, edges, weights = [], [], []
        for i, data in enumerate(data_list):
            name = f"graph {index_base + i}"
            edge_index, num_nodes = data.edge_index, data.num_nodes
            if edge_index is None or num_nodes is None:
                raise InvalidGraphError(f"{name}: has no {'edge_index' if edge_index is None else 'num_nodes'}")
            if edge_index.dim() != 2 or edge_index.size(0) != 2:
                raise InvalidGraphError(f"{name}: edge_index must have shape [2, E], got {tuple(edge_index.shape)}")
            for key in ("x", "pos"):
                value = getattr(data, key, None)
                if isinstance(value, Tensor) and value.dim() > 0 and value.size(0) != num_nodes:
                    raise InvalidGraphError(f"{name}: num_nodes is {num_nodes} but {key} has {value.size(0)} rows")
            weight = getattr(data, weight_attr, None)
            if weight is not None and weight.numel() != edge_index.size(1):
                raise InvalidGraphError(f"{name}: {edge_index.size(1)} edges but {weight.numel()} edge weights")
            sizes.append(int(num_nodes))
            edges.append(edge_index)
            weights.append(weight)
        ptr = torch.zeros(len(sizes) + 1, dtype=torch.long)
        ptr[1:] = torch.tensor(sizes, dtype=torch.long).cumsum(0)
        counts = torch.tensor([e.size(1) for e in edges], dtype=torch.long)
        edge_index = torch.cat(edges, 1).long() if edges else torch.zeros(2, 0, dtype=torch.long)
        edge_index = edge_index + ptr[:-1].repeat_interleave(counts)
        weight = None
        if any(w is not None for w in weights):
            weight = torch.cat([w.view(-1) if w is not None else torch.ones(e.size(1)) for w, e in zip(weights, edges)])
        return cls(edge_index, ptr, weight, directed=directed, index_base=index_base)

    # --------------------------------------------------------------- validation
    def graph_name(self, g: int) -> str:
        return f"graph {self.index_base + int(g)}"

    def _check_edge_index(self, edge_index: Tensor) -> Tensor:
        edge_index = torch.as_tensor(edge_index)
        if edge_index.dim() != 2 or edge_index.size(0) != 2:
            raise InvalidGraphError(
                f"graph {self.index_base}..: edge_index must have shape [2, E], got {tuple(edge_index.shape)}"
            )
        if edge_index.dtype.is_floating_point or edge_index.dtype == torch.bool:
            raise InvalidGraphError(f"graph {self.index_base}..: edge_index must be integer, got {edge_index.dtype}")
        edge_index = edge_index.long()
        if edge_index.numel() == 0:
            return edge_index
        row, col = edge_index
        lo, hi = (int(v) for v in torch.aminmax(edge_index))
        if lo < 0 or hi >= self.num_nodes:
            bad = int(((edge_index < 0) | (edge_index >= self.num_nodes)).any(0).nonzero()[0])
            self._raise_out_of_range(bad, edge_index)
        graph_of = self.node_graph
        edge_graph = graph_of[row]
        crossing = edge_graph != graph_of[col]
        if bool(crossing.any()):
            self._raise_out_of_range(int(crossing.nonzero()[0]), edge_index)
        self._edge_graph = edge_graph
        return edge_index

    def _raise_out_of_range(self, e: int, edge_index: Tensor) -> None:
        row, col = (int(v) for v in edge_index[:, e])
        owner = row if 0 <= row < self.num_nodes else col
        g = int(self.node_graph[owner]) if 0 <= owner < self.num_nodes else 0
        start, n = (int(self.ptr[g]), int(self.sizes[g])) if self.num_graphs else (0, 0)
        raise InvalidGraphError(
            f"{self.graph_name(g)}: edge {e} ({row - start}, {col - start}) is out of range for a graph "
            f"with {n} nodes"
        )

    def _check_weight(self, weight: Tensor | None) -> Tensor | None:
        if weight is None:
            return None
        weight = torch.as_tensor(weight)
        if weight.dim() == 2 and weight.size(1) == 1:
            weight = weight.view(-1)
        if weight.dim() != 1 or weight.numel() != self.edge_index.size(1):
            raise InvalidGraphError(
                f"graph {self.index_base}..: edge_weight must have shape [E] = [{self.edge_index.size(1)}], "
                f"got {tuple(weight.shape)}"
            )
        weight = weight.to(torch.float32)
        bad = ~torch.isfinite(weight) | (weight < 0)
        if bool(bad.any()):
            e = int(bad.nonzero()[0])
            value = float(weight[e])
            what = "NaN" if value != value else ("infinite" if abs(value) == float("inf") else "negative")
            raise InvalidGraphError(
                f"{self.graph_name(int(self.edge_graph[e]))}: edge weight {e} is {what} ({value}); "
                "weights must be finite and non-negative"
            )
        return weight

    # ------------------------------------------------------------------ helpers
    @property
    def node_graph(self) -> Tensor:
        """``[N]`` graph position of every node (PyG's ``batch`` vector)."""
        if "node_graph" not in self.cache:
            self.cache["node_graph"] = torch.repeat_interleave(torch.arange(self.num_graphs), self.sizes)
        return self.cache["node_graph"]

    @property
    def edge_graph(self) -> Tensor:
        """``[E]`` graph position of every edge."""
        return self._edge_graph if self.edge_index.numel() else torch.zeros(0, dtype=torch.long)

    def weights(self) -> Tensor:
        """``[E]`` float32 edge weights (ones when unweighted)."""
        if self.edge_weight is None:
            return torch.ones(self.edge_index.size(1))
        return self.edge_weight

    def adjacency(self):
        """Block-diagonal ``[N, N]`` scipy CSR adjacency, float64, duplicates summed,
        zero weights removed, directed policy applied."""
        if "adjacency" in self.cache:
            return self.cache["adjacency"]
        import scipy.sparse as sp

        row, col = self.edge_index.numpy()
        weight = self.weights().double().numpy()
        adj = sp.csr_matrix((weight, (row, col)), shape=(self.num_nodes, self.num_nodes))
        adj.eliminate_zeros()
        adj = self._apply_policy(adj)
        self.cache["adjacency"] = adj
        return adj

    def _apply_policy(self, adj):
        diff = (adj - adj.T).tocoo()
        scale = abs(adj).maximum(abs(adj.T)).tocsr()[diff.row, diff.col].A1 if diff.nnz else np.zeros(0)
        asym = np.abs(diff.data) > SYMMETRY_RTOL * scale
        if not asym.any():
            return adj
        if self.directed == "symmetrize":
            sym = adj.maximum(adj.T).tocsr()
            sym.eliminate_zeros()
            return sym
        i, j = int(diff.row[asym][0]), int(diff.col[asym][0])
        g = int(self.node_graph[i])
        start = int(self.ptr[g])
        raise directed_error(self.index_base + g, i - start, j - start, adj[i, j], adj[j, i])

    def graph_adjacency(self, g: int):
        """Scipy CSR adjacency of graph ``g`` alone (local node numbering)."""
        start, stop = int(self.ptr[g]), int(self.ptr[g + 1])
        return self.adjacency()[start:stop, start:stop].tocsr()


def _first_mismatch(data, key: str, ptr: Tensor, value: Tensor) -> tuple[int, int, int]:
    """``(graph, num_nodes, rows of key)`` of the first graph whose ``key`` rows disagree with ``ptr``."""
    slices = getattr(data, "_slice_dict", {}).get(key) if ptr.numel() > 2 else None
    if slices is None or slices.numel() != ptr.numel():
        return 0, int(ptr[-1]), value.size(0)
    bad = (slices.diff() != ptr.diff()).nonzero().view(-1)
    g = int(bad[0]) if bad.numel() else 0
    return g, int(ptr[g + 1] - ptr[g]), int(slices[g + 1] - slices[g])

