"""Downstream task definitions: what is predicted, its loss and its metrics.

An :class:`EvalTask` tells the fine-tune and linear-probe runners how to read
targets from a batch, which loss to train with and which metric selects the
model. Three kinds cover the benchmarks of the later issues:

- ``"binary"``: multi-task binary classification with NaN for missing labels
  (MoleculeNet / OGB-mol), masked BCE on logits, selected by ROC-AUC as in
  Hu et al., "Strategies for Pre-training Graph Neural Networks" (ICLR 2020);
- ``"multiclass"``: one label per graph or per node (TU datasets, B-rep faces),
  cross-entropy, selected by accuracy; negative labels are missing;
- ``"regression"``: real targets with NaN for missing, masked MSE or L1,
  selected by MAE (or RMSE).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor

from graphssl.eval.metrics import accuracy, mae, mean_iou, multitask_roc_auc, rmse

KINDS = ("binary", "multiclass", "regression")
LEVELS = ("graph", "node")
_DEFAULT_METRIC = {"binary": "roc_auc", "multiclass": "accuracy", "regression": "mae"}
_LOWER_IS_BETTER = {"mae", "rmse"}


@dataclass
class EvalTask:
    """A downstream prediction task.

    Args:
        kind: ``"binary"``, ``"multiclass"`` or ``"regression"``.
        num_outputs: number of tasks (binary, regression) or classes (multiclass).
        level: ``"graph"`` (default) or ``"node"``.
        target: name of the batch attribute holding targets (default ``"y"``).
        metric: metric that selects the model (default ``roc_auc`` for binary,
            ``accuracy`` for multiclass, ``mae`` for regression; also ``rmse``,
            and ``miou`` for node-level multiclass).
        regression_loss: ``"mse"`` (default) or ``"l1"``.

    Shapes:
        targets: binary/regression ``[rows, num_outputs]`` float with NaN for
        missing (stored per graph as ``[1, T]`` or ``[T]``, per node as
        ``[N, T]`` or ``[N]``); multiclass ``[rows]`` int64, negative = missing.
        ``rows`` is the number of graphs (graph level) or nodes (node level).
    """

    kind: str
    num_outputs: int
    level: str = "graph"
    target: str = "y"
    metric: str | None = None
    regression_loss: str = "mse"

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"task kind must be one of {', '.join(KINDS)}, got {self.kind!r}")
        if self.level not in LEVELS:
            raise ValueError(f"task level must be one of {', '.join(LEVELS)}, got {self.level!r}")
        if self.num_outputs < 1 or (self.kind == "multiclass" and self.num_outputs < 2):
            raise ValueError(f"task num_outputs must be >= 1 (>= 2 classes for multiclass), got {self.num_outputs}")
        if self.metric is None:
            self.metric = _DEFAULT_METRIC[self.kind]
        allowed = {"binary": ("roc_auc",), "multiclass": ("accuracy", "miou"), "regression": ("mae", "rmse")}[self.kind]
        if self.metric not in allowed:
            raise ValueError(f"metric {self.metric!r} does not fit a {self.kind} task; choose one of {', '.join(allowed)}")
        if self.regression_loss not in ("mse", "l1"):
            raise ValueError(f"regression_loss must be 'mse' or 'l1', got {self.regression_loss!r}")

    @property
    def higher_is_better(self) -> bool:
        return self.metric not in _LOWER_IS_BETTER

    def targets_of(self, batch, num_rows: int) -> Tensor:
        """Targets of ``batch`` in the shape above; ``num_rows`` graphs or nodes."""
        y = getattr(batch, self.target, None)
        if y is None:
            raise ValueError(f"batch has no target attribute {self.target!r}")
        if self.kind == "multiclass":
            y = y.reshape(-1).long()
            if y.numel() != num_rows:
                raise ValueError(f"expected {num_rows} {self.level} labels in {self.target!r}, got {y.numel()}")
            return y
        y = y.reshape(num_rows, -1).float() if y.numel() else y.new_zeros(num_rows, self.num_outputs).float()
        if y.shape[1] != self.num_outputs:
            raise ValueError(f"expected {self.num_outputs} targets per {self.level} in {self.target!r}, got {y.shape[1]}")
        return y

    def loss(self, pred: Tensor, target: Tensor) -> Tensor:
        """Mean loss over labelled entries (0 with gradient when none is labelled).

        Shapes:
            pred: ``[rows, num_outputs]`` logits or values; target as in :meth:`targets_of`.
        """
        if self.kind == "multiclass":
            labelled = target >= 0
            if not labelled.any():
                return pred.sum() * 0.0
            return F.cross_entropy(pred[labelled], target[labelled])
        labelled = ~torch.isnan(target)
        if not labelled.any():
            return pred.sum() * 0.0
        pred, target = pred[labelled], target[labelled]
        if self.kind == "binary":
            return F.binary_cross_entropy_with_logits(pred, target)
        return F.mse_loss(pred, target) if self.regression_loss == "mse" else F.l1_loss(pred, target)

    def evaluate(self, pred: Tensor, target: Tensor) -> dict[str, float]:
        """All metrics of this kind, as python floats.

        binary: ``roc_auc`` (mean over valid tasks) and ``roc_auc_skipped``
        (tasks with one class only); multiclass: ``accuracy``, and ``miou`` at
        node level; regression: ``mae`` and ``rmse``. Empty input gives NaN.
        """
        if self.kind == "binary":
            result = multitask_roc_auc(target, pred)
            return {"roc_auc": result.mean, "roc_auc_skipped": float(len(result.skipped))}
        if self.kind == "regression":
            return {"mae": mae(target, pred), "rmse": rmse(target, pred)}
        labelled = target >= 0
        metrics = {"accuracy": accuracy(target[labelled], pred[labelled])}
        if self.level == "node":
            metrics["miou"] = mean_iou(target[labelled], pred[labelled], num_classes=self.num_outputs).miou
        return metrics

    def is_better(self, value: float, best: float | None) -> bool:
        """Whether selection metric ``value`` beats ``best`` (a NaN value never does; anything finite beats a NaN best)."""
        if value != value:
            return False
        if best is None or best != best:
            return True
        return value > best if self.higher_is_better else value < best
