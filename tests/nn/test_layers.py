"""The core layers against PyG's reference implementations."""

import pytest
import torch
import torch_geometric.nn as pyg_nn
from graphssl.nn import CategoricalEmbedding, GCNConv, GINEConv, NodeBatchNorm
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


def test_gine_on_an_embedded_edge_tensor_matches_pyg_edge_dim():
    torch.manual_seed(0)
    ours = GINEConv(5, 7, edge_dim=4)
    reference = pyg_nn.GINEConv(ours.mlp, edge_dim=4)
    reference.lin.load_state_dict(ours.edge_encoder.state_dict())
    edge_attr = torch.randn(GRAPH.num_edges, 4)
    torch.testing.assert_close(ours(GRAPH.x, GRAPH.edge_index, edge_attr), reference(GRAPH.x, GRAPH.edge_index, edge_attr))
    # At the layer's own width the embedded tensor is used as it is, as PyG does without edge_dim.
    same = GINEConv(5, 7, edge_dim=5)
    assert same.edge_encoder is None
    edge_attr = torch.randn(GRAPH.num_edges, 5)
    expected = pyg_nn.GINEConv(same.mlp)(GRAPH.x, GRAPH.edge_index, edge_attr)
    torch.testing.assert_close(same(GRAPH.x, GRAPH.edge_index, edge_attr), expected)


def test_gcn_with_embedded_edges_matches_hand_computation():
    torch.manual_seed(0)
    conv = GCNConv(5, 4, edge_dim=4)
    torch.nn.init.normal_(conv.root)
    edge_attr = torch.randn(RING.num_edges, 4)
    h = conv.linear(RING.x)
    src, dst = RING.edge_index
    deg = 1 + torch.bincount(dst, minlength=RING.num_nodes).float()
    expected = torch.relu(h + conv.root) / deg[:, None]
    for e in range(RING.num_edges):
        expected[dst[e]] += torch.relu(h[src[e]] + edge_attr[e]) / (deg[src[e]] * deg[dst[e]]).sqrt()
    torch.testing.assert_close(conv(RING.x, RING.edge_index, edge_attr), expected)


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


def test_node_batch_norm_single_node_uses_running_stats():
    norm = NodeBatchNorm(3).train()
    norm.running_mean.fill_(1.0)
    out = norm(torch.tensor([[1.0, 2.0, 3.0]]))
    torch.testing.assert_close(out, torch.tensor([[0.0, 1.0, 2.0]]) / (1 + norm.eps) ** 0.5)
    assert norm(torch.empty(0, 3)).shape == (0, 3)


def test_sparse_gine_sum_matches_index_add_values_and_gradients(monkeypatch):
    from graphssl.nn.conv import aggregate
    monkeypatch.setattr(torch, "get_num_threads", lambda: 2)  # the CSR path runs with more than one thread
    built = []
    incidence = aggregate.incidence
    monkeypatch.setattr(aggregate, "incidence", lambda *args: built.append(args) or incidence(*args))
    generator = torch.Generator().manual_seed(0)
    edge_index = GRAPH.edge_index
    x = torch.randn(GRAPH.num_nodes, 3, dtype=torch.float64, generator=generator, requires_grad=True)
    edge_emb = torch.randn(GRAPH.num_edges, 3, dtype=torch.float64, generator=generator, requires_grad=True)
    torch.autograd.gradcheck(lambda a, e: aggregate.gather_add_relu_sum(a, 2 * a, e, edge_index), (x, edge_emb))
    assert built
    expected = (2 * x).index_add(0, edge_index[1], torch.relu(x[edge_index[0]] + edge_emb))
    torch.testing.assert_close(aggregate.gather_add_relu_sum(x, 2 * x, edge_emb, edge_index), expected)
