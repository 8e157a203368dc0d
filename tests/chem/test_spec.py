"""molecule_spec declares every attribute a featurized graph carries, with its level, shape, dtype and vocabulary."""

from __future__ import annotations

import pytest
import torch

from tests.conftest import requires

pytestmark = requires("rdkit")

DTYPES = {"float": torch.float32, "long": torch.int64, "bool": torch.bool}
MOLECULES = ["CC(=O)Oc1ccccc1C(=O)O", "c1ccc2ccccc2c1.[Na+].[Cl-]", "C1CC12CCCC2", "C", "[NH4+].CC(=O)[O-]"]


def level_size(graph, level):
    return {"node": graph.num_nodes, "graph": 1, "fragment": graph.num_fragments,
            "fragment_membership": graph.atom2frag.shape[1] if "atom2frag" in graph else None,
            "fragment_edge": graph.frag_edge_index.shape[1] if "frag_edge_index" in graph else None}[level]


def assert_declared(graph, spec):
    from graphssl.chem.spec import undeclared_attributes

    assert not undeclared_attributes(graph, spec)
    for key in graph.keys():
        if key not in spec.attributes:
            continue
        declared, value = spec.attributes[key], graph[key]
        if declared.dtype == "str":
            assert isinstance(value, str), key
            continue
        value = torch.as_tensor(value)
        assert value.dtype == DTYPES[declared.dtype], key
        if declared.index_of and declared.cat_dim == -1:
            assert value.dim() == 2 and value.shape[0] == len(declared.index_of), key
            for row, level in zip(value, declared.index_of):
                assert row.numel() == 0 or int(row.max()) < level_size(graph, level), key
        else:
            assert list(value.shape[1:]) == declared.shape, key
            if value.dim():
                assert value.shape[0] == level_size(graph, declared.level), key
        if declared.categories:
            assert (value.view(-1, len(declared.categories)) < torch.tensor(declared.categories)).all(), key


@pytest.mark.parametrize("options", [
    {},
    {"fragments": True, "descriptors": True},
    {"fragments": "brics", "salts": "largest", "features": "hu"},
    {"fragments": "rings", "explicit_hs": True},
])
def test_every_attribute_of_featurized_graphs_is_declared(options):
    from graphssl.chem import mols_to_graphs
    from graphssl.chem.featurize import FeaturizerOptions
    from graphssl.chem.features import feature_dims
    from graphssl.chem.fragments import FRAGMENT_FEATURE_DIMS
    from graphssl.chem.spec import molecule_spec

    spec = molecule_spec(FeaturizerOptions.create(**options))
    graphs, rejects = mols_to_graphs(MOLECULES, **options)
    assert not rejects
    for graph in graphs:
        assert_declared(graph, spec)
    dims = feature_dims(options.get("features", "ogb"))
    assert (spec.node_categorical, spec.edge_categorical) == (dims[0], dims[1])
    fragments = bool(options.get("fragments"))
    assert spec.groups == ({"fragment": "frag_x"} if fragments else {})
    if fragments:
        assert spec.attributes["frag_x"].categories == FRAGMENT_FEATURE_DIMS
        assert spec.attributes["atom2frag"].index_of == ["node", "fragment"]
        assert spec.attributes["atom2frag"].cat_dim == -1


def test_dataset_and_featurize_output_declare_their_attributes(tmp_path, monkeypatch):
    from graphssl.chem.datasets import MoleculeCSVDataset
    from graphssl.cli import main
    from graphssl.data.saved import load_saved_graphs
    from graphssl.data.spec import AttributeSpec, GraphSpec

    monkeypatch.setenv("GRAPHSSL_CACHE", str(tmp_path / "cache"))
    path = tmp_path / "m.csv"
    path.write_text("name,smiles,a,b\n" + "".join(f"m{i},{s},{i},1\n" for i, s in enumerate(MOLECULES)))
    dataset = MoleculeCSVDataset(path, target_columns=["a", "b"], fragments=True, descriptors=True)
    for graph in dataset:
        assert_declared(graph, dataset.spec)
    assert dataset.spec.attributes["y"].shape == [2] and dataset.spec.attributes["y"].level == "graph"
    out = tmp_path / "g.pt"
    assert main(["chem", "featurize", str(path), "--out", str(out), "--fragments", "rings", "--id-column", "name",
                 "--label-columns", "a,b"]) == 0
    import json

    card = json.loads(out.with_suffix(".json").read_text())["spec"]
    spec = GraphSpec(**{**card, "attributes": {k: AttributeSpec(**v) for k, v in card["attributes"].items()}})
    for graph in load_saved_graphs(out):
        assert_declared(graph, spec)
