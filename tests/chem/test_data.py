"""MolData batching: fragment attributes increment correctly in a PyG DataLoader and round-trip."""

from __future__ import annotations

import pytest
import torch

from tests.conftest import requires

pytestmark = requires("rdkit")

# One-fragment graphs (benzene, ethanol), single atoms, multi-fragment graphs, overlapping fragments.
MIXED = ["c1ccccc1", "C", "CC(C)Cc1ccc(cc1)C(C)C(=O)O", "[Na+]", "CCO", "c1ccc2ccccc2c1", "C1CCC2(CC1)CCCC2", "O"]


@pytest.fixture(params=["ring_systems", "rings", "brics"])
def graphs(request):
    from graphssl.chem import mols_to_graphs

    graphs, rejects = mols_to_graphs(MIXED, fragments=request.param)
    assert not rejects
    return graphs


@pytest.mark.parametrize("batch_size", [1, 3, len(MIXED)])
def test_dataloader_increments_fragment_indices(graphs, batch_size):
    from torch_geometric.loader import DataLoader

    start = 0
    for batch in DataLoader(graphs, batch_size=batch_size):
        members = graphs[start : start + batch.num_graphs]
        atom_offset = frag_offset = 0
        expected_members, expected_edges, expected_frag_batch = [], [], []
        for g, graph in enumerate(members):
            expected_members.append(graph.atom2frag + torch.tensor([[atom_offset], [frag_offset]]))
            expected_edges.append(graph.frag_edge_index + frag_offset)
            expected_frag_batch.append(torch.full((graph.num_fragments,), g))
            atom_offset += graph.num_nodes
            frag_offset += graph.num_fragments
        assert torch.equal(batch.atom2frag, torch.cat(expected_members, dim=1))
        assert torch.equal(batch.frag_edge_index, torch.cat(expected_edges, dim=1))
        assert torch.equal(batch.frag_batch, torch.cat(expected_frag_batch))
        assert batch.frag_x.shape[0] == frag_offset
        # Every membership links an atom and a fragment of the same graph.
        assert torch.equal(batch.batch[batch.atom2frag[0]], batch.frag_batch[batch.atom2frag[1]])
        for g, graph in enumerate(members):
            example = batch.get_example(g)
            for key in ("x", "edge_index", "edge_attr", "frag_x", "atom2frag", "frag_edge_index",
                        "frag_edge_attr", "frag_batch"):
                assert torch.equal(example[key], graph[key]), key
        start += batch.num_graphs
    assert start == len(graphs)


def test_single_atom_and_one_fragment_graphs_alone(graphs):
    from torch_geometric.data import Batch

    single = [g for g in graphs if g.num_nodes == 1]
    assert len(single) == 3 and all(g.num_fragments == 1 for g in single)
    batch = Batch.from_data_list(single)
    assert batch.atom2frag.tolist() == [[0, 1, 2], [0, 1, 2]]
    assert batch.frag_edge_index.shape == (2, 0) and batch.frag_batch.tolist() == [0, 1, 2]


def test_pooling_atoms_into_fragments_per_graph(graphs):
    from torch_geometric.data import Batch
    from torch_geometric.utils import scatter

    batch = Batch.from_data_list(graphs)
    ones = torch.ones(batch.atom2frag.shape[1])
    sizes = scatter(ones, batch.atom2frag[1], dim=0, dim_size=batch.frag_x.shape[0], reduce="sum")
    assert torch.equal(sizes.long(), torch.cat([torch.bincount(g.atom2frag[1], minlength=g.num_fragments)
                                                for g in graphs]))
    per_graph = scatter(torch.ones(batch.frag_x.shape[0]), batch.frag_batch, dim=0, reduce="sum")
    assert per_graph.long().tolist() == [g.num_fragments for g in graphs]


def test_in_memory_collate_round_trip(graphs):
    from torch_geometric.data import InMemoryDataset

    data, slices = InMemoryDataset.collate(graphs)

    class Stored(InMemoryDataset):
        def __init__(self):
            super().__init__(root=None)
            self.data, self.slices = data, slices

    stored = Stored()
    for i, graph in enumerate(graphs):
        for key in ("atom2frag", "frag_edge_index", "frag_batch", "edge_index"):
            assert torch.equal(stored[i][key], graph[key]), key


@pytest.mark.parametrize("options", [{"fragments": "rings", "salts": "largest"}, {"features": "hu", "descriptors": True}])
def test_collate_chunks_equals_pyg_collate(options):
    from torch_geometric.data import InMemoryDataset

    from graphssl.chem.chunk import collate_chunks, to_data_list
    from graphssl.chem.featurize import FeaturizerOptions, iter_chunks

    inputs = MIXED + ["C1CC", "CC(=O)[O-].[Na+]"] + MIXED
    chunks = list(iter_chunks(inputs, FeaturizerOptions.create(**options), chunk_size=4))
    data, slices = collate_chunks(chunks)
    ref_data, ref_slices = InMemoryDataset.collate([g for c in chunks for g in to_data_list(c)])
    assert type(data) is type(ref_data) and set(slices) == set(ref_slices)
    for key, value in ref_data.to_dict().items():
        if isinstance(value, torch.Tensor):
            assert torch.equal(data[key], value), key
            assert torch.equal(slices[key], ref_slices[key]), key
        else:
            assert data[key] == value and torch.equal(slices[key], ref_slices[key]), key


def _rows_and_atoms(chunk):
    return list(chunk.rows), [row for row, _, _ in chunk.rejects], int(chunk.arrays["x"][0].shape[0])


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_iter_chunks_then_runs_on_each_chunk_in_order(n_jobs):
    from graphssl.chem.featurize import FeaturizerOptions, iter_chunks

    inputs = ["CCO", "C1CC", "c1ccccc1", "CC(=O)O"] * 5
    options = FeaturizerOptions.create()
    plain = [_rows_and_atoms(chunk) for chunk in iter_chunks(inputs, options, chunk_size=3)]
    assert list(iter_chunks(inputs, options, n_jobs, chunk_size=3, then=_rows_and_atoms)) == plain
    assert [row for rows, _, _ in plain for row in rows] == [i for i in range(20) if i % 4 != 1]
