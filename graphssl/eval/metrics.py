"""Evaluation metrics: multi-task ROC-AUC with missing labels, accuracy, MAE/RMSE, mIoU.

ROC-AUC follows the protocol of the OGB evaluator (Hu et al., "Open Graph
Benchmark: Datasets for Machine Learning on Graphs", NeurIPS 2020): NaN labels
are missing and ignored, a task whose labelled examples are all of one class is
skipped and reported, and the score is the mean over the remaining tasks.
mIoU is the per-class intersection over union used for machining-feature
segmentation (Colligan et al., "Hierarchical CADNet", CAD 2022), averaged over
the classes that occur in the target or the prediction.

Every function takes numpy arrays or torch tensors and returns python floats
(or small dataclasses of them).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.stats import rankdata


def to_numpy(values) -> np.ndarray:
    """A numpy copy of a tensor, array or sequence (tensors are detached and moved to CPU)."""
    if hasattr(values, "detach"):
        values = values.detach().cpu()
        # numpy has no bfloat16; half precision is widened for exact sums.
        if values.is_floating_point():
            values = values.double()
        return values.numpy()
    return np.asarray(values)


def _as_2d(values: np.ndarray, name: str) -> np.ndarray:
    if values.ndim == 1:
        return values[:, None]
    if values.ndim != 2:
        raise ValueError(f"{name} must have shape [N] or [N, T], got {values.shape}")
    return values


def binary_roc_auc(y_true, y_score) -> float:
    """ROC-AUC of one binary task (the Mann-Whitney U statistic, ties counted half).

    Args:
        y_true: labels in {0, 1}, shape ``[N]``.
        y_score: scores or logits, shape ``[N]`` (any monotone transform gives the same AUC).

    Raises ``ValueError`` unless both classes occur.
    """
    y_true = to_numpy(y_true).astype(np.float64).ravel()
    y_score = to_numpy(y_score).astype(np.float64).ravel()
    if y_true.shape != y_score.shape:
        raise ValueError(f"y_true and y_score differ in length: {y_true.shape[0]} vs {y_score.shape[0]}")
    positive = y_true == 1
    n_pos, n_neg = int(positive.sum()), int((y_true == 0).sum())
    if n_pos + n_neg != y_true.size:
        raise ValueError("binary_roc_auc: labels must be 0 or 1")
    if n_pos == 0 or n_neg == 0:
        raise ValueError("binary_roc_auc: both classes must be present")
    ranks = rankdata(y_score)  # average ranks give ties half credit
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


@dataclass
class MultiTaskROCAUC:
    """Result of :func:`multitask_roc_auc`.

    Attributes:
        mean: mean AUC over the valid tasks (NaN when no task is valid).
        per_task: AUC of each task, NaN for skipped tasks; length ``T``.
        skipped: indices of tasks skipped because their labelled examples
            hold a single class (or none).
    """

    mean: float
    per_task: list[float] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)

    @property
    def num_valid(self) -> int:
        return len(self.per_task) - len(self.skipped)


def multitask_roc_auc(y_true, y_score) -> MultiTaskROCAUC:
    """Mean ROC-AUC over binary tasks with missing labels (OGB protocol).

    Args:
        y_true: labels in {0, 1} with NaN for missing, shape ``[N, T]`` or ``[N]``.
        y_score: scores or logits, same shape.

    Tasks whose labelled entries contain only one class are skipped and listed
    in ``skipped``; the mean is over the others. Unlike OGB's evaluator, no
    valid task gives ``mean = NaN`` instead of an exception, so a tiny
    validation split cannot abort a fine-tuning run.
    """
    y_true = _as_2d(to_numpy(y_true).astype(np.float64), "y_true")
    y_score = _as_2d(to_numpy(y_score).astype(np.float64), "y_score")
    if y_true.shape != y_score.shape:
        raise ValueError(f"y_true and y_score differ in shape: {y_true.shape} vs {y_score.shape}")
    per_task: list[float] = []
    skipped: list[int] = []
    for task in range(y_true.shape[1]):
        labelled = ~np.isnan(y_true[:, task])
        labels = y_true[labelled, task]
        if not ((labels == 1).any() and (labels == 0).any()):
            per_task.append(float("nan"))
            skipped.append(task)
            continue
        per_task.append(binary_roc_auc(labels, y_score[labelled, task]))
    valid = [auc for auc in per_task if not np.isnan(auc)]
    return MultiTaskROCAUC(mean=float(np.mean(valid)) if valid else float("nan"), per_task=per_task, skipped=skipped)


def accuracy(y_true, y_pred, ignore_index: int | None = None) -> float:
    """Fraction of correct predictions.

    Args:
        y_true: integer labels, shape ``[N]``.
        y_pred: predicted labels ``[N]``, or class scores/logits ``[N, C]``
            (argmax taken).
        ignore_index: label value to leave out (default ``None``).

    Returns NaN when no example is left.
    """
    y_true = to_numpy(y_true).ravel()
    y_pred = to_numpy(y_pred)
    if y_pred.ndim == 2:
        y_pred = y_pred.argmax(axis=1)
    y_pred = y_pred.ravel()
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred differ in length: {y_true.shape[0]} vs {y_pred.shape[0]}")
    keep = np.ones_like(y_true, dtype=bool) if ignore_index is None else y_true != ignore_index
    if not keep.any():
        return float("nan")
    return float((y_true[keep] == y_pred[keep]).mean())


def _regression_errors(y_true, y_pred) -> list[np.ndarray]:
    y_true = _as_2d(to_numpy(y_true).astype(np.float64), "y_true")
    y_pred = _as_2d(to_numpy(y_pred).astype(np.float64), "y_pred")
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred differ in shape: {y_true.shape} vs {y_pred.shape}")
    errors = []
    for task in range(y_true.shape[1]):
        labelled = ~np.isnan(y_true[:, task])
        if labelled.any():
            errors.append(y_pred[labelled, task] - y_true[labelled, task])
    return errors


def mae(y_true, y_pred) -> float:
    """Mean absolute error, per task over labelled (non-NaN) targets, then averaged over tasks.

    Args:
        y_true: targets with NaN for missing, shape ``[N]`` or ``[N, T]``.
        y_pred: predictions, same shape.

    Returns NaN when no target is labelled.
    """
    errors = _regression_errors(y_true, y_pred)
    return float(np.mean([np.abs(e).mean() for e in errors])) if errors else float("nan")


def rmse(y_true, y_pred) -> float:
    """Root mean squared error, per task over labelled targets, then averaged over
    tasks (as OGB's evaluator for multi-task regression).

    Args:
        y_true: targets with NaN for missing, shape ``[N]`` or ``[N, T]``.
        y_pred: predictions, same shape.
    """
    errors = _regression_errors(y_true, y_pred)
    return float(np.mean([np.sqrt((e**2).mean()) for e in errors])) if errors else float("nan")


@dataclass
class IoUResult:
    """Result of :func:`mean_iou`.

    Attributes:
        miou: mean IoU over classes present in target or prediction (NaN if none).
        per_class: IoU of each class ``0..C-1``; NaN for classes absent from both.
    """

    miou: float
    per_class: list[float] = field(default_factory=list)


def confusion_matrix(y_true, y_pred, num_classes: int) -> np.ndarray:
    """``[C, C]`` counts, rows = true class, columns = predicted class."""
    y_true = to_numpy(y_true).astype(np.int64).ravel()
    y_pred = to_numpy(y_pred).astype(np.int64).ravel()
    for name, values in (("y_true", y_true), ("y_pred", y_pred)):
        if values.size and (values.min() < 0 or values.max() >= num_classes):
            raise ValueError(f"{name} holds labels outside [0, {num_classes})")
    return np.bincount(y_true * num_classes + y_pred, minlength=num_classes * num_classes).reshape(num_classes, num_classes)


def mean_iou(y_true, y_pred, num_classes: int | None = None, ignore_index: int | None = None) -> IoUResult:
    """Per-class and mean intersection over union of a labelling.

    ``IoU_c = TP_c / (TP_c + FP_c + FN_c)``, averaged over the classes that
    occur in ``y_true`` or ``y_pred``.

    Args:
        y_true: integer labels ``[N]`` (e.g. one per B-rep face).
        y_pred: predicted labels ``[N]`` or scores ``[N, C]`` (argmax taken).
        num_classes: ``C`` (default: ``1 + max`` label seen, or the score width).
        ignore_index: label value of ``y_true`` to leave out (default ``None``).
    """
    y_true = to_numpy(y_true).ravel()
    y_pred = to_numpy(y_pred)
    if y_pred.ndim == 2:
        num_classes = y_pred.shape[1] if num_classes is None else num_classes
        y_pred = y_pred.argmax(axis=1)
    y_pred = y_pred.ravel()
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred differ in length: {y_true.shape[0]} vs {y_pred.shape[0]}")
    if ignore_index is not None:
        keep = y_true != ignore_index
        y_true, y_pred = y_true[keep], y_pred[keep]
    if num_classes is None:
        num_classes = int(max(y_true.max(initial=-1), y_pred.max(initial=-1))) + 1
    conf = confusion_matrix(y_true, y_pred, num_classes)
    tp = np.diag(conf).astype(np.float64)
    union = conf.sum(axis=0) + conf.sum(axis=1) - tp
    per_class = np.full(num_classes, np.nan)
    present = union > 0
    per_class[present] = tp[present] / union[present]
    miou = float(per_class[present].mean()) if present.any() else float("nan")
    return IoUResult(miou=miou, per_class=per_class.tolist())
