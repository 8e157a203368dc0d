"""Node-feature normalization by name: ``batch``, ``layer`` or ``none``.

BatchNorm over the nodes of a batch cannot estimate statistics from one node
(torch raises) or zero nodes; :class:`NodeBatchNorm` then normalizes with its
running statistics instead, so a batch holding a single one-node graph still
trains.
"""

from __future__ import annotations

import torch.nn.functional as F
from torch import Tensor, nn

NORMS = ("batch", "layer", "none")


class NodeBatchNorm(nn.BatchNorm1d):
    """``BatchNorm1d`` over nodes that falls back to running statistics for fewer than 2 nodes."""

    def forward(self, x: Tensor) -> Tensor:
        if self.training and x.shape[0] < 2:
            return F.batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias, False, 0.0, self.eps)
        return super().forward(x)


def build_norm(name: str, dim: int) -> nn.Module:
    """``"batch"`` -> :class:`NodeBatchNorm`, ``"layer"`` -> ``LayerNorm``, ``"none"`` -> identity."""
    if name == "batch":
        return NodeBatchNorm(dim)
    if name == "layer":
        return nn.LayerNorm(dim)
    if name == "none":
        return nn.Identity()
    raise ValueError(f"unknown norm {name!r}; choose one of {', '.join(NORMS)}")
