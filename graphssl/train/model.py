"""The module trained during pretraining: the shared encoder plus the objectives' heads."""

from __future__ import annotations

from torch import Tensor, nn

from graphssl.data.spec import GraphSpec
from graphssl.nn.encoder import GraphEncoder
from graphssl.objectives.base import WeightedObjectives, build_objective
from graphssl.train.config import PretrainConfig


class PretrainModel(nn.Module):
    """``forward(batch)`` returns the objectives' dict (``loss`` plus logged scalars).

    State-dict keys start with ``encoder.`` (the reusable part) or ``objectives.``.
    """

    def __init__(self, encoder: nn.Module, objectives: WeightedObjectives) -> None:
        super().__init__()
        self.encoder = encoder
        self.objectives = objectives

    def forward(self, batch) -> dict[str, Tensor]:
        return self.objectives(batch, self.encoder)


def build_pretrain_model(config: PretrainConfig, spec: GraphSpec) -> PretrainModel:
    """Encoder from ``config.encoder`` with the dataset's feature layout, and the weighted objectives."""
    encoder = GraphEncoder(config.encoder.with_spec(spec))
    items = []
    for entry in config.objectives:
        items.append((entry.label or entry.name, build_objective(entry.name, encoder, spec, entry.params), entry.weight))
    return PretrainModel(encoder, WeightedObjectives(items))
