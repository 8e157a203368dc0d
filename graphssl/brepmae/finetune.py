"""Fine-tuning and scoring a :class:`~graphssl.brepmae.segmenter.FaceSegmenter` on per-face labels.

The protocol of BRepMAE's label-efficiency study (Yao et al., arXiv
2602.22701): the encoder (pretrained, or freshly built with the same config for
the scratch baseline) plus a per-face head are trained end to end with
cross-entropy on the labelled parts; the epoch with the best validation
per-face accuracy is kept (the last one without validation parts; with
``val_every = k`` only every k-th epoch and the last are candidates); per-face
accuracy and mIoU are reported on the test parts
(:func:`graphssl.eval.metrics.mean_iou`).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Sequence

import torch
import torch.nn.functional as F
from torch_geometric.loader import DataLoader

from graphssl.brepmae.segmenter import FaceSegmenter
from graphssl.config import check_positive, check_range
from graphssl.eval.loading import make_loader
from graphssl.eval.metrics import mean_iou
from graphssl.eval.seeding import seeded_rng


@dataclass
class SegmentConfig:
    """Settings of :func:`train_segmenter`.

    Args:
        epochs: training epochs (default ``30``).
        batch_size: parts per batch (default ``16``).
        lr: AdamW learning rate of the head (default ``1e-3``).
        encoder_lr: learning rate of the encoder (default ``None``: ``lr``).
        weight_decay: AdamW weight decay (default ``0.0``).
        head_hidden: hidden width of a 2-layer head, ``0`` for linear (default ``0``).
        seed: seeds the head, shuffling and dropout (default ``0``).
        device: ``"cpu"`` (default) or ``"cuda"``.
        val_every: score the validation parts after every ``val_every``-th epoch and
            after the last (default ``1``: every epoch). With few labelled parts an
            epoch is a batch or two while a validation pass reads every validation
            part, so validating less often is what makes small fractions cheap.
    """

    epochs: int = 30
    batch_size: int = 16
    lr: float = 1e-3
    encoder_lr: float | None = None
    weight_decay: float = 0.0
    head_hidden: int = 0
    seed: int = 0
    device: str = "cpu"
    val_every: int = 1

    def __post_init__(self) -> None:
        check_positive("epochs", self.epochs)
        check_positive("batch_size", self.batch_size)
        check_positive("val_every", self.val_every)
        check_positive("lr", self.lr)
        if self.encoder_lr is not None:
            check_positive("encoder_lr", self.encoder_lr)
        check_range("weight_decay", self.weight_decay, low=0.0)


@torch.no_grad()
def predict_faces(segmenter: FaceSegmenter, graphs: Sequence, batch_size: int = 32,
                  device: str = "cpu") -> tuple[torch.Tensor, torch.Tensor]:
    """``(probabilities [F, C], true labels [F] or empty)`` over all faces of ``graphs``, in order."""
    segmenter.eval()
    probabilities, labels = [], []
    for batch in DataLoader(list(graphs), batch_size=batch_size):
        batch = batch.to(device)
        probabilities.append(segmenter(batch).float().softmax(dim=1).cpu())
        if getattr(batch, "y", None) is not None:
            labels.append(batch.y.cpu())
    return torch.cat(probabilities), torch.cat(labels) if labels else torch.empty(0, dtype=torch.long)


def score(segmenter: FaceSegmenter, graphs: Sequence, batch_size: int = 32, device: str = "cpu") -> dict[str, float]:
    """Per-face ``accuracy`` and ``miou`` of ``segmenter`` on labelled ``graphs``."""
    probabilities, labels = predict_faces(segmenter, graphs, batch_size, device)
    predicted = probabilities.argmax(dim=1)
    return {"accuracy": float((predicted == labels).float().mean()),
            "miou": mean_iou(labels, predicted, num_classes=segmenter.num_classes).miou}


def train_segmenter(encoder, train: Sequence, num_classes: int, config: SegmentConfig | None = None,
                    val: Sequence = ()) -> tuple[FaceSegmenter, list[dict[str, float]]]:
    """Fine-tune a copy of ``encoder`` with a new head on ``train``; returns ``(segmenter, history)``.

    ``history`` has one row per epoch (``epoch``, ``loss``, and ``val_accuracy``
    on the epochs that were validated). The caller's ``encoder`` and global RNG are untouched.
    """
    config = config or SegmentConfig()
    with seeded_rng(config.seed, config.device):
        segmenter = FaceSegmenter(copy.deepcopy(encoder), num_classes, config.head_hidden).to(config.device)
        groups = [{"params": segmenter.head.parameters(), "lr": config.lr},
                  {"params": segmenter.encoder.parameters(), "lr": config.encoder_lr or config.lr}]
        optimizer = torch.optim.AdamW(groups, weight_decay=config.weight_decay)
        loader = make_loader(list(train), config.batch_size, shuffle=True, seed=config.seed)
        history, best, best_state = [], -1.0, None
        for epoch in range(1, config.epochs + 1):
            segmenter.train()
            total, faces = 0.0, 0
            for batch in loader:
                batch = batch.to(config.device)
                loss = F.cross_entropy(segmenter(batch), batch.y)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                total, faces = total + loss.item() * batch.num_nodes, faces + batch.num_nodes
            row = {"epoch": epoch, "loss": total / max(faces, 1)}
            if len(val) and (epoch % config.val_every == 0 or epoch == config.epochs):
                row["val_accuracy"] = score(segmenter, val, device=config.device)["accuracy"]
                if row["val_accuracy"] > best:
                    best, best_state = row["val_accuracy"], copy.deepcopy(segmenter.state_dict())
            history.append(row)
        if best_state is not None:
            segmenter.load_state_dict(best_state)
    return segmenter.eval(), history
