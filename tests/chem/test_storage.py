"""Compact collated storage: smallest dtypes, and graphs read back equal to the featurized ones, in int64."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

from tests.chem.helpers import huge_smiles, moses_smiles
from tests.conftest import requires


@pytest.mark.parametrize("values, dtype", [
    ([0, 255], np.uint8), ([0, 256], np.int16), ([-1, 5], np.int16), ([0, 40000], np.int32),
    ([0, 2**31], np.int64), ([], np.uint8),
])
def test_smallest_dtype(values, dtype):
    from graphssl.chem.storage import smallest_dtype

    assert smallest_dtype(np.array(values, dtype=np.int64)) == np.dtype(dtype)
    assert smallest_dtype(np.array([0.5], dtype=np.float32)) == np.float32


def test_widen_restores_int64_only_for_narrow_integers():
    from graphssl.chem.storage import widen

    out = widen({"a": torch.tensor([1], dtype=torch.uint8), "b": torch.tensor([True]), "c": torch.tensor([0.5]),
                 "d": torch.tensor([3], dtype=torch.int32), "e": ["keep"]})
    assert [out[k].dtype for k in "abcd"] == [torch.int64, torch.bool, torch.float32, torch.int64]
    assert out["e"] == ["keep"]


@requires("rdkit")
def test_compact_storage_round_trips_through_pyg_and_the_saved_loader(tmp_path):
    from torch_geometric.data import InMemoryDataset

    from graphssl.chem import mols_to_graphs
    from graphssl.chem.chunk import collate_chunks
    from graphssl.chem.featurize import FeaturizerOptions, iter_chunks
    from graphssl.chem.storage import compact_chunk, save_collated
    from graphssl.data.saved import load_saved_graphs

    # 600 atoms need int16 edge indices; chunks of 7 get different dtypes and must concatenate.
    smiles = list(moses_smiles(40)) + [huge_smiles(100)]
    options = {"fragments": "ring_systems", "descriptors": True}
    chunks = [compact_chunk(c) for c in iter_chunks(smiles, FeaturizerOptions.create(**options), chunk_size=7)]
    assert chunks[0].arrays["edge_index"][0].dtype == np.uint8 and chunks[-1].arrays["edge_index"][0].dtype == np.int16
    data, slices = collate_chunks(chunks)
    path = save_collated(data, slices, tmp_path / "g.pt")
    stored = torch.load(path, weights_only=False)[0]
    assert stored["x"].dtype == torch.uint8 and stored["edge_index"].dtype == torch.int16
    expected, _ = mols_to_graphs(smiles, **options)
    pyg = InMemoryDataset()
    with warnings.catch_warnings():  # PyG tries weights_only=True first, which refuses the data class
        warnings.simplefilter("ignore", UserWarning)
        pyg.load(str(path))
    for loaded in (load_saved_graphs(path), [pyg[i] for i in range(len(pyg))]):
        assert len(loaded) == len(expected)
        for graph, reference in zip(loaded, expected):
            assert set(graph.keys()) == set(reference.keys())
            for key in reference.keys():
                if isinstance(reference[key], torch.Tensor):
                    assert graph[key].dtype == reference[key].dtype and torch.equal(graph[key], reference[key]), key
                else:
                    assert graph[key] == reference[key], key


@requires("rdkit")
def test_featurized_molecules_reads_lazily_with_the_cards_spec(tmp_path):
    from graphssl.chem.featurize import FeaturizerOptions
    from graphssl.chem.spec import molecule_spec
    from graphssl.chem.storage import FeaturizedMolecules
    from graphssl.cli import main
    from graphssl.data.saved import load_saved_graphs
    from graphssl.data.spec import AttributeSpec
    from graphssl.errors import InputFileError

    source = tmp_path / "m.csv"
    source.write_text("smiles,y\n" + "".join(f"{s},{i}\n" for i, s in enumerate(moses_smiles(20))))
    out = tmp_path / "g.pt"
    assert main(["chem", "featurize", str(source), "--out", str(out), "--fragments", "brics", "--label-columns", "y"]) == 0
    dataset = FeaturizedMolecules(out)
    expected = molecule_spec(FeaturizerOptions.create(fragments="brics"), num_labels=1,
                             extra={"input_row": AttributeSpec("graph", dtype="long")})
    assert dataset.spec == expected and len(dataset) == 20 and dataset.rejects == []
    for graph, reference in zip(dataset, load_saved_graphs(out)):
        assert all(torch.equal(graph[k], reference[k]) for k in reference.keys() if isinstance(reference[k], torch.Tensor))
    from graphssl.data.registry import build_dataset

    by_name = build_dataset("molecule_graphs", {"path": str(out)})
    assert by_name.spec == expected and len(by_name) == 20
    out.with_suffix(".json").unlink()
    with pytest.raises(InputFileError, match=r"g.json: file not found"):
        FeaturizedMolecules(out)
