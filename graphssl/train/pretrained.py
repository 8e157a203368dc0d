"""Loading a pretrained encoder back from a checkpoint."""

from __future__ import annotations

from pathlib import Path

import torch

from graphssl.config import from_dict
from graphssl.errors import CheckpointError
from graphssl.nn.config import EncoderConfig
from graphssl.nn.encoder import GraphEncoder
from graphssl.train.checkpoint import load_checkpoint


def load_encoder(path: str | Path, map_location: str | torch.device = "cpu") -> GraphEncoder:
    """The :class:`GraphEncoder` stored in a pretraining checkpoint, weights loaded, in eval mode."""
    payload = load_checkpoint(path, map_location=map_location)
    try:
        config = from_dict(EncoderConfig, payload["config"]["encoder"])
    except KeyError:
        raise CheckpointError(f"{path}: checkpoint has no encoder config") from None
    encoder = GraphEncoder(config)
    prefix = "encoder."
    state = {k[len(prefix):]: v for k, v in payload["model"].items() if k.startswith(prefix)}
    missing, unexpected = encoder.load_state_dict(state, strict=False)
    if missing or unexpected:
        raise CheckpointError(f"{path}: encoder weights do not match its config (missing {missing[:3]}, unexpected {unexpected[:3]})")
    return encoder.eval()
