import networkx as nx
import numpy as np
import pytest
import torch
from torch_geometric.data import Batch

import graphssl.pe.dense as dense
from graphssl.errors import InvalidGraphError
from graphssl.pe import EffectiveResistance, ElectrostaticPE
from tests.pe.helpers import dense_adjacency, permute, to_data, zoo, zoo_data


def components(adjacency):
    return list(nx.connected_components(nx.from_numpy_array(adjacency)))


def electrostatic_reference(data):
    adjacency = dense_adjacency(data)
    n = data.num_nodes
    out = np.zeros((n, 10))
    for comp in components(adjacency):
        nodes = sorted(comp)
        sub = adjacency[np.ix_(nodes, nodes)]
        pinv = np.linalg.pinv(np.diag(sub.sum(1)) - sub)
        potential = pinv - np.diag(pinv)[None, :]
        degree = sub.sum(1, keepdims=True)
        walk = np.divide(sub, degree, out=np.zeros_like(sub), where=degree > 0)
        for row, i in enumerate(nodes):
            recv, emit = potential[row], potential[:, row]
            out[i] = [recv.min(), recv.max(), recv.mean(), recv.std(), emit.min(), emit.max(), emit.mean(),
                      emit.std(), (walk[row] * potential[row]).sum(), (walk[:, row] * potential[:, row]).sum()]
    return out


@pytest.mark.parametrize("index", range(len(zoo())))
def test_electrostatic_matches_reference(index):
    data = zoo_data()[index]
    out = ElectrostaticPE().compute(data)["electrostatic"].numpy()
    np.testing.assert_allclose(out, electrostatic_reference(data), atol=1e-5)


@pytest.mark.parametrize("index", range(len(zoo())))
def test_resistance_matches_networkx(index):
    graph = zoo()[index]
    data = zoo_data()[index]
    out = EffectiveResistance(pairs=True).compute(data)
    n = data.num_nodes
    matrix = out["resistance_pair_value"].view(n, n).numpy()
    nodes = list(graph.nodes)
    for comp in nx.connected_components(graph):
        sub = graph.subgraph(comp)
        for u in comp:
            for v in comp:
                expected = 0.0 if u == v else nx.resistance_distance(sub, u, v, weight="weight", invert_weight=False)
                assert matrix[nodes.index(u), nodes.index(v)] == pytest.approx(expected, abs=1e-5)
    same = np.isfinite(matrix)
    for i in range(n):
        others = max(same[i].sum() - 1, 1)
        finite = np.where(same[i], matrix[i], 0)
        assert out["resistance"][i, 0] == pytest.approx(finite.sum() / others, abs=1e-5)
        assert out["resistance"][i, 1] == pytest.approx(finite.max(), abs=1e-5)
    # Foster: the expected spanning-tree degrees sum to 2 (n - c).
    assert out["resistance"][:, 2].sum() == pytest.approx(2 * (n - nx.number_connected_components(graph)), abs=1e-4)


def test_pair_index_is_graph_by_graph_row_major():
    datas = zoo_data()[:3]
    out = EffectiveResistance(pairs=True).compute(Batch.from_data_list(datas))
    offset, expected = 0, []
    for d in datas:
        n = d.num_nodes
        grid = torch.meshgrid(torch.arange(n), torch.arange(n), indexing="ij")
        expected.append(torch.stack(grid).view(2, -1) + offset)
        offset += n
    assert torch.equal(out["resistance_pair_index"], torch.cat(expected, 1))


@pytest.mark.parametrize("cls", [ElectrostaticPE, EffectiveResistance])
@pytest.mark.parametrize("index", range(len(zoo())))
def test_permutation_equivariance(cls, index):
    data = zoo_data()[index]
    perm = torch.randperm(data.num_nodes, generator=torch.Generator().manual_seed(index))
    out = cls().compute(data)[cls.kind]
    torch.testing.assert_close(cls().compute(permute(data, perm))[cls.kind], out[perm], atol=1e-4, rtol=1e-4)


@pytest.mark.parametrize("cls", [ElectrostaticPE, EffectiveResistance])
def test_large_graphs_dense_path_and_limit(cls, monkeypatch):
    data = to_data(nx.grid_2d_graph(5, 5), weight="weight")
    expected = cls().compute(data)[cls.kind]
    monkeypatch.setattr(dense, "DENSE_MAX_NODES", 4)
    torch.testing.assert_close(cls().compute(data)[cls.kind], expected, atol=1e-5, rtol=1e-5)
    batch = Batch.from_data_list([to_data(nx.path_graph(3), weight="weight"), data])
    with pytest.raises(InvalidGraphError, match=r"graph 1: has 25 nodes.*max_nodes=20"):
        cls(max_nodes=20).compute(batch)
