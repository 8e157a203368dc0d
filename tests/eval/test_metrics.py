"""Metrics against scikit-learn and brute force."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from graphssl.eval.metrics import (accuracy, binary_roc_auc, confusion_matrix, mae, mean_iou, multitask_roc_auc,
                                   rmse)

sklearn_metrics = pytest.importorskip("sklearn.metrics")


def brute_force_auc(labels: np.ndarray, scores: np.ndarray) -> float:
    pos, neg = scores[labels == 1], scores[labels == 0]
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("ties", [False, True])
def test_binary_auc_matches_sklearn_and_brute_force(seed, ties):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, size=40)
    labels[:2] = [0, 1]
    scores = rng.integers(0, 4, size=40).astype(float) if ties else rng.normal(size=40)
    expected = sklearn_metrics.roc_auc_score(labels, scores)
    assert binary_roc_auc(labels, scores) == pytest.approx(expected)
    assert binary_roc_auc(torch.tensor(labels), torch.tensor(scores)) == pytest.approx(brute_force_auc(labels, scores))


def test_binary_auc_needs_both_classes():
    with pytest.raises(ValueError, match="both classes"):
        binary_roc_auc([1, 1, 1], [0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match="0 or 1"):
        binary_roc_auc([0, 2], [0.1, 0.2])


@pytest.mark.parametrize("seed", range(4))
def test_multitask_auc_masks_missing_labels(seed):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, size=(60, 5)).astype(float)
    y[rng.random(y.shape) < 0.3] = np.nan
    y[:, 3] = np.where(np.isnan(y[:, 3]), np.nan, 1.0)  # one class only: skipped
    y[:, 4] = np.nan  # no labels at all: skipped
    scores = rng.normal(size=y.shape)
    result = multitask_roc_auc(torch.tensor(y, dtype=torch.float32), torch.tensor(scores))
    assert result.skipped == [3, 4]
    assert result.num_valid == 3
    expected = []
    for task in range(3):
        labelled = ~np.isnan(y[:, task])
        expected.append(sklearn_metrics.roc_auc_score(y[labelled, task], scores[labelled, task]))
    assert result.per_task[:3] == pytest.approx(expected)
    assert np.isnan(result.per_task[3]) and np.isnan(result.per_task[4])
    assert result.mean == pytest.approx(np.mean(expected))


def test_multitask_auc_without_valid_task_is_nan():
    result = multitask_roc_auc(np.array([[1.0], [1.0], [np.nan]]), np.zeros((3, 1)))
    assert np.isnan(result.mean) and result.skipped == [0]


def test_multitask_auc_shape_mismatch():
    with pytest.raises(ValueError, match="differ in shape"):
        multitask_roc_auc(np.zeros((4, 2)), np.zeros((4, 3)))


@pytest.mark.parametrize("as_logits", [False, True])
@pytest.mark.parametrize("seed", range(3))
def test_accuracy_matches_sklearn(seed, as_logits):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 4, size=50)
    logits = rng.normal(size=(50, 4))
    pred = logits if as_logits else logits.argmax(1)
    assert accuracy(torch.tensor(labels), torch.tensor(pred)) == pytest.approx(
        sklearn_metrics.accuracy_score(labels, logits.argmax(1)))


def test_accuracy_ignore_index():
    assert accuracy([0, 1, -1, 2], [0, 0, 1, 2], ignore_index=-1) == pytest.approx(2 / 3)
    assert np.isnan(accuracy([-1, -1], [0, 0], ignore_index=-1))


@pytest.mark.parametrize("num_tasks", [1, 3])
@pytest.mark.parametrize("seed", range(3))
def test_regression_metrics_match_sklearn_per_task(seed, num_tasks):
    rng = np.random.default_rng(seed)
    y = rng.normal(size=(30, num_tasks))
    pred = y + rng.normal(scale=0.5, size=y.shape)
    missing = rng.random(y.shape) < 0.2
    y_missing = np.where(missing, np.nan, y)
    exp_mae, exp_rmse = [], []
    for task in range(num_tasks):
        keep = ~missing[:, task]
        exp_mae.append(sklearn_metrics.mean_absolute_error(y[keep, task], pred[keep, task]))
        exp_rmse.append(np.sqrt(sklearn_metrics.mean_squared_error(y[keep, task], pred[keep, task])))
    y_in = y_missing[:, 0] if num_tasks == 1 else y_missing
    pred_in = pred[:, 0] if num_tasks == 1 else pred
    assert mae(y_in, torch.tensor(pred_in)) == pytest.approx(np.mean(exp_mae))
    assert rmse(y_in, pred_in) == pytest.approx(np.mean(exp_rmse))


def test_regression_all_missing_is_nan():
    assert np.isnan(mae([np.nan, np.nan], [1.0, 2.0]))
    assert np.isnan(rmse([np.nan], [1.0]))


def brute_force_iou(y_true, y_pred, num_classes):
    out = []
    for c in range(num_classes):
        inter = np.sum((y_true == c) & (y_pred == c))
        union = np.sum((y_true == c) | (y_pred == c))
        out.append(inter / union if union else np.nan)
    return out


@pytest.mark.parametrize("seed", range(4))
def test_mean_iou_matches_sklearn_and_brute_force(seed):
    rng = np.random.default_rng(seed)
    num_classes = 6
    y_true = rng.integers(0, 4, size=80)  # classes 4, 5 never true
    y_pred = rng.integers(0, 5, size=80)  # class 5 never predicted: absent, left out of the mean
    result = mean_iou(torch.tensor(y_true), y_pred, num_classes=num_classes)
    brute = brute_force_iou(y_true, y_pred, num_classes)
    np.testing.assert_allclose(result.per_class, brute)
    present = [0, 1, 2, 3, 4]
    sk = sklearn_metrics.jaccard_score(y_true, y_pred, labels=present, average=None)
    np.testing.assert_allclose(np.array(result.per_class)[present], sk)
    assert result.miou == pytest.approx(sk.mean())
    assert np.isnan(result.per_class[5])


def test_mean_iou_from_scores_and_ignore_index():
    scores = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.3, 0.7]])
    result = mean_iou([0, 1, 1, -1], scores, ignore_index=-1)
    assert result.per_class == pytest.approx([0.5, 0.5])
    assert result.miou == pytest.approx(0.5)


def test_confusion_matrix_rejects_out_of_range():
    with pytest.raises(ValueError, match="outside"):
        confusion_matrix([0, 3], [0, 1], num_classes=3)
    np.testing.assert_array_equal(confusion_matrix([0, 1, 1], [0, 0, 1], 2), [[1, 0], [1, 1]])
