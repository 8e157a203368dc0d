import networkx as nx
import numpy as np
import pytest
import torch
from torch_geometric.data import Batch

from graphssl.errors import InvalidGraphError
from graphssl.pe import CycleCounts
from tests.pe.helpers import permute, to_data, zoo, zoo_data


def reference(graph, max_length):
    nodes = list(graph.nodes)
    counts = np.zeros((len(nodes), max_length - 2))
    for cycle in nx.simple_cycles(nx.Graph(graph), length_bound=max_length):
        if len(cycle) >= 3:
            for v in cycle:
                counts[nodes.index(v), len(cycle) - 3] += 1
    return counts


def extra_graphs():
    return [nx.complete_graph(6), nx.wheel_graph(8), nx.grid_2d_graph(3, 4), nx.dodecahedral_graph()]


@pytest.mark.parametrize("index", range(len(zoo()) + len(extra_graphs())))
@pytest.mark.parametrize("max_length", [3, 5, 8])
def test_matches_networkx(index, max_length):
    graph = (zoo() + extra_graphs())[index]
    data = to_data(graph)
    out = CycleCounts(max_length=max_length).compute(data)["cycles"].numpy()
    np.testing.assert_array_equal(out, reference(graph, max_length))


def test_ignores_duplicates_and_self_loops():
    data = to_data(nx.cycle_graph(4))
    plain = CycleCounts()(data).cycles
    data.edge_index = torch.cat([data.edge_index, torch.tensor([[0, 1, 2], [0, 0, 1]])], 1)
    data.edge_index = torch.cat([data.edge_index, torch.tensor([[0, 1], [1, 2]])], 1)
    assert torch.equal(CycleCounts()(data).cycles, plain)


@pytest.mark.parametrize("index", range(len(zoo())))
def test_permutation_equivariance(index):
    data = zoo_data()[index]
    perm = torch.randperm(data.num_nodes, generator=torch.Generator().manual_seed(index))
    out = CycleCounts().compute(data)["cycles"]
    assert torch.equal(CycleCounts().compute(permute(data, perm))["cycles"], out[perm])


def test_path_budget_names_the_graph():
    batch = Batch.from_data_list([to_data(nx.path_graph(4)), to_data(nx.complete_graph(9))])
    message = r"graph 1: counting cycles up to length 8 needs more than 1000 .*raise max_paths \(now 1000\)$"
    with pytest.raises(InvalidGraphError, match=message):
        CycleCounts(max_paths=1000).compute(batch)


def test_start_nodes_are_split_to_stay_under_the_cap():
    graph = nx.disjoint_union(nx.dodecahedral_graph(), nx.wheel_graph(7))
    data = to_data(graph)
    np.testing.assert_array_equal(CycleCounts(max_paths=1000).compute(data)["cycles"].numpy(), reference(graph, 8))
