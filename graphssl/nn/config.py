"""The configuration of :class:`~graphssl.nn.GraphEncoder` (registered as encoder ``"gnn"``): a dataclass YAML fills.

Example (YAML)::

    encoder:
      conv: gine          # any registered conv: gine | gin | gcn | gps | ...
      hidden_dim: 300
      num_layers: 5
      norm: batch         # batch | layer | none
      jk: last            # last | cat | sum | max
      readout: mean       # sum | mean | max | attention
      pse: {inputs: {rwse: 20}, dim: 16}

Input slots (optional; unset = derived from the dataset's layout, see
:mod:`graphssl.nn.inputs`)::

      node_inputs:
        - {name: categorical}                              # the rest of hidden_dim
        - {name: pse, dim: 16, params: {inputs: {rwse: 20}}}
      input_combine: concat                                # or sum

The feature layout (``node_categorical`` ... ``attributes``) is normally left
empty in YAML; the trainer fills it from the dataset's
:class:`~graphssl.data.GraphSpec` with :meth:`EncoderConfig.with_spec`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from graphssl.config import check_positive, check_range, from_dict
from graphssl.data.spec import AttributeSpec, GraphSpec
from graphssl.errors import ConfigError
from graphssl.nn.norm import NORMS
from graphssl.nn.pse_encoder import PSEConfig
from graphssl.nn.readout import READOUTS
from graphssl.nn.registry import CONVS, INPUTS, check_registered
from graphssl.registry import close_matches

JK_MODES = ("last", "cat", "sum", "max")
INPUT_COMBINE = ("concat", "sum")


@dataclass
class InputConfig:
    """One module of an input slot.

    Args:
        name: a registered input (``categorical``, ``continuous``, ``constant``, ``pse`` or a plugin's).
        dim: its output width when the slot concatenates (default ``None``: whatever
            ``hidden_dim`` the slot's other modules leave; at most one module per slot may omit it).
        params: keyword parameters of the module (default ``{}``).
    """

    name: str
    dim: int | None = None
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class AttentionBiasConfig:
    """A learned per-head attention bias from a pair attribute (Graphormer / GRIT style).

    Reads ``<pair>_pair_index`` ``[2, P]`` and ``<pair>_pair_value`` ``[P]`` or ``[P, d]``.
    Set exactly one of ``categories`` and ``continuous``.

    Args:
        pair: the pair attribute's name, e.g. ``"spd"``.
        categories: integer values: one bias per value in ``[0, categories)``, larger
            values share the last one, negative values (unreachable, ``-1``) get their own
            (default ``0``).
        continuous: float values of this width: a linear map to the heads, non-finite
            values (``inf`` across components) get their own bias (default ``0``).
    """

    pair: str
    categories: int = 0
    continuous: int = 0

    def __post_init__(self) -> None:
        if (self.categories > 0) == (self.continuous > 0):
            raise ConfigError(f"encoder.attention_bias: set exactly one of categories and continuous "
                              f"(got categories={self.categories}, continuous={self.continuous})")
        if self.categories < 0 or self.continuous < 0:
            raise ConfigError("encoder.attention_bias: categories and continuous must not be negative")


def _check_choice(where: str, value: str, choices) -> None:
    if value not in choices:
        raise ConfigError(f"{where}: unknown value {value!r}{close_matches(value, choices)}; choose one of {', '.join(choices)}")


@dataclass
class EncoderConfig:
    """Configuration of :class:`~graphssl.nn.GraphEncoder`.

    Args:
        conv: a registered conv layer: ``"gine"`` (default), ``"gin"``, ``"gcn"``, ``"gps"``.
        hidden_dim: width of every layer (default ``300``).
        num_layers: number of message-passing layers (default ``5``).
        norm: ``"batch"`` (default), ``"layer"`` or ``"none"``.
        activation: activation name (default ``"relu"``).
        dropout: dropout after each layer (default ``0.0``).
        residual: add each layer's input to its output (default ``False``).
        jk: combine layer outputs: ``"last"`` (default), ``"cat"``, ``"sum"``, ``"max"``.
        readout: graph pooling: ``"mean"`` (default), ``"sum"``, ``"max"``, ``"attention"``.
        gps_local: local layer inside GPS blocks (default ``"gine"``).
        gps_heads: attention heads of GPS blocks (default ``4``).
        gps_attn_dropout: attention dropout of GPS blocks (default ``0.0``).
        train_eps: learn GIN's epsilon (default ``False``).
        conv_params: further keyword parameters of the conv (default ``{}``).
        pse: shorthand for a ``pse`` node input of width ``pse.dim`` (default ``None``).
        node_inputs, edge_inputs: the input slots (default ``[]``: derived from the layout).
        input_combine: ``"concat"`` (default) or ``"sum"`` the modules of a slot.
        structure_only: ignore ``x`` and ``edge_attr``: the node input is a learned
            constant plus the PSE inputs, there is no edge input (default ``False``).
        attention_bias: per-pair attention bias of GPS blocks (default ``None``).
        validate: run the full O(N + E) :func:`~graphssl.data.validate_graph` on every
            batch (default ``False``: data preparation validates each graph once; cheap
            checks of presence, dtype and width always run).
        node_categorical, node_continuous, edge_categorical, edge_continuous, attributes:
            the input layout (see :class:`~graphssl.data.GraphSpec`).
    """

    conv: str = "gine"
    hidden_dim: int = 300
    num_layers: int = 5
    norm: str = "batch"
    activation: str = "relu"
    dropout: float = 0.0
    residual: bool = False
    jk: str = "last"
    readout: str = "mean"
    gps_local: str = "gine"
    gps_heads: int = 4
    gps_attn_dropout: float = 0.0
    train_eps: bool = False
    conv_params: dict[str, Any] = field(default_factory=dict)
    pse: PSEConfig | None = None
    node_inputs: list[InputConfig] = field(default_factory=list)
    edge_inputs: list[InputConfig] = field(default_factory=list)
    input_combine: str = "concat"
    structure_only: bool = False
    attention_bias: AttentionBiasConfig | None = None
    validate: bool = False
    node_categorical: list[int] = field(default_factory=list)
    node_continuous: int = 0
    edge_categorical: list[int] = field(default_factory=list)
    edge_continuous: int = 0
    attributes: dict[str, AttributeSpec] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Python callers may pass plain dicts for the nested parts, as YAML does.
        if isinstance(self.pse, dict):
            self.pse = from_dict(PSEConfig, self.pse, "encoder.pse")
        if isinstance(self.attention_bias, dict):
            self.attention_bias = from_dict(AttentionBiasConfig, self.attention_bias, "encoder.attention_bias")
        for slot in ("node_inputs", "edge_inputs"):
            setattr(self, slot, [from_dict(InputConfig, item, f"encoder.{slot}[{i}]") if isinstance(item, dict) else item
                                 for i, item in enumerate(getattr(self, slot))])
        check_registered("encoder.conv", CONVS, self.conv)
        check_registered("encoder.gps_local", CONVS, self.gps_local)
        _check_choice("encoder.jk", self.jk, JK_MODES)
        _check_choice("encoder.norm", self.norm, NORMS)
        _check_choice("encoder.readout", self.readout, READOUTS)
        _check_choice("encoder.input_combine", self.input_combine, INPUT_COMBINE)
        check_positive("encoder.hidden_dim", self.hidden_dim)
        check_positive("encoder.num_layers", self.num_layers)
        check_positive("encoder.gps_heads", self.gps_heads)
        check_range("encoder.dropout", self.dropout, low=0.0, high=1.0, high_inclusive=False)
        check_range("encoder.gps_attn_dropout", self.gps_attn_dropout, low=0.0, high=1.0, high_inclusive=False)
        if self.pse is not None:
            if self.input_combine != "concat":
                raise ConfigError("encoder.pse: the shorthand concatenates; with input_combine: sum list "
                                  "{name: pse, params: {inputs: ...}} under node_inputs instead")
            if self.pse.dim >= self.hidden_dim:
                raise ConfigError(f"encoder.pse.dim ({self.pse.dim}) must be smaller than hidden_dim ({self.hidden_dim})")
        for slot in ("node_inputs", "edge_inputs"):
            for index, item in enumerate(getattr(self, slot)):
                where = f"encoder.{slot}[{index}]"
                check_registered(f"{where}.name", INPUTS, item.name)
                if item.dim is not None:
                    check_positive(f"{where}.dim", item.dim)
                if self.structure_only and not getattr(INPUTS.get(item.name), "structural", False):
                    raise ConfigError(f"{where}: input {item.name!r} reads features, which structure_only ignores; "
                                      "remove it or set structure_only: false")

    def with_spec(self, spec: GraphSpec) -> "EncoderConfig":
        """A copy of this config with the feature layout and attributes of ``spec``."""
        return replace(self, node_categorical=list(spec.node_categorical), node_continuous=spec.node_continuous,
                       edge_categorical=list(spec.edge_categorical), edge_continuous=spec.edge_continuous,
                       attributes=dict(spec.attributes))

    def spec(self) -> GraphSpec:
        """The layout this config was filled with, as a :class:`GraphSpec` (what input modules are built from)."""
        return GraphSpec(node_categorical=list(self.node_categorical), node_continuous=self.node_continuous,
                         edge_categorical=list(self.edge_categorical), edge_continuous=self.edge_continuous,
                         attributes=dict(self.attributes))

    @property
    def out_dim(self) -> int:
        return self.hidden_dim * self.num_layers if self.jk == "cat" else self.hidden_dim
