"""The encoder's configuration: a small dataclass that YAML fills.

Example (YAML)::

    encoder:
      conv: gine          # gine | gin | gcn | gps
      hidden_dim: 300
      num_layers: 5
      norm: batch         # batch | layer | none
      jk: last            # last | cat | sum | max
      readout: mean       # sum | mean | max | attention
      pse: {inputs: {rwse: 20}, dim: 16}

The feature layout (``node_categorical`` ... ``edge_continuous``) is normally
left empty in YAML; the trainer fills it from the dataset's
:class:`~graphssl.data.GraphSpec`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from graphssl.data.spec import GraphSpec
from graphssl.nn.pse_encoder import PSEConfig

CONVS = ("gine", "gin", "gcn", "gps")
JK_MODES = ("last", "cat", "sum", "max")


@dataclass
class EncoderConfig:
    """Configuration of :class:`~graphssl.nn.GraphEncoder`.

    Args:
        conv: layer type, ``"gine"`` (default), ``"gin"``, ``"gcn"`` or ``"gps"``.
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
        pse: positional/structural encodings to embed (default ``None``).
        validate: check every batch for malformed graphs (default ``True``).
        node_categorical, node_continuous, edge_categorical, edge_continuous:
            the input feature layout (see :class:`~graphssl.data.GraphSpec`).
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
    pse: PSEConfig | None = None
    validate: bool = True
    node_categorical: list[int] = field(default_factory=list)
    node_continuous: int = 0
    edge_categorical: list[int] = field(default_factory=list)
    edge_continuous: int = 0

    def __post_init__(self) -> None:
        if self.conv not in CONVS:
            raise ValueError(f"encoder.conv must be one of {', '.join(CONVS)}, got {self.conv!r}")
        if self.jk not in JK_MODES:
            raise ValueError(f"encoder.jk must be one of {', '.join(JK_MODES)}, got {self.jk!r}")
        if self.num_layers < 1 or self.hidden_dim < 1:
            raise ValueError("encoder.num_layers and encoder.hidden_dim must be positive")
        if self.pse is not None and self.pse.dim >= self.hidden_dim:
            raise ValueError(f"encoder.pse.dim ({self.pse.dim}) must be smaller than hidden_dim ({self.hidden_dim})")

    def with_spec(self, spec: GraphSpec) -> "EncoderConfig":
        """A copy of this config with the feature layout of ``spec``."""
        return replace(self, node_categorical=list(spec.node_categorical), node_continuous=spec.node_continuous,
                       edge_categorical=list(spec.edge_categorical), edge_continuous=spec.edge_continuous)

    @property
    def out_dim(self) -> int:
        return self.hidden_dim * self.num_layers if self.jk == "cat" else self.hidden_dim
