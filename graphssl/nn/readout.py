"""Graph-level readouts by name: ``sum``, ``mean``, ``max`` and ``attention``.

Attention readout is the gated global attention pooling of Li et al.,
"Gated Graph Sequence Neural Networks", ICLR 2016
(https://arxiv.org/abs/1511.05493). Graphs with no nodes read out as zeros.
"""

from __future__ import annotations

from torch import Tensor, nn
from torch_geometric.nn.aggr import AttentionalAggregation
from torch_geometric.utils import scatter

READOUTS = ("sum", "mean", "max", "attention")


class Readout(nn.Module):
    """Pool node embeddings into one vector per graph.

    Args:
        kind: ``"sum"``, ``"mean"``, ``"max"`` or ``"attention"`` (default ``"mean"``).
        dim: node embedding width (used by ``"attention"``).

    Shapes:
        x ``[N, dim]``, batch ``[N]`` -> ``[num_graphs, dim]``.
    """

    def __init__(self, kind: str = "mean", dim: int = 0) -> None:
        super().__init__()
        if kind not in READOUTS:
            raise ValueError(f"unknown readout {kind!r}; choose one of {', '.join(READOUTS)}")
        self.kind, self.dim = kind, dim
        self.attention = AttentionalAggregation(gate_nn=nn.Linear(dim, 1)) if kind == "attention" else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        if self.attention is not None:
            self.attention.reset_parameters()

    def forward(self, x: Tensor, batch: Tensor, num_graphs: int) -> Tensor:
        if self.attention is not None:
            return self.attention(x, batch, dim_size=num_graphs)
        return scatter(x, batch, dim=0, dim_size=num_graphs, reduce=self.kind)

    def __repr__(self) -> str:
        return f"Readout({self.kind!r})"
