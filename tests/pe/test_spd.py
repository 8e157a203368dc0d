import networkx as nx
import numpy as np
import pytest
import torch
from torch_geometric.data import Batch

import graphssl.pe.dense as dense
import graphssl.pe.spd as spd
from graphssl.pe import SPD
from tests.pe.helpers import permute, to_data, zoo, zoo_data


def reference(graph, max_dist):
    nodes = list(graph.nodes)
    n = len(nodes)
    matrix = np.full((n, n), -1)
    for u, lengths in nx.all_pairs_shortest_path_length(graph):
        for v, d in lengths.items():
            matrix[nodes.index(u), nodes.index(v)] = d
    hist = np.zeros((n, max_dist + 1))
    for i in range(n):
        for d in matrix[i]:
            if d >= 1:
                hist[i, min(d, max_dist + 1) - 1] += 1
    return matrix, hist


@pytest.mark.parametrize("index", range(len(zoo())))
@pytest.mark.parametrize("max_dist", [1, 3, 10])
def test_matches_networkx(index, max_dist):
    graph, data = zoo()[index], zoo_data()[index]
    out = SPD(max_dist=max_dist, pairs=True).compute(data)
    matrix, hist = reference(graph, max_dist)
    np.testing.assert_array_equal(out["spd"].numpy(), hist)
    n = data.num_nodes
    np.testing.assert_array_equal(out["spd_pair_value"].view(n, n).numpy(), matrix)


@pytest.mark.parametrize("module, name", [(dense, "DENSE_MAX_NODES"), (spd, "BFS_DENSE_MAX_NODES")])
def test_scipy_search_path(monkeypatch, module, name):
    graph = nx.disjoint_union(nx.grid_2d_graph(4, 6), nx.path_graph(3))
    data = to_data(graph)
    monkeypatch.setattr(module, name, 5)
    out = SPD(max_dist=4, pairs=True).compute(data)
    matrix, hist = reference(graph, 4)
    np.testing.assert_array_equal(out["spd"].numpy(), hist)
    np.testing.assert_array_equal(out["spd_pair_value"].view(27, 27).numpy(), matrix)


@pytest.mark.parametrize("index", range(len(zoo())))
def test_permutation_equivariance(index):
    data = zoo_data()[index]
    perm = torch.randperm(data.num_nodes, generator=torch.Generator().manual_seed(index))
    n = data.num_nodes
    out = SPD(max_dist=4, pairs=True).compute(data)
    moved = SPD(max_dist=4, pairs=True).compute(permute(data, perm))
    assert torch.equal(moved["spd"], out["spd"][perm])
    assert torch.equal(moved["spd_pair_value"].view(n, n), out["spd_pair_value"].view(n, n)[perm][:, perm])


def test_pairs_batch_like_pyg():
    datas = [SPD(pairs=True)(d) for d in zoo_data()[:4]]
    batch = Batch.from_data_list(datas)
    direct = SPD(pairs=True).compute(Batch.from_data_list(zoo_data()[:4]))
    assert torch.equal(batch.spd_pair_index, direct["spd_pair_index"])
    assert torch.equal(batch.spd_pair_value, direct["spd_pair_value"])
