"""An input slot: the node (or edge) input modules of an encoder, built from config and combined.

A slot holds one or more registered input modules. ``input_combine:
concat`` (the default) concatenates their outputs: each module's ``dim`` is
given, and at most one module may leave it unset and take the rest of
``hidden_dim``. ``input_combine: sum`` adds them: every module is built at
``hidden_dim``.

When a config lists no inputs the slot is derived from the layout, which is
the encoder's behaviour before input slots existed:

- nodes: ``categorical`` or ``continuous`` after ``x``'s layout, or
  ``constant`` without node features (always with ``structure_only``), then
  ``pse`` of width ``pse.dim`` when the ``pse`` shorthand is set;
- edges: ``categorical`` or ``continuous`` after ``edge_attr``'s layout, none
  without edge features or with ``structure_only``.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from graphssl.errors import ConfigError
from graphssl.nn.config import EncoderConfig, InputConfig
from graphssl.nn.inputs.pse import PSEInput
from graphssl.nn.registry import INPUTS


def default_inputs(config: EncoderConfig, level: str) -> list[InputConfig]:
    """The inputs a slot gets when the config lists none (see the module docstring)."""
    categorical = config.node_categorical if level == "node" else config.edge_categorical
    continuous = config.node_continuous if level == "node" else config.edge_continuous
    items = []
    if config.structure_only or not (categorical or continuous):
        if level == "node":
            items.append(InputConfig("constant"))
    else:
        items.append(InputConfig("categorical" if categorical else "continuous"))
    return items


def slot_inputs(config: EncoderConfig, level: str) -> list[InputConfig]:
    """The inputs of the ``level`` slot: the config's list (or the default), plus the ``pse`` shorthand for nodes."""
    listed = config.node_inputs if level == "node" else config.edge_inputs
    items = list(listed) if listed else default_inputs(config, level)
    if level == "node" and config.pse is not None:
        items.append(InputConfig("pse", dim=config.pse.dim, params=PSEInput.params_of(config.pse)))
    return items


def _widths(items: list[InputConfig], hidden: int, combine: str, where: str) -> list[int]:
    if combine == "sum":
        for index, item in enumerate(items):
            if item.dim is not None and item.dim != hidden:
                raise ConfigError(f"{where}[{index}].dim: input_combine sum builds every input at hidden_dim "
                                  f"({hidden}), got {item.dim}; drop dim")
        return [hidden] * len(items)
    unset = [i for i, item in enumerate(items) if item.dim is None]
    if len(unset) > 1:
        raise ConfigError(f"{where}: at most one input may leave dim unset when concatenating, got {len(unset)}")
    given = sum(item.dim for item in items if item.dim is not None)
    rest = hidden - given
    if (unset and rest < 1) or (not unset and rest != 0):
        raise ConfigError(f"{where}: input widths {[item.dim for item in items]} must add up to hidden_dim ({hidden})")
    return [rest if item.dim is None else item.dim for item in items]


class InputSlot(nn.Module):
    """Input modules of one slot and how their outputs combine.

    Args:
        modules: built input modules, each ``module(batch, node_mask=None) -> [rows, width]``.
        combine: ``"concat"`` or ``"sum"``.

    Shapes:
        -> ``[N or E, hidden_dim]``.
    """

    def __init__(self, modules: list[nn.Module], combine: str) -> None:
        super().__init__()
        self.inputs = nn.ModuleList(modules)
        self.combine = combine
        self.reset_parameters()

    def reset_parameters(self) -> None:
        for module in self.inputs:
            if hasattr(module, "reset_parameters"):
                module.reset_parameters()

    def forward(self, batch, node_mask: Tensor | None = None) -> Tensor:
        parts = [module(batch, node_mask) for module in self.inputs]
        if len(parts) == 1:
            return parts[0]
        dtype = parts[0].dtype
        if self.combine == "sum":
            out = parts[0]
            for part in parts[1:]:
                out = out + part.to(dtype)
            return out
        return torch.cat([part.to(dtype) for part in parts], dim=1)

    def __repr__(self) -> str:
        return f"InputSlot({self.combine}, [{', '.join(repr(m) for m in self.inputs)}])"


def build_input_slot(config: EncoderConfig, level: str) -> InputSlot | None:
    """The ``level`` (``"node"`` or ``"edge"``) slot of ``config``, or ``None`` for an edge slot without inputs."""
    items = slot_inputs(config, level)
    if not items:
        return None
    where = f"encoder.{level}_inputs"
    spec = config.spec()
    widths = _widths(items, config.hidden_dim, config.input_combine, where)
    modules = []
    for index, (item, width) in enumerate(zip(items, widths)):
        try:
            modules.append(INPUTS.build(item.name, item.params, spec, level, width, skip=("spec", "level", "dim")))
        except ConfigError as exc:
            raise ConfigError(f"{where}[{index}]: {exc}") from None
    return InputSlot(modules, config.input_combine)
