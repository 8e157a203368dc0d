r"""BGRL: bootstrapped node representations across two augmented views.

Thakoor et al., "Large-Scale Representation Learning on Graphs via
Bootstrapping", ICLR 2022 (https://arxiv.org/abs/2102.06514). Two
node-preserving augmented views of the batch are encoded by the online encoder
and by the shared EMA target (:mod:`graphssl.objectives.ema`); a predictor
maps each view's online node embeddings onto the target's embeddings of the
*other* view, with the symmetric loss

.. math::
    \mathcal{L} = \tfrac12\big[(2 - 2\cos(q(h^{(1)}), t^{(2)})) + (2 - 2\cos(q(h^{(2)}), t^{(1)}))\big],

averaged over nodes.
"""

from __future__ import annotations

from typing import Sequence

import torch.nn.functional as F
from torch import Tensor, nn

from graphssl.data.spec import GraphSpec
from graphssl.errors import ConfigError
from graphssl.nn.mlp import mlp
from graphssl.objectives.augment import NODE_PRESERVING
from graphssl.objectives.base import Objective, register_objective
from graphssl.objectives.context import StepContext, draw_numbers
from graphssl.objectives.graphcl import check_augmentations


def cosine_loss(prediction: Tensor, target: Tensor) -> Tensor:
    """``2 - 2 cos`` averaged over rows (0 when aligned); the target gets no gradient."""
    return 2.0 - 2.0 * F.cosine_similarity(prediction, target.detach(), dim=-1).mean()


@register_objective("bgrl")
class BGRL(Objective):
    """BGRL: predict the EMA target's node embeddings of the other augmented view (Thakoor et al., ICLR 2022).

    Args:
        augmentations: two node-preserving augmentations, one per view
            (default ``["drop_edges", "mask_features"]``).
        strength: drop/mask fraction, in ``(0, 1)`` (default ``0.2``).
        tau: initial EMA momentum of the shared target, in ``[0, 1]``, annealed to 1 (default ``0.99``).
        predictor_hidden: predictor MLP hidden width (default ``512``).
    """

    needs_target = True

    def __init__(self, encoder: nn.Module, spec: GraphSpec, augmentations: Sequence[str] = ("drop_edges", "mask_features"),
                 strength: float = 0.2, tau: float = 0.99, predictor_hidden: int = 512) -> None:
        super().__init__(encoder, spec)
        self.names, self.strength = check_augmentations(augmentations, strength, self.key())
        if len(self.names) != 2 or any(name not in NODE_PRESERVING for name in self.names):
            raise ConfigError(f"{self.key('augmentations')}: bgrl needs two node-preserving augmentations "
                              f"from {list(NODE_PRESERVING)}, got {self.names}")
        self.tau = self.check_tau(tau)
        self.predictor = mlp(self.encoder_dim, predictor_hidden, self.encoder_dim)

    def forward(self, step: StepContext) -> dict[str, Tensor]:
        views = [(name, self.strength, draw, self.spec) for name, draw in zip(self.names, draw_numbers(self.names))]
        online1, online2 = (step.online_view(*view).node for view in views)
        target1, target2 = (step.target_view(*view).node for view in views)
        loss = 0.5 * (cosine_loss(self.predictor(online1), target2) + cosine_loss(self.predictor(online2), target1))
        return {"loss": loss}
