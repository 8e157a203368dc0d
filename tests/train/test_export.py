"""Export: an encoder-only file with its model card; loading it back, raw graphs in, by path or shipped name."""

import hashlib
import json
import os
import subprocess
import sys

import pytest
import torch
from torch_geometric.data import Batch

import graphssl
from graphssl.cli import main
from graphssl.data.registry import build_transform
from graphssl.data.synthetic import SyntheticGraphs
from graphssl.errors import CheckpointError
from graphssl.train import export_encoder, load_checkpoint, load_config, load_encoder, load_pretrained, pretrain
from graphssl.train.checkpoint import ENCODER_FORMAT, payload_digest
from tests.conftest import REPO

RAW = lambda: list(SyntheticGraphs(5, 5, 12, seed=2))  # noqa: E731


@pytest.fixture
def run_dir(tiny_config, tmp_path):
    out = tmp_path / "run"
    pretrain(load_config(tiny_config()), out, progress=False)
    return out


def test_export_holds_the_encoder_and_its_card_only(run_dir, tmp_path):
    out = export_encoder(run_dir, tmp_path / "model.pt")
    exported, checkpoint = load_checkpoint(out, formats=(ENCODER_FORMAT,)), load_checkpoint(run_dir / "checkpoint.pt")
    assert set(exported) == {"format", "format_version", "card", "config", "spec", "spec_class", "encoder"}
    encoder_state = {k[len("encoder."):]: v for k, v in checkpoint["model"].items() if k.startswith("encoder.")}
    assert exported["encoder"].keys() == encoder_state.keys()
    assert all(torch.equal(exported["encoder"][k], v) for k, v in encoder_state.items())
    assert all(v.dtype == torch.float32 for v in exported["encoder"].values() if v.is_floating_point())
    assert any(k.startswith("objectives.target.") for k in checkpoint["model"])  # bgrl's EMA target: left out

    card = exported["card"]
    beside = json.loads(out.with_suffix(".json").read_text())
    assert beside.pop("sha256") == hashlib.sha256(out.read_bytes()).hexdigest()
    assert beside == json.loads(json.dumps(card))
    assert card["weights_sha256"] == payload_digest(exported["encoder"])
    assert card["config"] == checkpoint["config"] and card["graphssl_version"] == graphssl.__version__
    assert card["data"] == {"datasets": ["synthetic"], "fingerprint": checkpoint["data_fingerprint"]}
    budget = card["budget"]
    assert (budget["steps"], budget["total_steps"], budget["epochs"], budget["graphs_seen"]) == (12, 12, 2.0, 96)
    assert budget["wall_time_s"] > 0 and budget["world_size"] == 1
    assert budget["hardware"]["cpu_cores"] == os.cpu_count() and budget["hardware"]["torch"] == torch.__version__
    assert card["encoder"]["name"] == "gnn" and card["encoder"]["out_dim"] == 16 and card["heads"] is False


def test_with_heads_keeps_the_heads_but_not_the_ema_target(run_dir, tmp_path):
    exported = load_checkpoint(export_encoder(run_dir, tmp_path / "heads.pt", with_heads=True), formats=(ENCODER_FORMAT,))
    model = load_checkpoint(run_dir / "checkpoint.pt")["model"]
    expected = {k for k in model if k.startswith("objectives.") and not k.startswith("objectives.target.")}
    assert set(exported["heads"]) == expected and expected
    assert exported["card"]["heads"] is True


def test_exported_file_loads_to_the_same_encoder(run_dir, tmp_path):
    out = export_encoder(run_dir, tmp_path / "model.pt")
    batch = Batch.from_data_list(RAW())
    with torch.no_grad():
        torch.testing.assert_close(load_encoder(out)(batch).graph, load_encoder(run_dir)(batch).graph, rtol=0, atol=0)


def test_a_5x300_gine_encoder_exports_under_10_mb(tiny_config, tmp_path):
    config = load_config(tiny_config(encoder={"hidden_dim": 300, "num_layers": 5}, objectives=[{"name": "graphmae"}],
                                     data={"params": {"num_graphs": 8, "min_nodes": 5, "max_nodes": 8, "seed": 1}},
                                     train={"steps": 1}))
    out = export_encoder(pretrain(config, tmp_path / "run", progress=False), tmp_path / "model.pt")
    weights = sum(v.numel() * v.element_size() for v in load_checkpoint(out, formats=(ENCODER_FORMAT,))["encoder"].values())
    assert weights > 3.5e6  # five 300-wide GINE layers really are in the file
    assert out.stat().st_size < 10e6 and out.stat().st_size < weights + 100_000


def test_load_pretrained_applies_the_training_transforms(tiny_config, tmp_path):
    config = load_config(tiny_config(data={"transforms": [{"name": "pse", "params": {"kinds": "rwse:6"}}]},
                                     encoder={"pse": {"inputs": {"rwse": 6}, "dim": 4}}, train={"steps": 2}))
    run = tmp_path / "run"
    pretrain(config, run, progress=False)
    raw = RAW()
    model = load_pretrained(run)
    transform = build_transform("pse", {"kinds": "rwse:6"})
    manual = Batch.from_data_list([transform(graph.clone()) for graph in raw])
    with torch.no_grad():
        torch.testing.assert_close(model(raw).graph, load_encoder(run)(manual).graph)
        torch.testing.assert_close(model(Batch.from_data_list(raw)).node, load_encoder(run)(manual).node)
    assert all("rwse" not in graph for graph in raw)
    assert model.card["transforms"] == [{"source": 0, "name": "pse", "params": {"kinds": "rwse:6"}, "repr": repr(transform)}]
    exported = load_pretrained(export_encoder(run, tmp_path / "model.pt"))
    with torch.no_grad():
        torch.testing.assert_close(exported(raw).graph, model(raw).graph)


def test_shipped_checkpoints_load_by_name_and_list_their_cards(run_dir, tmp_path, monkeypatch, capsys):
    import graphssl.checkpoints as shipped

    folder = tmp_path / "shipped"
    export_encoder(run_dir, folder / "tiny_demo.pt", description="a tiny test encoder")
    monkeypatch.setattr(shipped, "DIRECTORY", folder)
    assert load_pretrained("tiny_demo").card["description"] == "a tiny test encoder"
    unknown = "no such file or run folder, and no shipped checkpoint of that name \\(shipped: tiny_demo\\)"
    with pytest.raises(CheckpointError, match=unknown):
        load_encoder("tiny_dmo")
    assert main(["checkpoints"]) == 0
    lines = capsys.readouterr().out.splitlines()
    size = (folder / "tiny_demo.pt").stat().st_size / 1e6
    assert lines[0] == f"tiny_demo  {size:.2f} MB  a tiny test encoder"
    assert lines[1].startswith("    data:   synthetic (sha256:")
    assert lines[2].startswith("    budget: 12 steps, 2.00 epochs, 96 graphs, ")


def test_export_refuses_what_it_cannot_write_or_read(run_dir, tmp_path):
    with pytest.raises(CheckpointError, match="an exported encoder is a .pt file"):
        export_encoder(run_dir, tmp_path / "model.bin")
    with pytest.raises(CheckpointError, match="not a run folder"):
        export_encoder(tmp_path, tmp_path / "model.pt")
    exported = export_encoder(run_dir, tmp_path / "model.pt")
    with pytest.raises(CheckpointError, match="not a graphssl-checkpoint file \\(format 'graphssl-encoder'\\)"):
        export_encoder(exported, tmp_path / "again.pt")


def test_import_graphssl_stays_light_and_load_pretrained_is_lazy():
    code = ("import sys, graphssl; assert 'graphssl.train' not in sys.modules and 'torch' not in sys.modules; "
            "f = graphssl.load_pretrained; assert 'graphssl.train.pretrained' in sys.modules and callable(f)")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
