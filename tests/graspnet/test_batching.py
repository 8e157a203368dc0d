"""Batches cut from featurized chunks equal PyG's collation of the per-molecule graphs."""

from __future__ import annotations

import pytest
import torch

from tests.conftest import requires

pytestmark = requires("rdkit")

SMILES = ["CC(=O)Oc1ccccc1C(=O)O", "CCO", "C1CC", "C1CCC2(CC1)CCc1ccccc12", "c1ccc2ccccc2c1", "O", "CCN(CC)CC",
          "C1CCOC1"]


@pytest.mark.parametrize("fragments, salts", [("ring_systems", "keep"), ("brics", "largest"), (None, "keep")])
def test_chunk_batches_equal_batch_from_data_list(fragments, salts):
    from torch_geometric.data import Batch

    from graphssl.chem.chunk import to_data_list
    from graphssl.chem.featurize import FeaturizerOptions, featurize_chunk
    from graphssl.graspnet.batching import chunk_batches

    options = FeaturizerOptions.create("ogb", fragments=fragments, salts=salts)
    chunk = featurize_chunk(list(enumerate(SMILES + ["CC.Cl"])), options)
    graphs = to_data_list(chunk)
    assert [r[0] for r in chunk.rejects] == [2]
    seen = []
    for rows, batch in chunk_batches(chunk, batch_size=3):
        first = chunk.rows.index(rows[0])
        expected = Batch.from_data_list(graphs[first:first + len(rows)])
        keys = set(chunk.arrays) | set(chunk.per_graph) | {"batch", "ptr"}
        for key in keys:
            assert torch.equal(batch[key], expected[key]), key
        assert batch.num_graphs == expected.num_graphs
        seen.extend(rows)
    assert seen == chunk.rows == [0, 1, 3, 4, 5, 6, 7, 8]
