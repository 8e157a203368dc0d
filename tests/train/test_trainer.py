"""The trainer: hooks, generator, EMA target, rejects, device checks, DDP's unused-parameter probe."""

import csv
import math

import pytest
import torch
import yaml
from torch import nn

from graphssl.errors import ConfigError
from graphssl.train import Pretrainer, config_from_dict, load_checkpoint, load_config, pretrain
from graphssl.train.distributed import parameters_without_grad
from graphssl.train.model import build_pretrain_model
from tests.conftest import TINY_CONFIG

TOY = {"imports": ["tests.plugins.toy_plugin"], "encoder": {"name": "toy_embed", "hidden_dim": 4},
       "objectives": [{"name": "toy_degree"}]}


def toy_config(tmp_path, data=None, **train):
    """The tiny config with the plugin's encoder and objective (sections replaced, not merged)."""
    config = {**TINY_CONFIG, **TOY, "train": {**TINY_CONFIG["train"], **train}}
    if data is not None:
        config["data"] = data
    path = tmp_path / "toy.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def toy_objective(model):
    from tests.plugins.toy_plugin import ToyDegree

    return next(m for m in model.modules() if isinstance(m, ToyDegree))


def test_after_step_is_called_once_per_step_with_the_generator_seeded_from_the_config(tmp_path):
    trainer = Pretrainer(load_config(toy_config(tmp_path, steps=5, seed=7)), tmp_path / "run", progress=False)
    path = trainer.run()
    objective = toy_objective(trainer.model)
    assert objective.calls == [(1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]
    generators = objective.generators
    assert len(generators) == 5 and all(g is generators[0] for g in generators)
    assert generators[0].initial_seed() == 7 and generators[0].device.type == "cpu"
    assert torch.equal(load_checkpoint(path)["rng"][0]["generator"], generators[0].get_state())


def test_after_a_step_the_ema_target_moved_by_the_formula(tiny_config, tmp_path):
    config = load_config(tiny_config(objectives=[{"name": "jepa", "params": {"tau": 0.9, "predictor_hidden": 8}}],
                                     train={"steps": 4}))
    out = tmp_path / "run"
    before = load_checkpoint(pretrain(config, out, progress=False, stop_after=1))["model"]
    after = load_checkpoint(pretrain(config, out, resume=True, progress=False, stop_after=1))["model"]
    momentum = 1 - (1 - 0.9) * (math.cos(math.pi * 2 / 4) + 1) / 2  # BGRL schedule after step 2 of 4: 0.95
    online = {k[len("encoder."):]: v for k, v in after.items() if k.startswith("encoder.")}
    prefix = "objectives.target.encoder."
    targets = {k[len(prefix):]: k for k in after if k.startswith(prefix)}
    assert targets.keys() == online.keys()
    moved = 0
    for name, key in targets.items():
        if after[key].is_floating_point() and "running_" not in name:
            expected = momentum * before[key] + (1 - momentum) * online[name]
            torch.testing.assert_close(after[key], expected, rtol=1e-6, atol=1e-7)
            moved += not torch.equal(after[key], before[key])
        else:  # buffers are copied
            assert torch.equal(after[key], online[name]), name
    assert moved > 0


def test_rejected_items_are_counted_on_stderr_and_written_to_the_run(tmp_path, capsys):
    out = tmp_path / "run"
    config = toy_config(tmp_path, data={"name": "toy_rejecting", "params": {"num_items": 10}}, steps=2, batch_size=4)
    pretrain(load_config(config), out, progress=False)
    assert f"graphssl: toy_rejecting: 3 of 10 items rejected; reasons in {out / 'rejects.csv'}" in capsys.readouterr().err
    rows = list(csv.reader((out / "rejects.csv").open()))
    assert rows == [["source", "item", "reason"]] + [["toy.csv", f"row {i}", "unreadable on purpose"] for i in (2, 5, 8)]


def test_molecule_csv_with_bad_rows_reports_them(tmp_path, capsys):
    pytest.importorskip("rdkit")
    table = tmp_path / "mols.csv"
    smiles = ["CCO", "c1ccccc1", "C1CC", "CC(=O)O", "not a smiles", "CCN", "CCC", "C(", "CCCl", "OCCO"]
    table.write_text("smiles\n" + "\n".join(smiles) + "\n")
    config = config_from_dict({**TINY_CONFIG, "data": {"name": "molecule_csv", "params": {"path": str(table)}},
                               "objectives": [{"name": "graphmae"}], "train": {"steps": 1, "batch_size": 4, "device": "cpu"}})
    pretrain(config, tmp_path / "run", progress=False)
    assert "molecule_csv: 3 of 10 items rejected" in capsys.readouterr().err
    assert len(list(csv.reader((tmp_path / "run" / "rejects.csv").open()))) == 1 + 3


def test_cuda_without_cuda_is_a_config_error_before_any_data_is_read(tiny_config, tmp_path, monkeypatch):
    import graphssl.train.trainer as trainer

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(trainer, "prepare_data", lambda *a, **k: pytest.fail("data was prepared"))
    for device in ("cuda", "cuda:1"):
        with pytest.raises(ConfigError, match=f"^train.device: '{device}' but CUDA is not available; use cpu or auto$"):
            pretrain(load_config(tiny_config(train={"device": device})), tmp_path / "run", progress=False)


def test_unused_parameter_probe_finds_exactly_the_dead_ones_and_changes_nothing():
    from torch_geometric.data import Batch

    from graphssl.data.synthetic import SyntheticGraphs
    from graphssl.data.spec import infer_spec
    from graphssl.train.trainer import with_spec

    graphs = list(SyntheticGraphs(8, 5, 10, seed=0))
    spec = infer_spec(graphs)
    torch.manual_seed(0)
    model = build_pretrain_model(with_spec(config_from_dict(TINY_CONFIG), spec), spec)
    batch = Batch.from_data_list(graphs)
    assert parameters_without_grad(model, batch, torch.device("cpu")) == []
    model.objectives.add_module("dead_head", nn.Linear(3, 2))
    state, rng = {k: v.clone() for k, v in model.state_dict().items()}, torch.get_rng_state()
    dead = ["objectives.dead_head.weight", "objectives.dead_head.bias"]
    assert parameters_without_grad(model, batch, torch.device("cpu")) == dead
    assert torch.equal(torch.get_rng_state(), rng)
    assert all(torch.equal(model.state_dict()[k], v) for k, v in state.items())
    assert all(p.grad is None for p in model.parameters())


def test_a_mixture_trains_with_the_weighted_batch_order(tmp_path):
    from graphssl.data.mixture import MixtureBatchOrder
    from graphssl.data.prepare import prepare_data
    from graphssl.train.distributed import DistributedContext
    from graphssl.train.trainer import batch_order

    data = [{"name": "synthetic", "params": {"num_graphs": 24, "seed": 1}},
            {"name": "synthetic", "params": {"num_graphs": 8, "seed": 2}, "weight": 3.0}]
    config = config_from_dict({**TINY_CONFIG, "data": data})
    order = batch_order(prepare_data(config.data), 8, 0, DistributedContext())
    assert isinstance(order, MixtureBatchOrder) and order.counts == [8, 24]  # draws by weight, not by size
    path = pretrain(config, tmp_path / "run", progress=False)
    payload = load_checkpoint(path)
    assert payload["finished"] and [d["weight"] for d in payload["config"]["data"]] == [1.0, 3.0]
