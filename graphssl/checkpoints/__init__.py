"""Checkpoints shipped inside the package, each with a model card.

A shipped checkpoint is a pair written by ``graphssl export``: ``<name>.pt``
(an encoder-only ``"graphssl-encoder"`` file, at most 10 MB) next to
``<name>.json``, its model card (see :mod:`graphssl.train.export`), whose
``sha256`` is the hex digest of the ``.pt`` file. They are loaded offline by
name with ``graphssl.load_pretrained(name)``, ``torch.load(weights_only=True)``
underneath; the sha256 is checked first. ``graphssl checkpoints`` lists them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from graphssl.errors import CheckpointError

DIRECTORY = Path(__file__).resolve().parent


@dataclass(frozen=True)
class ShippedCheckpoint:
    """One shipped ``<name>.pt`` with its card."""

    name: str
    path: Path
    card: dict

    @property
    def description(self) -> str:
        return str(self.card.get("description", ""))

    @property
    def size_mb(self) -> float:
        return self.path.stat().st_size / 1e6


def shipped_checkpoints(directory: Path | None = None) -> list[ShippedCheckpoint]:
    """Every ``<name>.pt`` in ``directory`` (default: :data:`DIRECTORY`) that has a ``<name>.json`` card, by name."""
    found = []
    for card_path in sorted(Path(directory or DIRECTORY).glob("*.json")):
        weights = card_path.with_suffix(".pt")
        if weights.is_file():
            found.append(ShippedCheckpoint(card_path.stem, weights, json.loads(card_path.read_text())))
    return found


def shipped_names(directory: Path | None = None) -> list[str]:
    """Names of the shipped checkpoints, sorted."""
    return [checkpoint.name for checkpoint in shipped_checkpoints(directory)]


def shipped_checkpoint_path(name: str, directory: Path | None = None) -> Path:
    """Path of shipped checkpoint ``name`` after verifying its sha256 against the card."""
    from graphssl.train.export import file_sha256

    for checkpoint in shipped_checkpoints(directory):
        if checkpoint.name == name:
            digest = file_sha256(checkpoint.path)
            if digest != checkpoint.card.get("sha256"):
                raise CheckpointError(f"{checkpoint.path}: sha256 {digest[:12]}... does not match its model card")
            return checkpoint.path
    known = ", ".join(shipped_names(directory)) or "none"
    raise CheckpointError(f"no shipped checkpoint named {name!r} (shipped: {known})")
