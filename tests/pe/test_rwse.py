import networkx as nx
import numpy as np
import pytest
import torch
from torch_geometric.data import Batch, Data
from torch_geometric.transforms import AddRandomWalkPE

import graphssl.pe.dense as dense
from graphssl.pe import RWSE, AddPSE, LapPE
from tests.pe.helpers import dense_adjacency, permute, to_data, zoo, zoo_data


def brute_force(data: Data, k: int) -> np.ndarray:
    adjacency = dense_adjacency(data)
    degree = adjacency.sum(1)
    walk = np.where(degree[:, None] > 0, adjacency / np.where(degree > 0, degree, 1)[:, None], np.eye(len(degree)))
    out, power = [], np.eye(len(degree))
    for _ in range(k):
        power = power @ walk
        out.append(np.diag(power))
    return np.stack(out, 1) if out else np.zeros((len(degree), 0))


def multigraph() -> Data:
    """Weighted triangle plus tail, with a duplicated edge and a self-loop."""
    edges = [(0, 1, 2.0), (1, 2, 0.5), (2, 0, 1.0), (2, 3, 3.0), (0, 1, 1.5), (3, 3, 0.7)]
    rows, cols, weights = [], [], []
    for u, v, w in edges:
        rows += [u] if u == v else [u, v]
        cols += [v] if u == v else [v, u]
        weights += [w] if u == v else [w, w]
    return Data(edge_index=torch.tensor([rows, cols]), edge_weight=torch.tensor(weights), num_nodes=4)


@pytest.mark.parametrize("index", range(len(zoo())))
@pytest.mark.parametrize("with_lap", [False, True])
def test_matches_brute_force(index, with_lap):
    data = zoo_data()[index]
    transform = AddPSE([RWSE(k=12), LapPE(k=3)]) if with_lap else RWSE(k=12)
    out = transform.compute(data)["rwse"].numpy()
    np.testing.assert_allclose(out, brute_force(data, 12), atol=1e-5)


@pytest.mark.parametrize("with_lap", [False, True])
def test_weights_and_duplicate_edges(with_lap):
    data = multigraph()
    transform = AddPSE([RWSE(k=9), LapPE(k=2)]) if with_lap else RWSE(k=9)
    out = transform.compute(data)["rwse"].numpy()
    assert out.min() >= 0 and out.max() <= 1
    np.testing.assert_allclose(out, brute_force(data, 9), atol=1e-5)
    # The duplicated edge must count: dropping it changes the walk.
    single = Data(edge_index=data.edge_index[:, :-3], edge_weight=data.edge_weight[:-3], num_nodes=4)
    assert not np.allclose(RWSE(k=9).compute(single)["rwse"].numpy(), out, atol=1e-3)


def test_matches_pyg_on_simple_graphs():
    for graph in [nx.cycle_graph(7), nx.petersen_graph(), nx.barbell_graph(3, 2)]:
        data = to_data(graph)
        expected = AddRandomWalkPE(walk_length=16, attr_name="pe")(data.clone()).pe
        torch.testing.assert_close(RWSE(k=16)(data).rwse, expected, atol=1e-5, rtol=0)


def test_isolated_node_keeps_its_walker():
    data = Data(edge_index=torch.tensor([[0, 1], [1, 0]]), num_nodes=3)
    out = RWSE(k=4)(data).rwse
    torch.testing.assert_close(out[2], torch.ones(4))
    torch.testing.assert_close(out[0], torch.tensor([0.0, 1.0, 0.0, 1.0]))


@pytest.mark.parametrize("index", range(len(zoo())))
def test_permutation_equivariance(index):
    data = zoo_data()[index]
    perm = torch.randperm(data.num_nodes, generator=torch.Generator().manual_seed(index))
    out = RWSE(k=10).compute(data)["rwse"]
    torch.testing.assert_close(RWSE(k=10).compute(permute(data, perm))["rwse"], out[perm], atol=1e-5, rtol=0)


def test_batch_equals_single_graphs():
    datas = zoo_data() + [multigraph()]
    batched = RWSE(k=8).compute(Batch.from_data_list(datas))["rwse"]
    single = torch.cat([RWSE(k=8)(d).rwse for d in datas])
    torch.testing.assert_close(batched, single, atol=1e-6, rtol=0)


def test_sparse_path_matches_dense(monkeypatch):
    datas = zoo_data() + [multigraph(), to_data(nx.grid_2d_graph(6, 7), weight="weight")]
    expected = RWSE(k=11).compute(Batch.from_data_list(datas))["rwse"]
    monkeypatch.setattr(dense, "DENSE_MAX_NODES", 3)
    sparse = RWSE(k=11).compute(Batch.from_data_list(datas))["rwse"]
    torch.testing.assert_close(sparse, expected, atol=1e-5, rtol=0)


def test_large_sparse_graph_without_dense_matrix():
    graph = nx.random_regular_graph(3, 2000, seed=1)
    data = to_data(graph)
    out = RWSE(k=6).compute(data)["rwse"]
    adjacency = nx.to_scipy_sparse_array(graph, format="csr") / 3.0
    power = adjacency.copy()
    for p in range(6):
        np.testing.assert_allclose(out[:, p].numpy(), power.diagonal(), atol=1e-6)
        power = power @ adjacency
