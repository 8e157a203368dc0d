import networkx as nx
import numpy as np
import pytest
import torch
from torch_geometric.data import Batch, Data
from torch_geometric.transforms import AddLaplacianEigenvectorPE

import graphssl.pe.dense as dense
import graphssl.pe.lap_sparse as lap_sparse
from graphssl.pe import LapPE, random_sign_flip
from tests.pe.helpers import (
    dense_adjacency,
    eigenspace_projectors,
    normalized_laplacian,
    permute,
    to_data,
    zoo,
    zoo_data,
)


def reference(data: Data, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Smallest non-zero eigenpairs (float64), dropping one zero eigenvalue per component."""
    adjacency = dense_adjacency(data)
    vals, vecs = np.linalg.eigh(normalized_laplacian(adjacency))
    components = nx.number_connected_components(nx.from_numpy_array(adjacency))
    return vals[components : components + k], vecs[:, components : components + k]


def check_against_reference(data: Data, out: dict, k: int, atol: float = 1e-5) -> None:
    vals, vecs = reference(data, k)
    count = vals.size
    mask = out["lap_mask"].numpy()
    assert mask[:, :count].all() and not mask[:, count:].any()
    np.testing.assert_allclose(out["lap_eigvals"][0, :count].numpy(), vals, atol=atol)
    assert (out["lap_eigvals"][:, count:] == 0).all() and (out["lap"][:, count:] == 0).all()
    ours = out["lap"][:, :count].double().numpy()
    np.testing.assert_allclose(ours.T @ ours, np.eye(count), atol=10 * atol)
    full_vals = reference(data, data.num_nodes)[0]
    for value, projector in eigenspace_projectors(vals, vecs):
        if np.sum(np.abs(full_vals - value) < 1e-6) != np.sum(np.abs(vals - value) < 1e-6):
            continue  # eigenspace cut by k: any basis of the kept part is valid
        group = np.abs(vals - value) < 1e-6
        np.testing.assert_allclose(ours[:, group] @ ours[:, group].T, projector, atol=10 * atol)


@pytest.mark.parametrize("index", range(len(zoo())))
@pytest.mark.parametrize("k", [1, 3, 8, 20])
def test_matches_reference(index, k):
    data = zoo_data()[index]
    check_against_reference(data, LapPE(k=k).compute(data), k)


def test_two_components_drop_both_zero_eigenvalues():
    data = to_data(nx.disjoint_union(nx.cycle_graph(4), nx.path_graph(3)))
    out = LapPE(k=8).compute(data)
    assert int(out["lap_mask"][0].sum()) == 7 - 2
    assert float(out["lap_eigvals"][0, 0]) > 0.1
    check_against_reference(data, out, 8)


def test_k_at_least_n_pads_with_mask():
    data = to_data(nx.path_graph(3))
    out = LapPE(k=5)(data)
    assert out.lap.shape == (3, 5) and out.lap_mask.shape == (3, 5)
    assert out.lap_mask.sum(1).tolist() == [2, 2, 2]
    assert torch.equal(out.lap[:, 2:], torch.zeros(3, 3))
    batch = Batch.from_data_list([out, LapPE(k=5)(to_data(nx.cycle_graph(9)))])
    assert batch.lap.shape == (12, 5)


def test_single_node_and_edgeless():
    for n in (1, 4):
        out = LapPE(k=3)(Data(edge_index=torch.zeros(2, 0, dtype=torch.long), num_nodes=n))
        assert not out.lap_mask.any() and not out.lap.any() and not out.lap_eigvals.any()


def test_sign_is_canonical_and_deterministic():
    data = to_data(nx.frucht_graph())
    first = LapPE(k=6)(data).lap
    assert torch.equal(first, LapPE(k=6)(data).lap)
    top = first.abs().argmax(0)
    assert (first[top, torch.arange(6)] > 0).all()


def test_tied_extremes_use_sorted_values():
    from graphssl.pe.lap import canonical_sign

    vector = torch.tensor([0.5, -0.5, 0.3, -0.1, 0.0])
    assert float(canonical_sign(vector.view(1, -1, 1))) == 1.0
    assert float(canonical_sign(-vector.view(1, -1, 1))) == -1.0


@pytest.mark.parametrize("index", range(len(zoo())))
def test_permutation_equivariance_of_eigenspaces(index):
    data = zoo_data()[index]
    perm = torch.randperm(data.num_nodes, generator=torch.Generator().manual_seed(index))
    out = LapPE(k=4).compute(data)
    moved = LapPE(k=4).compute(permute(data, perm))
    torch.testing.assert_close(moved["lap_eigvals"], out["lap_eigvals"][perm], atol=1e-5, rtol=0)
    count = int(out["lap_mask"][0].sum()) if data.num_nodes else 0
    full = reference(data, data.num_nodes)[0]
    vals = reference(data, 4)[0]
    for value in np.unique(np.round(vals, 6)):
        if np.sum(np.abs(full - value) < 1e-5) != np.sum(np.abs(vals - value) < 1e-5):
            continue
        group = torch.from_numpy(np.abs(vals - value) < 1e-5)[:count]
        a, b = out["lap"][perm][:, :count][:, group], moved["lap"][:, :count][:, group]
        torch.testing.assert_close(b @ b.T, a @ a.T, atol=1e-4, rtol=0)


def test_permutation_equivariance_exact_without_symmetry():
    data = to_data(nx.frucht_graph())  # trivial automorphism group, simple spectrum
    perm = torch.randperm(12, generator=torch.Generator().manual_seed(0))
    torch.testing.assert_close(LapPE(k=6)(permute(data, perm)).lap, LapPE(k=6)(data).lap[perm], atol=1e-4, rtol=0)


def test_eigenvalues_match_pyg_rayleigh_quotients():
    data = to_data(nx.frucht_graph())
    pyg = AddLaplacianEigenvectorPE(k=5, attr_name="pe", is_undirected=True)(data.clone()).pe.double().numpy()
    laplacian = normalized_laplacian(dense_adjacency(data))
    quotients = np.einsum("ik,ij,jk->k", pyg, laplacian, pyg)
    np.testing.assert_allclose(LapPE(k=5)(data).lap_eigvals[0].numpy(), quotients, atol=1e-5)


def test_batch_equals_single_graphs():
    datas = zoo_data()
    batched = LapPE(k=5).compute(Batch.from_data_list(datas))
    for key in ("lap", "lap_mask", "lap_eigvals"):
        torch.testing.assert_close(batched[key], torch.cat([LapPE(k=5)(d)[key] for d in datas]), atol=1e-6, rtol=0)


def test_random_sign_flip_is_seeded():
    batch = Batch.from_data_list([LapPE(k=4)(to_data(nx.frucht_graph())), LapPE(k=4)(to_data(nx.petersen_graph()))])
    a = random_sign_flip(batch.lap, batch.batch, generator=torch.Generator().manual_seed(3))
    b = random_sign_flip(batch.lap, batch.batch, generator=torch.Generator().manual_seed(3))
    assert torch.equal(a, b)
    assert torch.equal(a.abs(), batch.lap.abs())
    ratio = (a / batch.lap.where(batch.lap != 0, torch.ones(())))[batch.lap != 0]
    assert set(ratio.round().tolist()) <= {-1.0, 1.0}


def large_graph() -> Data:
    parts = [
        nx.connected_watts_strogatz_graph(40, 4, 0.3, seed=1),
        nx.cycle_graph(9),
        nx.frucht_graph(),
        nx.empty_graph(2),
    ]
    return to_data(nx.disjoint_union_all(parts), weight="weight")


def test_sparse_path_matches_reference(monkeypatch):
    monkeypatch.setattr(dense, "DENSE_MAX_NODES", 20)
    data = large_graph()
    check_against_reference(data, LapPE(k=10).compute(data), 10, atol=1e-5)


@pytest.mark.parametrize("dense_fallback", [True, False])
def test_arpack_failure_falls_back(monkeypatch, dense_fallback):
    from scipy.sparse.linalg import ArpackNoConvergence

    def fail(*args, **kwargs):
        raise ArpackNoConvergence("no convergence", np.zeros(0), np.zeros((0, 0)))

    monkeypatch.setattr("scipy.sparse.linalg.eigsh", fail)
    monkeypatch.setattr(dense, "DENSE_MAX_NODES", 20)
    if not dense_fallback:
        monkeypatch.setattr(lap_sparse, "DENSE_FALLBACK_MAX_NODES", 10)
    data = large_graph()
    check_against_reference(data, LapPE(k=4).compute(data), 4, atol=1e-4)


@pytest.mark.slow
def test_arpack_on_a_large_graph():
    graph = nx.connected_watts_strogatz_graph(3000, 6, 0.1, seed=0)
    data = to_data(graph)
    out = LapPE(k=4)(data)
    from scipy.sparse.linalg import eigsh

    laplacian = nx.normalized_laplacian_matrix(graph)
    expected = np.sort(eigsh(laplacian.astype(float), k=5, sigma=-0.01)[0])[1:]
    np.testing.assert_allclose(out.lap_eigvals[0].numpy(), expected, atol=1e-6)
