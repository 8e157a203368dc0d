"""A small randomly initialised GFSE checkpoint in the exported-encoder format, written once per session."""

import pytest
import torch

from graphssl.gfse import GFSEConfig, GFSEEncoder
from graphssl.train.checkpoint import ENCODER_FORMAT, save_checkpoint

CONFIG = {
    "imports": ["graphssl.gfse"],
    "data": {"name": "gfse_synthetic", "params": {"num_graphs": 9}},
    "encoder": {"name": "gfse", "hidden_dim": 16, "num_layers": 2, "heads": 2, "rwse_k": 6, "rrwp_k": 4},
    "objectives": [{"name": "motif"}],
    "train": {"epochs": 1},
}


@pytest.fixture(scope="session")
def gfse_checkpoint(tmp_path_factory):
    torch.manual_seed(0)
    encoder = GFSEEncoder(GFSEConfig(hidden_dim=16, num_layers=2, heads=2, rwse_k=6, rrwp_k=4))
    path = tmp_path_factory.mktemp("gfse") / "tiny.pt"
    save_checkpoint(path, {"config": CONFIG, "spec": None, "encoder": encoder.state_dict()}, format=ENCODER_FORMAT)
    return path
