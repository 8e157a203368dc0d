"""Regression onto per-pair structural targets from the two nodes' embeddings.

GPSE (Cantürk et al., "Graph Positional and Structural Encoder", ICML 2024,
https://arxiv.org/abs/2307.07107) and GFSE (Chen et al., WWW 2026) pretrain
structural encoders on pairwise quantities: shortest-path distance, effective
resistance, random-walk pair probabilities. For a sampled pair ``(i, j)`` of
one graph an MLP reads the symmetric features ``[h_i * h_j, |h_i - h_j|]``
(so ``(i, j)`` and ``(j, i)`` get the same prediction) and regresses the
pair's value.

Unreachable pairs (different components) carry a non-finite or negative value
(resistance ``inf``, SPD ``-1``): every built-in pair target is non-negative.
With ``unreachable: mask`` (default) they are left out of the regression;
with ``unreachable: class`` a second head also predicts reachability, trained
with binary cross-entropy on every sampled pair, while the regression still
covers reachable pairs only.
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
from graphssl.objectives.pairs import pair_features, read_pairs, sample_pairs
from graphssl.objectives.targets import graph_validity, masked_loss, zero_loss

LOSSES = {"mse": F.mse_loss, "smooth_l1": F.smooth_l1_loss}


@register_objective("pairs")
class PairRegression(Objective):
    """Pair target regression: predict per-pair targets (SPD, resistance, random-walk probabilities) from two node embeddings.

    Args:
        targets: pair attribute name -> value width, e.g. ``{"spd": 1, "resistance": 1}``.
        pairs_per_graph: pairs drawn per graph and step (default ``32``).
        all_pairs_below: graphs with fewer nodes use every pair (default ``0``).
        hidden_dim: head MLP hidden width (default ``128``).
        loss: ``"mse"`` (default) or ``"smooth_l1"``.
        unreachable: ``"mask"`` (default) or ``"class"``, see the module docs.
    """

    def __init__(self, encoder: nn.Module, spec: GraphSpec, targets: dict[str, int] | None = None, pairs_per_graph: int = 32,
                 all_pairs_below: int = 0, hidden_dim: int = 128, loss: str = "mse", unreachable: str = "mask") -> None:
        super().__init__(encoder, spec)
        self.targets = {str(name): int(width) for name, width in (targets or {}).items()}
        if not self.targets:
            raise ConfigError(f"{self.key('targets')}: name at least one pair target, e.g. {{spd: 1}}")
        for name, width in self.targets.items():
            self.check_positive(f"targets.{name}", width)
        self.pairs_per_graph = self.check_positive("pairs_per_graph", int(pairs_per_graph))
        self.all_pairs_below = int(all_pairs_below)
        if loss not in LOSSES:
            raise ConfigError(f"{self.key('loss')}: must be one of {', '.join(LOSSES)}, got {loss!r}")
        if unreachable not in ("mask", "class"):
            raise ConfigError(f"{self.key('unreachable')}: must be 'mask' or 'class', got {unreachable!r}")
        self.loss_name, self.unreachable = loss, unreachable
        dim = 2 * self.encoder_dim
        self.heads = nn.ModuleDict({name: mlp(dim, hidden_dim, width) for name, width in self.targets.items()})
        self.reachable_heads = nn.ModuleDict({name: mlp(dim, hidden_dim, 1) for name in self.targets}) if unreachable == "class" else None

    def forward(self, step: StepContext) -> dict[str, Tensor]:
        node = step.clean().node
        batch_vector, num_graphs = step.batch_vector, step.num_graphs
        results: dict[str, Tensor] = {}
        for name, head in self.heads.items():
            pair_index, value = read_pairs(step.batch, name)
            if value.shape[1] != self.targets[name]:
                raise ConfigError(f"{self.key('targets.' + name)}: width {self.targets[name]}, but the pairs carry {value.shape[1]} values")
            chosen = sample_pairs(pair_index, batch_vector, num_graphs, self.pairs_per_graph, step.generator, self.all_pairs_below)
            valid = graph_validity(step.batch, name, num_graphs)
            if valid is not None:
                chosen = chosen[valid[batch_vector[pair_index[0, chosen]]]]
            index, target = pair_index[:, chosen], value[chosen].float()
            features = pair_features(node, index)
            reachable = torch.isfinite(target) & (target >= 0)
            loss = masked_loss(LOSSES[self.loss_name], head(features), target, reachable)
            if self.reachable_heads is not None:
                logit = self.reachable_heads[name](features).view(-1)
                label = reachable.all(dim=1).to(logit.dtype)
                reach_loss = F.binary_cross_entropy_with_logits(logit, label) if label.numel() else zero_loss(logit)
                results[f"{name}_reachable_loss"] = reach_loss
                loss = loss + reach_loss
            results[f"{name}_loss"] = loss
            results[f"{name}_pairs"] = torch.tensor(float(chosen.numel()))
        results["loss"] = torch.stack([results[f"{name}_loss"] for name in self.heads]).mean()
        return results
