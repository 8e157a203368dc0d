"""The objective protocol, the registry of objectives by name, and weighted sums.

An :class:`Objective` is an ``nn.Module`` built from the encoder (only its
``out_dim`` and, for EMA targets, a copy of it are used) and the dataset's
:class:`~graphssl.data.GraphSpec`. ``forward(batch, encoder)`` returns a dict
with a scalar ``loss`` plus scalars worth logging; masks it drew are returned
too (non-scalar entries, e.g. ``node_mask``). Objectives never assume a
specific encoder class: any module ``encoder(batch, node_mask=None) ->
(node, graph)`` with ``out_dim`` works.
"""

from __future__ import annotations

import difflib
import inspect
from typing import Any, Callable, ClassVar

from torch import Tensor, nn

from graphssl.data.spec import GraphSpec
from graphssl.errors import ConfigError

OBJECTIVES: dict[str, type["Objective"]] = {}


class Objective(nn.Module):
    """Base class of self-supervised objectives.

    Subclasses set ``name`` and implement ``forward``; objectives with state
    that moves outside gradient descent (an EMA target) override
    :meth:`after_step`.
    """

    name: ClassVar[str] = ""

    def __init__(self, encoder: nn.Module, spec: GraphSpec) -> None:
        super().__init__()
        self.encoder_dim = int(encoder.out_dim)
        self.spec = spec

    def forward(self, batch, encoder: nn.Module) -> dict[str, Tensor]:
        raise NotImplementedError

    def after_step(self, encoder: nn.Module, step: int, total_steps: int) -> None:
        """Called by the trainer after each optimizer step (``step`` counts from 1)."""


def register_objective(name: str) -> Callable[[type[Objective]], type[Objective]]:
    """Class decorator adding an objective to the registry under ``name``."""

    def decorator(cls: type[Objective]) -> type[Objective]:
        if name in OBJECTIVES:
            raise ValueError(f"objective {name!r} is already registered by {OBJECTIVES[name].__qualname__}")
        cls.name = name
        OBJECTIVES[name] = cls
        return cls

    return decorator


def summary(cls: type[Objective]) -> str:
    """First line of an objective's docstring."""
    return (inspect.getdoc(cls) or "").splitlines()[0] if inspect.getdoc(cls) else ""


def build_objective(name: str, encoder: nn.Module, spec: GraphSpec, params: dict[str, Any] | None = None) -> Objective:
    """Build the objective registered as ``name`` with keyword ``params``.

    Unknown names and unknown parameters raise :class:`ConfigError` with
    close-match suggestions.
    """
    if name not in OBJECTIVES:
        close = difflib.get_close_matches(name, OBJECTIVES, n=3)
        hint = f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""
        raise ConfigError(f"unknown objective {name!r}{hint}; run `graphssl objectives` for the list")
    cls = OBJECTIVES[name]
    params = dict(params or {})
    allowed = [p for p in inspect.signature(cls.__init__).parameters if p not in ("self", "encoder", "spec")]
    for key in params:
        if key not in allowed:
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ConfigError(f"objective {name!r} has no parameter {key!r}{hint}; it takes: {', '.join(allowed)}")
    try:
        return cls(encoder, spec, **params)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"objective {name!r}: {exc}") from exc


class WeightedObjectives(nn.Module):
    """A weighted sum of objectives: ``loss = sum_k w_k * loss_k``.

    Args:
        items: ``(label, objective, weight)`` triples; labels prefix the logged
            scalars (``"graphmae/loss"``), so one objective may appear twice
            under two labels.
    """

    def __init__(self, items: list[tuple[str, Objective, float]]) -> None:
        super().__init__()
        if not items:
            raise ConfigError("no objectives configured; add at least one under `objectives:`")
        labels = [label for label, _, _ in items]
        if len(set(labels)) != len(labels):
            raise ConfigError(f"objective labels must be unique, got {labels}; set `label:` to tell repeats apart")
        self.labels = labels
        self.weights = [float(w) for _, _, w in items]
        self.objectives = nn.ModuleList(objective for _, objective, _ in items)

    def forward(self, batch, encoder: nn.Module) -> dict[str, Tensor]:
        out: dict[str, Tensor] = {}
        total = None
        for label, weight, objective in zip(self.labels, self.weights, self.objectives):
            result = objective(batch, encoder)
            for key, value in result.items():
                out[f"{label}/{key}"] = value
            term = weight * result["loss"]
            total = term if total is None else total + term
        out["loss"] = total
        return out

    def after_step(self, encoder: nn.Module, step: int, total_steps: int) -> None:
        for objective in self.objectives:
            objective.after_step(encoder, step, total_steps)
