r"""GraphCL: contrastive learning between two augmented views of each graph.

You et al., "Graph Contrastive Learning with Augmentations", NeurIPS 2020
(https://arxiv.org/abs/2010.13902). Two views of the batch are drawn with the
augmentations of :mod:`graphssl.objectives.augment`, encoded, projected by an
MLP, and matched with the symmetric InfoNCE (NT-Xent) loss: the other view of
the same graph is the positive, the other graphs of the batch the negatives.

.. math::
    \ell_i = -\log \frac{\exp(\mathrm{sim}(z_i, z'_i)/\tau)}{\sum_j \exp(\mathrm{sim}(z_i, z'_j)/\tau)}
"""

from __future__ import annotations

from typing import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from graphssl.data.spec import GraphSpec
from graphssl.nn.mlp import mlp
from graphssl.objectives.augment import build_augmentation
from graphssl.objectives.base import Objective, register_objective


def info_nce(z1: Tensor, z2: Tensor, temperature: float) -> tuple[Tensor, Tensor]:
    """Symmetric InfoNCE between matched rows of ``z1`` and ``z2``; returns (loss, top-1 accuracy)."""
    z1, z2 = F.normalize(z1, dim=1), F.normalize(z2, dim=1)
    logits = z1 @ z2.t() / temperature
    labels = torch.arange(z1.shape[0], device=z1.device)
    loss = 0.5 * (F.cross_entropy(logits, labels) + F.cross_entropy(logits.t(), labels))
    accuracy = (logits.argmax(dim=1) == labels).float().mean()
    return loss, accuracy.detach()


def encode_view(encoder: nn.Module, view):
    return encoder(view, node_mask=getattr(view, "node_mask", None))


@register_objective("graphcl")
class GraphCL(Objective):
    """GraphCL: InfoNCE between two augmented views of each graph (You et al., NeurIPS 2020).

    Args:
        augmentations: names to draw each view's augmentation from, uniformly
            per step (default ``["drop_nodes", "subgraph"]``; also
            ``"drop_edges"``, ``"mask_features"``).
        strength: drop/mask fraction of every augmentation (default ``0.2``).
        temperature: InfoNCE temperature (default ``0.2``).
        projection_dim: projection head width (default ``128``).
    """

    def __init__(self, encoder: nn.Module, spec: GraphSpec, augmentations: Sequence[str] = ("drop_nodes", "subgraph"),
                 strength: float = 0.2, temperature: float = 0.2, projection_dim: int = 128) -> None:
        super().__init__(encoder, spec)
        if not augmentations:
            raise ValueError("graphcl needs at least one augmentation")
        self.augmentation_names = list(augmentations)
        self.augmentations = [build_augmentation(name, strength) for name in augmentations]
        self.temperature = temperature
        self.projection = mlp(self.encoder_dim, projection_dim, projection_dim)

    def _view(self, batch):
        choice = int(torch.randint(len(self.augmentations), (1,))) if len(self.augmentations) > 1 else 0
        return self.augmentations[choice](batch)

    def forward(self, batch, encoder: nn.Module) -> dict[str, Tensor]:
        z1 = self.projection(encode_view(encoder, self._view(batch)).graph)
        z2 = self.projection(encode_view(encoder, self._view(batch)).graph)
        loss, accuracy = info_nce(z1, z2, self.temperature)
        return {"loss": loss, "accuracy": accuracy}
