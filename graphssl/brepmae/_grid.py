"""Shared pieces of the grid input modules: the attribute check and the small CNN stacks.

The CNNs follow UV-Net's surface and curve encoders (Jayaraman et al., CVPR
2021): three 3x(3) convolutions with batch norm and leaky ReLU, global average
pooling, then a linear map.
"""

from __future__ import annotations

import math

from torch import Tensor, nn

from graphssl.data.spec import GraphSpec
from graphssl.data.validate import first_graph_of
from graphssl.errors import ConfigError, InvalidGraphError


def grid_shape(spec: GraphSpec, attribute: str, level: str, module: str) -> list[int]:
    """The per-row shape the spec declares for ``attribute``; ConfigError naming the module when absent."""
    declared = spec.attributes.get(attribute)
    if declared is None or declared.level != level or not declared.shape:
        raise ConfigError(f"input {module!r}: the dataset declares no {level} attribute {attribute!r} with a shape "
                          "(extract with grids on: ExtractOptions(face_grids=True, edge_grids=True))")
    return [int(n) for n in declared.shape]


def read_rows(batch, attribute: str, level: str, shape: list[int]) -> Tensor:
    """``batch.<attribute>`` checked against its row count and per-row shape (O(1))."""
    value = getattr(batch, attribute, None)
    rows = batch.num_nodes if level == "node" else batch.edge_index.shape[1]
    if value is None:
        raise InvalidGraphError(f"graph {first_graph_of(batch, level)}: has no {attribute}; this encoder reads "
                                f"{attribute} of shape {shape} per {level}")
    if value.shape[0] != rows or list(value.shape[1:]) != shape:
        raise InvalidGraphError(f"graph {first_graph_of(batch, level)}: {attribute} has shape {tuple(value.shape)}, "
                                f"this encoder reads [{rows}, {', '.join(map(str, shape))}] (the extraction's grid "
                                "sizes differ from the model's)")
    return value


def conv_stack(dims: int, in_channels: int, channels: int, out_dim: int) -> nn.Sequential:
    """``in_channels -> channels -> 2 channels -> 4 channels`` convolutions, pooled, then linear to ``out_dim``."""
    conv = nn.Conv2d if dims == 2 else nn.Conv1d
    norm = nn.BatchNorm2d if dims == 2 else nn.BatchNorm1d
    pool = nn.AdaptiveAvgPool2d(1) if dims == 2 else nn.AdaptiveAvgPool1d(1)
    layers, width = [], in_channels
    for out in (channels, 2 * channels, 4 * channels):
        layers += [conv(width, out, kernel_size=3, padding=1, bias=False), norm(out), nn.LeakyReLU()]
        width = out
    return nn.Sequential(*layers, pool, nn.Flatten(), nn.Linear(width, out_dim))


def reset(module: nn.Module) -> None:
    for child in module.modules():
        if child is not module and hasattr(child, "reset_parameters"):
            child.reset_parameters()


def numel(shape: list[int]) -> int:
    return math.prod(shape)
