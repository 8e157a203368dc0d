"""MoleculeFeaturizer: embeddings against the encoder run by hand, row alignment, sklearn protocol, save/load."""

from __future__ import annotations

import pickle
import shutil

import numpy as np
import pytest
import torch

from graphssl.errors import CheckpointError, ConfigError, InvalidGraphError
from tests.conftest import requires

pytestmark = [requires("rdkit")]

SMILES = ["CCO", "c1ccccc1O", "CC(=O)Nc1ccc(O)cc1", "C1CCOC1", "CC(C)Cc1ccc(cc1)C(C)C(=O)O"]


@pytest.fixture
def checkpoint(exported_checkpoint, tmp_path):
    """A private copy of the exported file, so a test may change its bytes."""
    path = tmp_path / "model.pt"
    shutil.copy(exported_checkpoint[0], path)
    return path


def reference(path, smiles, level, fragments="ring_systems"):
    """Per-molecule means of the loaded encoder's atom or fragment embeddings, one molecule at a time."""
    from graphssl.chem import mol_to_graph
    from graphssl.train import load_pretrained

    model = load_pretrained(path)
    with torch.no_grad():
        rows = [getattr(model([mol_to_graph(s, fragments=fragments)]), level).mean(0) for s in smiles]
    return torch.stack(rows).numpy()


def test_default_checkpoint_is_the_shipped_one_offline():
    from graphssl.checkpoints import shipped_checkpoint_path
    from graphssl.graspnet import MoleculeFeaturizer

    smiles = ["CCO", "c1ccccc1O"]
    features = MoleculeFeaturizer().transform(smiles)
    assert features.shape == (2, 300)
    # the shipped model was pretrained on BRICS fragments (docs/graspnet.md), so the featurizer must use them
    np.testing.assert_allclose(features, reference(shipped_checkpoint_path("graspnet-moses"), smiles, "node", "brics"),
                               rtol=1e-5, atol=1e-5)


def test_transform_matches_the_encoder_per_molecule(checkpoint):
    from graphssl.graspnet import MoleculeFeaturizer

    featurizer = MoleculeFeaturizer(checkpoint, batch_size=2)
    features = featurizer.fit_transform(SMILES)
    assert features.shape == (5, 16) and features.dtype == np.float32
    np.testing.assert_allclose(features, reference(checkpoint, SMILES, "node"), rtol=1e-5, atol=1e-6)
    both = MoleculeFeaturizer(checkpoint, pooling="both").transform(np.array(SMILES)[:, None])
    np.testing.assert_allclose(both[:, :16], features, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(both[:, 16:], reference(checkpoint, SMILES, "fragment"), rtol=1e-5, atol=1e-6)
    names = MoleculeFeaturizer(checkpoint, pooling="both").get_feature_names_out()
    assert len(names) == 32 and names[0] == "atom_mean_0" and names[16] == "fragment_mean_0"


def test_invalid_molecules_keep_row_alignment(checkpoint):
    from graphssl.graspnet import MoleculeFeaturizer

    inputs = ["CCO", "C1CC", "c1ccccc1O", "N(C)(C)(C)(C)C"]
    featurizer = MoleculeFeaturizer(checkpoint, on_error="nan")
    features = featurizer.transform(inputs)
    assert features.shape == (4, 16)
    assert np.isnan(features[[1, 3]]).all() and not np.isnan(features[[0, 2]]).any()
    np.testing.assert_allclose(features[[0, 2]], MoleculeFeaturizer(checkpoint).transform(["CCO", "c1ccccc1O"]), rtol=1e-5)
    assert [(row, item) for row, item, _ in featurizer.errors_] == [(1, "C1CC"), (3, "N(C)(C)(C)(C)C")]
    assert "unclosed ring" in featurizer.errors_[0][2]
    with pytest.raises(InvalidGraphError, match="input row 1: invalid SMILES 'C1CC'"):
        MoleculeFeaturizer(checkpoint).transform(inputs)


def test_worker_processes_embed_the_same_rows_in_order(checkpoint):
    from graphssl.graspnet import MoleculeFeaturizer

    # 200 molecules make several chunks, so forked workers embed some of them; two invalid rows sit inside
    inputs = [SMILES[i % len(SMILES)] for i in range(200)]
    inputs[7], inputs[150] = "C1CC", "not a molecule"
    single = MoleculeFeaturizer(checkpoint, on_error="nan")
    expected = single.transform(inputs)
    threads = torch.get_num_threads()
    parallel = MoleculeFeaturizer(checkpoint, n_jobs=2, on_error="nan", batch_size=16)
    features = parallel.transform(inputs)
    assert torch.get_num_threads() == threads
    np.testing.assert_allclose(features, expected, rtol=1e-5, atol=1e-6)
    assert np.isnan(features[[7, 150]]).all() and not np.isnan(np.delete(features, [7, 150], axis=0)).any()
    assert [row for row, _, _ in parallel.errors_] == [row for row, _, _ in single.errors_] == [7, 150]
    with pytest.raises(InvalidGraphError, match="input row 7: invalid SMILES 'C1CC'"):
        MoleculeFeaturizer(checkpoint, n_jobs=2).transform(inputs)


@requires("sklearn")
def test_pipeline_and_cross_val_score(checkpoint):
    from sklearn.base import clone
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_score
    from sklearn.pipeline import make_pipeline

    from graphssl.graspnet import MoleculeFeaturizer
    from tests.graspnet.conftest import TRAIN_SMILES

    featurizer = MoleculeFeaturizer(checkpoint, pooling="fragment", batch_size=4)
    copy = clone(featurizer)
    assert copy.get_params() == featurizer.get_params() and copy is not featurizer
    labels = np.array(["c" in s or "1" in s for s in TRAIN_SMILES], dtype=int)
    pipeline = make_pipeline(featurizer, LogisticRegression(max_iter=200))
    scores = cross_val_score(pipeline, np.array(TRAIN_SMILES), labels, cv=3)
    assert scores.shape == (3,) and np.isfinite(scores).all()
    pipeline.set_params(moleculefeaturizer__pooling="both")
    assert pipeline.fit(TRAIN_SMILES, labels).predict(TRAIN_SMILES[:2]).shape == (2,)
    assert pipeline.named_steps["moleculefeaturizer"].n_features_out_ == 32


def test_save_and_load_keep_the_checkpoint_sha256(checkpoint, tmp_path):
    from graphssl.graspnet import MoleculeFeaturizer
    from graphssl.train.export import file_sha256

    featurizer = MoleculeFeaturizer(checkpoint, pooling="both")
    expected = featurizer.transform(SMILES)
    saved = featurizer.save(tmp_path / "featurizer.json")
    loaded = MoleculeFeaturizer.load(saved)
    assert loaded.checkpoint_sha256_ == file_sha256(checkpoint) and loaded.pooling == "both"
    np.testing.assert_array_equal(loaded.transform(SMILES), expected)
    pickled = pickle.dumps(featurizer)
    assert len(pickled) < 2000  # parameters and sha256, never the weights
    np.testing.assert_array_equal(pickle.loads(pickled).transform(SMILES), expected)
    with open(checkpoint, "ab") as handle:
        handle.write(b"\0")
    with pytest.raises(CheckpointError, match="checkpoint changed since this featurizer was made"):
        MoleculeFeaturizer.load(saved)
    with pytest.raises(CheckpointError, match="checkpoint changed"):
        pickle.loads(pickled).transform(SMILES)


def test_bad_parameters_and_foreign_features(checkpoint):
    from graphssl.data.spec import GraphSpec
    from graphssl.graspnet import MoleculeFeaturizer
    from graphssl.graspnet.featurizer import molecule_features_of

    with pytest.raises(ConfigError, match="pooling: must be one of mean, fragment, both, got 'max'"):
        MoleculeFeaturizer(checkpoint, pooling="max").transform(SMILES)
    with pytest.raises(ConfigError, match="no parameter 'polling' .*'pooling'"):
        MoleculeFeaturizer(checkpoint).set_params(polling="mean")
    with pytest.raises(TypeError, match="single string"):
        MoleculeFeaturizer(checkpoint).transform("CCO")
    with pytest.raises(CheckpointError, match=r"node categories \[3\] .*neither the OGB nor the Hu"):
        molecule_features_of(GraphSpec(node_categorical=[3], edge_categorical=[2]), checkpoint)
    assert molecule_features_of(GraphSpec(node_categorical=[120, 5], edge_categorical=[7, 4]), checkpoint) == "hu"
    assert repr(MoleculeFeaturizer(checkpoint, pooling="both")) == f"MoleculeFeaturizer(checkpoint={checkpoint!r}, pooling='both')"
