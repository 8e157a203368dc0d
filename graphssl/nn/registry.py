"""Encoders, conv layers and input modules by name.

Three :class:`~graphssl.registry.Registry` instances, so a config names its
parts as strings and a plugin (listed under ``imports:``) adds its own
without editing graphssl:

- :data:`ENCODERS`: encoder classes, each paired with its config dataclass by
  :func:`register_encoder`; ``"gnn"`` (:class:`~graphssl.nn.GraphEncoder`)
  is the default when a config section names none.
- :data:`CONVS`: message-passing layers, built as
  ``factory(in_channels, out_channels, **options)`` (see :mod:`graphssl.nn.conv`).
- :data:`INPUTS`: node and edge input modules, built as
  ``factory(spec, level, dim, **params)`` and called
  ``module(batch, node_mask=None)`` (see :mod:`graphssl.nn.inputs`).

Example::

    from graphssl.nn import register_input

    @register_input("face_grid_cnn")
    class FaceGridCNN(nn.Module):
        def __init__(self, spec, level, dim, channels=32): ...
        def forward(self, batch, node_mask=None): ...   # -> [N, dim]

    encoder = build_encoder({"hidden_dim": 64, "node_inputs": [{"name": "face_grid_cnn"}]}, spec)
"""

from __future__ import annotations

from typing import Any

from torch import nn

from graphssl.config import from_dict, to_dict
from graphssl.data.spec import GraphSpec
from graphssl.errors import ConfigError
from graphssl.registry import Registry

#: The encoder a config section without ``name`` gets.
DEFAULT_ENCODER = "gnn"

ENCODERS: Registry = Registry("encoder", "register one with graphssl.nn.register_encoder")
CONVS: Registry = Registry("conv", "register one with graphssl.nn.register_conv")
INPUTS: Registry = Registry("input module", "register one with graphssl.nn.register_input")

_CONFIG_OF: dict[str, type] = {}
_NAME_OF: dict[type, str] = {}


def check_registered(where: str, registry: Registry, name: str) -> None:
    """Raise :class:`ConfigError` prefixed with ``where`` (with suggestions) if ``name`` is not in ``registry``."""
    try:
        registry.get(name)
    except ConfigError as exc:
        raise ConfigError(f"{where}: {exc}") from None


def register_encoder(name: str, config_class: type):
    """Class decorator: register an encoder under ``name``, built from ``config_class``.

    The encoder is constructed as ``cls(config)``. Each encoder needs its own
    config dataclass (a subclass is enough), so a config instance alone tells
    which encoder it configures.
    """
    if config_class in _NAME_OF:
        raise ConfigError(f"encoder {name!r}: config class {config_class.__name__} already configures encoder "
                          f"{_NAME_OF[config_class]!r}; give each encoder its own config class (a subclass is enough)")

    def add(cls):
        ENCODERS.register(name, cls)
        _CONFIG_OF[name], _NAME_OF[config_class] = config_class, name
        return cls

    return add


def register_conv(name: str):
    """Class or function decorator: register a message-passing layer under ``name``."""
    return CONVS.register(name)


def register_input(name: str):
    """Class or function decorator: register a node or edge input module under ``name``."""
    return INPUTS.register(name)


def encoder_name_of(config: Any) -> str:
    """The registered encoder name a config instance belongs to."""
    name = _NAME_OF.get(type(config))
    if name is None:
        raise ConfigError(f"{type(config).__name__} is not the config class of any registered encoder")
    return name


def encoder_config_from_dict(section: dict[str, Any], where: str = "encoder") -> Any:
    """The config dataclass of the encoder ``section["name"]`` (default ``"gnn"``), filled from ``section``.

    Unknown keys and unknown names raise :class:`ConfigError` with suggestions.
    """
    if not isinstance(section, dict):
        raise ConfigError(f"{where}: expected a mapping, got {section!r}")
    params = dict(section)
    name = params.pop("name", DEFAULT_ENCODER)
    if not isinstance(name, str):
        raise ConfigError(f"{where}.name: expected a string, got {name!r}")
    check_registered(f"{where}.name", ENCODERS, name)
    return from_dict(_CONFIG_OF[name], params, where)


def encoder_config_to_dict(config: Any) -> dict[str, Any]:
    """A plain dict of ``config`` with its encoder's ``name``; :func:`encoder_config_from_dict` reverses it."""
    return {"name": encoder_name_of(config), **to_dict(config)}


def build_encoder(config_or_section: Any, spec: GraphSpec | None = None) -> nn.Module:
    """Build the encoder a config (dataclass instance or dict section) names.

    With ``spec``, the config's feature layout is filled from it first
    (``config.with_spec(spec)``, when the config has that method).
    """
    config = config_or_section
    if isinstance(config, dict):
        config = encoder_config_from_dict(config)
    if spec is not None and hasattr(config, "with_spec"):
        config = config.with_spec(spec)
    return ENCODERS.get(encoder_name_of(config))(config)
