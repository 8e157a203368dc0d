"""Regression onto structural targets that the data carries.

The targets are attributes of the graphs (computed by a transform such as the
PSE engine's, or stored by the dataset): per-node arrays ``[N, width]`` or
per-graph arrays ``[1, width]`` per graph. This is the pretraining signal of
structure-only encoders such as GFSE (Chen et al., "Towards A Universal Graph
Structural Encoder", WWW 2026, https://arxiv.org/abs/2504.10917) and of
GraphLoG-style auxiliary tasks; an optional ``<name>_mask`` restricts the loss
to real (unpadded) entries.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from graphssl.data.spec import GraphSpec
from graphssl.errors import InvalidGraphError
from graphssl.nn.encoder import num_graphs_of
from graphssl.nn.mlp import mlp
from graphssl.objectives.base import Objective, register_objective


@register_objective("structure")
class StructureRegression(Objective):
    """Structural target regression: predict per-node/per-graph structural targets supplied by the data.

    Args:
        node_targets: attribute name -> width of per-node targets, e.g.
            ``{"rwse": 16, "clustering": 1}`` (default ``{}``).
        graph_targets: attribute name -> width of per-graph targets (default ``{}``).
        hidden_dim: head MLP hidden width (default ``128``).
        loss: ``"mse"`` (default) or ``"smooth_l1"``.
    """

    def __init__(self, encoder: nn.Module, spec: GraphSpec, node_targets: dict[str, int] | None = None,
                 graph_targets: dict[str, int] | None = None, hidden_dim: int = 128, loss: str = "mse") -> None:
        super().__init__(encoder, spec)
        self.node_targets, self.graph_targets = dict(node_targets or {}), dict(graph_targets or {})
        if not self.node_targets and not self.graph_targets:
            raise ValueError("structure needs node_targets or graph_targets, e.g. node_targets: {rwse: 16}")
        if loss not in ("mse", "smooth_l1"):
            raise ValueError(f"structure loss must be 'mse' or 'smooth_l1', got {loss!r}")
        self.loss_fn = F.mse_loss if loss == "mse" else F.smooth_l1_loss
        self.node_heads = nn.ModuleDict({k: mlp(self.encoder_dim, hidden_dim, w) for k, w in self.node_targets.items()})
        self.graph_heads = nn.ModuleDict({k: mlp(self.encoder_dim, hidden_dim, w) for k, w in self.graph_targets.items()})

    def _target(self, batch, name: str, rows: int, width: int) -> tuple[Tensor, Tensor | None]:
        value = getattr(batch, name, None)
        if value is None:
            raise InvalidGraphError(f"batch has no structural target {name!r}; add it with a transform or remove it from the objective")
        value = value.view(value.shape[0], -1)
        if value.shape != (rows, width):
            raise InvalidGraphError(f"structural target {name!r} has shape {tuple(value.shape)}, expected [{rows}, {width}]")
        mask = getattr(batch, f"{name}_mask", None)
        return value.float(), None if mask is None else mask.view_as(value).bool()

    def _loss(self, prediction: Tensor, target: Tensor, mask: Tensor | None) -> Tensor:
        if mask is None:
            return self.loss_fn(prediction, target)
        if not bool(mask.any()):
            return prediction.sum() * 0.0
        return self.loss_fn(prediction[mask], target[mask])

    def forward(self, batch, encoder: nn.Module) -> dict[str, Tensor]:
        output = encoder(batch)
        results: dict[str, Tensor] = {}
        for name, head in self.node_heads.items():
            target, mask = self._target(batch, name, batch.num_nodes, self.node_targets[name])
            results[f"{name}_loss"] = self._loss(head(output.node), target, mask)
        for name, head in self.graph_heads.items():
            target, mask = self._target(batch, name, num_graphs_of(batch), self.graph_targets[name])
            results[f"{name}_loss"] = self._loss(head(output.graph), target, mask)
        results["loss"] = torch.stack(list(results.values())).mean()
        return results
