"""The shared message-passing core: encoders, layers, input modules and readouts, by name."""

from graphssl.nn.registry import (
    CONVS, ENCODERS, INPUTS, build_encoder, encoder_config_from_dict, encoder_config_to_dict, register_conv,
    register_encoder, register_input,
)
from graphssl.nn.config import AttentionBiasConfig, EncoderConfig, InputConfig
from graphssl.nn.context import BatchContext, batch_vector_of, num_graphs_of
from graphssl.nn.conv import GCNConv, GINEConv, GPSLayer, build_conv
from graphssl.nn.conv.attention import ATTENTION_MAX_NODES, PairBias
from graphssl.nn.embedding import CategoricalEmbedding, ContinuousEmbedding, feature_embedding
from graphssl.nn.inputs import CategoricalInput, ConstantInput, ContinuousInput, InputSlot, PSEInput
from graphssl.nn.encoder import GraphEncoder
from graphssl.nn.norm import NodeBatchNorm, build_norm
from graphssl.nn.output import EncoderOutput
from graphssl.nn.pse_encoder import PSEConfig, PSEEncoder
from graphssl.nn.readout import Readout

__all__ = [
    "ATTENTION_MAX_NODES", "AttentionBiasConfig", "BatchContext", "CONVS", "CategoricalEmbedding", "CategoricalInput",
    "ConstantInput", "ContinuousEmbedding", "ContinuousInput", "ENCODERS", "EncoderConfig", "EncoderOutput",
    "GCNConv", "GINEConv", "GPSLayer", "GraphEncoder", "INPUTS", "InputConfig", "InputSlot", "NodeBatchNorm",
    "PSEConfig", "PSEEncoder", "PSEInput", "PairBias", "Readout", "batch_vector_of", "build_conv", "build_encoder",
    "build_norm", "encoder_config_from_dict", "encoder_config_to_dict", "feature_embedding", "num_graphs_of",
    "register_conv", "register_encoder", "register_input",
]
