"""Feature sets: identical to ogb.utils.smiles2graph, Hu et al. reference, unknown buckets, dims."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from tests.chem.helpers import SPECIAL_VALID, huge_smiles, moleculenet_smiles, moses_smiles
from tests.conftest import requires

pytestmark = requires("rdkit")


def _assert_same_as_ogb(graph, smiles: str) -> None:
    from ogb.utils import smiles2graph

    ref = smiles2graph(smiles)
    assert graph.x.dtype == graph.edge_index.dtype == graph.edge_attr.dtype == torch.int64
    np.testing.assert_array_equal(graph.x.numpy(), ref["node_feat"], err_msg=smiles)
    np.testing.assert_array_equal(graph.edge_index.numpy(), ref["edge_index"], err_msg=smiles)
    np.testing.assert_array_equal(graph.edge_attr.numpy(), ref["edge_feat"], err_msg=smiles)


@requires("ogb")
def test_ogb_identical_on_moses():
    from graphssl.chem import mols_to_graphs

    smiles = moses_smiles(3000)
    graphs, rejects = mols_to_graphs(smiles)
    assert rejects == [] and len(graphs) == len(smiles)
    for graph, text in zip(graphs, smiles):
        _assert_same_as_ogb(graph, text)


@requires("ogb")
def test_ogb_identical_on_all_of_tox21():
    from rdkit import Chem

    from graphssl.chem import mols_to_graphs

    smiles = moleculenet_smiles("tox21")
    graphs, rejects = mols_to_graphs(smiles, on_error="none")
    unparsable = [i for i, s in enumerate(smiles) if Chem.MolFromSmiles(s) is None]
    assert [r[0] for r in rejects] == unparsable and len(unparsable) == 8  # the [AlH3] rows, per the README
    for graph, text in zip(graphs, smiles):
        if graph is not None:
            _assert_same_as_ogb(graph, text)


@requires("ogb")
@pytest.mark.parametrize("name", sorted(SPECIAL_VALID))
def test_ogb_identical_on_special_molecules(name):
    from graphssl.chem import mol_to_graph

    _assert_same_as_ogb(mol_to_graph(SPECIAL_VALID[name]), SPECIAL_VALID[name])


@requires("ogb")
def test_ogb_identical_on_huge_molecule():
    from graphssl.chem import mol_to_graph

    graph = mol_to_graph(huge_smiles(100))
    assert graph.num_nodes == 600
    _assert_same_as_ogb(graph, huge_smiles(100))


@requires("ogb")
def test_feature_dims_match_ogb():
    from ogb.utils.features import get_atom_feature_dims, get_bond_feature_dims

    from graphssl.chem import feature_dims

    atom_dims, bond_dims = feature_dims("ogb")
    assert atom_dims == get_atom_feature_dims()
    ogb_bond = get_bond_feature_dims()
    assert bond_dims == [ogb_bond[0], ogb_bond[1] + 1, ogb_bond[2]]  # plus our unknown stereo bucket
    assert feature_dims("hu") == ([120, 5], [7, 4])


def _hu_reference(smiles: str) -> tuple[np.ndarray, np.ndarray]:
    """pretrain-gnns' mol_to_graph_data_obj_simple, written out from its feature lists."""
    from rdkit import Chem

    chirality = [Chem.ChiralType.CHI_UNSPECIFIED, Chem.ChiralType.CHI_TETRAHEDRAL_CW,
                 Chem.ChiralType.CHI_TETRAHEDRAL_CCW, Chem.ChiralType.CHI_OTHER]
    bond_types = [Chem.BondType.SINGLE, Chem.BondType.DOUBLE, Chem.BondType.TRIPLE, Chem.BondType.AROMATIC]
    dirs = [Chem.BondDir.NONE, Chem.BondDir.ENDUPRIGHT, Chem.BondDir.ENDDOWNRIGHT]
    mol = Chem.MolFromSmiles(smiles)
    x = [[a.GetAtomicNum() - 1, chirality.index(a.GetChiralTag())] for a in mol.GetAtoms()]
    edges = []
    for b in mol.GetBonds():
        feature = [bond_types.index(b.GetBondType()), dirs.index(b.GetBondDir())]
        edges += [feature, feature]
    return np.array(x), np.array(edges).reshape(-1, 2)


@pytest.mark.parametrize("smiles", ["C/C=C/[C@@H](F)Cl", "F/C=C\\Br", "c1ccccc1C#N", "C[C@](O)(N)C(=O)O",
                                    "CCO.[Na+]", "C"])
def test_hu_features_match_pretrain_gnns(smiles):
    from graphssl.chem import mol_to_graph

    graph = mol_to_graph(smiles, features="hu")
    x, edge_attr = _hu_reference(smiles)
    np.testing.assert_array_equal(graph.x.numpy(), x)
    np.testing.assert_array_equal(graph.edge_attr.numpy(), edge_attr)


def test_hu_features_match_reference_on_tox21_sample():
    from graphssl.chem import mols_to_graphs

    smiles = [s for s in moleculenet_smiles("tox21")[:1500] if "Al" not in s]
    graphs, rejects = mols_to_graphs(smiles, features="hu")
    assert not rejects
    for graph, text in zip(graphs, smiles):
        x, edge_attr = _hu_reference(text)
        np.testing.assert_array_equal(graph.x.numpy(), x)
        np.testing.assert_array_equal(graph.edge_attr.numpy(), edge_attr)


def _set_and_featurize(setter, features: str = "ogb"):
    from rdkit import Chem

    from graphssl.chem import mol_to_graph

    mol = Chem.RWMol(Chem.MolFromSmiles("CC=CC"))
    setter(mol)
    return mol_to_graph(mol.GetMol(), features=features)


@pytest.mark.parametrize("case, column, expected", [
    ("hybridization_sp2d", 6, 5),
    ("hybridization_s", 6, 5),
    ("chiral_octahedral", 1, 4),
    ("chiral_allene", 1, 4),
])
def test_new_atom_enums_land_in_unknown_bucket(case, column, expected):
    from rdkit import Chem

    def setter(mol):
        atom = mol.GetAtomWithIdx(1)
        if case == "hybridization_sp2d":
            atom.SetHybridization(Chem.HybridizationType.SP2D)
        elif case == "hybridization_s":
            atom.SetHybridization(Chem.HybridizationType.S)
        elif case == "chiral_octahedral":
            atom.SetChiralTag(Chem.ChiralType.CHI_OCTAHEDRAL)
        else:
            atom.SetChiralTag(Chem.ChiralType.CHI_ALLENE)

    graph = _set_and_featurize(setter)
    assert int(graph.x[1, column]) == expected
    assert int(_set_and_featurize(setter, "hu").x[1, 1]) == (4 if "chiral" in case else 0)


@pytest.mark.parametrize("stereo", ["STEREOATROPCW", "STEREOATROPCCW"])
def test_new_bond_stereo_lands_in_unknown_bucket(stereo):
    from rdkit import Chem

    def setter(mol):
        mol.GetBondWithIdx(1).SetStereo(getattr(Chem.BondStereo, stereo))

    graph = _set_and_featurize(setter)
    assert graph.edge_attr[2:4, 1].tolist() == [6, 6]


def test_dative_bond_is_unknown_bond_type():
    from graphssl.chem import mol_to_graph

    graph = mol_to_graph("[NH3]->[Pt](Cl)Cl")
    assert graph.edge_attr[0:2, 0].tolist() == [4, 4]
    assert mol_to_graph("[NH3]->[Pt](Cl)Cl", features="hu").edge_attr[0:2, 0].tolist() == [6, 6]


@pytest.mark.parametrize("smiles, atoms", [("[Na+]", 1), ("C", 1), ("[Fe+3]", 1), ("[Na+].[Cl-]", 2)])
@pytest.mark.parametrize("features, width", [("ogb", 3), ("hu", 2)])
def test_molecule_without_bonds(smiles, atoms, features, width):
    from graphssl.chem import mol_to_graph

    graph = mol_to_graph(smiles, features=features)
    assert tuple(graph.edge_index.shape) == (2, 0) and tuple(graph.edge_attr.shape) == (0, width)
    assert graph.edge_index.dtype == graph.edge_attr.dtype == torch.int64
    assert graph.num_nodes == graph.x.shape[0] == atoms
