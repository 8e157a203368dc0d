"""The pretraining config: every value checked when it is built, naming the key; plugins; data files; round trip."""

import re
from pathlib import Path

import pytest
import yaml

from graphssl.errors import ConfigError
from graphssl.train import config_from_dict, load_config
from graphssl.train.config import DataConfig, data_file_candidates
from tests.conftest import REPO, TINY_CONFIG

CONFIGS = sorted((REPO / "examples" / "configs").glob("*.yaml"))


def config_dict(**overrides) -> dict:
    """The tiny test config with sections updated (``encoder`` is replaced: another encoder has other keys)."""
    config = yaml.safe_load(yaml.safe_dump(TINY_CONFIG))
    for section, values in overrides.items():
        if isinstance(values, dict) and isinstance(config.get(section), dict) and section != "encoder":
            config[section].update(values)
        else:
            config[section] = values
    return config


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.name)
def test_example_configs_parse(path):
    config = load_config(path)
    assert config.objectives
    assert config.to_dict()["encoder"]["name"]


@pytest.mark.parametrize("section,values,message", [
    ("optimizer", {"lr": -1}, "optimizer.lr: must be in (0, inf), got -1.0"),
    ("optimizer", {"lr": 0}, "optimizer.lr: must be in (0, inf), got 0.0"),
    ("optimizer", {"lr": float("nan")}, "optimizer.lr: must be a finite number, got nan"),
    ("optimizer", {"weight_decay": -0.1}, "optimizer.weight_decay: must be in [0, inf), got -0.1"),
    ("optimizer", {"warmup_steps": -1}, "optimizer.warmup_steps: must be in [0, inf), got -1"),
    ("optimizer", {"grad_clip": -1}, "optimizer.grad_clip: must be in [0, inf), got -1.0"),
    ("optimizer", {"betas": [0.9, 1.5]}, "optimizer.betas[1]: must be in [0, 1), got 1.5"),
    ("optimizer", {"min_lr": 0.5}, "optimizer.min_lr: must be in [0, 0.01], got 0.5"),
    ("train", {"batch_size": 0}, "train.batch_size: must be in [1, inf), got 0"),
    ("train", {"steps": 0}, "train.steps: must be in [1, inf), got 0"),
    ("train", {"log_every": -2}, "train.log_every: must be in [1, inf), got -2"),
    ("train", {"num_workers": -1}, "train.num_workers: must be in [0, inf), got -1"),
    ("train", {"device": "tpu"}, "train.device: expected auto, cpu, cuda or cuda:N, got 'tpu'"),
    ("loss_weighting", "learned", "loss_weighting: expected fixed or uncertainty, got 'learned'"),
])
def test_bad_values_fail_when_the_config_is_built(tmp_path, section, values, message):
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config_dict(**{section: values})))
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert str(error.value) == f"{path}: {message}"


def test_negative_objective_weight_names_its_index():
    objectives = [{"name": "graphmae"}, {"name": "graphcl", "weight": -1.0}]
    with pytest.raises(ConfigError, match=r"^objectives\[1\]\.weight: must be in \[0, inf\), got -1.0$"):
        config_from_dict(config_dict(objectives=objectives))
    assert config_from_dict(config_dict(objectives=[{"name": "graphmae", "weight": 0.0}])).objectives[0].weight == 0.0


def test_round_trip_keeps_the_encoder_name():
    config = config_from_dict(config_dict(loss_weighting="uncertainty"))
    saved = config.to_dict()
    assert saved["encoder"]["name"] == "gnn" and saved["loss_weighting"] == "uncertainty"
    assert config_from_dict(yaml.safe_load(yaml.safe_dump(saved))) == config


def test_imports_register_plugins_before_the_encoder_is_resolved():
    config = config_from_dict(config_dict(imports=["tests.plugins.toy_plugin"], encoder={"name": "toy_embed", "hidden_dim": 4}))
    assert type(config.encoder).__name__ == "ToyEncoderConfig" and config.to_dict()["encoder"] == {
        "name": "toy_embed", "hidden_dim": 4, "node_categorical": []}
    with pytest.raises(ConfigError, match=r"imports\[0\]: cannot import 'no_such_plugin_module'"):
        config_from_dict(config_dict(imports=["no_such_plugin_module"]))


def test_mixture_entries_are_checked_one_by_one():
    config = config_from_dict(config_dict(data=[{"name": "synthetic"}, {"name": "tu", "params": {"name": "MUTAG"}}]))
    assert [entry.name for entry in config.datasets] == ["synthetic", "tu"]
    with pytest.raises(ConfigError, match=r"^data\[1\]\.nme: unknown key \(did you mean 'name'\?\)"):
        config_from_dict(config_dict(data=[{"name": "synthetic"}, {"nme": "tu"}]))


def test_data_file_resolves_against_the_config_folder_first(tmp_path, monkeypatch):
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    folder = tmp_path / "configs"
    folder.mkdir()
    (folder / "config.yaml").write_text("data: datasets/tu_mutag.yaml\nobjectives: [{name: graphmae}]\ntrain: {steps: 1}\n")
    # Not beside the config, not in the working directory: the repository's datasets/ folder.
    shipped = DataConfig(name="tu", params={"root": "../shared/data/tu", "name": "MUTAG"})
    assert load_config(folder / "config.yaml").data == shipped
    (folder / "datasets").mkdir()
    (folder / "datasets" / "tu_mutag.yaml").write_text("name: synthetic\nparams: {num_graphs: 5}\n")
    assert load_config(folder / "config.yaml").data == DataConfig(name="synthetic", params={"num_graphs": 5})


def test_missing_data_file_lists_each_searched_path_once(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.yaml").write_text("data: nowhere.yaml\nobjectives: [{name: graphmae}]\ntrain: {steps: 1}\n")
    with pytest.raises(ConfigError, match="nowhere.yaml' not found") as error:
        load_config(Path("bad.yaml"))
    searched = error.value.args[0].split("(looked in ", 1)[1].rstrip(")").split(", ")
    assert searched == [str(c) for c in data_file_candidates("nowhere.yaml", Path("bad.yaml"))]
    assert len(searched) == 2 and len({Path(p).resolve() for p in searched}) == 2
    assert searched[1] == str(REPO / "datasets" / "nowhere.yaml")


def test_to_dict_is_yaml_safe_and_from_dict_restores_tuples():
    from dataclasses import dataclass, field

    from graphssl.config import from_dict, to_dict

    @dataclass
    class Grid:
        size: tuple[int, int] = (10, 10)
        layers: list[tuple[int, ...]] = field(default_factory=lambda: [(1, 2)])

    plain = to_dict(Grid())
    assert plain == {"size": [10, 10], "layers": [[1, 2]]}
    assert from_dict(Grid, yaml.safe_load(yaml.safe_dump(plain))) == Grid()


def test_set_overrides_values_by_path(tiny_config):
    from graphssl.train.config import load_config

    config = load_config(tiny_config(), ["train.steps=5", "objectives.1.params.projection_dim=4", "encoder.dropout=0.0"])
    assert config.train.steps == 5 and config.encoder.dropout == 0.0
    assert config.objectives[1].params == {"projection_dim": 4}
    assert load_config(tiny_config()).train.steps == 12


@pytest.mark.parametrize(
    "assignment, message",
    [
        ("train.steps", "--set 'train.steps': expected KEY.PATH=VALUE"),
        ("trian.steps=5", "--set trian.steps: the config has no 'trian'"),
        ("objectives.7.weight=1", "--set objectives.7.weight: the config has no 'objectives.7'"),
        ("train.steps.x=1", "--set train.steps.x: 'train.steps' is a value, not a section"),
        ("train.stps=5", "train.stps"),
    ],
)
def test_set_refuses_paths_the_config_lacks(tiny_config, assignment, message):
    from graphssl.train.config import load_config

    with pytest.raises(ConfigError, match=re.escape(message)):
        load_config(tiny_config(), [assignment])


def test_pretrain_cli_set_reaches_the_run(tiny_config, tmp_path):
    from graphssl.cli import main

    assert main(["pretrain", str(tiny_config()), "--set", "train.steps=2", "--out", str(tmp_path / "run"), "--no-progress"]) == 0
    assert yaml.safe_load((tmp_path / "run" / "config.yaml").read_text())["train"]["steps"] == 2
