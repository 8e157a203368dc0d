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

from graphssl.config import check_fraction
from graphssl.data.spec import GraphSpec
from graphssl.errors import ConfigError
from graphssl.nn.mlp import mlp
from graphssl.objectives.augment import AUGMENTATIONS
from graphssl.objectives.base import Objective, register_objective
from graphssl.objectives.context import StepContext, draw_numbers
from graphssl.registry import close_matches


def info_nce(z1: Tensor, z2: Tensor, temperature: float) -> tuple[Tensor, Tensor]:
    """Symmetric InfoNCE between matched rows of ``z1`` and ``z2``; returns (loss, top-1 accuracy)."""
    z1, z2 = F.normalize(z1, dim=1), F.normalize(z2, dim=1)
    logits = z1 @ z2.t() / temperature
    labels = torch.arange(z1.shape[0], device=z1.device)
    loss = 0.5 * (F.cross_entropy(logits, labels) + F.cross_entropy(logits.t(), labels))
    accuracy = (logits.argmax(dim=1) == labels).float().mean()
    return loss, accuracy.detach()


def check_augmentations(names: Sequence[str], strength: float, where: str) -> tuple[list[str], float]:
    """Augmentation names known and ``strength`` in ``(0, 1)``, errors naming the config key ``where``."""
    names = list(names)
    if not names:
        raise ConfigError(f"{where}.augmentations: name at least one augmentation")
    for name in names:
        if name not in AUGMENTATIONS:
            raise ConfigError(f"{where}.augmentations: unknown augmentation {name!r}"
                              f"{close_matches(name, AUGMENTATIONS)}; choose from {', '.join(AUGMENTATIONS)}")
    check_fraction(f"{where}.strength", strength)
    return names, float(strength)


@register_objective("graphcl")
class GraphCL(Objective):
    """GraphCL: InfoNCE between two augmented views of each graph (You et al., NeurIPS 2020).

    Args:
        augmentations: names to draw each view's augmentation from, uniformly
            per step and view (default ``["drop_nodes", "subgraph"]``; also
            ``"drop_edges"``, ``"mask_features"``).
        strength: drop/mask fraction of every augmentation, in ``(0, 1)`` (default ``0.2``).
        temperature: InfoNCE temperature, ``> 0`` (default ``0.2``).
        projection_dim: projection head width (default ``128``).

    The two views are independent draws (never the same view twice); a view
    another objective asked for this step with the same augmentation and draw
    number is shared (:class:`~graphssl.objectives.context.StepContext`).
    """

    def __init__(self, encoder: nn.Module, spec: GraphSpec, augmentations: Sequence[str] = ("drop_nodes", "subgraph"),
                 strength: float = 0.2, temperature: float = 0.2, projection_dim: int = 128) -> None:
        super().__init__(encoder, spec)
        self.augmentation_names, self.strength = check_augmentations(augmentations, strength, self.key())
        self.temperature = self.check_positive("temperature", float(temperature))
        self.projection = mlp(self.encoder_dim, projection_dim, projection_dim)

    def choose(self, generator: torch.Generator) -> list[str]:
        """The augmentation of each of the two views, uniformly from the list."""
        picks = torch.randint(len(self.augmentation_names), (2,), generator=generator, device=generator.device)
        return [self.augmentation_names[int(i)] for i in picks]

    def forward(self, step: StepContext) -> dict[str, Tensor]:
        names = self.choose(step.generator)
        z1, z2 = (self.projection(step.online_view(name, self.strength, draw, self.spec).graph)
                  for name, draw in zip(names, draw_numbers(names)))
        loss, accuracy = info_nce(z1, z2, self.temperature)
        return {"loss": loss, "accuracy": accuracy}
