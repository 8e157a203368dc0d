"""Exporting a trained encoder: weights only, with a model card inside and beside the file.

``graphssl export RUN_DIR --out model.pt`` (or :func:`export_encoder`) writes

- ``model.pt``: a ``"graphssl-encoder"`` file (same container and digest as
  checkpoints, read with ``torch.load(weights_only=True)``) holding ``card``,
  ``config``, ``spec`` and ``spec_class``, ``encoder`` (the encoder's state dict in float32) and,
  with ``with_heads=True``, ``heads`` (the objectives' heads; never the EMA
  target ``objectives.target.*``). No optimizer, no RNG state.
- ``model.json``: the same card plus ``sha256``, the hex digest of
  ``model.pt``'s bytes (what ``sha256sum model.pt`` prints); a shipped
  checkpoint is such a pair (see :mod:`graphssl.checkpoints`).

The model card::

    name, description          the file's stem; a free-text line (--description)
    graphssl_version           the version that trained it; exported_with: the one that exported it
    encoder                    {"name", "out_dim", "parameters"}
    config                     the full pretraining config
    transforms                 [{"source", "name", "params", "repr"}]: what load_pretrained applies
    weights_sha256             payload_digest of the encoder state dict ("sha256:...")
    data                       {"datasets": [names], "fingerprint": "sha256:..."}
    budget                     {"steps", "total_steps", "epochs", "graphs_seen", "wall_time_s",
                                "world_size", "hardware": {cpu, cpu_cores, gpu, torch, ...}}
    heads                      whether the heads are included
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import torch

import graphssl
from graphssl.errors import CheckpointError
from graphssl.train.budget import TrainingBudget
from graphssl.train.checkpoint import ENCODER_FORMAT, FORMAT, load_checkpoint, payload_digest, save_checkpoint

ENCODER_PREFIX = "encoder."
HEADS_PREFIX = "objectives."
#: The shared EMA target encoder: a training-time copy, never exported.
TARGET_PREFIX = "objectives.target."


def compact(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Each tensor as its own float32 (floating) or unchanged-dtype copy, so views do not drag whole storages along."""
    return {key: (value.detach().float() if value.is_floating_point() else value.detach()).cpu().clone()
            for key, value in state.items()}


def split_state(model_state: dict[str, torch.Tensor]) -> tuple[dict[str, torch.Tensor], dict[str, torch.Tensor]]:
    """A training checkpoint's model state as ``(encoder weights, heads without the EMA target)``."""
    encoder = {k[len(ENCODER_PREFIX):]: v for k, v in model_state.items() if k.startswith(ENCODER_PREFIX)}
    heads = {k: v for k, v in model_state.items() if k.startswith(HEADS_PREFIX) and not k.startswith(TARGET_PREFIX)}
    return encoder, heads


def data_sections(config: dict[str, Any]) -> list[dict[str, Any]]:
    """A stored config's data section as a list (one entry unless the run was on a mixture)."""
    return config["data"] if isinstance(config["data"], list) else [config["data"]]


def transform_entries(config: dict[str, Any]) -> list[dict[str, Any]]:
    """Every dataset's transforms with their reprs, as a model card lists them."""
    from graphssl.data.registry import build_transform

    sections = data_sections(config)
    entries = []
    for source, section in enumerate(sections):
        for transform in section.get("transforms", []):
            built = build_transform(transform["name"], transform.get("params", {}))
            entries.append({"source": source, "name": transform["name"], "params": transform.get("params", {}),
                            "repr": repr(built)})
    return entries


def model_card(payload: dict[str, Any], encoder_state: dict[str, torch.Tensor], *, name: str, description: str = "",
               out_dim: int | None = None, heads: bool = False) -> dict[str, Any]:
    """The model card of a training checkpoint's ``payload`` (see the module docstring)."""
    config = payload["config"]
    budget = TrainingBudget.from_dict(payload.get("budget"))
    sections = data_sections(config)
    parameters = sum(v.numel() for k, v in encoder_state.items() if v.is_floating_point() and "running_" not in k)
    return {
        "name": name,
        "description": description,
        "graphssl_version": payload.get("graphssl_version"),
        "exported_with": graphssl.__version__,
        "encoder": {"name": config["encoder"].get("name", "gnn"), "out_dim": out_dim, "parameters": int(parameters)},
        "config": config,
        "transforms": transform_entries(config),
        "weights_sha256": payload_digest(encoder_state),
        "data": {"datasets": [section.get("name") for section in sections], "fingerprint": payload.get("data_fingerprint")},
        "budget": {"steps": int(payload["step"]), "total_steps": int(payload["total_steps"]), "epochs": budget.epochs,
                   "graphs_seen": budget.graphs_seen, "wall_time_s": round(budget.wall_time_s, 3),
                   "world_size": int(payload.get("world_size", 1)), "hardware": budget.hardware},
        "heads": heads,
    }


def file_sha256(path: str | Path) -> str:
    """Hex sha256 of a file's bytes (what ``sha256sum`` prints)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def export_encoder(source: str | Path, out: str | Path, *, with_heads: bool = False, description: str = "") -> Path:
    """Write the encoder of a run folder or training checkpoint ``source`` to ``out``, card beside it as ``.json``.

    Returns ``out``. See the module docstring for what the file holds.
    """
    from graphssl.train.pretrained import build_saved_encoder, checkpoint_file

    path = checkpoint_file(source)
    payload = load_checkpoint(path, formats=(FORMAT,))
    encoder_state, heads = split_state(payload["model"])
    encoder_state = compact(encoder_state)
    encoder = build_saved_encoder(payload, encoder_state, path)
    out = Path(out)
    if out.suffix != ".pt":
        raise CheckpointError(f"--out {out}: an exported encoder is a .pt file (its card goes beside it as .json)")
    card = model_card(payload, encoder_state, name=out.stem, description=description,
                      out_dim=int(getattr(encoder, "out_dim", 0)) or None, heads=with_heads)
    exported = {"card": card, "config": payload["config"], "spec": payload.get("spec"),
                "spec_class": payload.get("spec_class"), "encoder": encoder_state}
    if with_heads:
        exported["heads"] = compact(heads)
    save_checkpoint(out, exported, format=ENCODER_FORMAT)
    out.with_suffix(".json").write_text(json.dumps({**card, "sha256": file_sha256(out)}, indent=2) + "\n")
    return out
