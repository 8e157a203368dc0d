"""Small graphs as dense blocks, bucketed by exact size, for batched linear algebra.

Graphs with at most :data:`DENSE_MAX_NODES` nodes are sorted by node count
(stable) and grouped; each group is one ``[B, n, n]`` view of a flat buffer,
so an eigendecomposition or a matrix power over thousands of molecules is one
batched call per distinct size (or per chunk of it), not a Python loop per
graph. Buckets use the exact size: no padding enters a spectrum.

Per-node results of the dense paths are computed chunk by chunk in *sorted*
node order (the graphs of bucket 0, then bucket 1, ...) and copied straight
to the input's node order by :func:`write_rows`. :func:`parallel_map` spreads chunks over
``torch.get_num_threads()`` worker threads (LAPACK and BLAS release the GIL;
PyTorch's batched ``eigh`` itself runs one matrix at a time).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable, Sequence, TypeVar

import torch
from torch import Tensor

from graphssl.errors import InvalidGraphError
from graphssl.pe.graphs import SYMMETRY_RTOL, GraphSet, directed_error

#: Graphs up to this many nodes use dense batched paths; larger ones use sparse ones.
DENSE_MAX_NODES = 256
#: Matrix entries per parallel chunk: small enough to stay in cache and balance threads.
CHUNK_ENTRIES = 1 << 19

T = TypeVar("T")


@dataclass
class Bucket:
    """``B`` graphs with exactly ``n`` nodes each.

    Shapes:
        graphs: ``[B]`` graph positions in the GraphSet.
        nodes: ``[B, n]`` global node ids, row ``b`` in local node order.
        rows: slice of the sorted node order covering these graphs (``B * n`` rows).
        flat: slice of a flat matrix buffer covering the ``[B, n, n]`` blocks.
    """

    n: int
    graphs: Tensor
    nodes: Tensor
    rows: slice
    flat: slice

    @property
    def count(self) -> int:
        return self.graphs.numel()


@dataclass
class Layout:
    """Where every small graph, node and edge lives in the sorted dense layout.

    Shapes:
        sorted_nodes: ``[N_small]`` global node id of each sorted row.
        edge_flat: ``[E_small]`` position of each kept edge in a flat matrix buffer.
        edge_keep: ``[E]`` bool mask of edges inside small graphs, or None for all.
        diag_flat: ``[N_small]`` flat position of each sorted row's diagonal entry.
    """

    buckets: list[Bucket]
    sorted_nodes: Tensor
    edge_flat: Tensor
    edge_keep: Tensor | None
    diag_flat: Tensor
    size: int


def small_graphs(graphs: GraphSet) -> Tensor:
    """``[G]`` bool: graphs handled by the dense paths (1 to DENSE_MAX_NODES nodes)."""
    return (graphs.sizes > 0) & (graphs.sizes <= DENSE_MAX_NODES)


def large_graphs(graphs: GraphSet) -> list[int]:
    """Positions of the graphs handled by sparse paths."""
    return (graphs.sizes > DENSE_MAX_NODES).nonzero().view(-1).tolist()


def layout(graphs: GraphSet) -> Layout:
    """The dense layout of ``graphs`` (cached on the GraphSet)."""
    if "layout" not in graphs.cache:
        graphs.cache["layout"] = _build_layout(graphs)
    return graphs.cache["layout"]


def _build_layout(graphs: GraphSet) -> Layout:
    small = small_graphs(graphs)
    all_small = bool(small.all())
    ids = torch.arange(graphs.num_graphs) if all_small else small.nonzero().view(-1)
    sizes, perm = torch.sort(graphs.sizes[ids], stable=True)
    ids = ids[perm]
    block = sizes * sizes
    flat_start = torch.zeros(graphs.num_graphs, dtype=torch.long)
    flat_start[ids] = block.cumsum(0) - block
    starts = graphs.ptr[ids] - (sizes.cumsum(0) - sizes)
    sorted_nodes = torch.repeat_interleave(starts, sizes) + torch.arange(int(sizes.sum()))
    # Entry (i, j) of graph g (global ids) sits at flat_start[g] + (i - ptr[g]) * n_g + (j - ptr[g]),
    # i.e. at row_base[i] + j with a per-node row_base: one gather per edge.
    node_graph = graphs.node_graph
    n_node = graphs.sizes[node_graph]
    row_base = flat_start[node_graph] - graphs.ptr[node_graph] * (n_node + 1) + torch.arange(graphs.num_nodes) * n_node
    row, col = graphs.edge_index
    keep = None
    if not all_small:
        keep = small[graphs.edge_graph]
        row, col = row[keep], col[keep]
    edge_flat = row_base[row] + col

    buckets, diagonals = [], []
    ns, counts = torch.unique_consecutive(sizes, return_counts=True)
    lo = row_lo = flat_lo = 0
    for n, count in zip(ns.tolist(), counts.tolist()):
        bucket_ids = ids[lo : lo + count]
        rows = slice(row_lo, row_lo + count * n)
        flat = slice(flat_lo, flat_lo + count * n * n)
        buckets.append(Bucket(n, bucket_ids, sorted_nodes[rows].view(count, n), rows, flat))
        diagonals.append((torch.arange(count) * (n * n)).unsqueeze(1) + torch.arange(n) * (n + 1) + flat_lo)
        lo, row_lo, flat_lo = lo + count, rows.stop, flat.stop
    diag_flat = torch.cat([d.view(-1) for d in diagonals]) if diagonals else torch.zeros(0, dtype=torch.long)
    return Layout(buckets, sorted_nodes, edge_flat, keep, diag_flat, flat_lo)


def dense_buckets(graphs: GraphSet) -> list[Bucket]:
    """The size buckets of the small graphs of ``graphs``."""
    return layout(graphs).buckets


def edge_values(graphs: GraphSet, values: Tensor) -> Tensor:
    """``[E]`` per-edge values restricted to the edges of small graphs."""
    keep = layout(graphs).edge_keep
    return values if keep is None else values[keep]


def flat_matrix(graphs: GraphSet, edge_value: Tensor, diagonal: Tensor | None = None) -> Tensor:
    """A flat buffer of all ``[B, n, n]`` blocks with ``edge_value`` (``[E_small]``) summed in,
    plus an optional ``[N_small]`` diagonal (sorted row order)."""
    lay = layout(graphs)
    flat = torch.zeros(lay.size, dtype=edge_value.dtype)
    flat.index_add_(0, lay.edge_flat, edge_value)
    if diagonal is not None:
        flat.index_add_(0, lay.diag_flat, diagonal.to(flat.dtype))
    return flat


def adjacency_blocks(graphs: GraphSet) -> list[Tensor]:
    """Per bucket ``[B, n, n]`` float32 weighted adjacency, duplicates summed, policy applied."""
    if "adjacency_blocks" not in graphs.cache:
        flat = flat_matrix(graphs, edge_values(graphs, graphs.weights()))
        graphs.cache["adjacency_blocks"] = [
            apply_policy(graphs, b, flat[b.flat].view(b.count, b.n, b.n)) for b in dense_buckets(graphs)
        ]
    return graphs.cache["adjacency_blocks"]


def apply_policy(graphs: GraphSet, bucket: Bucket, adjacency: Tensor) -> Tensor:
    """``adjacency`` if symmetric; else ``max(A, A^T)`` or an error, per ``graphs.directed``."""
    transposed = adjacency.mT
    if torch.equal(adjacency, transposed):
        return adjacency
    scale = torch.maximum(adjacency, transposed)
    asym = (adjacency - transposed).abs() > SYMMETRY_RTOL * scale
    bad = asym.flatten(1).any(1)
    if not bool(bad.any()):
        return adjacency
    if graphs.directed == "symmetrize":
        return torch.where(bad.view(-1, 1, 1), scale, adjacency)
    b = int(bad.nonzero()[bucket.graphs[bad].argmin()])
    i, j = (int(v) for v in asym[b].nonzero()[0])
    g = int(bucket.graphs[b])
    raise directed_error(graphs.index_base + g, i, j, float(adjacency[b, i, j]), float(adjacency[b, j, i]))


def chunks(buckets: Sequence[Bucket]) -> list[tuple[int, int, int]]:
    """``(bucket, lo, hi)`` graph ranges of at most :data:`CHUNK_ENTRIES` matrix entries each."""
    out = []
    for i, b in enumerate(buckets):
        step = max(1, CHUNK_ENTRIES // (b.n * b.n))
        out.extend((i, lo, min(lo + step, b.count)) for lo in range(0, b.count, step))
    return out


def parallel_map(fn: Callable[..., T], work: Sequence[tuple], num_workers: int | None = None) -> list[T]:
    """``[fn(*w) for w in work]`` on ``num_workers`` threads (default ``torch.get_num_threads()``).

    While the workers run, PyTorch's intra-op pool is set to one thread (and
    restored after): the chunks already occupy every thread, and nested
    intra-op threads would only oversubscribe the cores.
    """
    workers = torch.get_num_threads() if num_workers is None else num_workers
    if workers <= 1 or len(work) <= 1:
        return [fn(*w) for w in work]
    saved = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(lambda w: fn(*w), work))
    finally:
        torch.set_num_threads(saved)


def new_output(graphs: GraphSet, width: int, dtype: torch.dtype = torch.float32) -> Tensor:
    """An ``[N, width]`` output; uninitialised when the dense paths will write every row."""
    if layout(graphs).sorted_nodes.numel() == graphs.num_nodes:
        return torch.empty(graphs.num_nodes, width, dtype=dtype)
    return torch.zeros(graphs.num_nodes, width, dtype=dtype)


def write_rows(graphs: GraphSet, out: Tensor, rows: slice, values: Tensor) -> None:
    """Write ``values`` for the sorted rows ``rows`` into ``out`` at their input positions."""
    out.index_copy_(0, layout(graphs).sorted_nodes[rows], values.reshape(-1, out.size(1)).to(out.dtype))
