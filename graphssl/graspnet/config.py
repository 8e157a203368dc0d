"""The configuration of :class:`~graphssl.graspnet.encoder.GraspNetEncoder` (encoder ``"graspnet"``).

GraSPNet (Wu et al., "Hierarchical Molecular Representation Learning via
Fragment-Based Self-Supervised Embedding Prediction", arXiv 2602.20344)
encodes a molecule on two levels, atoms and fragments. The atom level is the
core :class:`~graphssl.nn.GraphEncoder`, so every key of
:class:`~graphssl.nn.config.EncoderConfig` keeps its meaning; this config adds
the fragment level.

Example (YAML)::

    imports: [graphssl.graspnet]
    encoder: {name: graspnet, conv: gine, hidden_dim: 300, num_layers: 5, fragment_layers: 2}
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import graphssl.graspnet.inputs  # noqa: F401  (registers masked_bond, the default edge input)
from graphssl.config import check_positive
from graphssl.data.spec import GraphSpec
from graphssl.errors import ConfigError
from graphssl.nn.config import EncoderConfig, InputConfig
from graphssl.nn.registry import CONVS, check_registered

#: The molecule layer's fragment attributes this encoder reads (see docs/chem.md).
FRAGMENT_KEYS = ("frag_x", "atom2frag", "frag_edge_index", "frag_edge_attr", "frag_batch")


@dataclass
class GraspNetConfig(EncoderConfig):
    """:class:`EncoderConfig` of the atom level plus the fragment level.

    Args:
        fragment_layers: message-passing layers over the fragment graph (default ``2``).
        fragment_conv: the registered conv of those layers (default ``"gine"``).
        fragment_categorical: categories of each ``frag_x`` column (filled from the
            dataset's spec: ``[4, 33, 8, 2]`` = type, size, rings, aromatic).
        fragment_edge_categorical: categories of each ``frag_edge_attr`` column
            (filled from the spec: ``[2]``, joined by a bond / sharing atoms).
        edge_inputs: as in ``EncoderConfig``, but the default is ``[{name: masked_bond}]``:
            bonds between two masked atoms get a bond mask token (:mod:`graphssl.graspnet.inputs`).
        (every other key: see :class:`~graphssl.nn.config.EncoderConfig`.)
    """

    fragment_layers: int = 2
    fragment_conv: str = "gine"
    fragment_categorical: list[int] = field(default_factory=list)
    fragment_edge_categorical: list[int] = field(default_factory=list)
    edge_inputs: list[InputConfig] = field(default_factory=lambda: [InputConfig("masked_bond")])

    def __post_init__(self) -> None:
        super().__post_init__()
        check_positive("encoder.fragment_layers", self.fragment_layers)
        check_registered("encoder.fragment_conv", CONVS, self.fragment_conv)

    def with_spec(self, spec: GraphSpec) -> "GraspNetConfig":
        """The atom layout of ``spec`` plus its fragment vocabularies; a spec without fragments raises."""
        config = super().with_spec(spec)
        frag_x, frag_edges = spec.attributes.get("frag_x"), spec.attributes.get("frag_edge_attr")
        if frag_x is None or frag_edges is None or not frag_x.categories:
            raise ConfigError("encoder.name: graspnet needs the fragment hierarchy (frag_x, frag_edge_attr) in the data; "
                              "featurize molecules with fragments: ring_systems, rings or brics")
        return replace(config, fragment_categorical=list(frag_x.categories),
                       fragment_edge_categorical=list(frag_edges.categories))
