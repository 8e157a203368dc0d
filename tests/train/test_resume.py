"""A run killed and resumed ends with the same weights as an uninterrupted run (CPU)."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest
import torch

from graphssl.errors import CheckpointError, ConfigError
from graphssl.train import load_checkpoint, load_config, load_encoder, pretrain
from tests.conftest import REPO


def assert_same_weights(a, b):
    state_a, state_b = load_checkpoint(a)["model"], load_checkpoint(b)["model"]
    assert state_a.keys() == state_b.keys()
    for key in state_a:
        assert torch.equal(state_a[key], state_b[key]), key


def test_resume_in_process_matches_uninterrupted(tiny_config, tmp_path):
    config = load_config(tiny_config())
    full = pretrain(config, tmp_path / "full", progress=False)
    out = tmp_path / "partial"
    pretrain(config, out, progress=False, stop_after=7)
    assert load_checkpoint(out / "checkpoint.pt")["step"] == 7
    resumed = pretrain(config, out, resume=True, progress=False)
    assert_same_weights(full, resumed)
    steps = [json.loads(line)["step"] for line in (out / "metrics.jsonl").read_text().splitlines()]
    assert steps == [2, 4, 6, 8, 10, 12]


def test_killed_process_resumes_to_identical_weights(tiny_config, tmp_path):
    config_path = tiny_config(train={"steps": 240, "checkpoint_every": 5, "log_every": 40})
    reference = pretrain(load_config(config_path), tmp_path / "reference", progress=False)

    out = tmp_path / "killed"
    env = {**os.environ, "PYTHONPATH": str(REPO), "OMP_NUM_THREADS": "1"}
    process = subprocess.Popen([sys.executable, "-m", "graphssl", "pretrain", str(config_path), "--out", str(out), "--no-progress"],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    checkpoint = out / "checkpoint.pt"
    deadline = time.time() + 120
    while not checkpoint.exists() and process.poll() is None and time.time() < deadline:
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    killed_at = load_checkpoint(checkpoint)["step"]
    assert 0 < killed_at < 240, f"the run was not killed mid-way (checkpoint at step {killed_at})"

    from tests.conftest import run_cli
    run_cli("pretrain", str(config_path), "--out", str(out), "--resume", "--no-progress")
    assert_same_weights(reference, checkpoint)
    assert load_checkpoint(checkpoint)["finished"] is True


def test_checkpoint_contents_and_encoder_reload(tiny_config, tmp_path):
    path = pretrain(load_config(tiny_config()), tmp_path / "run", progress=False)
    payload = torch.load(path, weights_only=True)
    assert payload["format"] == "graphssl-checkpoint" and payload["graphssl_version"]
    assert payload["data_fingerprint"].startswith("sha256:")
    assert payload["config"]["encoder"]["node_categorical"] == [11]
    encoder = load_encoder(path)
    from graphssl.data.synthetic import SyntheticGraphs
    from torch_geometric.data import Batch
    node, graph = encoder(Batch.from_data_list(list(SyntheticGraphs(4, 5, 12, seed=1))))
    assert graph.shape == (4, 16)


@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty"])
def test_corrupt_checkpoint_raises_clear_error(tiny_config, tmp_path, damage):
    path = pretrain(load_config(tiny_config()), tmp_path / "run", progress=False)
    data = path.read_bytes()
    path.write_bytes({"truncate": data[: len(data) // 2], "garbage": b"not a checkpoint" * 10, "empty": b""}[damage])
    with pytest.raises(CheckpointError, match="truncated or corrupt"):
        load_checkpoint(path)


def test_resume_refuses_changed_config_and_existing_runs(tiny_config, tmp_path):
    out = tmp_path / "run"
    pretrain(load_config(tiny_config(train={"steps": 4})), out, progress=False)
    with pytest.raises(ConfigError, match="already holds a run"):
        pretrain(load_config(tiny_config(train={"steps": 4})), out, progress=False)
    with pytest.raises(CheckpointError, match="already finished"):
        pretrain(load_config(tiny_config(train={"steps": 4})), out, resume=True, progress=False)
    with pytest.raises(CheckpointError, match="config changed.*hidden_dim"):
        pretrain(load_config(tiny_config(encoder={"hidden_dim": 8}, train={"steps": 8})), out, resume=True, progress=False)
    with pytest.raises(CheckpointError, match="nothing to resume"):
        pretrain(load_config(tiny_config()), tmp_path / "fresh", resume=True, progress=False)


def test_loader_workers_do_not_change_the_result(tiny_config, tmp_path):
    in_process = pretrain(load_config(tiny_config()), tmp_path / "inline", progress=False)
    with_workers = pretrain(load_config(tiny_config(train={"num_workers": 1})), tmp_path / "workers", progress=False)
    assert_same_weights(in_process, with_workers)
