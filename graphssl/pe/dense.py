"""Small graphs as dense blocks, bucketed by exact size, for batched linear algebra.

Graphs with at most :data:`DENSE_MAX_NODES` nodes are grouped by node count;
each group becomes one ``[B, n, n]`` tensor, so an eigendecomposition or a
matrix power over thousands of molecules is one batched call per distinct
size instead of a Python loop per graph. Buckets use the exact size, so no
padding enters the spectra. :func:`parallel_map` spreads chunks of buckets
over ``torch.get_num_threads()`` worker threads (LAPACK and BLAS release the
GIL; PyTorch's batched ``eigh`` itself runs one matrix at a time).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable, Sequence, TypeVar

import torch
from torch import Tensor

from graphssl.errors import InvalidGraphError
from graphssl.pe.graphs import SYMMETRY_RTOL, GraphSet, directed_message

#: Graphs up to this many nodes use dense batched paths; larger ones use sparse ones.
DENSE_MAX_NODES = 256

T = TypeVar("T")


@dataclass
class Bucket:
    """``B`` graphs with exactly ``n`` nodes each.

    Shapes:
        graphs: ``[B]`` graph positions in the GraphSet.
        nodes: ``[B, n]`` global node ids, row ``b`` in local node order.
        adjacency: ``[B, n, n]`` float32 weighted adjacency, duplicates summed,
            directed policy applied.
    """

    n: int
    graphs: Tensor
    nodes: Tensor
    adjacency: Tensor


@dataclass
class Chunk:
    """Rows ``lo:hi`` of bucket ``bucket``: one unit of parallel work."""

    bucket: int
    lo: int
    hi: int


def small_graphs(graphs: GraphSet) -> Tensor:
    """``[G]`` bool: graphs handled by the dense paths (1 to DENSE_MAX_NODES nodes)."""
    return (graphs.sizes > 0) & (graphs.sizes <= DENSE_MAX_NODES)


def dense_buckets(graphs: GraphSet) -> list[Bucket]:
    """The small graphs of ``graphs`` as size buckets (cached on the GraphSet)."""
    if "buckets" not in graphs.cache:
        graphs.cache["buckets"] = _build_buckets(graphs)
    return graphs.cache["buckets"]


def _build_buckets(graphs: GraphSet) -> list[Bucket]:
    small = small_graphs(graphs)
    ids = small.nonzero().view(-1)
    if ids.numel() == 0:
        return []
    sizes = graphs.sizes[ids]
    sizes, perm = torch.sort(sizes, stable=True)
    ids = ids[perm]
    ns, counts = torch.unique_consecutive(sizes, return_counts=True)
    block = sizes * sizes
    offsets = torch.zeros(graphs.num_graphs, dtype=torch.long)
    offsets[ids] = block.cumsum(0) - block
    flat = torch.zeros(int(block.sum()))

    row, col = graphs.edge_index
    weight = graphs.weights()
    edge_graph = graphs.edge_graph
    if not bool(small.all()):
        keep = small[edge_graph]
        row, col, weight, edge_graph = row[keep], col[keep], weight[keep], edge_graph[keep]
    start = graphs.ptr[edge_graph]
    n_edge = graphs.sizes[edge_graph]
    flat.index_put_((offsets[edge_graph] + (row - start) * n_edge + (col - start),), weight, accumulate=True)

    buckets, pos, lo = [], 0, 0
    for n, count in zip(ns.tolist(), counts.tolist()):
        bucket_ids = ids[lo : lo + count]
        adjacency = flat[pos : pos + count * n * n].view(count, n, n)
        adjacency = _apply_policy(graphs, bucket_ids, adjacency)
        nodes = graphs.ptr[bucket_ids].unsqueeze(1) + torch.arange(n)
        buckets.append(Bucket(n, bucket_ids, nodes, adjacency))
        pos += count * n * n
        lo += count
    return buckets


def _apply_policy(graphs: GraphSet, ids: Tensor, adjacency: Tensor) -> Tensor:
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
    b = int(ids[bad].argmin())
    b = int(bad.nonzero()[b])
    i, j = (int(v) for v in asym[b].nonzero()[0])
    raise InvalidGraphError(
        directed_message(graphs.index_base + int(ids[b]), i, j, float(adjacency[b, i, j]), float(adjacency[b, j, i]))
    )


def chunks(buckets: Sequence[Bucket], num_workers: int) -> list[Chunk]:
    """Split buckets into chunks of roughly equal ``n^3`` cost, a few per worker."""
    if num_workers <= 1:
        return [Chunk(i, 0, b.graphs.numel()) for i, b in enumerate(buckets)]
    total = sum(b.n**3 * b.graphs.numel() for b in buckets)
    target = max(total / (4 * num_workers), 1)
    out = []
    for i, b in enumerate(buckets):
        count = b.graphs.numel()
        step = max(1, int(target // b.n**3))
        out.extend(Chunk(i, lo, min(lo + step, count)) for lo in range(0, count, step))
    return out


def parallel_map(fn: Callable[[Chunk], T], work: Sequence[Chunk], num_workers: int | None = None) -> list[T]:
    """``[fn(c) for c in work]``, on ``num_workers`` threads (default ``torch.get_num_threads()``)."""
    workers = torch.get_num_threads() if num_workers is None else num_workers
    if workers <= 1 or len(work) <= 1:
        return [fn(c) for c in work]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(fn, work))


def scatter_rows(buckets: Sequence[Bucket], values: Sequence[Tensor], out: Tensor) -> Tensor:
    """Write per-bucket ``[B, n, w]`` values into rows of ``out`` (``[N, w]``) by global node id."""
    for bucket, value in zip(buckets, values):
        out[bucket.nodes.reshape(-1)] = value.reshape(-1, out.size(1)).to(out.dtype)
    return out
