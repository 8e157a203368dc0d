import networkx as nx
import numpy as np
import pytest
import torch
from scipy.linalg import expm
from torch_geometric.data import Batch

import graphssl.pe.dense as dense
from graphssl.pe import AddPSE, HeatKernelDiag, RWSE
from graphssl.pe.heat import taylor_degree
from tests.pe.helpers import dense_adjacency, normalized_laplacian, permute, to_data, zoo, zoo_data


def brute_force(data, times):
    laplacian = normalized_laplacian(dense_adjacency(data))
    return np.stack([np.diag(expm(-t * laplacian)) for t in times], 1)


@pytest.mark.parametrize("index", range(len(zoo())))
def test_matches_matrix_exponential(index):
    data = zoo_data()[index]
    out = HeatKernelDiag(k=5).compute(data)["heat"].numpy()
    np.testing.assert_allclose(out, brute_force(data, [1, 2, 3, 4, 5]), atol=1e-5)


def test_custom_times_and_repr():
    transform = HeatKernelDiag(times=[0.1, 10.0])
    assert "times=(0.1, 10.0)" in repr(transform)
    data = to_data(nx.petersen_graph())
    np.testing.assert_allclose(transform(data).heat.numpy(), brute_force(data, [0.1, 10.0]), atol=1e-5)


def test_isolated_node_keeps_its_heat():
    data = to_data(nx.empty_graph(2))
    torch.testing.assert_close(HeatKernelDiag(k=3)(data).heat, torch.ones(2, 3))


@pytest.mark.parametrize("index", range(len(zoo())))
def test_permutation_equivariance(index):
    data = zoo_data()[index]
    perm = torch.randperm(data.num_nodes, generator=torch.Generator().manual_seed(index))
    out = HeatKernelDiag(k=4).compute(data)["heat"]
    torch.testing.assert_close(HeatKernelDiag(k=4).compute(permute(data, perm))["heat"], out[perm], atol=1e-5, rtol=0)


def test_sparse_taylor_path_matches_dense(monkeypatch):
    datas = zoo_data() + [to_data(nx.grid_2d_graph(5, 6), weight="weight")]
    expected = HeatKernelDiag(k=6).compute(Batch.from_data_list(datas))["heat"]
    monkeypatch.setattr(dense, "DENSE_MAX_NODES", 3)
    sparse = HeatKernelDiag(k=6).compute(Batch.from_data_list(datas))["heat"]
    torch.testing.assert_close(sparse, expected, atol=1e-5, rtol=0)


def test_shared_pass_equals_alone():
    batch = Batch.from_data_list(zoo_data())
    shared = AddPSE([RWSE(k=5), HeatKernelDiag(k=3)]).compute(batch)
    torch.testing.assert_close(shared["heat"], HeatKernelDiag(k=3).compute(batch)["heat"])
    torch.testing.assert_close(shared["rwse"], RWSE(k=5).compute(batch)["rwse"], atol=1e-5, rtol=0)


def test_taylor_degree_bounds_the_tail():
    import math

    for t in (0.5, 3.0, 8.0):
        m = taylor_degree(t, 1e-8)
        tail = 1 - sum(math.exp(-t) * t**j / math.factorial(j) for j in range(m + 1))
        assert tail < 1e-8
