"""Batched augmentations: validity, per-graph guarantees, determinism."""

import pytest
import torch
from torch_geometric.data import Batch

from graphssl.data import validate_graph
from graphssl.objectives import DropEdges, DropNodes, MaskFeatures, Subgraph, sample_node_mask
from tests.graphs import CATEGORICAL_SPEC, make_graph, zoo


def batch():
    graphs = zoo(CATEGORICAL_SPEC) + [make_graph(12, [(i, i + 1) for i in range(11)], CATEGORICAL_SPEC, seed=9)]
    return Batch.from_data_list(graphs)


@pytest.mark.parametrize("transform", [DropNodes(0.5), Subgraph(0.5), DropEdges(0.5), MaskFeatures(0.5)], ids=repr)
def test_views_are_valid_and_keep_every_nonempty_graph(transform):
    original = batch()
    torch.manual_seed(0)
    view = transform(original)
    validate_graph(view, CATEGORICAL_SPEC.node_categorical, CATEGORICAL_SPEC.edge_categorical)
    assert view.num_graphs == original.num_graphs
    before = torch.bincount(original.batch, minlength=original.num_graphs)
    after = torch.bincount(view.batch, minlength=view.num_graphs)
    assert bool(((after >= 1) | (before == 0)).all())
    assert view.x.shape[0] == view.num_nodes == view.batch.numel() == view.clustering.shape[0]
    assert view.edge_attr.shape[0] == view.edge_index.shape[1]
    assert bool((view.batch[view.edge_index[0]] == view.batch[view.edge_index[1]]).all())


def test_drop_edges_drops_both_directions_together():
    torch.manual_seed(1)
    view = DropEdges(0.5)(batch())
    pairs = set(map(tuple, view.edge_index.t().tolist()))
    assert all((v, u) in pairs for u, v in pairs)


def test_subgraph_is_connected_and_large_enough():
    graph = Batch.from_data_list([make_graph(12, [(i, i + 1) for i in range(11)], CATEGORICAL_SPEC)])
    torch.manual_seed(2)
    view = Subgraph(0.5)(graph)
    assert view.num_nodes >= 6
    # A path's connected subgraph of k nodes has exactly k - 1 undirected edges.
    assert view.edge_index.shape[1] == 2 * (view.num_nodes - 1)


def test_drop_nodes_relabels_edges_consistently():
    graph = make_graph(5, [(0, 1), (1, 2), (2, 3), (3, 4)], CATEGORICAL_SPEC)
    graph.node_id = torch.arange(5)
    torch.manual_seed(3)
    view = DropNodes(0.4)(Batch.from_data_list([graph]))
    original_edges = {(u, v) for u, v in graph.edge_index.t().tolist()}
    for u, v in view.edge_index.t().tolist():
        assert (int(view.node_id[u]), int(view.node_id[v])) in original_edges


def test_same_generator_seed_same_view():
    a = DropNodes(0.5, generator=torch.Generator().manual_seed(7))(batch())
    b = DropNodes(0.5, generator=torch.Generator().manual_seed(7))(batch())
    assert torch.equal(a.edge_index, b.edge_index) and torch.equal(a.x, b.x)


@pytest.mark.parametrize("ratio", [0.01, 0.3, 0.99])
def test_sample_node_mask_counts_per_graph(ratio):
    sizes = torch.tensor([0, 1, 2, 5, 40])
    vector = torch.repeat_interleave(torch.arange(5), sizes)
    mask = sample_node_mask(vector, 5, ratio, torch.Generator().manual_seed(0))
    counts = torch.bincount(vector[mask], minlength=5)
    expected = torch.minimum(torch.round(sizes * ratio).long().clamp(min=1), (sizes - 1).clamp(min=1))
    expected[0] = 0
    assert torch.equal(counts, expected)
