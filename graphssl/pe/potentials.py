"""Dense pairwise quantities: the Laplacian pseudo-inverse and effective resistance.

For the combinatorial Laplacian ``L = D - A`` of a graph with components
``C_1..C_c``, the Moore-Penrose pseudo-inverse is

    L^+ = (L + J)^{-1} - J,    J = sum_c 1_c 1_c^T / |C_c|,

which needs one batched inverse instead of an eigendecomposition (Ghosh,
Boyd and Saberi, "Minimizing Effective Resistance of a Graph", SIAM Review
2008). Pairs in different components have no potential or resistance
between them; they are masked by the block's ``same`` mask. The blocks come
from :mod:`graphssl.pe.pairs`.
"""

from __future__ import annotations

import torch
from torch import Tensor

from graphssl.pe.pairs import PairBlock


def laplacian_pinv(block: PairBlock) -> Tensor:
    """``[B, n, n]`` pseudo-inverse of the combinatorial Laplacian ``D - A`` (self-loops cancel)."""
    adjacency = block.adjacency
    laplacian = -adjacency
    laplacian.diagonal(dim1=1, dim2=2).add_(adjacency.sum(-1))
    same = block.same.to(adjacency.dtype)
    averaging = same / same.sum(-1, keepdim=True)
    return torch.linalg.inv(laplacian + averaging) - averaging


def effective_resistance(block: PairBlock, pinv: Tensor | None = None) -> Tensor:
    """``[B, n, n]`` effective resistance ``R_ij = P_ii + P_jj - 2 P_ij``; ``inf`` across components."""
    pinv = laplacian_pinv(block) if pinv is None else pinv
    diag = pinv.diagonal(dim1=1, dim2=2)
    resistance = diag.unsqueeze(2) + diag.unsqueeze(1) - 2 * pinv
    resistance.clamp_(min=0.0)
    resistance.diagonal(dim1=1, dim2=2).zero_()
    return resistance.masked_fill(~block.same, float("inf"))
