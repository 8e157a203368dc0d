r"""A run's objectives combined into one loss, with fixed or learned weights, sharing one step context.

Fixed weighting: :math:`\mathcal{L} = \sum_k w_k \mathcal{L}_k`.

Uncertainty weighting (Kendall, Gal & Cipolla, "Multi-Task Learning Using
Uncertainty to Weigh Losses for Scene Geometry and Semantics", CVPR 2018,
https://arxiv.org/abs/1705.07115) learns one log-variance
:math:`s_k = \log \sigma_k^2` per term (initialised to 0):

.. math::
    \mathcal{L} = \sum_k w_k \left( e^{-s_k} \mathcal{L}_k + s_k \right).

Kendall et al. derive :math:`\tfrac12 e^{-s}\mathcal{L} + \tfrac12 s` for a
Gaussian (regression) likelihood and :math:`e^{-s}\mathcal{L} + \tfrac12 s`
for a softmax (classification) one. Self-supervised terms mix both kinds
(InfoNCE, cross-entropy, cosine, MSE) and their scale is arbitrary, so every
term uses the same factor 1: twice the regression form, with the minimiser
:math:`e^{s_k} = \mathcal{L}_k` for each term, i.e. each term is scaled by
the inverse of its own current value. Losses must be non-negative (all
built-in ones are). The configured weights ``w_k`` still scale whole terms
(0 switches one off).

Every step builds one :class:`~graphssl.objectives.context.StepContext`,
so passes that several objectives need run once, and objectives that set
``needs_target`` share one :class:`~graphssl.objectives.ema.EMATarget`.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from graphssl.config import check_range
from graphssl.errors import ConfigError
from graphssl.objectives.base import Objective
from graphssl.objectives.context import StepContext
from graphssl.objectives.ema import EMATarget

WEIGHTINGS = ("fixed", "uncertainty")


class WeightedObjectives(nn.Module):
    """The weighted sum of a run's objectives.

    Args:
        items: ``(label, objective, weight)`` triples; labels prefix the logged
            scalars (``"graphmae/loss"``), so one objective may appear twice
            under two labels; weights must be ``>= 0``.
        weighting: ``"fixed"`` (default) or ``"uncertainty"`` (learned, see the module docs).
        encoder: the online encoder, copied into the shared EMA target when an
            objective needs one (default ``None``; required then).

    ``forward(batch, encoder, generator)`` returns ``loss``, ``LABEL/KEY`` for
    every objective output and, with uncertainty weighting,
    ``LABEL/log_variance``.
    """

    def __init__(self, items: list[tuple[str, Objective, float]], weighting: str = "fixed", encoder: nn.Module | None = None) -> None:
        super().__init__()
        if not items:
            raise ConfigError("no objectives configured; add at least one under `objectives:`")
        if weighting not in WEIGHTINGS:
            raise ConfigError(f"loss_weighting: must be one of {', '.join(WEIGHTINGS)}, got {weighting!r}")
        labels = [label for label, _, _ in items]
        if len(set(labels)) != len(labels):
            raise ConfigError(f"objective labels must be unique, got {labels}; set `label:` to tell repeats apart")
        for label, _, weight in items:
            check_range(f"objectives.{label}.weight", weight, low=0.0)
        self.labels = labels
        self.weights = [float(w) for _, _, w in items]
        self.weighting = weighting
        self.objectives = nn.ModuleList(objective for _, objective, _ in items)
        self.log_variances = nn.Parameter(torch.zeros(len(items))) if weighting == "uncertainty" else None
        self.target = self._shared_target(encoder)

    def _shared_target(self, encoder: nn.Module | None) -> EMATarget | None:
        taus = {label: objective.tau for label, objective in zip(self.labels, self.objectives) if objective.needs_target}
        if not taus:
            return None
        if encoder is None:
            raise ConfigError(f"objectives {', '.join(taus)} need the EMA target; pass encoder= to WeightedObjectives")
        if len(set(taus.values())) > 1:
            listed = ", ".join(f"objectives.{label}.tau={tau}" for label, tau in taus.items())
            raise ConfigError(f"{listed}: objectives share one EMA target, so their tau must agree")
        return EMATarget(encoder, tau=next(iter(taus.values())))

    def forward(self, batch, encoder: nn.Module, generator: torch.Generator) -> dict[str, Tensor]:
        step = StepContext(batch, encoder, generator, target=self.target)
        out: dict[str, Tensor] = {}
        terms = []
        for index, (label, weight, objective) in enumerate(zip(self.labels, self.weights, self.objectives)):
            result = objective(step)
            for key, value in result.items():
                out[f"{label}/{key}"] = value
            loss = result["loss"]
            if self.log_variances is not None:
                log_variance = self.log_variances[index]
                loss = torch.exp(-log_variance) * loss + log_variance
                out[f"{label}/log_variance"] = log_variance.detach()
            terms.append(weight * loss)
        # A Python sum, not torch.stack: under autocast the terms may differ in dtype.
        out["loss"] = sum(terms[1:], terms[0])
        return out

    def after_step(self, encoder: nn.Module, step: int, total_steps: int) -> None:
        """The trainer's hook after each optimizer step: move the EMA target, then each objective's own state."""
        if self.target is not None:
            self.target.update(encoder, step, total_steps)
        for objective in self.objectives:
            objective.after_step(encoder, step, total_steps)

    def extra_repr(self) -> str:
        return f"weighting={self.weighting!r}, weights={dict(zip(self.labels, self.weights))}"
