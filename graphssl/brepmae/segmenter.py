"""A per-face machining-feature classifier: an encoder plus a head, saved with its card and input settings.

Per-face segmentation as in BRepMAE's fine-tuning stage (Yao et al., arXiv
2602.22701; also AAGNet and UV-Net): every face embedding goes through a
linear (or two-layer) head to class logits, trained with cross-entropy.

A segmenter file (``format: graphssl-segmenter``, also in its card; the checkpoint container of
:mod:`graphssl.train.checkpoint`: read with ``torch.load(weights_only=True)``,
digest checked) holds ``card``, ``encoder_config`` (the encoder section with its
name), ``spec`` / ``spec_class``, ``encoder`` and ``head`` state dicts. The card
(also written beside it as ``NAME.json`` with the file's ``sha256``) carries
the class names and the input settings the model was trained on
(:func:`input_settings`), which :func:`graphssl.brepmae.predict` compares with
its extraction.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import torch
from torch import Tensor, nn

import graphssl
from graphssl.checkpoints import SEGMENTER_FORMAT
from graphssl.data.spec import GraphSpec
from graphssl.errors import CheckpointError, ConfigError

#: Extraction options that change what a model sees (the rest only change which files pass).
INPUT_OPTIONS = ("face_grid_size", "edge_grid_size", "face_grids", "edge_grids", "scale_to_unit_box",
                 "smooth_angle_deg")


class FaceSegmenter(nn.Module):
    """Encoder + per-face head.

    Args:
        encoder: any graphssl encoder (``encoder(batch) -> EncoderOutput``, ``out_dim``).
        num_classes: classes of the head.
        head_hidden: hidden width of a 2-layer head; ``0`` (default) is a linear head.

    Shapes:
        ``forward(batch)`` -> logits ``[N, num_classes]``.
    """

    def __init__(self, encoder: nn.Module, num_classes: int, head_hidden: int = 0) -> None:
        super().__init__()
        self.encoder, self.num_classes, self.head_hidden = encoder, int(num_classes), int(head_hidden)
        dim = int(encoder.out_dim)
        self.head = nn.Linear(dim, num_classes) if not head_hidden else nn.Sequential(
            nn.Linear(dim, head_hidden), nn.ReLU(), nn.Linear(head_hidden, num_classes))

    def forward(self, batch) -> Tensor:
        return self.head(self.encoder(batch).node)

    def __repr__(self) -> str:
        return f"FaceSegmenter(classes={self.num_classes}, head_hidden={self.head_hidden}, encoder={self.encoder!r})"


def input_settings(options, spec: GraphSpec) -> dict[str, Any]:
    """What a model's input depends on: the extraction settings of :data:`INPUT_OPTIONS` and the feature columns."""
    from graphssl.cad import EDGE_ATTRIBUTES, FACE_ATTRIBUTES
    from graphssl.cad.extract import extract_options

    settings = extract_options(options).settings()
    return {"extraction": {key: list(settings[key]) if isinstance(settings[key], tuple) else settings[key]
                           for key in INPUT_OPTIONS},
            "face_attributes": list(FACE_ATTRIBUTES), "edge_attributes": list(EDGE_ATTRIBUTES),
            "face_grid": list(spec.attributes["face_grid"].shape), "edge_grid": list(spec.attributes["edge_grid"].shape)}


def save_segmenter(path: str | Path, segmenter: FaceSegmenter, *, class_names: list[str], spec: GraphSpec,
                   options=None, description: str = "", training: dict[str, Any] | None = None) -> Path:
    """Write ``segmenter`` to ``path`` (``.pt``) and its card to ``path.json``; returns ``path``.

    Args:
        path: output ``.pt`` file.
        segmenter: the trained model.
        class_names: one name per class, in head order.
        spec: the training data's layout.
        options: the extraction options of the training data (default: the defaults).
        description: one line for the card (default ``""``).
        training: how it was trained (data, label fraction, epochs, seed, pretrained encoder...), for the card.
    """
    from graphssl.nn.registry import encoder_config_to_dict
    from graphssl.train.checkpoint import payload_digest, save_checkpoint, spec_entries
    from graphssl.train.export import compact, file_sha256

    path = Path(path)
    if path.suffix != ".pt":
        raise CheckpointError(f"{path}: a segmenter is a .pt file (its card goes beside it as .json)")
    if len(class_names) != segmenter.num_classes:
        raise ConfigError(f"class_names: {len(class_names)} names for a {segmenter.num_classes}-class head")
    encoder_state, head_state = compact(segmenter.encoder.state_dict()), compact(segmenter.head.state_dict())
    card = {"name": path.stem, "format": SEGMENTER_FORMAT, "description": description,
            "graphssl_version": graphssl.__version__,
            "task": "per-face classification", "classes": list(class_names), "head_hidden": segmenter.head_hidden,
            "input": input_settings(options, spec), "training": training or {},
            "weights_sha256": payload_digest({"encoder": encoder_state, "head": head_state}),
            "parameters": int(sum(p.numel() for p in segmenter.parameters()))}
    payload = {"card": card, "encoder_config": encoder_config_to_dict(segmenter.encoder.config),
               **spec_entries(spec), "encoder": encoder_state, "head": head_state}
    save_checkpoint(path, payload, format=SEGMENTER_FORMAT)
    path.with_suffix(".json").write_text(json.dumps({**card, "sha256": file_sha256(path)}, indent=2) + "\n")
    return path


def load_segmenter(path: str | Path, map_location: str | torch.device = "cpu") -> FaceSegmenter:
    """The segmenter stored at ``path``, in eval mode, with its card as ``.card``; CheckpointError naming the file."""
    from graphssl.nn.registry import build_encoder, encoder_config_from_dict
    from graphssl.train.checkpoint import load_checkpoint, spec_from_payload

    path = Path(path)
    payload = load_checkpoint(path, map_location=map_location, formats=(SEGMENTER_FORMAT,))
    card = payload["card"]
    try:
        encoder = build_encoder(encoder_config_from_dict(payload["encoder_config"]), spec_from_payload(payload, path))
    except ConfigError as exc:
        raise CheckpointError(f"{path}: its encoder does not build here ({exc})") from None
    segmenter = FaceSegmenter(encoder, len(card["classes"]), card.get("head_hidden", 0))
    for module, state, what in ((encoder, payload["encoder"], "encoder"), (segmenter.head, payload["head"], "head")):
        missing, unexpected = module.load_state_dict(state, strict=False)
        if missing or unexpected:
            raise CheckpointError(f"{path}: {what} weights do not match its config "
                                  f"(missing {list(missing)[:3]}, unexpected {list(unexpected)[:3]})")
    segmenter.card = card
    return segmenter.eval()
