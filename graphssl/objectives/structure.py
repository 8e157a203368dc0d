"""Regression onto structural targets that the data carries.

The targets are attributes of the graphs (computed by a transform such as the
PSE engine's, or stored by the dataset): per-node arrays ``[N, width]`` or
per-graph arrays ``[1, width]`` per graph. This is the pretraining signal of
structure-only encoders such as GFSE (Chen et al., "Towards A Universal Graph
Structural Encoder", WWW 2026, https://arxiv.org/abs/2504.10917) and of
GraphLoG-style auxiliary tasks. Laplacian eigenvectors (``eigvec_targets``)
use the sign- and basis-invariant projector loss of
:mod:`graphssl.objectives.eigvec`. ``NAME_mask`` and ``NAME_valid``
(:mod:`graphssl.objectives.targets`) leave out padded entries and graphs that
lack the target.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from graphssl.data.spec import GraphSpec
from graphssl.errors import ConfigError
from graphssl.nn.mlp import mlp
from graphssl.objectives.base import Objective, register_objective
from graphssl.objectives.context import StepContext
from graphssl.objectives.eigvec import projector_loss
from graphssl.objectives.targets import masked_loss, read_target

LOSSES = {"mse": F.mse_loss, "smooth_l1": F.smooth_l1_loss}


@register_objective("structure")
class StructureRegression(Objective):
    """Structural target regression: predict per-node/per-graph structural targets supplied by the data.

    Args:
        node_targets: attribute name -> width of per-node targets, e.g.
            ``{"rwse": 16, "clustering": 1}`` (default ``{}``).
        graph_targets: attribute name -> width of per-graph targets (default ``{}``).
        eigvec_targets: attribute name -> width of per-node Laplacian
            eigenvector targets, e.g. ``{"lap": 8}``, compared by eigenspace
            projectors (default ``{}``).
        hidden_dim: head MLP hidden width (default ``128``).
        loss: ``"mse"`` (default) or ``"smooth_l1"``, for node and graph targets.
    """

    def __init__(self, encoder: nn.Module, spec: GraphSpec, node_targets: dict[str, int] | None = None,
                 graph_targets: dict[str, int] | None = None, eigvec_targets: dict[str, int] | None = None,
                 hidden_dim: int = 128, loss: str = "mse") -> None:
        super().__init__(encoder, spec)
        self.node_targets, self.graph_targets = dict(node_targets or {}), dict(graph_targets or {})
        self.eigvec_targets = dict(eigvec_targets or {})
        if not (self.node_targets or self.graph_targets or self.eigvec_targets):
            raise ConfigError(f"{self.key('node_targets')}: structure needs node_targets, graph_targets or eigvec_targets, "
                              f"e.g. node_targets: {{rwse: 16}}")
        names = [*self.node_targets, *self.graph_targets, *self.eigvec_targets]
        if len(set(names)) != len(names):
            raise ConfigError(f"objectives.structure: a target appears twice in {names}")
        for kind in ("node_targets", "graph_targets", "eigvec_targets"):
            for name, width in getattr(self, kind).items():
                self.check_positive(f"{kind}.{name}", width)
        if loss not in LOSSES:
            raise ConfigError(f"{self.key('loss')}: must be one of {', '.join(LOSSES)}, got {loss!r}")
        self.loss_fn = LOSSES[loss]
        dim = self.encoder_dim
        self.node_heads = nn.ModuleDict({k: mlp(dim, hidden_dim, w) for k, w in self.node_targets.items()})
        self.graph_heads = nn.ModuleDict({k: mlp(dim, hidden_dim, w) for k, w in self.graph_targets.items()})
        self.eigvec_heads = nn.ModuleDict({k: mlp(dim, hidden_dim, w) for k, w in self.eigvec_targets.items()})

    def forward(self, step: StepContext) -> dict[str, Tensor]:
        output = step.clean()
        batch, batch_vector, num_graphs = step.batch, step.batch_vector, step.num_graphs
        graph_index = torch.arange(num_graphs, device=batch_vector.device)
        results: dict[str, Tensor] = {}
        for name, head in self.node_heads.items():
            target, mask = read_target(batch, name, batch.num_nodes, self.node_targets[name], batch_vector, num_graphs)
            results[f"{name}_loss"] = masked_loss(self.loss_fn, head(output.node), target, mask)
        for name, head in self.graph_heads.items():
            target, mask = read_target(batch, name, num_graphs, self.graph_targets[name], graph_index, num_graphs)
            results[f"{name}_loss"] = masked_loss(self.loss_fn, head(output.graph), target, mask)
        for name, head in self.eigvec_heads.items():
            target, mask = read_target(batch, name, batch.num_nodes, self.eigvec_targets[name], batch_vector, num_graphs)
            results[f"{name}_loss"] = projector_loss(head(output.node), target, batch_vector, num_graphs, mask)
        results["loss"] = torch.stack(list(results.values())).mean()
        return results
