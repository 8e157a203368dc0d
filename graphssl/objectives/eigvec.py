r"""A sign- and basis-invariant loss for Laplacian eigenvector targets.

Eigenvectors are defined up to sign, and up to any rotation inside an
eigenspace of a repeated eigenvalue, so regressing them entry by entry
punishes correct answers (Lim et al., "Sign and Basis Invariant Networks for
Spectral Graph Representation Learning", ICLR 2023, https://arxiv.org/abs/2202.13013).
GPSE (Cantürk et al., "Graph Positional and Structural Encoder", ICML 2024)
uses a per-graph cosine; here we compare the projectors instead, which is
invariant to both. For graph :math:`g` with target eigenvectors
:math:`U_g \in \mathbb{R}^{n_g \times k_g}` (orthonormal columns) and
prediction :math:`Y_g`:

.. math::
    \ell_g = \frac{1}{k_g}\big\lVert Y_g Y_g^\top - U_g U_g^\top \big\rVert_F^2
           = \frac{1}{k_g}\Big(\lVert Y_g^\top Y_g\rVert_F^2 + \lVert U_g^\top U_g\rVert_F^2
             - 2\lVert Y_g^\top U_g\rVert_F^2\Big),

computed from ``k x k`` Gram matrices, so memory is ``O(N k^2)`` and never
``O(n^2)``. The loss is the mean of :math:`\ell_g` over graphs with at least
one valid column. (The projector onto the first ``k`` eigenvectors is itself
ambiguous only when eigenvalue ``k`` is repeated across the cut.)
"""

from __future__ import annotations

import torch
from torch import Tensor

from graphssl.objectives.targets import zero_loss


def gram_per_graph(a: Tensor, b: Tensor, batch_vector: Tensor, num_graphs: int) -> Tensor:
    """``A_g^T B_g`` for every graph, ``[num_graphs, a.shape[1], b.shape[1]]``."""
    outer = a.unsqueeze(2) * b.unsqueeze(1)
    out = outer.new_zeros(num_graphs, a.shape[1], b.shape[1])
    return out.index_add_(0, batch_vector, outer)


def projector_loss(prediction: Tensor, target: Tensor, batch_vector: Tensor, num_graphs: int, mask: Tensor | None = None) -> Tensor:
    """Mean over graphs of :math:`\\lVert YY^\\top - UU^\\top\\rVert_F^2 / k_g`; zero with a gradient path if no graph counts.

    Args:
        prediction: ``[N, k]`` predicted vectors.
        target: ``[N, k]`` eigenvectors, orthonormal columns within each graph.
        batch_vector: graph index of every node, ``[N]``.
        num_graphs: number of graphs.
        mask: bool ``[N, k]``, False on padded columns and skipped graphs (default: all count).
    """
    if mask is not None:
        prediction, target = prediction * mask, target * mask
        rows_per_column = torch.zeros(num_graphs, target.shape[1], dtype=torch.long, device=target.device)
        rows_per_column.index_add_(0, batch_vector, mask.long())
        valid_columns = (rows_per_column > 0).sum(dim=1)
    else:
        valid_columns = torch.full((num_graphs,), target.shape[1], device=target.device)
        valid_columns = valid_columns * (torch.bincount(batch_vector, minlength=num_graphs) > 0)
    yy = gram_per_graph(prediction, prediction, batch_vector, num_graphs)
    uu = gram_per_graph(target, target, batch_vector, num_graphs)
    yu = gram_per_graph(prediction, target, batch_vector, num_graphs)
    per_graph = yy.pow(2).sum((1, 2)) + uu.pow(2).sum((1, 2)) - 2 * yu.pow(2).sum((1, 2))
    counted = valid_columns > 0
    if not bool(counted.any()):
        return zero_loss(prediction)
    return (per_graph[counted] / valid_columns[counted].to(per_graph.dtype)).mean()
