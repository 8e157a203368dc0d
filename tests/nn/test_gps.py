"""GPS blocks: against PyG's GPSConv, global reach, pair attention bias, and the size limit."""

import resource
import time

import pytest
import torch
import torch_geometric.nn as pyg_nn
from torch_geometric.data import Batch, Data

from graphssl.errors import InvalidGraphError
from graphssl.nn import AttentionBiasConfig, BatchContext, EncoderConfig, GINEConv, GPSLayer, GraphEncoder, PairBias
from graphssl.nn.conv.attention import dense_layout
from tests.graphs import CONTINUOUS_SPEC, zoo

DIM = 8


def path(num_nodes: int) -> torch.Tensor:
    forward = torch.stack([torch.arange(num_nodes - 1), torch.arange(1, num_nodes)])
    return torch.cat([forward, forward.flip(0)], dim=1)


def all_pairs(graph: Data, values: torch.Tensor) -> None:
    n = graph.num_nodes
    rows, cols = torch.meshgrid(torch.arange(n), torch.arange(n), indexing="ij")
    graph.spd_pair_index = torch.stack([rows.reshape(-1), cols.reshape(-1)])
    graph.spd_pair_value = values


def block(**kwargs) -> GPSLayer:
    torch.manual_seed(0)
    return GPSLayer(DIM, GINEConv(DIM, DIM, edge_dim=DIM), heads=2, **kwargs)


@pytest.mark.parametrize("train", [True, False], ids=["train", "eval"])
def test_matches_pyg_gpsconv_with_copied_weights(train):
    batch = Batch.from_data_list(zoo(CONTINUOUS_SPEC))  # includes an empty graph and a single node
    generator = torch.Generator().manual_seed(1)
    x = torch.randn(batch.num_nodes, DIM, generator=generator)
    edge_attr = torch.randn(batch.num_edges, DIM, generator=generator)
    ours = block(norm="batch")
    for norm in (ours.norm_local, ours.norm_attention, ours.norm_ffn):
        norm.weight.data.uniform_(0.5, 1.5, generator=generator)
        norm.bias.data.normal_(generator=generator)
    reference = pyg_nn.GPSConv(DIM, pyg_nn.GINEConv(ours.local.mlp), heads=2, norm="batch_norm")
    reference.attn.load_state_dict(ours.attention.state_dict())
    reference.mlp.load_state_dict(ours.ffn.state_dict())
    for theirs, mine in ((reference.norm1, ours.norm_local), (reference.norm2, ours.norm_attention),
                         (reference.norm3, ours.norm_ffn)):
        theirs.module.load_state_dict(mine.state_dict())
    ours.train(train)
    reference.train(train)
    expected = reference(x, batch.edge_index, batch.batch, edge_attr=edge_attr)
    got = ours(x, batch.edge_index, edge_attr, BatchContext.of(batch))
    torch.testing.assert_close(got, expected, atol=1e-5, rtol=1e-5)


def test_one_block_reaches_a_node_beyond_its_local_hop():
    graph = Data(x=torch.randn(12, DIM), edge_index=path(12))
    layer = block().eval()
    far = graph.clone()
    far.x[11] += 1.0  # 11 hops from node 0; one GINE layer sees 1
    out, out_far = (layer(g.x, g.edge_index, torch.zeros(g.num_edges, DIM), BatchContext.of(g)) for g in (graph, far))
    assert (out[0] - out_far[0]).abs().max() > 1e-4
    # Without attention (graph above the limit) node 0 no longer sees node 11.
    layer.max_attention_nodes = 11
    out, out_far = (layer(g.x, g.edge_index, torch.zeros(g.num_edges, DIM), BatchContext.of(g)) for g in (graph, far))
    torch.testing.assert_close(out[0], out_far[0])


def test_attention_with_bias_matches_hand_computation():
    torch.manual_seed(0)
    layer = GPSLayer(DIM, GINEConv(DIM, DIM), heads=2, attention_bias=AttentionBiasConfig("spd", categories=3)).eval()
    graph = Data(x=torch.randn(4, DIM), edge_index=path(4))
    spd = torch.tensor([0, 1, 2, 3, 1, 0, 1, 2, 2, 1, 0, 1, 3, 2, 1, 0])
    all_pairs(graph, spd)
    got = layer.attend(graph.x, BatchContext.of(graph))
    q, k, v = torch.nn.functional.linear(graph.x, layer.attention.in_proj_weight, layer.attention.in_proj_bias).chunk(3, 1)
    heads = []
    table = layer.pair_bias.embedding.weight  # values >= 3 share row 2
    bias = table[spd.clamp(max=2)].view(4, 4, 2)
    for h in range(2):
        cols = slice(4 * h, 4 * h + 4)
        logits = q[:, cols] @ k[:, cols].T / 2.0 + bias[:, :, h]
        heads.append(torch.softmax(logits, dim=1) @ v[:, cols])
    expected = layer.attention.out_proj(torch.cat(heads, dim=1))
    torch.testing.assert_close(got, expected, atol=1e-5, rtol=1e-5)


def test_bias_changes_output_only_within_its_graph():
    graphs = [Data(x=torch.randn(5, DIM), edge_index=path(5)), Data(x=torch.randn(4, DIM), edge_index=path(4))]
    for graph in graphs:
        all_pairs(graph, torch.randint(0, 4, (graph.num_nodes ** 2,), generator=torch.Generator().manual_seed(2)))
    torch.manual_seed(0)
    layer = GPSLayer(DIM, GINEConv(DIM, DIM), heads=2, norm="none",
                     attention_bias=AttentionBiasConfig("spd", categories=4)).eval()
    torch.nn.init.normal_(layer.pair_bias.embedding.weight, std=1.0)
    batch = Batch.from_data_list(graphs)
    base = layer(batch.x, batch.edge_index, None, BatchContext.of(batch))
    changed = batch.clone()
    changed.spd_pair_value = changed.spd_pair_value.clone()
    changed.spd_pair_value[25:] = (changed.spd_pair_value[25:] + 1) % 4  # graph 1's 16 pairs only
    out = layer(changed.x, changed.edge_index, None, BatchContext.of(changed))
    torch.testing.assert_close(out[:5], base[:5])
    assert (out[5:] - base[5:]).abs().max() > 1e-3


def test_pair_bias_handles_unreachable_and_large_values():
    bias = PairBias(2, categories=3)
    table = bias.embedding.weight
    out = bias(torch.tensor([-1, 0, 2, 7]))
    torch.testing.assert_close(out, table[[3, 0, 2, 2]])
    continuous = PairBias(2, continuous=1)
    out = continuous(torch.tensor([0.5, float("inf")]))
    torch.testing.assert_close(out[0], continuous.linear(torch.tensor([0.5])))
    torch.testing.assert_close(out[1], continuous.unreachable)


def test_missing_pair_attribute_names_it():
    graph = Data(x=torch.randn(3, DIM), edge_index=path(3))
    layer = GPSLayer(DIM, GINEConv(DIM, DIM), heads=2, attention_bias=AttentionBiasConfig("spd", categories=3))
    with pytest.raises(InvalidGraphError, match="has no spd_pair_index"):
        layer(graph.x, graph.edge_index, None, BatchContext.of(graph))


def test_100k_node_graph_runs_without_dense_attention():
    num_nodes = 100_000
    big = Data(x=torch.zeros(num_nodes, 1, dtype=torch.long), edge_index=path(num_nodes), num_nodes=num_nodes)
    small = Data(x=torch.zeros(5, 1, dtype=torch.long), edge_index=path(5))
    batch = Batch.from_data_list([small, big])
    config = EncoderConfig(conv="gps", gps_local="gin", gps_heads=2, hidden_dim=8, num_layers=2, node_categorical=[1])
    encoder = GraphEncoder(config).eval()
    context = BatchContext.of(batch)
    layout = dense_layout(context, encoder.layers[0].max_attention_nodes)
    assert layout.shape == (1, 5)  # only the small graph is attended
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    with torch.no_grad():
        out = encoder(batch)
    elapsed = time.perf_counter() - start
    growth_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert torch.isfinite(out.node).all() and out.graph.shape == (2, 8)
    # A dense 100k x 100k float logit matrix would need 37 GiB per head.
    assert growth_mib < 500 and elapsed < 10, (growth_mib, elapsed)
