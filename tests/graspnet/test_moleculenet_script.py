"""The MoleculeNet harness skeleton on the first rows of two files: splits, masked metrics, every row present."""

from __future__ import annotations

import importlib.util
import json

import numpy as np
import pytest

from tests.conftest import REPO, requires, shared_data

pytestmark = [requires("rdkit"), requires("sklearn")]


def harness():
    spec = importlib.util.spec_from_file_location("graspnet_moleculenet", REPO / "scripts" / "graspnet_moleculenet.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_score_leaves_missing_labels_out():
    from graphssl.eval.splits import Split

    module = harness()
    features = np.array([[0.0], [1.0], [2.0], [3.0], [0.5], [2.5], [1.5], [0.2]])
    labels = np.array([[0, 0], [0, np.nan], [1, 1], [1, 1], [0, 0], [1, np.nan], [1, 0], [0, 1]], dtype=float)
    split = Split(train=[0, 1, 2, 3], valid=[], test=[4, 5, 6, 7])
    # The fit is increasing in the feature. Task 0: test scores 0.5, 2.5, 1.5, 0.2 with labels 0, 1, 1, 0: AUC 1.
    # Task 1 keeps rows 4, 6, 7 (row 5 is missing): 0.5, 1.5, 0.2 with labels 0, 0, 1: the positive is lowest, AUC 0.
    assert module.score(features, labels, "binary", split, "linear") == pytest.approx(0.5)


def test_harness_on_a_tiny_subset(exported_checkpoint, tmp_path):
    from graphssl.chem.scaffolds import scaffold_split_smiles

    data_dir = shared_data("moleculenet")
    module = harness()
    smiles, labels, kind, split = module.load_task("bbbp", data_dir, limit=80)
    assert kind == "binary" and labels.shape == (len(smiles), 1)
    assert list(split.test) == list(scaffold_split_smiles(smiles).test)
    out = tmp_path / "table.json"
    assert module.main(["--tasks", "bbbp,esol", "--checkpoints", str(exported_checkpoint[0]), "--seeds", "2",
                        "--limit", "80", "--data-dir", str(data_dir), "--out", str(out)]) == 0
    results = json.loads(out.read_text())
    assert set(results["bbbp"]["rows"]) == {"ECFP4 + linear", "ECFP4 + RF", "tiny linear probe"}
    assert len(results["bbbp"]["rows"]["ECFP4 + RF"]) == 2
    for value in results["esol"]["rows"]["tiny linear probe"]:
        assert value > 0  # RMSE
