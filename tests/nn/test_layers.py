"""The core layers against PyG's reference implementations."""

import pytest
import torch
import torch_geometric.nn as pyg_nn
from torch_geometric.data import Batch
from torch_geometric.utils import scatter

from graphssl.nn import CategoricalEmbedding, GCNConv, GINEConv, NodeBatchNorm, Readout
from tests.graphs import CONTINUOUS_SPEC, zoo

GRAPH = zoo(CONTINUOUS_SPEC)[5]  # duplicates and a self-loop
RING = zoo(CONTINUOUS_SPEC)[0]


@pytest.mark.parametrize("graph", [GRAPH, RING], ids=["dup-selfloop", "ring"])
def test_gine_matches_pyg(graph):
    torch.manual_seed(0)
    ours = GINEConv(5, 7, edge_continuous=3)
    reference = pyg_nn.GINEConv(ours.mlp, edge_dim=3)
    reference.lin.load_state_dict(ours.edge_encoder.linear.state_dict())
    expected = reference(graph.x, graph.edge_index, graph.edge_attr)
    torch.testing.assert_close(ours(graph.x, graph.edge_index, graph.edge_attr), expected)


@pytest.mark.parametrize("eps,train_eps", [(0.0, False), (0.5, False), (0.2, True)])
def test_gin_matches_pyg(eps, train_eps):
    torch.manual_seed(0)
    ours = GINEConv(5, 4, eps=eps, train_eps=train_eps)
    reference = pyg_nn.GINConv(ours.mlp, eps=eps, train_eps=train_eps)
    torch.testing.assert_close(ours(GRAPH.x, GRAPH.edge_index), reference(GRAPH.x, GRAPH.edge_index))


def test_gcn_without_edge_features_matches_pyg():
    torch.manual_seed(0)
    ours = GCNConv(5, 4)
    torch.nn.init.zeros_(ours.linear.bias)
    reference = pyg_nn.GCNConv(5, 4, bias=False)
    reference.lin.weight.data.copy_(ours.linear.weight)
    torch.testing.assert_close(ours(RING.x, RING.edge_index), reference(RING.x, RING.edge_index))


def test_combined_categorical_table_equals_per_column_sum():
    torch.manual_seed(0)
    embedding = CategoricalEmbedding([5, 6, 2], 8)
    assert embedding.combined
    x = torch.stack([torch.randint(5, (50,)), torch.randint(6, (50,)), torch.randint(2, (50,))], dim=1)
    expected = sum(table(x[:, c]) for c, table in enumerate(embedding.tables))
    torch.testing.assert_close(embedding(x), expected)
    big = CategoricalEmbedding([119, 5, 12, 12, 10, 6, 6, 2, 2], 8)
    assert not big.combined
    x = torch.stack([torch.randint(c, (20,)) for c in big.cardinalities], dim=1)
    torch.testing.assert_close(big(x), sum(t(x[:, c]) for c, t in enumerate(big.tables)))


@pytest.mark.parametrize("kind", ["sum", "mean", "max"])
def test_readouts_match_brute_force_and_zero_empty_graphs(kind):
    graphs = zoo(CONTINUOUS_SPEC)
    batch = Batch.from_data_list(graphs)
    pooled = Readout(kind)(batch.x, batch.batch, batch.num_graphs)
    for index, graph in enumerate(graphs):
        if graph.num_nodes == 0:
            assert torch.count_nonzero(pooled[index]) == 0
            continue
        expected = {"sum": graph.x.sum(0), "mean": graph.x.mean(0), "max": graph.x.max(0).values}[kind]
        torch.testing.assert_close(pooled[index], expected)


def test_attention_readout_weights_sum_to_one():
    torch.manual_seed(0)
    batch = Batch.from_data_list(zoo(CONTINUOUS_SPEC))
    readout = Readout("attention", 5)
    pooled = readout(batch.x, batch.batch, batch.num_graphs)
    gate = torch.softmax(readout.attention.gate_nn(batch.x[:6]).view(-1), 0)
    torch.testing.assert_close(pooled[0], (gate[:, None] * batch.x[:6]).sum(0))
    assert torch.count_nonzero(pooled[2]) == 0
    assert scatter(torch.ones(batch.num_nodes), batch.batch, dim_size=batch.num_graphs)[2] == 0


def test_node_batch_norm_single_node_uses_running_stats():
    norm = NodeBatchNorm(3).train()
    norm.running_mean.fill_(1.0)
    out = norm(torch.tensor([[1.0, 2.0, 3.0]]))
    torch.testing.assert_close(out, torch.tensor([[0.0, 1.0, 2.0]]) / (1 + norm.eps) ** 0.5)
    assert norm(torch.empty(0, 3)).shape == (0, 3)
