"""Murcko scaffolds and scaffold splits, guarded by a fixed hash on BBBP."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest

from graphssl.errors import InvalidGraphError
from tests.chem.helpers import moleculenet_smiles
from tests.conftest import requires

pytestmark = requires("rdkit")

# Hu et al.'s deterministic scaffold split of the 2,039 BBBP molecules RDKit reads,
# recorded with RDKit 2026.09.1; sizes as in pretrain-gnns (1631/204/204).
BBBP_SPLIT_SHA256 = "47562c45c5fb49b2cb94117a62f0328b8efce788e0a2a40381bcebe495a89b68"
BBBP_RANDOM_SEED0_SHA256 = "0f21448b06bdc30add97a69b75ea5bddb2d9f27aaa0d344c8c31d75af141d5b3"


def _digest(split) -> str:
    return hashlib.sha256(json.dumps(split.as_dict()).encode()).hexdigest()


def _bbbp_valid_smiles() -> list[str]:
    from rdkit import Chem

    return [s for s in moleculenet_smiles("bbbp") if Chem.MolFromSmiles(s) is not None]


def test_bbbp_scaffold_split_has_fixed_hash():
    from graphssl.chem import scaffold_split_smiles

    smiles = _bbbp_valid_smiles()
    split = scaffold_split_smiles(smiles)
    assert len(smiles) == 2039
    assert (len(split.train), len(split.valid), len(split.test)) == (1631, 204, 204)
    assert _digest(split) == BBBP_SPLIT_SHA256


def test_bbbp_random_scaffold_split_has_fixed_hash_and_keeps_groups_whole():
    from graphssl.chem import murcko_scaffolds, random_scaffold_split_smiles

    smiles = _bbbp_valid_smiles()
    split = random_scaffold_split_smiles(smiles, seed=0)
    assert _digest(split) == BBBP_RANDOM_SEED0_SHA256
    assert _digest(random_scaffold_split_smiles(smiles, seed=1)) != BBBP_RANDOM_SEED0_SHA256
    scaffolds = np.array(murcko_scaffolds(smiles), dtype=object)
    parts = [set(scaffolds[idx]) for idx in (split.train, split.valid, split.test)]
    assert not (parts[0] & parts[1] or parts[0] & parts[2] or parts[1] & parts[2])


def test_scaffolds_keep_chirality_and_drop_side_chains():
    from graphssl.chem import murcko_scaffolds

    chiral = "c1ccc(cc1)[C@H]1CC[C@@H](CC1)c1ccccc1"
    with_stereo, without = murcko_scaffolds([chiral]), murcko_scaffolds([chiral], include_chirality=False)
    assert "@" in with_stereo[0] and "@" not in without[0]
    assert murcko_scaffolds(["CCOc1ccccc1C(=O)O", "CCO"]) == ["c1ccccc1", ""]


def test_invalid_smiles_names_its_index():
    from graphssl.chem import murcko_scaffolds

    with pytest.raises(InvalidGraphError, match=r"molecule 1: invalid SMILES 'C1CC'"):
        murcko_scaffolds(["CCO", "C1CC"])
