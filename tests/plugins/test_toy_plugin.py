"""Done-when test of issue 12: a plugin's encoder and objective train, export and reload through the CLI.

Nothing in graphssl names the plugin; the config lists it under ``imports:``.
"""

import pytest
import torch
import yaml
from torch_geometric.data import Batch

from graphssl.cli import main
from graphssl.data.synthetic import SyntheticGraphs
from graphssl.train import load_checkpoint, load_encoder, load_pretrained
from tests.conftest import REPO, run_cli

CONFIG = {
    "imports": ["tests.plugins.toy_plugin"],
    "data": {"name": "synthetic", "params": {"num_graphs": 24, "min_nodes": 4, "max_nodes": 9, "seed": 0}},
    "encoder": {"name": "toy_embed", "hidden_dim": 6},
    "objectives": [{"name": "toy_degree"}],
    "optimizer": {"lr": 0.05},
    "train": {"steps": 6, "batch_size": 8, "device": "cpu", "log_every": 3, "checkpoint_every": 3},
}


def test_plugin_trains_exports_and_reloads_through_the_cli(tmp_path, capsys):
    from tests.plugins.toy_plugin import ToyEncoder

    config = tmp_path / "plugin.yaml"
    config.write_text(yaml.safe_dump(CONFIG))
    run, model = tmp_path / "run", tmp_path / "toy.pt"
    # A fresh process knows the plugin only from the config's imports: list.
    run_cli("pretrain", str(config), "--out", str(run), "--no-progress")
    assert main(["export", str(run), "--out", str(model)]) == 0
    assert f"encoder: {model}" in capsys.readouterr().out and model.with_suffix(".json").is_file()

    checkpoint = load_checkpoint(run / "checkpoint.pt")
    assert checkpoint["config"]["imports"] == ["tests.plugins.toy_plugin"] and checkpoint["finished"]
    encoder = load_encoder(model)
    assert isinstance(encoder, ToyEncoder) and encoder.config.node_categorical == checkpoint["spec"]["node_categorical"]
    trained = {k[len("encoder."):]: v for k, v in checkpoint["model"].items() if k.startswith("encoder.")}
    assert all(torch.equal(encoder.state_dict()[k], v) for k, v in trained.items())
    graphs = list(SyntheticGraphs(3, 4, 9, seed=5))
    with torch.no_grad():
        expected = encoder(Batch.from_data_list(graphs)).graph
        torch.testing.assert_close(load_pretrained(run)(graphs).graph, expected, rtol=0, atol=0)
        torch.testing.assert_close(load_pretrained(model)(graphs).graph, expected, rtol=0, atol=0)
    assert load_pretrained(model).card["encoder"]["name"] == "toy_embed"


@pytest.mark.parametrize("name", ["toy_embed", "toy_degree", "toy_plugin"])
def test_graphssl_itself_never_names_the_plugin(name):
    assert not [p for p in (REPO / "graphssl").rglob("*.py") if name in p.read_text()]
