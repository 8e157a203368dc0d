"""Smallest non-zero normalized-Laplacian eigenpairs of one large sparse graph.

The graph is split into connected components. Small components are
decomposed together through the dense batched path
(:mod:`graphssl.pe.spectral`); each large one by ARPACK in shift-invert mode
around a small negative shift (``L - sigma I`` is positive definite, so the
factorization always exists) from a fixed start vector. Each component drops
its single zero eigenvalue; the ``k`` smallest remaining eigenvalues over all
components are kept, eigenvalue ties broken by component (lowest node index
first).

Solver fallbacks, so a hard graph never crashes the run: when ARPACK does not
converge or the factorization fails, a component of up to
:data:`DENSE_FALLBACK_MAX_NODES` nodes is solved densely; a larger one by
LOBPCG from a seeded start, with a :class:`RuntimeWarning` if its residual
stays above :data:`LOBPCG_TOL`.
"""

from __future__ import annotations

import warnings

import numpy as np
import torch
from torch import Tensor

from graphssl.pe import dense
from graphssl.pe.dense import layout
from graphssl.pe.graphs import GraphSet
from graphssl.pe.moments import sym_walk_sparse
from graphssl.pe.spectral import ChunkSpectrum, SpectralConsumer, spectral_pass

#: Shift for shift-invert ARPACK: eigenvalues of ``L`` nearest to it are the smallest.
SHIFT = -1e-2
#: Largest component solved densely when ARPACK fails.
DENSE_FALLBACK_MAX_NODES = 4096
#: LOBPCG residual tolerance in the last-resort fallback.
LOBPCG_TOL = 1e-6


def sparse_laplacian(adjacency):
    """``L = I - D^{-1/2} A D^{-1/2}`` with zero rows for isolated nodes (scipy CSR)."""
    import scipy.sparse as sp

    walk = sym_walk_sparse(adjacency)
    return (sp.identity(adjacency.shape[0], format="csr") - walk).tocsr()


def smallest_eigenpairs(laplacian, count: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``count`` smallest eigenpairs of a connected component's sparse Laplacian, ascending."""
    from scipy.sparse.linalg import ArpackError, ArpackNoConvergence, eigsh

    n = laplacian.shape[0]
    count = min(count, n)
    if count >= n - 1:
        return _dense(laplacian, count)
    start = np.random.default_rng(0).standard_normal(n)
    try:
        vals, vecs = eigsh(laplacian, k=count, sigma=SHIFT, which="LM", v0=start)
    except (ArpackNoConvergence, ArpackError, RuntimeError, MemoryError):
        if n <= DENSE_FALLBACK_MAX_NODES:
            return _dense(laplacian, count)
        return _lobpcg(laplacian, count)
    order = np.argsort(vals)
    return vals[order], vecs[:, order]


def _dense(laplacian, count: int) -> tuple[np.ndarray, np.ndarray]:
    from scipy.linalg import eigh

    return eigh(laplacian.toarray(), subset_by_index=[0, count - 1])


def _lobpcg(laplacian, count: int) -> tuple[np.ndarray, np.ndarray]:
    from scipy.sparse.linalg import lobpcg

    n = laplacian.shape[0]
    start = np.random.default_rng(0).standard_normal((n, count))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        vals, vecs = lobpcg(laplacian, start, largest=False, tol=LOBPCG_TOL, maxiter=max(200, 20 * count))
    order = np.argsort(vals)
    vals, vecs = vals[order], vecs[:, order]
    residual = np.linalg.norm(laplacian @ vecs - vecs * vals, axis=0).max()
    if residual > LOBPCG_TOL * 100:
        warnings.warn(
            f"LapPE: ARPACK failed and LOBPCG stopped with residual {residual:.2e} on a {n}-node component; "
            "its eigenvectors are approximate",
            RuntimeWarning,
            stacklevel=3,
        )
    return vals, vecs


def large_graph_eigenpairs(adjacency, k: int) -> tuple[Tensor, Tensor]:
    """``(eigvals [m], eigvecs [n, m])``, ``m <= k``: smallest non-zero eigenpairs, ascending."""
    from scipy.sparse.csgraph import connected_components

    n = adjacency.shape[0]
    num, labels = connected_components(adjacency, directed=False)
    sizes = np.bincount(labels, minlength=num)
    candidates: list[tuple[float, int, np.ndarray, np.ndarray]] = []
    small = np.nonzero(sizes <= dense.DENSE_MAX_NODES)[0]
    if small.size:
        candidates += _small_components(adjacency, labels, small, k)
    for comp in np.nonzero(sizes > dense.DENSE_MAX_NODES)[0]:
        nodes = np.nonzero(labels == comp)[0]
        laplacian = sparse_laplacian(adjacency[nodes][:, nodes].tocsr())
        vals, vecs = smallest_eigenpairs(laplacian, k + 1)
        candidates += [(float(vals[j]), int(nodes[0]), nodes, vecs[:, j]) for j in range(1, vals.size)]
    candidates.sort(key=lambda c: (c[0], c[1]))
    chosen = candidates[:k]
    vectors = torch.zeros(n, len(chosen))
    for column, (_, _, nodes, vec) in enumerate(chosen):
        vectors[torch.from_numpy(nodes), column] = torch.from_numpy(np.ascontiguousarray(vec)).float()
    eigvals = torch.tensor([c[0] for c in chosen], dtype=torch.float32).clamp(0.0, 2.0)
    return eigvals, vectors


class _Candidates(SpectralConsumer):
    """Collects the first ``k`` non-null eigenpairs of every (connected) component."""

    def __init__(self, parts: GraphSet, k: int) -> None:
        self.sorted_nodes = layout(parts).sorted_nodes
        self.k = k
        self.chunks: list[tuple[Tensor, Tensor, Tensor]] = []

    def consume(self, part: ChunkSpectrum) -> None:
        n = part.bucket.n
        nodes = self.sorted_nodes[part.rows].view(-1, n)
        vals, vecs = part.eigvals[:, 1 : self.k + 1].double(), part.eigvecs[:, :, 1 : self.k + 1].double()
        self.chunks.append((nodes, vals, vecs))

    def finish(self) -> dict[str, Tensor]:
        return {}


def _small_components(adjacency, labels: np.ndarray, comps: np.ndarray, k: int) -> list:
    """Candidates from the small components, decomposed as one batched GraphSet."""
    nodes = np.nonzero(np.isin(labels, comps))[0]
    nodes = nodes[np.argsort(labels[nodes], kind="stable")]
    comp_sizes = np.unique(labels[nodes], return_counts=True)[1]
    sub = adjacency[nodes][:, nodes].tocoo()
    ptr = torch.zeros(comp_sizes.size + 1, dtype=torch.long)
    ptr[1:] = torch.from_numpy(comp_sizes).cumsum(0)
    edge_index = torch.from_numpy(np.stack([sub.row, sub.col]).astype(np.int64))
    parts = GraphSet(edge_index, ptr, torch.from_numpy(sub.data).float(), directed="symmetrize")
    collector = _Candidates(parts, k)
    spectral_pass(parts, [collector])
    out = []
    for local, vals, vecs in collector.chunks:
        for b in range(local.size(0)):
            members = nodes[local[b].numpy()]
            first = int(members.min())
            out += [(float(vals[b, j]), first, members, vecs[b, :, j].numpy()) for j in range(vals.size(1))]
    return out
