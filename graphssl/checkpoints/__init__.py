"""Checkpoints shipped inside the package, each with a model card: pretrained encoders and per-face segmenters.

A shipped checkpoint is a pair ``<name>.pt`` (at most 10 MB) next to
``<name>.json``, its model card, whose ``sha256`` is the hex digest of the
``.pt`` file. Two kinds ship:

- **encoders** (``"graphssl-encoder"`` files written by ``graphssl export``;
  card in :mod:`graphssl.train.export`), loaded by name with
  ``graphssl.load_pretrained(name)``;
- **segmenters** (``"graphssl-segmenter"`` files written by
  :func:`graphssl.brepmae.save_segmenter`; card with ``format``, ``task``,
  ``classes`` and ``input``), loaded by name with
  ``graphssl cad predict --model name`` or ``graphssl.cad.predict(paths, model=name)``.

Both are read offline with ``torch.load(weights_only=True)``, after the file's
sha256 is checked against the card. ``graphssl checkpoints`` lists them. This
module imports nothing heavy (no torch), so listing and name look-ups are cheap.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from graphssl.errors import CheckpointError

DIRECTORY = Path(__file__).resolve().parent
#: The format tag of a segmenter file and its card (:mod:`graphssl.brepmae.segmenter`).
SEGMENTER_FORMAT = "graphssl-segmenter"
ENCODER, SEGMENTER = "encoder", "segmenter"
_ARTICLE = {ENCODER: "an", SEGMENTER: "a"}


def card_kind(card: dict) -> str:
    """``"segmenter"`` for a segmenter's card, else ``"encoder"``.

    Segmenter cards written before the card carried ``format`` are told apart by
    their ``classes`` and ``task`` (an encoder card has neither).
    """
    if card.get("format") == SEGMENTER_FORMAT or ("classes" in card and "task" in card):
        return SEGMENTER
    return ENCODER


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

    @property
    def kind(self) -> str:
        """``"encoder"`` or ``"segmenter"`` (:func:`card_kind`)."""
        return card_kind(self.card)

    @property
    def sha256(self) -> str:
        """The file digest the card records (``""`` when it has none)."""
        return str(self.card.get("sha256", ""))


def shipped_checkpoints(directory: Path | None = None, kind: str | None = None) -> list[ShippedCheckpoint]:
    """Every ``<name>.pt`` in ``directory`` (default: :data:`DIRECTORY`) that has a ``<name>.json`` card, by name.

    Args:
        directory: the folder to look in (default ``None``: :data:`DIRECTORY`).
        kind: keep only ``"encoder"`` or ``"segmenter"`` files (default ``None``: both).
    """
    if kind not in (None, ENCODER, SEGMENTER):
        raise ValueError(f"kind: must be {ENCODER!r}, {SEGMENTER!r} or None, got {kind!r}")
    found = []
    for card_path in sorted(Path(directory or DIRECTORY).glob("*.json")):
        weights = card_path.with_suffix(".pt")
        if weights.is_file():
            try:
                card = json.loads(card_path.read_text())
            except json.JSONDecodeError as exc:
                raise CheckpointError(f"{card_path}: model card is not valid JSON ({exc.msg}, line {exc.lineno})") \
                    from None
            checkpoint = ShippedCheckpoint(card_path.stem, weights, card)
            if kind is None or checkpoint.kind == kind:
                found.append(checkpoint)
    return found


def shipped_names(directory: Path | None = None, kind: str | None = None) -> list[str]:
    """Names of the shipped checkpoints (of ``kind`` if given), sorted."""
    return [checkpoint.name for checkpoint in shipped_checkpoints(directory, kind)]


def shipped_checkpoint_path(name: str, directory: Path | None = None, kind: str | None = None) -> Path:
    """Path of shipped checkpoint ``name`` after verifying its sha256 against the card.

    Args:
        name: the checkpoint's name (its file stem).
        directory: the folder to look in (default ``None``: :data:`DIRECTORY`).
        kind: the kind the caller can load (default ``None``: any); a checkpoint
            of the other kind raises :class:`CheckpointError` saying what it is.
    """
    from graphssl.train.export import file_sha256

    for checkpoint in shipped_checkpoints(directory):
        if checkpoint.name == name:
            if kind is not None and checkpoint.kind != kind:
                others = ", ".join(shipped_names(directory, kind)) or "none"
                raise CheckpointError(f"{name}: the shipped checkpoint {checkpoint.path.name} is "
                                      f"{_ARTICLE[checkpoint.kind]} {checkpoint.kind}, not {_ARTICLE[kind]} {kind} "
                                      f"(shipped {kind}s: {others})")
            digest = file_sha256(checkpoint.path)
            if digest != checkpoint.sha256:
                raise CheckpointError(f"{checkpoint.path}: sha256 {digest[:12]}... does not match its model card")
            return checkpoint.path
    known = ", ".join(shipped_names(directory, kind)) or "none"
    raise CheckpointError(f"no shipped checkpoint named {name!r} (shipped: {known})")
