"""The command line: version, listings, and one-line errors for user mistakes."""

import pytest

import graphssl
from graphssl.cli import main
from tests.conftest import run_cli


def test_version_from_the_installed_entry_point():
    assert run_cli("--version").stdout.strip() == f"graphssl {graphssl.__version__}"


def test_objectives_lists_at_least_five_with_docs(capsys):
    assert main(["objectives"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) >= 5
    names = {line.split()[0] for line in lines}
    assert {"attr_mask", "graphmae", "graphcl", "bgrl", "structure"} <= names
    assert all(len(line.split(maxsplit=1)) == 2 for line in lines)


def test_checkpoints_lists_shipped_or_says_none(capsys):
    assert main(["checkpoints"]) == 0
    out = capsys.readouterr().out
    from graphssl.checkpoints import shipped_checkpoints
    if shipped_checkpoints():
        assert all(c.name in out for c in shipped_checkpoints())
    else:
        assert "no checkpoints shipped" in out


@pytest.mark.parametrize("content,message", [
    (None, "config file not found"),
    ("objectives: [{name: graphmae\n", "invalid YAML"),
    ("encoder: {hiden_dim: 3}\nobjectives: [{name: graphmae}]\ntrain: {steps: 1}\n", "encoder.hiden_dim: unknown key (did you mean 'hidden_dim'?)"),
    ("objectives: [{name: grapmae}]\ntrain: {steps: 1}\ndata: {params: {num_graphs: 10}}\n", "unknown objective 'grapmae' (did you mean 'graphmae'"),
    ("objectives: [{name: graphmae}]\ntrain: {steps: 1}\ndata: {name: synthtic}\n", "unknown dataset 'synthtic' (did you mean 'synthetic'"),
    ("optimizer: {lr: -1}\nobjectives: [{name: graphmae}]\ntrain: {steps: 1}\n", "optimizer.lr: must be in (0, inf), got -1.0"),
    ("objectives: [{name: graphmae}, {name: graphcl, weight: -1}]\ntrain: {steps: 1}\n",
     "objectives[1].weight: must be in [0, inf), got -1.0"),
    ("imports: [no_such_plugin]\nobjectives: [{name: graphmae}]\ntrain: {steps: 1}\n", "imports[0]: cannot import 'no_such_plugin'"),
])
def test_user_errors_are_one_line(tmp_path, capsys, content, message):
    path = tmp_path / "config.yaml"
    if content is not None:
        path.write_text(content)
    assert main(["pretrain", str(path), "--out", str(tmp_path / "out")]) == 2
    stderr = capsys.readouterr().err
    assert message in stderr
    assert stderr.startswith("graphssl: error: ") and len(stderr.strip().splitlines()) == 1


def test_pretrain_prints_checkpoint_path(tiny_config, tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["pretrain", str(tiny_config(train={"steps": 2})), "--out", str(out), "--no-progress"]) == 0
    assert f"checkpoint: {out / 'checkpoint.pt'}" in capsys.readouterr().out
    assert (out / "checkpoint.pt").is_file() and (out / "metrics.jsonl").is_file() and (out / "config.yaml").is_file()


def test_shipped_checkpoint_lookup_verifies_sha256(tmp_path):
    import hashlib
    import json

    from graphssl.checkpoints import shipped_checkpoint_path, shipped_checkpoints
    from graphssl.errors import CheckpointError

    weights = tmp_path / "tiny.pt"
    weights.write_bytes(b"weights")
    card = {"name": "tiny", "description": "a test card", "sha256": hashlib.sha256(b"weights").hexdigest()}
    (tmp_path / "tiny.json").write_text(json.dumps(card))
    (tmp_path / "orphan.json").write_text("{}")
    assert [c.name for c in shipped_checkpoints(tmp_path)] == ["tiny"]
    assert shipped_checkpoint_path("tiny", tmp_path) == weights
    weights.write_bytes(b"tampered")
    with pytest.raises(CheckpointError, match="does not match its model card"):
        shipped_checkpoint_path("tiny", tmp_path)
    with pytest.raises(CheckpointError, match="no shipped checkpoint named 'other' \\(shipped: tiny\\)"):
        shipped_checkpoint_path("other", tmp_path)


def test_cuda_on_a_machine_without_it_is_one_line(tmp_path, capsys, monkeypatch):
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    path = tmp_path / "config.yaml"
    path.write_text("objectives: [{name: graphmae}]\ntrain: {steps: 1, device: cuda}\n")
    assert main(["pretrain", str(path), "--out", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err == "graphssl: error: train.device: 'cuda' but CUDA is not available; use cpu or auto\n"
    assert not (tmp_path / "out").exists()


def test_allow_world_size_change_needs_resume(tiny_config, tmp_path, capsys):
    assert main(["pretrain", str(tiny_config()), "--out", str(tmp_path / "run"), "--allow-world-size-change"]) == 2
    assert capsys.readouterr().err == "graphssl: error: --allow-world-size-change only applies with --resume\n"


def test_export_of_a_folder_without_a_run_is_one_line(tmp_path, capsys):
    assert main(["export", str(tmp_path), "--out", str(tmp_path / "model.pt")]) == 2
    assert capsys.readouterr().err == f"graphssl: error: {tmp_path}: not a run folder (no checkpoint.pt in it)\n"
