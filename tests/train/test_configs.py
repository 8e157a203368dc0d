"""Pretraining on molecules end to end, and data preparation as the trainer uses it."""

import pytest
import torch

from graphssl.train import load_config
from graphssl.train.config import DataConfig
from tests.conftest import REPO


def test_pretrain_on_molecules_end_to_end(tmp_path):
    pytest.importorskip("rdkit")
    from tests.conftest import shared_data
    from graphssl.train import load_checkpoint, pretrain
    from graphssl.train.config import LoopConfig
    from dataclasses import replace

    moses = shared_data("moses", "train.csv.gz")
    config = load_config(REPO / "examples" / "configs" / "moses_graphmae.yaml")
    config = replace(config, data=replace(config.data, params={**config.data.params, "path": str(moses), "limit": 64, "n_jobs": 1}),
                     encoder=replace(config.encoder, hidden_dim=16, num_layers=2),
                     train=LoopConfig(steps=2, batch_size=32, device="cpu"))
    payload = load_checkpoint(pretrain(config, tmp_path / "run", progress=False))
    assert payload["finished"] and payload["config"]["encoder"]["edge_categorical"] == [5, 7, 2]


def test_batched_pse_transform_equals_per_graph_transform():
    from graphssl.data.synthetic import SyntheticGraphs
    from graphssl.pe.registry import pse_transform
    from graphssl.train.config import TransformConfig
    from graphssl.data.prepare import prepare_data

    data = prepare_data(DataConfig(name="synthetic", params={"num_graphs": 12},
                                   transforms=[TransformConfig("pse", {"kinds": "rwse:6,lap:4"})]))
    reference = pse_transform("rwse:6,lap:4")
    for graph, original in zip(data, SyntheticGraphs(12)):
        expected = reference(original.clone())
        for key in ("rwse", "lap", "lap_mask", "lap_eigvals"):
            assert graph[key].shape == expected[key].shape
            torch.testing.assert_close(graph[key], expected[key], atol=1e-5, rtol=1e-5)
        assert "rwse" not in original, "transforms must not modify the dataset's own graphs"
