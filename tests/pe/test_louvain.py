import networkx as nx
import torch

from graphssl.pe import Louvain
from tests.pe.helpers import permute, to_data


def two_cliques():
    graph = nx.disjoint_union(nx.complete_graph(5), nx.complete_graph(5))
    graph.add_edge(0, 5)
    return graph


def partition(labels):
    groups = {}
    for node, label in enumerate(labels.view(-1).tolist()):
        groups.setdefault(label, set()).add(node)
    return sorted(map(frozenset, groups.values()), key=min)


def test_matches_networkx_with_the_same_seed():
    graph = nx.karate_club_graph()
    labels = Louvain(seed=7)(to_data(graph, weight="weight")).louvain
    expected = nx.community.louvain_communities(graph, weight="weight", seed=7)
    assert partition(labels) == sorted(map(frozenset, expected), key=min)
    assert labels.dtype == torch.long and labels.shape == (34, 1)


def test_labels_ordered_by_smallest_node():
    labels = Louvain()(to_data(two_cliques())).louvain.view(-1)
    assert labels.tolist() == [0] * 5 + [1] * 5


def test_permutation_equivariance_of_the_partition():
    data = to_data(two_cliques())
    perm = torch.randperm(10, generator=torch.Generator().manual_seed(0))
    moved = Louvain()(permute(data, perm)).louvain
    original = Louvain()(data).louvain[perm]
    assert partition(moved) == partition(original)


def test_edgeless_graph_gives_singletons():
    from torch_geometric.data import Data

    labels = Louvain()(Data(edge_index=torch.zeros(2, 0, dtype=torch.long), num_nodes=3)).louvain
    assert labels.view(-1).tolist() == [0, 1, 2]
