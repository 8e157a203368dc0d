"""The module trained during pretraining: the shared encoder plus the objectives (heads, EMA target, loss weights)."""

from __future__ import annotations

import torch
from torch import Tensor, nn

from graphssl.data.spec import GraphSpec
from graphssl.nn import build_encoder
from graphssl.objectives import WeightedObjectives, build_objective

#: Seed of the generator a model uses when ``forward`` is given none.
DEFAULT_SEED = 0


class PretrainModel(nn.Module):
    """``forward(batch, generator=None)`` returns the objectives' dict (``loss`` plus logged scalars).

    Args:
        encoder: the encoder being pretrained.
        objectives: the run's :class:`~graphssl.objectives.WeightedObjectives`.
        seed: seed of the model's own generators (default :data:`DEFAULT_SEED`).

    Every random draw of a step (masks, views, pair samples) comes from
    ``generator``; the trainer passes its own (seeded from ``train.seed`` and
    the rank, saved in checkpoints). Without one the model uses a generator it
    owns, one per device, created on first use and seeded with ``seed``, so a
    fresh model gives the same draws on every run. State-dict keys start with
    ``encoder.`` (the reusable part) or ``objectives.`` (heads, loss weights
    and the EMA target under ``objectives.target.``).
    """

    def __init__(self, encoder: nn.Module, objectives: WeightedObjectives, seed: int = DEFAULT_SEED) -> None:
        super().__init__()
        self.encoder = encoder
        self.objectives = objectives
        self.seed = int(seed)
        self._generators: dict[torch.device, torch.Generator] = {}

    def default_generator(self, device: torch.device) -> torch.Generator:
        """The model's own generator on ``device`` (seeded with ``seed`` when first made)."""
        device = torch.device(device)
        if device not in self._generators:
            self._generators[device] = torch.Generator(device=device).manual_seed(self.seed)
        return self._generators[device]

    def forward(self, batch, generator: torch.Generator | None = None) -> dict[str, Tensor]:
        if generator is None:
            generator = self.default_generator(batch.edge_index.device)
        return self.objectives(batch, self.encoder, generator)


def build_pretrain_model(config, spec: GraphSpec) -> PretrainModel:
    """The encoder ``config.encoder`` names, filled with the dataset's feature layout, and the weighted objectives.

    Reads ``config.objectives`` (entries with ``name``, ``label``, ``weight``,
    ``params``) and ``config.loss_weighting`` (``"fixed"`` when absent).
    """
    encoder = build_encoder(config.encoder, spec)
    items = [(entry.label or entry.name, build_objective(entry.name, encoder, spec, entry.params), entry.weight)
             for entry in config.objectives]
    weighting = getattr(config, "loss_weighting", "fixed")
    return PretrainModel(encoder, WeightedObjectives(items, weighting=weighting, encoder=encoder))
