import networkx as nx
import numpy as np
import pytest
import torch
from torch_geometric.data import Batch

import graphssl.pe.dense as dense
from graphssl.pe import RRWP
from tests.pe.helpers import dense_adjacency, permute, to_data, zoo, zoo_data


def reference(data, k):
    """``[n, n, k]`` stack of ``(D^-1 A)^s`` for ``s = 0..k-1`` with numpy (zero rows for isolated nodes)."""
    adjacency = dense_adjacency(data)
    degree = adjacency.sum(1, keepdims=True)
    walk = np.divide(adjacency, degree, out=np.zeros_like(adjacency), where=degree > 0)
    return np.stack([np.linalg.matrix_power(walk, s) for s in range(k)], -1)


@pytest.mark.parametrize("index", range(len(zoo())))
@pytest.mark.parametrize("k", [1, 5])
def test_matches_dense_numpy(index, k):
    data = zoo_data()[index]
    n = data.num_nodes
    out = RRWP(k=k, pairs=True).compute(data)
    expected = reference(data, k)
    np.testing.assert_allclose(out["rrwp_pair_value"].view(n, n, k).numpy(), expected, atol=1e-6)
    np.testing.assert_allclose(out["rrwp"].numpy(), np.einsum("iik->ik", expected), atol=1e-6)
    assert out["rrwp_pair_value"].dtype == torch.float32 and out["rrwp_pair_index"].dtype == torch.long


def test_walk_probabilities_by_hand():
    # Path a - b - c: from a the walk is at b after one step and back at a or at c after two.
    out = RRWP(k=3, pairs=True).compute(to_data(nx.path_graph(3)))
    value = out["rrwp_pair_value"].view(3, 3, 3)
    assert value[0, :, 1].tolist() == [0.0, 1.0, 0.0]
    assert value[0, :, 2].tolist() == [0.5, 0.0, 0.5]
    assert value[1, :, 2].tolist() == [0.0, 1.0, 0.0]
    assert out["rrwp"][:, 0].tolist() == [1.0, 1.0, 1.0]


def test_diagonal_continues_rwse_except_on_isolated_nodes():
    from graphssl.pe import RWSE

    batch = Batch.from_data_list(zoo_data())
    rrwp, rwse = RRWP(k=6).compute(batch)["rrwp"], RWSE(k=5).compute(batch)["rwse"]
    isolated = torch.bincount(batch.edge_index[0], minlength=batch.num_nodes) == 0
    assert isolated.sum() == 6
    torch.testing.assert_close(rrwp[~isolated, 1:], rwse[~isolated], atol=1e-5, rtol=0)
    # GRIT's M = D^-1 A has zero rows there; RWSE keeps the walker in place.
    assert rrwp[isolated, 1:].abs().sum() == 0 and bool((rwse[isolated] == 1).all())


def test_permutation_equivariance_and_large_graph_path(monkeypatch):
    data = to_data(nx.disjoint_union(nx.grid_2d_graph(3, 4), nx.cycle_graph(5)))
    n = data.num_nodes
    out = RRWP(k=4, pairs=True).compute(data)
    perm = torch.randperm(n, generator=torch.Generator().manual_seed(0))
    moved = RRWP(k=4, pairs=True).compute(permute(data, perm))
    expected = out["rrwp_pair_value"].view(n, n, 4)[perm][:, perm]
    torch.testing.assert_close(moved["rrwp_pair_value"].view(n, n, 4), expected)
    monkeypatch.setattr(dense, "DENSE_MAX_NODES", 4)
    torch.testing.assert_close(RRWP(k=4, pairs=True).compute(data)["rrwp_pair_value"], out["rrwp_pair_value"])
