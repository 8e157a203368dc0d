"""The objective protocol and the registry of objectives by name.

An :class:`Objective` is an ``nn.Module`` built from the encoder (only its
``out_dim`` is read) and the dataset's :class:`~graphssl.data.GraphSpec`.
``forward(step)`` takes the step's
:class:`~graphssl.objectives.context.StepContext` and returns a dict with a
scalar ``loss`` plus scalars worth logging; masks it drew are returned too
(non-scalar entries, e.g. ``node_mask``). Objectives never assume a specific
encoder class: any module ``encoder(batch, node_mask=None)`` returning an
output with ``.node`` and ``.graph``, with an ``out_dim``, works.

Objectives are combined by :class:`~graphssl.objectives.weighting.WeightedObjectives`
(fixed weights or uncertainty weighting, Kendall et al., CVPR 2018).
"""

from __future__ import annotations

import inspect
from typing import Any, ClassVar

from torch import Tensor, nn

from graphssl.config import check_fraction, check_positive, check_range
from graphssl.data.spec import GraphSpec
from graphssl.registry import Registry

OBJECTIVES: Registry[type["Objective"]] = Registry("objective", "run `graphssl objectives` for the list")


class Objective(nn.Module):
    """Base class of self-supervised objectives.

    Subclasses set ``name`` (the registry does) and implement ``forward(step)``.
    One that regresses onto the shared EMA target sets ``needs_target = True``
    and an attribute ``tau`` (its initial momentum); it then reads the target
    through ``step.target_clean()`` / ``step.target_view(...)``. State that
    moves outside gradient descent goes in :meth:`after_step`.
    """

    name: ClassVar[str] = ""
    needs_target: ClassVar[bool] = False

    def __init__(self, encoder: nn.Module, spec: GraphSpec) -> None:
        super().__init__()
        self.encoder_dim = int(encoder.out_dim)
        self.spec = spec

    def key(self, param: str = "") -> str:
        """The config key of this objective (or of one of its parameters), for error messages."""
        return f"objectives.{self.name}" + (f".{param}" if param else "")

    def check_fraction(self, param: str, value: float) -> float:
        check_fraction(self.key(param), value)
        return float(value)

    def check_positive(self, param: str, value: float) -> float:
        check_positive(self.key(param), value)
        return value

    def check_tau(self, value: float) -> float:
        check_range(self.key("tau"), value, low=0.0, high=1.0)
        return float(value)

    def forward(self, step) -> dict[str, Tensor]:
        raise NotImplementedError

    def after_step(self, encoder: nn.Module, step: int, total_steps: int) -> None:
        """Called by the trainer after each optimizer step (``step`` counts from 1)."""


def register_objective(name: str):
    """Class decorator adding an objective to :data:`OBJECTIVES` under ``name`` (duplicates raise)."""

    def decorator(cls: type[Objective]) -> type[Objective]:
        OBJECTIVES.register(name, cls)
        cls.name = name
        return cls

    return decorator


def summary(cls: type[Objective]) -> str:
    """First line of an objective's docstring."""
    doc = inspect.getdoc(cls)
    return doc.splitlines()[0] if doc else ""


def build_objective(name: str, encoder: nn.Module, spec: GraphSpec, params: dict[str, Any] | None = None) -> Objective:
    """Build the objective registered as ``name`` with keyword ``params``.

    Unknown names and parameters raise :class:`~graphssl.errors.ConfigError`
    with close-match suggestions; bad values raise it naming the key.
    """
    return OBJECTIVES.build(name, params, encoder, spec, skip=("encoder", "spec"))
