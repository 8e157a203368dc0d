"""Checkpoints: written atomically, read safely with ``torch.load(weights_only=True)``.

A checkpoint is a dict of tensors and plain values::

    format            "graphssl-checkpoint"
    format_version    1
    graphssl_version  package version that wrote it
    config            the full pretraining config (nested dict)
    data_fingerprint  "sha256:..." of the training graphs
    step, epoch, total_steps, finished
    model             state dict of encoder + objective heads ("encoder.*", "objectives.*")
    optimizer         AdamW state dict
    scaler            GradScaler state dict (fp16 AMP) or None
    rng               per-process torch RNG states

It is written to a temporary file in the same folder, flushed to disk, then
renamed over the target, so a run killed mid-write leaves the previous
checkpoint intact.
"""

from __future__ import annotations

import os
import pickle
import zipfile
from pathlib import Path
from typing import Any

import torch

from graphssl.errors import CheckpointError

FORMAT = "graphssl-checkpoint"
FORMAT_VERSION = 1


def save_checkpoint(path: str | Path, payload: dict[str, Any]) -> Path:
    """Atomically write ``payload`` (plus format tags) to ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with open(tmp, "wb") as handle:
            torch.save({"format": FORMAT, "format_version": FORMAT_VERSION, **payload}, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return path


def load_checkpoint(path: str | Path, map_location: str | torch.device = "cpu") -> dict[str, Any]:
    """Read a checkpoint with ``weights_only=True``; bad files raise :class:`CheckpointError`."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"{path}: checkpoint not found")
    try:
        payload = torch.load(path, map_location=map_location, weights_only=True)
    except (RuntimeError, EOFError, pickle.UnpicklingError, zipfile.BadZipFile, ValueError, OSError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise CheckpointError(f"{path}: not a readable checkpoint, truncated or corrupt ({reason})") from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise CheckpointError(f"{path}: not a graphssl checkpoint (no '{FORMAT}' format tag)")
    if payload.get("format_version", 0) > FORMAT_VERSION:
        raise CheckpointError(f"{path}: checkpoint format {payload['format_version']} is newer than this graphssl supports ({FORMAT_VERSION}); upgrade graphssl")
    return payload
