"""Batched eigendecomposition of the normalized Laplacian for small graphs.

The normalized Laplacian (Chung, "Spectral Graph Theory", 1997) is

    L = I - D^{-1/2} A D^{-1/2},

with one convention for nodes of zero weighted degree: their row and column of
``L`` are zero. Every connected component, an isolated node included, then
contributes exactly one zero eigenvalue, so the null space of ``L`` has
dimension ``c`` = number of components, and ``S = I - L`` is the symmetric
form of the random-walk matrix in which an isolated node keeps its walker.

:func:`spectral_pass` decomposes the graphs chunk by chunk (one batched
``eigh`` per chunk of a size bucket, chunks spread over threads) and hands
each chunk's eigenpairs to every :class:`SpectralConsumer` (RWSE, LapPE, heat
kernel), so several encodings share one decomposition and no ``[B, n, n]``
eigenvector tensor for the whole batch is ever held. Decompositions run in
float32 for graphs of up to :data:`FLOAT32_MAX_NODES` nodes (absolute
eigenvalue error well below 1e-5 there) and in float64 above. A graph whose
second-smallest eigenvalue falls below :data:`CONNECTED_GAP` may be
disconnected or nearly so; it is redone in float64 with its exact component
count from :func:`scipy.sparse.csgraph.connected_components`, so its ``c``
null vectors are identified exactly, never by a threshold.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

import torch
from torch import Tensor

from graphssl.pe.dense import (
    Bucket,
    adjacency_blocks,
    chunks,
    dense_buckets,
    edge_values,
    flat_matrix,
    layout,
    parallel_map,
)
from graphssl.pe.graphs import GraphSet

#: Largest bucket size whose eigendecomposition runs in float32.
FLOAT32_MAX_NODES = 64
#: Above this second-smallest eigenvalue a graph is certainly connected.
CONNECTED_GAP = 1e-3


@dataclass
class ChunkSpectrum:
    """Eigenpairs (ascending) of graphs ``lo:hi`` of one bucket.

    Shapes:
        eigvals: ``[b, n]`` in ``[0, 2]``.
        eigvecs: ``[b, n, n]``; column ``j`` of ``eigvecs[i]`` pairs with ``eigvals[i, j]``.
        num_components: ``[b]``, the number of leading (zero) eigenvalues forming the null space.
        rows: the chunk's rows in the sorted node order (``b * n`` rows).
        graphs: ``[b]`` the chunk's graph positions.
    """

    bucket: Bucket
    rows: slice
    graphs: Tensor
    eigvals: Tensor
    eigvecs: Tensor
    num_components: Tensor


class SpectralConsumer(ABC):
    """Receives every chunk's eigenpairs and writes its own rows (chunks may run in parallel),
    then assembles its outputs, keyed by attribute suffix, in the input's node order."""

    @abstractmethod
    def consume(self, part: ChunkSpectrum) -> None:
        """Use one chunk's eigenpairs."""

    @abstractmethod
    def finish(self) -> dict[str, Tensor]:
        """Outputs after every chunk was consumed (large graphs are added here)."""


def normalized_laplacian(adjacency: Tensor) -> Tensor:
    """``[B, n, n]`` adjacency to ``[B, n, n]`` normalized Laplacian (isolated rows zero)."""
    degree = adjacency.sum(-1)
    inv_sqrt = torch.where(degree > 0, degree.rsqrt(), torch.zeros_like(degree))
    laplacian = -(adjacency * (inv_sqrt.unsqueeze(-1) * inv_sqrt.unsqueeze(-2)))
    laplacian.diagonal(dim1=-2, dim2=-1).add_((degree > 0).to(laplacian.dtype))
    return laplacian


def laplacian_blocks(graphs: GraphSet) -> list[Tensor]:
    """Per bucket ``[B, n, n]`` float32 normalized Laplacians (cached).

    Built straight from the edge list (one scatter of ``E`` normalized weights)
    rather than from dense adjacency blocks; a bucket that is not exactly
    symmetric, or has a node with in-edges but no out-edges (whose entries
    are zero here), is rebuilt from :func:`~graphssl.pe.dense.adjacency_blocks`,
    which applies the directed policy.
    """
    if "laplacian_blocks" in graphs.cache:
        return graphs.cache["laplacian_blocks"]
    row, col = graphs.edge_index
    if graphs.edge_weight is None:
        degree = torch.bincount(row, minlength=graphs.num_nodes).float()
    else:
        degree = torch.zeros(graphs.num_nodes).index_add_(0, row, graphs.edge_weight)
    inv_sqrt = torch.where(degree > 0, degree.rsqrt(), torch.zeros_like(degree))
    # dis_i * dis_j is computed the same way for (i, j) and (j, i), so symmetric input stays exactly symmetric.
    value = (inv_sqrt[row] * inv_sqrt[col]).neg_()
    if graphs.edge_weight is not None:
        value.mul_(graphs.edge_weight)
    sorted_nodes = layout(graphs).sorted_nodes
    diagonal = degree[sorted_nodes] > 0
    # An edge into a node without out-edges gets value 0 above, which would hide its missing reverse.
    weight = graphs.weights()
    in_degree = torch.zeros(graphs.num_nodes).index_add_(0, col, weight)
    sinks = ((in_degree > 0) & (degree == 0))[sorted_nodes]
    flat = flat_matrix(graphs, edge_values(graphs, value), diagonal)
    blocks = []
    for i, bucket in enumerate(dense_buckets(graphs)):
        block = flat[bucket.flat].view(bucket.count, bucket.n, bucket.n)
        if not torch.equal(block, block.mT) or bool(sinks[bucket.rows].any()):
            block = normalized_laplacian(adjacency_blocks(graphs)[i])
        blocks.append(block)
    graphs.cache["laplacian_blocks"] = blocks
    return blocks


def spectral_pass(graphs: GraphSet, consumers: list[SpectralConsumer]) -> None:
    """Decompose every small graph once and feed each chunk to all ``consumers``."""
    buckets = dense_buckets(graphs)
    blocks = laplacian_blocks(graphs)

    def run(index: int, lo: int, hi: int) -> None:
        bucket = buckets[index]
        laplacian = blocks[index][lo:hi]
        dtype = torch.float32 if bucket.n <= FLOAT32_MAX_NODES else torch.float64
        # L is symmetric: its transpose is the same matrix, already in LAPACK's column-major layout.
        eigvals, eigvecs = torch.linalg.eigh(laplacian.to(dtype).mT)
        components = torch.ones(hi - lo, dtype=torch.long)
        if bucket.n > 1:
            suspect = (eigvals[:, 1] < CONNECTED_GAP).nonzero().view(-1)
            if suspect.numel():
                _redo_exact(laplacian[suspect], eigvals, eigvecs, components, suspect)
        rows = slice(bucket.rows.start + lo * bucket.n, bucket.rows.start + hi * bucket.n)
        part = ChunkSpectrum(bucket, rows, bucket.graphs[lo:hi], eigvals.clamp_(0.0, 2.0), eigvecs, components)
        for consumer in consumers:
            consumer.consume(part)

    parallel_map(run, chunks(buckets))


def _redo_exact(laplacian: Tensor, eigvals: Tensor, eigvecs: Tensor, components: Tensor, rows: Tensor) -> None:
    from scipy.sparse.csgraph import connected_components

    vals, vecs = torch.linalg.eigh(laplacian.double())
    eigvals[rows] = vals.to(eigvals.dtype)
    eigvecs[rows] = vecs.to(eigvecs.dtype)
    for r, block in zip(rows.tolist(), laplacian.numpy()):
        components[r] = connected_components(block != 0, directed=False)[0]


def diagonal_terms(part: ChunkSpectrum, spectral_values: Tensor) -> Tensor:
    """``[b * n, K]`` diagonals ``sum_j U_ij^2 f_k(lambda_j)`` from ``[b, K, n]`` values ``f_k(lambda_j)``.

    Computed as ``(F @ (U^2)^T)^T``: LAPACK returns column-major eigenvectors, so
    ``(U^2)^T`` is contiguous and this orientation runs about twice as fast.
    """
    out = torch.bmm(spectral_values.to(part.eigvecs.dtype), part.eigvecs.square().mT)
    return out.mT.reshape(-1, spectral_values.size(1))
