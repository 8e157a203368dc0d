"""Encoders, convs and inputs by name: duplicates, unknown names, config round trips."""

from dataclasses import dataclass

import pytest
import torch
from torch import nn

from graphssl.errors import ConfigError
from graphssl.nn import (
    CONVS, ENCODERS, AttentionBiasConfig, EncoderConfig, EncoderOutput, GraphEncoder, InputConfig, PSEConfig,
    build_conv, build_encoder, encoder_config_from_dict, encoder_config_to_dict, register_conv, register_encoder,
)
from graphssl.nn.registry import _CONFIG_OF, _NAME_OF
from tests.graphs import CATEGORICAL_SPEC, zoo_batch


def test_builtin_names():
    assert {"gine", "gin", "gcn", "gps"} <= set(CONVS.names())
    assert ENCODERS.get("gnn") is GraphEncoder


def test_missing_name_is_the_default_encoder():
    config = encoder_config_from_dict({"hidden_dim": 16, "num_layers": 2})
    assert isinstance(config, EncoderConfig) and config.hidden_dim == 16
    encoder = build_encoder({"hidden_dim": 16, "num_layers": 2}, CATEGORICAL_SPEC)
    assert isinstance(encoder, GraphEncoder) and encoder.config.node_categorical == [6, 3]


@pytest.mark.parametrize("section,pattern", [
    ({"name": "gnm"}, r"encoder.name: unknown encoder 'gnm' \(did you mean 'gnn'"),
    ({"hiden_dim": 3}, r"encoder.hiden_dim: unknown key \(did you mean 'hidden_dim'"),
    ({"conv": "gsp"}, r"encoder.conv: unknown conv 'gsp' \(did you mean 'gps'"),
    ({"node_inputs": [{"name": "categorial"}]}, r"encoder.node_inputs\[0\].name: unknown input module 'categorial' \(did you mean 'categorical'"),
    ({"num_layers": 0}, r"encoder.num_layers: must be in \[1, inf\)"),
])
def test_bad_sections_name_the_key(section, pattern):
    with pytest.raises(ConfigError, match=pattern):
        encoder_config_from_dict(section)


def test_config_round_trips_through_a_dict():
    config = EncoderConfig(conv="gps", hidden_dim=32, num_layers=2, gps_heads=2, pse=PSEConfig(inputs={"rwse": 4}, dim=8),
                           node_inputs=[InputConfig("categorical")], input_combine="concat",
                           attention_bias=AttentionBiasConfig("spd", categories=5)).with_spec(CATEGORICAL_SPEC)
    section = encoder_config_to_dict(config)
    assert section["name"] == "gnn" and section["attention_bias"] == {"pair": "spd", "categories": 5, "continuous": 0}
    assert encoder_config_from_dict(section) == config


def test_duplicate_names_raise():
    with pytest.raises(ConfigError, match="conv 'gine' is already registered"):
        register_conv("gine")(nn.Linear)
    with pytest.raises(ConfigError, match="config class EncoderConfig already configures encoder 'gnn'"):
        register_encoder("other", EncoderConfig)


@dataclass
class MeanConfig:
    hidden_dim: int = 4
    node_continuous: int = 0

    def with_spec(self, spec):
        return MeanConfig(self.hidden_dim, spec.node_continuous)


class MeanEncoder(nn.Module):
    """A toy encoder: a linear map of x, mean-pooled."""

    def __init__(self, config: MeanConfig) -> None:
        super().__init__()
        self.config, self.out_dim = config, config.hidden_dim
        self.linear = nn.Linear(config.node_continuous, config.hidden_dim)

    def forward(self, batch, node_mask=None) -> EncoderOutput:
        node = self.linear(batch.x)
        graph = torch.zeros(batch.num_graphs, self.out_dim).index_add(0, batch.batch, node)
        return EncoderOutput(node=node, graph=graph)


@pytest.fixture
def toy_encoder():
    register_encoder("toy_mean", MeanConfig)(MeanEncoder)
    yield
    del ENCODERS._entries["toy_mean"], _CONFIG_OF["toy_mean"], _NAME_OF[MeanConfig]


def test_a_registered_encoder_is_built_by_name(toy_encoder):
    from tests.graphs import CONTINUOUS_SPEC
    config = encoder_config_from_dict({"name": "toy_mean", "hidden_dim": 3})
    assert encoder_config_to_dict(config) == {"name": "toy_mean", "hidden_dim": 3, "node_continuous": 0}
    encoder = build_encoder(config, CONTINUOUS_SPEC)
    assert isinstance(encoder, MeanEncoder) and encoder.config.node_continuous == 5
    out = encoder(zoo_batch(CONTINUOUS_SPEC))
    assert out.graph.shape == (6, 3)


class ScaledGIN(nn.Module):
    """A toy conv: ``scale * sum of neighbours``; takes only the options it names."""

    def __init__(self, in_channels, out_channels, *, scale: float = 1.0) -> None:
        super().__init__()
        self.scale = scale
        self.linear = nn.Linear(in_channels, out_channels)

    def reset_parameters(self) -> None:
        self.linear.reset_parameters()

    def forward(self, x, edge_index, edge_attr=None):
        return self.linear(self.scale * torch.zeros_like(x).index_add(0, edge_index[1], x[edge_index[0]]))


@pytest.fixture
def toy_conv():
    register_conv("toy_scaled")(ScaledGIN)
    yield
    del CONVS._entries["toy_scaled"]


def test_a_registered_conv_is_used_by_name_with_its_params(toy_conv):
    config = encoder_config_from_dict({"conv": "toy_scaled", "conv_params": {"scale": 0.0}, "hidden_dim": 8,
                                       "num_layers": 2, "norm": "none", "readout": "sum"})
    encoder = build_encoder(config, CATEGORICAL_SPEC)
    assert all(isinstance(layer, ScaledGIN) for layer in encoder.layers) and encoder.edge_input is None
    # scale 0: every layer outputs its bias, whatever the input.
    out = encoder(zoo_batch(CATEGORICAL_SPEC)).node
    torch.testing.assert_close(out, encoder.layers[1].linear.bias.expand_as(out))
    with pytest.raises(ConfigError, match=r"conv 'toy_scaled' has no parameter 'scal' \(did you mean 'scale'"):
        build_encoder({"conv": "toy_scaled", "conv_params": {"scal": 2.0}}, CATEGORICAL_SPEC)


def test_build_conv_keeps_the_decoder_signature():
    decoder = build_conv("gine", 8, 3, edge_categorical=[4, 2], edge_continuous=0)
    assert decoder.uses_edges and decoder.edge_encoder.cardinalities == [4, 2]
    batch = zoo_batch(CATEGORICAL_SPEC)
    assert decoder(torch.randn(batch.num_nodes, 8), batch.edge_index, batch.edge_attr).shape == (batch.num_nodes, 3)
    assert not build_conv("gin", 8, 3, edge_categorical=[4, 2]).uses_edges
    with pytest.raises(ConfigError, match="unknown conv 'gen'"):
        build_conv("gen", 8, 3)
