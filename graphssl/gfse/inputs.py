r"""GFSE's structure-only inputs, computed from a batch's edges: RWSE on nodes, RRWP on pairs and on edges.

Chen et al., "Towards A Universal Graph Structural Encoder", WWW 2026
(https://arxiv.org/abs/2504.10917) feed their transformer random-walk return
probabilities per node and relative random-walk probabilities (RRWP, GRIT:
Ma et al., ICML 2023) per pair,

.. math::
    P_{ij} = [I, M, M^2, \dots, M^{k-1}]_{ij}, \qquad M = D^{-1} A .

Graphs of up to ``max_dense_nodes`` nodes get every pair (the attention bias)
and their edges read their pair's row. Larger graphs get no pair attribute at
all: only their edges carry ``P_ij``, from sparse powers of ``M`` that stop
once a power holds more than :data:`EDGE_POWER_MAX_NNZ` entries (the steps
beyond are zero; see ``docs/gfse.md``). Nothing of size ``n x n`` is built for
them.

The dense powers run in float32 (probabilities in ``[0, 1]``; float64 doubled
their cost for differences the encoder cannot see). :func:`precomputed_inputs`
reads the same inputs from a batch whose graphs went through the
``gfse_inputs`` transform (:mod:`graphssl.gfse.precompute`), when they still
describe its structure.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor

from graphssl.nn.conv.attention import ATTENTION_MAX_NODES
from graphssl.errors import InvalidGraphError
from graphssl.pe import RRWP, RWSE, GraphSet
from graphssl.pe.pairs import PairBlock

#: A sparse power of ``M`` with more stored entries than this ends the edge RRWP of a large graph.
EDGE_POWER_MAX_NNZ = 20_000_000

#: The pair attribute the GFSE attention bias reads.
PAIR_NAME = "gfse_rrwp"
#: Precomputed inputs (the ``gfse_inputs`` transform): RWSE ``[N, rwse_k]``, edge RRWP ``[E, rrwp_k]``,
#: and each node's in+out degree ``[N]`` when they were computed, which tells a batch whose structure changed since.
NODE_RWSE, EDGE_RRWP, NODE_DEGREE = "gfse_node_rwse", "gfse_edge_rrwp", "gfse_node_degree"


class RRWPFloat32(RRWP):
    """:class:`~graphssl.pe.RRWP` with its dense powers taken in float32 instead of float64."""

    def block_outputs(self, block: PairBlock) -> tuple[Tensor, Tensor]:
        return super().block_outputs(PairBlock(block.nodes, block.adjacency.float(), block.same))


@dataclass
class StructuralInputs:
    """What the GFSE encoder reads, for one batch.

    Shapes:
        node: ``[N, rwse_k]`` RWSE.
        edge: ``[E, rrwp_k]`` RRWP of every edge ``(i, j)``.
        pair_index: ``[2, P]`` every ordered pair of the graphs with at most ``max_dense_nodes`` nodes.
        pair_value: ``[P, rrwp_k]`` their RRWP.
    """

    node: Tensor
    edge: Tensor
    pair_index: Tensor
    pair_value: Tensor


def graph_set_of(batch) -> GraphSet:
    """The batch's structure as a :class:`~graphssl.pe.GraphSet` (edges only, weights ignored)."""
    ptr = getattr(batch, "ptr", None)
    if ptr is None:
        ptr = torch.tensor([0, int(batch.num_nodes)])
    return GraphSet(batch.edge_index.cpu(), ptr.cpu())


def _lookup(keys: Tensor, wanted: Tensor) -> Tensor:
    """Positions of ``wanted`` in the sorted ``keys`` (every wanted key is present)."""
    return torch.searchsorted(keys, wanted).clamp(max=max(keys.numel() - 1, 0))


def _small_pairs(graphs: GraphSet, small_graph: Tensor, rrwp_k: int) -> tuple[Tensor, Tensor]:
    """RRWP of every pair of the small graphs, in the batch's node numbering."""
    node_graph = torch.repeat_interleave(torch.arange(graphs.num_graphs), graphs.sizes)
    small_node = small_graph[node_graph]
    nodes = small_node.nonzero().view(-1)
    if nodes.numel() == 0:
        return torch.zeros(2, 0, dtype=torch.long), torch.zeros(0, rrwp_k)
    renumber = torch.full((graphs.num_nodes,), -1, dtype=torch.long)
    renumber[nodes] = torch.arange(nodes.numel())
    edges = graphs.edge_index[:, small_node[graphs.edge_index[0]]]
    sizes = torch.where(small_graph, graphs.sizes, torch.zeros_like(graphs.sizes))
    ptr = torch.cat([sizes.new_zeros(1), sizes.cumsum(0)])
    subset = GraphSet(renumber[edges], ptr)
    out = RRWPFloat32(k=rrwp_k, pairs=True, max_nodes=max(int(sizes.max()), 1)).compute(subset)
    return nodes[out["rrwp_pair_index"]], out["rrwp_pair_value"]


def _large_edges(graphs: GraphSet, edges: Tensor, rrwp_k: int) -> Tensor:
    """RRWP of ``edges`` (of large graphs) from sparse powers of ``M``, ``[len(edges), rrwp_k]``."""
    import scipy.sparse as sp

    n = graphs.num_nodes
    src, dst = graphs.edge_index.numpy()
    adjacency = sp.csr_matrix((np.ones(src.size), (src, dst)), shape=(n, n))
    degree = np.asarray(adjacency.sum(axis=1)).ravel()
    walk = sp.diags(np.divide(1.0, degree, out=np.zeros(n), where=degree > 0)) @ adjacency
    out = torch.zeros(edges.shape[1], rrwp_k)
    rows, cols = edges.numpy()
    power = sp.identity(n, format="csr")
    for step in range(rrwp_k):
        if step:
            power = (power @ walk).tocsr()
            if power.nnz > EDGE_POWER_MAX_NNZ:
                break
        out[:, step] = torch.from_numpy(np.asarray(power[rows, cols]).ravel().astype(np.float32))
    return out


def structural_inputs(batch, rwse_k: int = 16, rrwp_k: int = 8,
                      max_dense_nodes: int = ATTENTION_MAX_NODES) -> StructuralInputs:
    """RWSE per node, RRWP per edge, and RRWP per pair of the graphs up to ``max_dense_nodes`` nodes.

    Args:
        batch: a PyG ``Data`` or ``Batch`` (only ``edge_index`` and the node counts are read).
        rwse_k: RWSE steps (default ``16``).
        rrwp_k: RRWP powers ``I .. M^{k-1}`` (default ``8``).
        max_dense_nodes: larger graphs get edge RRWP only (default :data:`ATTENTION_MAX_NODES`).
    """
    device = batch.edge_index.device
    graphs = graph_set_of(batch)
    node = RWSE(k=rwse_k).compute(graphs)["rwse"] if graphs.num_nodes else torch.zeros(0, rwse_k)
    small_graph = graphs.sizes <= max_dense_nodes
    pair_index, pair_value = _small_pairs(graphs, small_graph, rrwp_k)
    edge_index = graphs.edge_index
    edge = torch.zeros(edge_index.shape[1], rrwp_k)
    node_graph = torch.repeat_interleave(torch.arange(graphs.num_graphs), graphs.sizes)
    small_edge = small_graph[node_graph[edge_index[0]]] if edge_index.numel() else torch.zeros(0, dtype=torch.bool)
    if bool(small_edge.any()):
        n = max(graphs.num_nodes, 1)
        keys = pair_index[0] * n + pair_index[1]
        wanted = edge_index[0, small_edge] * n + edge_index[1, small_edge]
        edge[small_edge] = pair_value[_lookup(keys, wanted)]
    if bool((~small_edge).any()):
        edge[~small_edge] = _large_edges(graphs, edge_index[:, ~small_edge], rrwp_k)
    return StructuralInputs(node.to(device), edge.to(device), pair_index.to(device), pair_value.float().to(device))


def node_degree(edge_index: Tensor, num_nodes: int) -> Tensor:
    """In-degree plus out-degree of every node, ``[num_nodes]`` int64."""
    return (torch.bincount(edge_index[0], minlength=num_nodes)
            + torch.bincount(edge_index[1], minlength=num_nodes))


def _graph_sizes(batch) -> Tensor:
    ptr = getattr(batch, "ptr", None)
    return ptr.diff() if ptr is not None else torch.tensor([int(batch.num_nodes)], device=batch.edge_index.device)


def precomputed_inputs(batch, rwse_k: int = 16, rrwp_k: int = 8,
                       max_dense_nodes: int = ATTENTION_MAX_NODES) -> StructuralInputs | None:
    """The batch's stored inputs when they still describe its structure, else ``None``.

    Stored inputs are stale once an augmentation removed an edge or a node
    that had an edge: a degree then differs from the stored one. Removing
    whole components leaves every degree, and the RWSE/RRWP of every kept
    node, as they were. The pair count must also be that of every pair of
    the graphs up to ``max_dense_nodes`` nodes (a graph shrunk below the
    limit has none stored). Stored widths other than ``rwse_k`` / ``rrwp_k``
    raise :class:`~graphssl.errors.InvalidGraphError` naming both.
    """
    keys = (NODE_RWSE, EDGE_RRWP, NODE_DEGREE, f"{PAIR_NAME}_pair_index", f"{PAIR_NAME}_pair_value")
    if any(getattr(batch, key, None) is None for key in keys):
        return None
    node, edge = batch[NODE_RWSE], batch[EDGE_RRWP]
    pair_index, pair_value = batch[f"{PAIR_NAME}_pair_index"], batch[f"{PAIR_NAME}_pair_value"]
    for key, value, width in ((NODE_RWSE, node, rwse_k), (EDGE_RRWP, edge, rrwp_k),
                              (f"{PAIR_NAME}_pair_value", pair_value, rrwp_k)):
        if value.dim() != 2 or value.shape[1] != width:
            raise InvalidGraphError(f"batch attribute {key}: stored with {tuple(value.shape)[1:]} columns but the "
                                    f"gfse encoder reads {width}; rerun the gfse_inputs transform with the encoder's "
                                    "rwse_k / rrwp_k")
    edge_index = batch.edge_index
    if not torch.equal(node_degree(edge_index, int(batch.num_nodes)), batch[NODE_DEGREE]):
        return None
    sizes = _graph_sizes(batch)
    dense = sizes[sizes <= max_dense_nodes]
    if int((dense * dense).sum()) != pair_index.shape[1]:
        return None
    return StructuralInputs(node.float(), edge.float(), pair_index, pair_value.float())
