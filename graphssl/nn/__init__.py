"""The shared message-passing core: layers, input embeddings, readouts, the encoder."""

from graphssl.nn.config import EncoderConfig
from graphssl.nn.conv import GCNConv, GINEConv, GPSLayer, build_conv
from graphssl.nn.embedding import CategoricalEmbedding, ContinuousEmbedding, feature_embedding
from graphssl.nn.encoder import EncoderOutput, GraphEncoder, batch_vector_of, num_graphs_of
from graphssl.nn.norm import NodeBatchNorm, build_norm
from graphssl.nn.pse_encoder import PSEConfig, PSEEncoder
from graphssl.nn.readout import Readout

__all__ = [
    "CategoricalEmbedding", "ContinuousEmbedding", "EncoderConfig", "EncoderOutput", "GCNConv", "GINEConv",
    "GPSLayer", "GraphEncoder", "NodeBatchNorm", "PSEConfig", "PSEEncoder", "Readout", "batch_vector_of",
    "build_conv", "build_norm", "feature_embedding", "num_graphs_of",
]
