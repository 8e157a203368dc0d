"""Fixtures of the GraSPNet tests: tiny fragmented molecules, a tiny two-level encoder, an exported checkpoint."""

from __future__ import annotations

import os

import pytest
import torch
import yaml

from tests.conftest import requires

pytestmark = requires("rdkit")

#: Aspirin (8 fragments: ring, junctions, chains), ethanol (one chain) and a spiro/fused case.
SMILES = ["CC(=O)Oc1ccccc1C(=O)O", "CCO", "C1CCC2(CC1)CCc1ccccc12"]

#: A small MOSES-like training file for the exported checkpoint.
TRAIN_SMILES = ["CCO", "c1ccccc1O", "CC(=O)Nc1ccc(O)cc1", "CCN(CC)CC", "C1CCOC1", "CC(C)Cc1ccc(cc1)C(C)C(=O)O",
                "O=C(O)c1ccccc1", "CCCCCC", "c1ccc2ccccc2c1", "CC(=O)Oc1ccccc1C(=O)O", "NCCc1ccccc1", "C1CCNCC1"]


@pytest.fixture
def molecules():
    from graphssl.chem import mol_to_graph

    return [mol_to_graph(smiles, fragments=True) for smiles in SMILES]


@pytest.fixture
def batch(molecules):
    from torch_geometric.data import Batch

    return Batch.from_data_list(molecules)


@pytest.fixture
def spec():
    from graphssl.chem.featurize import FeaturizerOptions
    from graphssl.chem.spec import molecule_spec

    return molecule_spec(FeaturizerOptions(fragments=True))


@pytest.fixture
def encoder(spec):
    import graphssl.graspnet  # noqa: F401  (registers the encoder)
    from graphssl.nn import build_encoder

    torch.manual_seed(0)
    return build_encoder({"name": "graspnet", "hidden_dim": 16, "num_layers": 2, "fragment_layers": 2}, spec)


def write_train_config(folder, **train) -> "os.PathLike":
    """A tiny graspnet + fragment_jepa config on a CSV of :data:`TRAIN_SMILES`, written into ``folder``."""
    csv = folder / "mols.csv"
    csv.write_text("smiles\n" + "\n".join(TRAIN_SMILES) + "\n")
    config = {
        "imports": ["graphssl.graspnet"],
        "data": {"name": "molecule_csv", "params": {"path": str(csv), "fragments": "ring_systems"}},
        "encoder": {"name": "graspnet", "hidden_dim": 16, "num_layers": 2, "fragment_layers": 1},
        "objectives": [{"name": "fragment_jepa", "params": {"predictor_hidden": 8, "predictor_layers": 1}}],
        "train": {"steps": 2, "batch_size": 6, "seed": 0, "device": "cpu", "log_every": 1, "checkpoint_every": 2,
                  **train},
    }
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


@pytest.fixture(scope="session")
def exported_checkpoint(tmp_path_factory):
    """A graspnet encoder pretrained for 2 steps and exported: ``(path of model.pt, its folder)``."""
    from graphssl.train import load_config, pretrain
    from graphssl.train.export import export_encoder

    folder = tmp_path_factory.mktemp("graspnet-run")
    previous = os.environ.get("GRAPHSSL_CACHE")
    os.environ["GRAPHSSL_CACHE"] = str(folder / "cache")
    try:
        pretrain(load_config(write_train_config(folder)), folder / "run", progress=False)
    finally:
        if previous is None:
            os.environ.pop("GRAPHSSL_CACHE")
        else:
            os.environ["GRAPHSSL_CACHE"] = previous
    return export_encoder(folder / "run", folder / "tiny.pt"), folder
