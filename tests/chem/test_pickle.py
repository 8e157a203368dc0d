"""The pickle decoder (fast path) against the RDKit-API reference path, field by field."""

from __future__ import annotations

import numpy as np
import pytest

from tests.chem.helpers import SPECIAL_VALID, huge_smiles, moleculenet_smiles, moses_smiles
from tests.conftest import requires

pytestmark = requires("rdkit")


def _assert_raw_equal(fast, slow) -> None:
    for name in ("num_atoms", "num_bonds", "atoms", "bonds", "num_rings", "ring_sizes", "ring_atoms"):
        np.testing.assert_array_equal(getattr(fast, name), getattr(slow, name), err_msg=name)


def _mols(smiles):
    from rdkit import Chem

    return [m for m in (Chem.MolFromSmiles(s) for s in smiles) if m is not None]


def test_decoder_is_enabled_for_this_rdkit():
    from graphssl.chem._pickle import decoder

    assert decoder().enabled and decoder().ring_tags


@pytest.fixture(params=["vectorized", "python"])
def reader(request, monkeypatch):
    """Force one of the two pickle readers (numpy for long runs, plain Python for short ones)."""
    from graphssl.chem import _pickle

    monkeypatch.setattr(_pickle, "SMALL_RUN", 0 if request.param == "vectorized" else 10**9)
    return request.param


@pytest.mark.parametrize("source", ["moses", "tox21", "bbbp", "special"])
def test_decoder_matches_api_path(source, reader):
    from graphssl.chem._pickle import decoder
    from graphssl.chem.raw import concat, raw_from_mol

    smiles = {"moses": lambda: moses_smiles(1000), "tox21": lambda: moleculenet_smiles("tox21"),
              "bbbp": lambda: moleculenet_smiles("bbbp"), "special": lambda: tuple(SPECIAL_VALID.values())}[source]()
    mols = _mols(smiles)
    _assert_raw_equal(decoder().decode(mols), concat([raw_from_mol(m) for m in mols]))


@pytest.mark.parametrize("smiles", ["[CH3:1]C(=O)O", "*c1ccccc1", huge_smiles(50)])
def test_unsupported_pickles_fall_back_in_order(smiles, reader):
    from rdkit import Chem

    from graphssl.chem._pickle import decoder
    from graphssl.chem.raw import concat, raw_from_mol

    mol = Chem.MolFromSmiles(smiles)
    assert not decoder().scan(mol.ToBinary(), 0, [], [], [])
    mols = _mols(["CCO", "c1ccccc1", smiles, "C[C@H](N)C(=O)O", smiles, "CC"])
    _assert_raw_equal(decoder().decode(mols), concat([raw_from_mol(m) for m in mols]))


def test_molecule_without_ring_information_falls_back():
    from rdkit import Chem

    from graphssl.chem._pickle import decoder

    mol = Chem.MolFromSmiles("C1CCCCC1", sanitize=False)
    mol.UpdatePropertyCache()
    assert not decoder().scan(mol.ToBinary(), 0, [], [], [])


def test_truncated_pickle_is_rejected_not_misread():
    from rdkit import Chem

    from graphssl.chem._pickle import decoder

    buf = Chem.MolFromSmiles("c1ccccc1CCO").ToBinary()
    for cut in (31, 45, len(buf) // 2):
        assert not decoder().scan(buf[:cut], 0, [], [], [])


def test_decoder_switches_off_when_layout_differs(monkeypatch):
    from graphssl.chem import _pickle

    monkeypatch.setattr(_pickle, "_ATOM_FLAGS_UNSUPPORTED", 0xFF)
    assert not _pickle.PickleDecoder().enabled


def test_decoder_switches_off_when_values_differ(monkeypatch):
    from graphssl.chem import _pickle

    shifted = _pickle._FIELD_POS.copy()
    shifted[:, 2] += 1  # read hybridization one byte too far
    monkeypatch.setattr(_pickle, "_FIELD_POS", shifted)
    assert not _pickle.PickleDecoder().enabled
