"""Batched eigendecomposition of the normalized Laplacian for small graphs.

The normalized Laplacian (Chung, "Spectral Graph Theory", 1997) is

    L = I - D^{-1/2} A D^{-1/2},

with one convention for nodes of zero weighted degree: their row and column of
``L`` are zero. Every connected component, an isolated node included, then
contributes exactly one zero eigenvalue, so the null space of ``L`` has
dimension ``c`` = number of components, and ``S = I - L`` is the symmetric
form of the random-walk matrix in which an isolated node keeps its walker.

Eigendecompositions run per size bucket (:mod:`graphssl.pe.dense`) in float32
for graphs of up to :data:`FLOAT32_MAX_NODES` nodes (absolute eigenvalue error
well below 1e-5 there) and in float64 above. A graph whose second-smallest
eigenvalue falls below :data:`CONNECTED_GAP` may be disconnected or nearly
so; it is redone in float64 with its exact component count from
:func:`scipy.sparse.csgraph.connected_components`, so the ``c`` null vectors
are identified exactly and never mixed with small non-zero modes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor

from graphssl.pe.dense import Bucket, Chunk, chunks, dense_buckets, parallel_map
from graphssl.pe.graphs import GraphSet

#: Largest bucket size whose eigendecomposition runs in float32.
FLOAT32_MAX_NODES = 64
#: Above this second-smallest eigenvalue a graph is certainly connected.
CONNECTED_GAP = 1e-3


@dataclass
class BucketSpectrum:
    """Eigenpairs of the normalized Laplacians of one size bucket, ascending.

    Shapes:
        eigvals: ``[B, n]`` in ``[0, 2]``.
        eigvecs: ``[B, n, n]``, column ``j`` of ``eigvecs[b]`` pairs with ``eigvals[b, j]``.
        num_components: ``[B]`` connected components, i.e. leading zero eigenvalues.
    """

    eigvals: Tensor
    eigvecs: Tensor
    num_components: Tensor


def normalized_laplacian(adjacency: Tensor) -> Tensor:
    """``[B, n, n]`` adjacency to ``[B, n, n]`` normalized Laplacian (isolated rows zero)."""
    degree = adjacency.sum(-1)
    inv_sqrt = torch.where(degree > 0, degree.rsqrt(), torch.zeros_like(degree))
    laplacian = adjacency * inv_sqrt.unsqueeze(-1) * inv_sqrt.unsqueeze(-2)
    laplacian.neg_()
    laplacian.diagonal(dim1=-2, dim2=-1).add_((degree > 0).to(laplacian.dtype))
    return laplacian


def sym_walk_matrix(adjacency: Tensor) -> Tensor:
    """``S = I - L``: ``D^{-1/2} A D^{-1/2}`` with 1 on the diagonal of isolated nodes."""
    degree = adjacency.sum(-1)
    inv_sqrt = torch.where(degree > 0, degree.rsqrt(), torch.zeros_like(degree))
    walk = adjacency * inv_sqrt.unsqueeze(-1) * inv_sqrt.unsqueeze(-2)
    walk.diagonal(dim1=-2, dim2=-1).add_((degree == 0).to(walk.dtype))
    return walk


def dense_spectrum(graphs: GraphSet) -> list[BucketSpectrum]:
    """Eigendecompositions of every size bucket of ``graphs`` (cached on the GraphSet)."""
    if "spectrum" in graphs.cache:
        return graphs.cache["spectrum"]
    buckets = dense_buckets(graphs)
    spectra = [
        BucketSpectrum(
            torch.empty(b.graphs.numel(), b.n),
            torch.empty(b.graphs.numel(), b.n, b.n),
            torch.ones(b.graphs.numel(), dtype=torch.long),
        )
        for b in buckets
    ]

    def run(chunk: Chunk) -> None:
        bucket, spectrum = buckets[chunk.bucket], spectra[chunk.bucket]
        _decompose(bucket, spectrum, chunk.lo, chunk.hi)

    parallel_map(run, chunks(buckets, torch.get_num_threads()))
    graphs.cache["spectrum"] = spectra
    return spectra


def _decompose(bucket: Bucket, spectrum: BucketSpectrum, lo: int, hi: int) -> None:
    adjacency = bucket.adjacency[lo:hi]
    dtype = torch.float32 if bucket.n <= FLOAT32_MAX_NODES else torch.float64
    eigvals, eigvecs = torch.linalg.eigh(normalized_laplacian(adjacency.to(dtype)))
    if bucket.n > 1:
        suspect = (eigvals[:, 1] < CONNECTED_GAP).nonzero().view(-1)
        if suspect.numel():
            _redo_exact(adjacency[suspect], eigvals, eigvecs, spectrum.num_components[lo:hi], suspect)
    spectrum.eigvals[lo:hi] = eigvals.clamp_(0.0, 2.0)
    spectrum.eigvecs[lo:hi] = eigvecs


def _redo_exact(adjacency: Tensor, eigvals: Tensor, eigvecs: Tensor, num_components: Tensor, rows: Tensor) -> None:
    from scipy.sparse.csgraph import connected_components

    vals, vecs = torch.linalg.eigh(normalized_laplacian(adjacency.double()))
    eigvals[rows] = vals.to(eigvals.dtype)
    eigvecs[rows] = vecs.to(eigvecs.dtype)
    for r, a in zip(rows.tolist(), adjacency.numpy()):
        num_components[r] = connected_components(a != 0, directed=False)[0]


def rw_diagonal(spectrum: BucketSpectrum, powers: Tensor) -> Tensor:
    """``[B, n, K]`` diagonals ``(S^p)_{ii}`` for each power ``p`` in ``powers`` (``[K]`` ints >= 1)."""
    mu = 1.0 - spectrum.eigvals
    values = mu.unsqueeze(-1) ** powers.to(mu.dtype)
    return torch.bmm(spectrum.eigvecs.square(), values)


def spectral_diagonal(spectrum: BucketSpectrum, fn) -> Tensor:
    """``[B, n, K]`` diagonals of ``f(L)`` where ``fn`` maps ``[B, n]`` eigenvalues to ``[B, n, K]``."""
    return torch.bmm(spectrum.eigvecs.square(), fn(spectrum.eigvals))


def components_numpy(adjacency) -> tuple[int, np.ndarray]:
    """Connected components of a scipy sparse or dense numpy adjacency."""
    from scipy.sparse.csgraph import connected_components

    return connected_components(adjacency, directed=False)
