"""GFSE inputs against graphssl.pe and dense matrix powers; the large-graph path against the dense one."""

import torch
from torch_geometric.data import Batch, Data

import graphssl.gfse.inputs as inputs
from graphssl.gfse.inputs import structural_inputs
from graphssl.pe import RWSE


def _path(n):
    src = torch.arange(n - 1)
    return Data(edge_index=torch.stack([torch.cat([src, src + 1]), torch.cat([src + 1, src])]), num_nodes=n)


def _dense_rrwp(data, k):
    a = torch.zeros(data.num_nodes, data.num_nodes, dtype=torch.float64)
    a[data.edge_index[0], data.edge_index[1]] = 1.0
    m = a / a.sum(1, keepdim=True).clamp(min=1)
    powers, p = [], torch.eye(data.num_nodes, dtype=torch.float64)
    for _ in range(k):
        powers.append(p)
        p = p @ m
    return torch.stack(powers, -1)


def test_edges_carry_their_pair_rrwp_and_nodes_rwse():
    batch = Batch.from_data_list([_path(4), _path(3)])
    out = structural_inputs(batch, rwse_k=5, rrwp_k=4)
    assert torch.allclose(out.node, RWSE(k=5).compute(batch)["rwse"])
    expected = torch.cat([_dense_rrwp(_path(4), 4)[_path(4).edge_index[0], _path(4).edge_index[1]],
                          _dense_rrwp(_path(3), 4)[_path(3).edge_index[0], _path(3).edge_index[1]]]).float()
    assert torch.allclose(out.edge, expected, atol=1e-6)
    assert out.pair_index.shape[1] == 16 + 9


def test_large_graph_path_equals_dense_path_and_has_no_pairs():
    batch = Batch.from_data_list([_path(6), _path(5)])
    dense = structural_inputs(batch, rwse_k=4, rrwp_k=5, max_dense_nodes=100)
    sparse = structural_inputs(batch, rwse_k=4, rrwp_k=5, max_dense_nodes=5)
    assert torch.allclose(dense.edge, sparse.edge, atol=1e-6)
    assert sparse.pair_index.shape[1] == 25 and int(sparse.pair_index.min()) >= 6  # only the 5-node graph


def test_edge_powers_stop_at_the_entry_budget(monkeypatch):
    monkeypatch.setattr(inputs, "EDGE_POWER_MAX_NNZ", 12)   # I (6), M (10) fit; M^2 of a 6-path has 14 entries
    out = structural_inputs(_path(6), rwse_k=2, rrwp_k=4, max_dense_nodes=1)
    assert torch.allclose(out.edge[:, 1], torch.tensor([1.0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 1.0]))
    assert torch.all(out.edge[:, 2:] == 0)
