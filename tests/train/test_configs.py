"""Every shipped config parses, and configs can pull their data section from datasets/."""

import pytest
import torch

from graphssl.errors import ConfigError
from graphssl.train import load_config
from graphssl.train.config import DataConfig
from tests.conftest import REPO

CONFIGS = sorted((REPO / "examples" / "configs").glob("*.yaml"))


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.name)
def test_example_configs_parse(path):
    config = load_config(path)
    assert config.objectives


def test_data_section_from_a_file(tmp_path):
    (tmp_path / "config.yaml").write_text(f"data: {REPO / 'datasets' / 'tu_mutag.yaml'}\nobjectives: [{{name: graphmae}}]\ntrain: {{steps: 1}}\n")
    assert load_config(tmp_path / "config.yaml").data == DataConfig(name="tu", params={"root": "../shared/data/tu", "name": "MUTAG"})
    (tmp_path / "bad.yaml").write_text("data: nowhere.yaml\nobjectives: [{name: graphmae}]\ntrain: {steps: 1}\n")
    with pytest.raises(ConfigError, match="nowhere.yaml' not found"):
        load_config(tmp_path / "bad.yaml")


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
    from graphssl.train.trainer import prepare_data

    data = prepare_data(DataConfig(name="synthetic", params={"num_graphs": 12},
                                   transforms=[TransformConfig("pse", {"kinds": "rwse:6,lap:4"})]))
    reference = pse_transform("rwse:6,lap:4")
    for graph, original in zip(data, SyntheticGraphs(12)):
        expected = reference(original.clone())
        for key in ("rwse", "lap", "lap_mask", "lap_eigvals"):
            assert graph[key].shape == expected[key].shape
            torch.testing.assert_close(graph[key], expected[key], atol=1e-5, rtol=1e-5)
        assert "rwse" not in original, "transforms must not modify the dataset's own graphs"


def test_transform_with_pair_outputs_is_rejected_with_its_name():
    from graphssl.train.config import TransformConfig
    from graphssl.train.trainer import prepare_data

    with pytest.raises(ConfigError, match="spd_pair_index.*not one row per node"):
        prepare_data(DataConfig(name="synthetic", params={"num_graphs": 3}, transforms=[TransformConfig("spd", {"pairs": True})]))
