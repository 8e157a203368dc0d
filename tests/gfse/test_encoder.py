"""The GFSE encoder: registered by name, small by default, bounded on a 100,000-node graph, attention only below the limit."""

import resource

import torch
from torch_geometric.data import Batch, Data

from graphssl.gfse import GFSEConfig, GFSEEncoder
from graphssl.gfse.inputs import PAIR_NAME
from graphssl.nn import build_encoder, encoder_config_from_dict, encoder_config_to_dict


def _cycle(n):
    src = torch.arange(n)
    dst = (src + 1) % n
    return Data(edge_index=torch.stack([torch.cat([src, dst]), torch.cat([dst, src])]), num_nodes=n)


def test_built_by_name_round_trips_and_default_checkpoint_is_small():
    config = encoder_config_from_dict({"name": "gfse", "hidden_dim": 32, "num_layers": 2})
    assert encoder_config_to_dict(config)["name"] == "gfse"
    encoder = build_encoder(config)
    assert isinstance(encoder, GFSEEncoder) and encoder.out_dim == 32
    default = GFSEEncoder(GFSEConfig())
    megabytes = sum(p.numel() * p.element_size() for p in default.parameters()) / 2**20
    assert megabytes < 10


def test_100k_node_graph_encodes_without_pairs_or_attention(monkeypatch):
    import graphssl.nn.conv.gps as gps

    attended = []
    original = gps.GPSLayer.attend
    monkeypatch.setattr(gps.GPSLayer, "attend", lambda self, x, context: attended.append(
        context.data[f"{PAIR_NAME}_pair_index"].shape[1]) or original(self, x, context))
    encoder = GFSEEncoder(GFSEConfig(hidden_dim=8, num_layers=1, heads=2, rwse_k=2, rrwp_k=3)).eval()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with torch.no_grad():
        out = encoder(_cycle(100_000))
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert out.node.shape == (100_000, 8) and torch.isfinite(out.node).all()
    assert attended == [0]                 # no pair attribute for a graph above the limit
    assert grown_mib < 1024                # an N x N float32 matrix would be 37 GiB


def test_small_graph_attends_with_pair_bias_and_mixed_batch_matches_alone():
    encoder = GFSEEncoder(GFSEConfig(hidden_dim=8, num_layers=2, heads=2, rwse_k=4, rrwp_k=3,
                                     max_attention_nodes=10)).eval()
    small, large = _cycle(5), _cycle(12)
    with torch.no_grad():
        mixed = encoder(Batch.from_data_list([small, large])).node
        alone = encoder(Batch.from_data_list([small])).node
        large_alone = encoder(Batch.from_data_list([large])).node
    assert torch.allclose(mixed[:5], alone, atol=1e-5) and torch.allclose(mixed[5:], large_alone, atol=1e-5)
    # A cycle's nodes are all alike: the structure-only encoder cannot tell them apart.
    assert torch.allclose(alone, alone[:1].expand_as(alone), atol=1e-5)
