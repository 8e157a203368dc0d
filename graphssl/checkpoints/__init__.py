"""Checkpoints shipped inside the package, each with a model card.

A shipped checkpoint is ``<name>.pt`` (a graphssl checkpoint, at most 10 MB)
next to ``<name>.json``, its model card::

    {"name": ..., "description": ..., "sha256": "<of the .pt>", "graphssl_version": ...,
     "data": ..., "budget": ..., "metrics": {...}}

They are loaded offline with ``torch.load(weights_only=True)``; the sha256 is
checked first.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from graphssl.errors import CheckpointError

DIRECTORY = Path(__file__).resolve().parent


@dataclass(frozen=True)
class ShippedCheckpoint:
    name: str
    path: Path
    card: dict

    @property
    def description(self) -> str:
        return str(self.card.get("description", ""))


def shipped_checkpoints(directory: Path = DIRECTORY) -> list[ShippedCheckpoint]:
    """Every ``<name>.pt`` in ``directory`` (default: this folder) that has a ``<name>.json`` card, by name."""
    found = []
    for card_path in sorted(directory.glob("*.json")):
        weights = card_path.with_suffix(".pt")
        if weights.is_file():
            found.append(ShippedCheckpoint(card_path.stem, weights, json.loads(card_path.read_text())))
    return found


def shipped_checkpoint_path(name: str, directory: Path = DIRECTORY) -> Path:
    """Path of shipped checkpoint ``name`` after verifying its sha256 against the card."""
    for checkpoint in shipped_checkpoints(directory):
        if checkpoint.name == name:
            digest = hashlib.sha256(checkpoint.path.read_bytes()).hexdigest()
            if digest != checkpoint.card.get("sha256"):
                raise CheckpointError(f"{checkpoint.path}: sha256 {digest[:12]}... does not match its model card")
            return checkpoint.path
    known = ", ".join(c.name for c in shipped_checkpoints(directory)) or "none"
    raise CheckpointError(f"no shipped checkpoint named {name!r} (shipped: {known})")
