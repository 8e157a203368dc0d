r"""JEPA on graphs: predict the EMA target's embeddings of masked nodes from the masked graph.

Joint-embedding predictive architecture (Assran et al., "Self-Supervised
Learning from Images with a Joint-Embedding Predictive Architecture",
CVPR 2023, https://arxiv.org/abs/2301.08243), on graphs: the online encoder
sees the graph with a fraction of each graph's nodes masked, and a predictor
regresses the shared EMA target's embeddings of those nodes computed on the
*clean* graph (:meth:`~graphssl.objectives.context.StepContext.target_clean`,
one target pass per step however many objectives read it).
"""

from __future__ import annotations

import torch.nn.functional as F
from torch import Tensor, nn

from graphssl.data.spec import GraphSpec
from graphssl.errors import ConfigError
from graphssl.nn.mlp import mlp
from graphssl.objectives.base import Objective, register_objective
from graphssl.objectives.bgrl import cosine_loss
from graphssl.objectives.context import StepContext
from graphssl.objectives.targets import zero_loss


@register_objective("jepa")
class JEPA(Objective):
    """JEPA: predict the EMA target's clean-graph embeddings of masked nodes from the masked graph (Assran et al., CVPR 2023).

    Args:
        mask_ratio: fraction of each graph's nodes to mask, in ``(0, 1)`` (default ``0.25``).
        tau: initial EMA momentum of the shared target, in ``[0, 1]``, annealed to 1 (default ``0.99``).
        predictor_hidden: predictor MLP hidden width (default ``512``).
        loss: ``"cosine"`` (``2 - 2cos``, default) or ``"smooth_l1"``.
        mask_groups: batch attribute of groups to mask whole (a membership map
            ``[2, M]`` such as ``atom2frag``, or a per-node group id ``[N]``);
            ``mask_ratio`` is then a fraction of each graph's groups (default
            ``None``: mask nodes).
    """

    needs_target = True

    def __init__(self, encoder: nn.Module, spec: GraphSpec, mask_ratio: float = 0.25, tau: float = 0.99,
                 predictor_hidden: int = 512, loss: str = "cosine", mask_groups: str | None = None) -> None:
        super().__init__(encoder, spec)
        if loss not in ("cosine", "smooth_l1"):
            raise ConfigError(f"{self.key('loss')}: must be 'cosine' or 'smooth_l1', got {loss!r}")
        self.mask_ratio = self.check_fraction("mask_ratio", mask_ratio)
        self.tau = self.check_tau(tau)
        self.loss_kind, self.mask_groups = loss, mask_groups
        self.predictor = mlp(self.encoder_dim, predictor_hidden, self.encoder_dim)

    def forward(self, step: StepContext) -> dict[str, Tensor]:
        mask = step.draw_node_mask(self.mask_ratio, self.mask_groups)
        context = step.masked(mask).node
        if not bool(mask.any()):  # group masking in a batch without groups
            return {"loss": zero_loss(context), "node_mask": mask}
        target = step.target_clean().node[mask]
        prediction = self.predictor(context[mask])
        if self.loss_kind == "cosine":
            loss = cosine_loss(prediction, target)
        else:
            loss = F.smooth_l1_loss(prediction, target)
        return {"loss": loss, "node_mask": mask}
