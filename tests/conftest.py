"""Shared pytest fixtures and skip helpers.

Tests that need the read-only data in ``../shared/data`` skip with the path
they looked for when it is absent; CI has it.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

SHARED_DATA = Path(os.environ.get("GRAPHSSL_SHARED_DATA", Path(__file__).resolve().parents[1] / ".." / "shared" / "data")).resolve()


def load_script(name: str):
    """``scripts/NAME.py`` imported as a module (scripts are not a package)."""
    spec = importlib.util.spec_from_file_location(name, Path(__file__).resolve().parents[1] / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def shared_data(*parts: str) -> Path:
    """Path under ``../shared/data``; skips the calling test when it does not exist."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data not found: {path} (set GRAPHSSL_SHARED_DATA)")
    return path


def requires(module: str) -> pytest.MarkDecorator:
    """Skip unless ``module`` is importable (an optional extra)."""
    return pytest.mark.skipif(importlib.util.find_spec(module) is None, reason=f"needs {module}")


def pytest_collection_modifyitems(config, items):
    if os.environ.get("GRAPHSSL_SLOW"):
        return
    skip_slow = pytest.mark.skip(reason="slow test; set GRAPHSSL_SLOW=1 to run")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip_slow)


def pytest_configure(config):
    # Tiny test models run fastest single-threaded, and results are then
    # bit-identical to the subprocesses the tests start with OMP_NUM_THREADS=1.
    import torch

    torch.set_num_threads(1)

REPO = Path(__file__).resolve().parents[1]

TINY_CONFIG = {
    "data": {"name": "synthetic", "params": {"num_graphs": 48, "min_nodes": 5, "max_nodes": 12, "seed": 1}},
    "encoder": {"conv": "gine", "hidden_dim": 16, "num_layers": 2, "dropout": 0.1},
    "objectives": [
        {"name": "graphmae", "weight": 1.0},
        {"name": "graphcl", "weight": 0.5, "params": {"projection_dim": 8}},
        {"name": "bgrl", "weight": 0.5, "params": {"predictor_hidden": 8}},
    ],
    "optimizer": {"lr": 0.01, "warmup_steps": 3, "weight_decay": 0.01},
    "train": {"steps": 12, "batch_size": 8, "seed": 3, "device": "cpu", "log_every": 2, "checkpoint_every": 4},
}


@pytest.fixture
def tiny_config(tmp_path):
    """Write a tiny pretraining config (optionally overridden) and return its path."""

    def write(**overrides) -> Path:
        config = yaml.safe_load(yaml.safe_dump(TINY_CONFIG))
        for section, values in overrides.items():
            config[section].update(values) if isinstance(values, dict) else config.__setitem__(section, values)
        path = tmp_path / f"config-{len(list(tmp_path.glob('config-*')))}.yaml"
        path.write_text(yaml.safe_dump(config))
        return path

    return write


def run_cli(*args: str, check: bool = True, env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "PYTHONPATH": str(REPO), "OMP_NUM_THREADS": "1", **(env or {})}
    result = subprocess.run([sys.executable, "-m", "graphssl", *args], capture_output=True, text=True, env=full_env, cwd=REPO)
    if check and result.returncode != 0:
        raise AssertionError(f"graphssl {' '.join(args)} failed ({result.returncode}):\n{result.stderr[-3000:]}")
    return result
