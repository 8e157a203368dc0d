"""Every shipped config parses, and configs can pull their data section from datasets/."""

from pathlib import Path

import pytest

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
