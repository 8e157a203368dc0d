r"""Laplacian eigenvector positional encoding (LapPE), deterministic, with eigenvalues.

From "Benchmarking Graph Neural Networks" (Dwivedi et al., JMLR 2023,
https://arxiv.org/abs/2003.00982): node ``i`` gets entry ``i`` of the ``k``
eigenvectors of the normalized Laplacian ``L = I - D^{-1/2} A D^{-1/2}``
(:mod:`graphssl.pe.spectral`) with the smallest *non-zero* eigenvalues.

Choices, made deliberately:

* **Null space.** ``L`` has one zero eigenvalue per connected component
  (isolated nodes included). All of them are dropped, not just the first (as
  PyG does): their eigenvectors only say which component a node is in. The
  component count is exact (:mod:`graphssl.pe.spectral`), not a threshold.
* **Padding.** When a graph has fewer than ``k`` non-zero eigenvalues
  (``k >= n - c``) the remaining columns are zero and ``lap_mask`` is False.
* **Sign.** Each eigenvector is flipped so that its largest-magnitude entry is
  positive; exact ties between ``+a`` and ``-a`` are broken by the next
  entries of the sorted values (``v`` is kept when ``sort(v)`` beats
  ``sort(-v)`` from the top). Only a vector with ``sort(v) == sort(-v)`` keeps
  the solver's sign. Random sign flips are an opt-in augmentation,
  :func:`random_sign_flip`, with an explicit generator.
* **Repeated eigenvalues.** Inside a repeated eigenvalue any orthonormal basis
  is valid; the one returned is deterministic for a given input but may
  change under node relabelling. The projector onto the eigenspace does not.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import Tensor

from graphssl.errors import ConfigError
from graphssl.pe.base import PSETransform
from graphssl.pe.dense import large_graphs, new_output, write_rows
from graphssl.pe.graphs import DirectedPolicy, GraphSet
from graphssl.pe.spectral import ChunkSpectrum, SpectralConsumer, spectral_pass

#: Two sorted entries closer than this count as tied when choosing the sign.
SIGN_TOL = 1e-5


class LapPE(PSETransform):
    """``k`` Laplacian eigenvectors with the smallest non-zero eigenvalues, and those eigenvalues.

    Args:
        k: number of eigenvectors (default ``8``).
        attr_name: output prefix (default ``"lap"``).
        directed: ``"raise"`` (default) or ``"symmetrize"``.

    Shapes:
        ``lap``: ``[N, k]`` float32 eigenvector entries, zero in padded columns.
        ``lap_mask``: ``[N, k]`` bool, True where the column holds an eigenvector.
        ``lap_eigvals``: ``[N, k]`` float32, the graph's eigenvalues repeated on every node
        (ascending, zero where padded), so it batches like a node attribute.
    """

    kind = "lap"
    spectral = True

    def __init__(self, k: int = 8, *, attr_name: str | None = None, directed: DirectedPolicy = "raise") -> None:
        super().__init__(attr_name=attr_name, directed=directed)
        if int(k) < 1:
            raise ConfigError(f"LapPE k must be >= 1, got {k}")
        self.k = int(k)

    def params(self) -> dict[str, Any]:
        return {"k": self.k, **super().params()}

    def suffixes(self) -> list[str]:
        return ["", "_mask", "_eigvals"]

    def _compute(self, graphs: GraphSet) -> dict[str, Tensor]:
        result = LapPEConsumer(graphs, self.k)
        spectral_pass(graphs, [result])
        return result.finish()

    def consumer(self, graphs: GraphSet) -> SpectralConsumer:
        return LapPEConsumer(graphs, self.k)


class LapPEConsumer(SpectralConsumer):
    """Selects, signs and pads each chunk's eigenpairs; adds the large graphs at the end."""

    def __init__(self, graphs: GraphSet, k: int) -> None:
        self.graphs = graphs
        self.k = k
        self.vectors = new_output(graphs, k)
        # Eigenvalues and validity are per graph; they are spread over nodes once, in finish().
        self.eigvals = torch.zeros(graphs.num_graphs, k)
        self.valid = torch.zeros(graphs.num_graphs, k, dtype=torch.bool)

    def consume(self, part: ChunkSpectrum) -> None:
        vecs, vals, valid = select_nonzero(part, self.k)
        write_rows(self.graphs, self.vectors, part.rows, vecs * canonical_sign(vecs))
        self.eigvals.index_copy_(0, part.graphs, vals.to(self.eigvals.dtype))
        self.valid.index_copy_(0, part.graphs, valid)

    def finish(self) -> dict[str, Tensor]:
        from graphssl.pe.lap_sparse import large_graph_eigenpairs

        graphs, k, vectors = self.graphs, self.k, self.vectors
        for g in large_graphs(graphs):
            start, stop = int(graphs.ptr[g]), int(graphs.ptr[g + 1])
            vals, vecs = large_graph_eigenpairs(graphs.graph_adjacency(g), k)
            count = vals.numel()
            vectors[start:stop, :count] = vecs * canonical_sign(vecs.unsqueeze(0))[0]
            self.eigvals[g, :count] = vals
            self.valid[g, :count] = True
        node_graph = graphs.node_graph
        mask, eigvals = self.valid.index_select(0, node_graph), self.eigvals.index_select(0, node_graph)
        return {"": vectors, "_mask": mask, "_eigvals": eigvals}


def select_nonzero(part: ChunkSpectrum, k: int) -> tuple[Tensor, Tensor, Tensor]:
    """Columns ``c .. c + k - 1`` of each graph's eigenvectors (``c`` = components), zero-padded.

    Shapes:
        returns vectors ``[b, n, k]``, eigenvalues ``[b, k]`` and validity ``[b, k]``.
    """
    count, n = part.eigvals.shape
    if n - 1 >= k and bool((part.num_components == 1).all()):
        valid = torch.ones(count, k, dtype=torch.bool)
        return part.eigvecs[:, :, 1 : k + 1], part.eigvals[:, 1 : k + 1], valid
    index = part.num_components.unsqueeze(1) + torch.arange(k)
    valid = index < n
    index = index.clamp(max=n - 1)
    vecs = part.eigvecs.gather(2, index.unsqueeze(1).expand(-1, n, -1)) * valid.unsqueeze(1)
    vals = part.eigvals.gather(1, index) * valid
    return vecs, vals, valid


def canonical_sign(vectors: Tensor, tol: float = SIGN_TOL) -> Tensor:
    """``[B, 1, k]`` signs making each column of ``vectors`` (``[B, n, k]``) canonical.

    The largest-magnitude entry becomes positive; ties are broken by comparing
    ``sort(v)`` with ``sort(-v)`` from the top (permutation-invariant).
    """
    top, bottom = vectors.amax(1), vectors.amin(1)
    balance = top + bottom
    sign = torch.where(balance < -tol, -1.0, 1.0)
    tied = (balance.abs() <= tol) & (top > tol)
    if bool(tied.any()):
        b, j = tied.nonzero(as_tuple=True)
        ascending = vectors[b, :, j].sort(-1).values
        diff = ascending.flip(-1) + ascending
        decisive = diff.abs() > tol
        first = decisive.to(torch.int8).argmax(-1, keepdim=True)
        lead = diff.gather(-1, first).squeeze(-1)
        sign[b, j] = torch.where(decisive.any(-1) & (lead < 0), -1.0, 1.0)
    return sign.unsqueeze(1).to(vectors.dtype)


def random_sign_flip(vectors: Tensor, batch: Tensor | None = None, *, generator: torch.Generator) -> Tensor:
    """Flip each eigenvector column independently per graph with probability 1/2 (augmentation).

    Args:
        vectors: ``[N, k]`` LapPE values.
        batch: ``[N]`` graph index of each node (default: one graph).
        generator: source of randomness; seed it for reproducible augmentation.

    Shapes:
        returns ``[N, k]``.
    """
    num_graphs = 1 if batch is None or batch.numel() == 0 else int(batch.max()) + 1
    signs = torch.randint(0, 2, (num_graphs, vectors.size(1)), generator=generator).to(vectors.dtype) * 2 - 1
    if batch is None:
        return vectors * signs[0]
    return vectors * signs[batch]
