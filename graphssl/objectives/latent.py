r"""Latent prediction against an exponential-moving-average (EMA) target encoder.

Two objectives share the EMA machinery:

* ``bgrl`` -- Thakoor et al., "Large-Scale Representation Learning on Graphs
  via Bootstrapping", ICLR 2022 (https://arxiv.org/abs/2102.06514): two
  node-preserving augmented views; a predictor maps the online encoder's node
  embeddings of one view onto the target encoder's embeddings of the other,
  with the symmetric loss :math:`2 - \cos(p_1, t_2) - \cos(p_2, t_1)`.
* ``jepa`` -- joint-embedding predictive architecture (Assran et al.,
  "Self-Supervised Learning from Images with a Joint-Embedding Predictive
  Architecture", CVPR 2023, https://arxiv.org/abs/2301.08243), on graphs: the
  online encoder sees the graph with a fraction of nodes masked, and the
  predictor regresses the target encoder's embeddings of the masked nodes
  computed on the full graph.

The target follows the online encoder after every optimizer step with
:math:`\theta_t \leftarrow \tau_k \theta_t + (1-\tau_k)\theta_o`, where
:math:`\tau_k` rises from ``tau`` to 1 on a cosine schedule (BGRL).
"""

from __future__ import annotations

import copy
import math
from typing import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from graphssl.data.spec import GraphSpec
from graphssl.nn.encoder import batch_vector_of, num_graphs_of
from graphssl.nn.mlp import mlp
from graphssl.objectives.augment import NODE_PRESERVING, build_augmentation
from graphssl.objectives.base import Objective, register_objective
from graphssl.objectives.graphcl import encode_view
from graphssl.objectives.masking import sample_node_mask


class EMATargetObjective(Objective):
    """Base class holding a frozen copy of the encoder updated by EMA."""

    def __init__(self, encoder: nn.Module, spec: GraphSpec, tau: float, predictor_hidden: int) -> None:
        super().__init__(encoder, spec)
        if not 0.0 <= tau <= 1.0:
            raise ValueError(f"tau must be in [0, 1], got {tau}")
        self.tau = tau
        self.target = copy.deepcopy(encoder)
        for parameter in self.target.parameters():
            parameter.requires_grad_(False)
        self.predictor = mlp(self.encoder_dim, predictor_hidden, self.encoder_dim)

    def momentum(self, step: int, total_steps: int) -> float:
        progress = min(step / max(total_steps, 1), 1.0)
        return 1.0 - (1.0 - self.tau) * (math.cos(math.pi * progress) + 1.0) / 2.0

    @torch.no_grad()
    def after_step(self, encoder: nn.Module, step: int, total_steps: int) -> None:
        tau = self.momentum(step, total_steps)
        for target, online in zip(self.target.parameters(), encoder.parameters()):
            target.lerp_(online.detach(), 1.0 - tau)
        for target, online in zip(self.target.buffers(), encoder.buffers()):
            target.copy_(online)


def cosine_loss(prediction: Tensor, target: Tensor) -> Tensor:
    """``2 - 2 cos`` averaged over rows (0 when aligned)."""
    return 2.0 - 2.0 * F.cosine_similarity(prediction, target.detach(), dim=-1).mean()


@register_objective("bgrl")
class BGRL(EMATargetObjective):
    """BGRL: predict an EMA target's node embeddings of another augmented view (Thakoor et al., ICLR 2022).

    Args:
        augmentations: two node-preserving augmentations, one per view
            (default ``["drop_edges", "mask_features"]``).
        strength: drop/mask fraction (default ``0.2``).
        tau: initial EMA momentum, annealed to 1 (default ``0.99``).
        predictor_hidden: predictor MLP hidden width (default ``512``).
    """

    def __init__(self, encoder: nn.Module, spec: GraphSpec, augmentations: Sequence[str] = ("drop_edges", "mask_features"),
                 strength: float = 0.2, tau: float = 0.99, predictor_hidden: int = 512) -> None:
        super().__init__(encoder, spec, tau, predictor_hidden)
        names = list(augmentations)
        if len(names) != 2 or any(name not in NODE_PRESERVING for name in names):
            raise ValueError(f"bgrl needs two node-preserving augmentations from {list(NODE_PRESERVING)}, got {names}")
        self.augmentations = [build_augmentation(name, strength) for name in names]

    def forward(self, batch, encoder: nn.Module) -> dict[str, Tensor]:
        view1, view2 = (augment(batch) for augment in self.augmentations)
        online1, online2 = encode_view(encoder, view1).node, encode_view(encoder, view2).node
        with torch.no_grad():
            target1, target2 = encode_view(self.target, view1).node, encode_view(self.target, view2).node
        loss = 0.5 * (cosine_loss(self.predictor(online1), target2) + cosine_loss(self.predictor(online2), target1))
        return {"loss": loss}


@register_objective("jepa")
class JEPA(EMATargetObjective):
    """JEPA: predict an EMA target's embeddings of masked nodes from the masked graph (Assran et al., CVPR 2023).

    Args:
        mask_ratio: fraction of each graph's nodes to mask (default ``0.25``).
        tau: initial EMA momentum, annealed to 1 (default ``0.99``).
        predictor_hidden: predictor MLP hidden width (default ``512``).
        loss: ``"cosine"`` (``2 - 2cos``, default) or ``"smooth_l1"``.
    """

    def __init__(self, encoder: nn.Module, spec: GraphSpec, mask_ratio: float = 0.25, tau: float = 0.99,
                 predictor_hidden: int = 512, loss: str = "cosine") -> None:
        super().__init__(encoder, spec, tau, predictor_hidden)
        if loss not in ("cosine", "smooth_l1"):
            raise ValueError(f"jepa loss must be 'cosine' or 'smooth_l1', got {loss!r}")
        self.mask_ratio, self.loss_kind = mask_ratio, loss

    def forward(self, batch, encoder: nn.Module) -> dict[str, Tensor]:
        mask = sample_node_mask(batch_vector_of(batch), num_graphs_of(batch), self.mask_ratio)
        context = encoder(batch, node_mask=mask).node
        with torch.no_grad():
            target = self.target(batch).node[mask]
        prediction = self.predictor(context[mask])
        if self.loss_kind == "cosine":
            loss = cosine_loss(prediction, target)
        else:
            loss = F.smooth_l1_loss(prediction, target)
        return {"loss": loss, "node_mask": mask}
