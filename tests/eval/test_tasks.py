"""EvalTask: target shapes, masked losses, metric choice."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from torch_geometric.data import Batch, Data

from graphssl.eval import EvalTask


def batch_of(ys: list[torch.Tensor]) -> Batch:
    return Batch.from_data_list([Data(num_nodes=2, edge_index=torch.empty(2, 0, dtype=torch.long), y=y) for y in ys])


@pytest.mark.parametrize("per_graph", [torch.tensor([[1.0, float("nan"), 0.0]]), torch.tensor([1.0, float("nan"), 0.0])])
def test_graph_targets_reshape_to_rows(per_graph):
    task = EvalTask("binary", 3)
    y = task.targets_of(batch_of([per_graph, per_graph]), 2)
    assert y.shape == (2, 3) and y.dtype == torch.float32


def test_target_width_and_name_are_checked():
    with pytest.raises(ValueError, match="expected 2 targets"):
        EvalTask("regression", 2).targets_of(batch_of([torch.tensor([[1.0, 2.0, 3.0]])]), 1)
    with pytest.raises(ValueError, match="no target attribute 'label'"):
        EvalTask("multiclass", 2, target="label").targets_of(batch_of([torch.tensor([1])]), 1)
    with pytest.raises(ValueError, match="expected 2 graph labels"):
        EvalTask("multiclass", 2).targets_of(batch_of([torch.tensor([1, 0, 1])]), 2)


@pytest.mark.parametrize("kind,kwargs,message", [
    ("ternary", {}, "kind must be one of"),
    ("binary", {"level": "edge"}, "level must be one of"),
    ("multiclass", {"num_outputs": 1}, ">= 2 classes"),
    ("binary", {"metric": "accuracy"}, "does not fit a binary task"),
    ("regression", {"regression_loss": "huber"}, "regression_loss"),
])
def test_invalid_tasks_are_rejected(kind, kwargs, message):
    kwargs = {"num_outputs": 2, **kwargs}
    with pytest.raises(ValueError, match=message):
        EvalTask(kind, **kwargs)


def test_binary_loss_ignores_missing_labels():
    pred = torch.randn(4, 3, requires_grad=True)
    target = torch.tensor([[1.0, float("nan"), 0.0], [0.0, 1.0, float("nan")], [float("nan")] * 3, [1.0, 1.0, 1.0]])
    loss = EvalTask("binary", 3).loss(pred, target)
    labelled = ~torch.isnan(target)
    expected = F.binary_cross_entropy_with_logits(pred[labelled], target[labelled])
    torch.testing.assert_close(loss, expected)
    loss.backward()
    assert torch.all(pred.grad[~labelled] == 0) and torch.all(pred.grad[labelled] != 0)


@pytest.mark.parametrize("kind,target", [
    ("binary", torch.full((3, 2), float("nan"))),
    ("regression", torch.full((3, 2), float("nan"))),
    ("multiclass", torch.full((3,), -1)),
])
def test_loss_without_labels_is_zero_with_gradient(kind, target):
    pred = torch.randn(3, 2, requires_grad=True)
    loss = EvalTask(kind, 2).loss(pred, target)
    assert loss.item() == 0.0
    loss.backward()
    assert torch.all(pred.grad == 0)


@pytest.mark.parametrize("regression_loss,reference", [("mse", F.mse_loss), ("l1", F.l1_loss)])
def test_regression_loss_masks_nan(regression_loss, reference):
    pred = torch.randn(5, 1)
    target = torch.tensor([[1.0], [float("nan")], [2.0], [float("nan")], [0.0]])
    keep = ~torch.isnan(target)
    loss = EvalTask("regression", 1, regression_loss=regression_loss).loss(pred, target)
    torch.testing.assert_close(loss, reference(pred[keep], target[keep]))


def test_multiclass_negative_labels_are_missing():
    pred = torch.tensor([[2.0, 0.0], [0.0, 2.0], [5.0, 0.0]])
    target = torch.tensor([0, 1, -1])
    task = EvalTask("multiclass", 2, level="node")
    torch.testing.assert_close(task.loss(pred, target), F.cross_entropy(pred[:2], target[:2]))
    assert task.evaluate(pred, target) == {"accuracy": 1.0, "miou": 1.0}


@pytest.mark.parametrize("metric,higher,value,best,expected", [
    ("accuracy", True, 0.8, 0.7, True), ("accuracy", True, 0.7, 0.7, False), ("mae", False, 0.5, 0.6, True),
    ("mae", False, math.nan, 0.6, False), ("mae", False, 0.6, math.nan, True), ("accuracy", True, 0.1, None, True),
])
def test_is_better(metric, higher, value, best, expected):
    kind = "regression" if metric == "mae" else "multiclass"
    task = EvalTask(kind, 2, metric=metric)
    assert task.higher_is_better == higher
    assert task.is_better(value, best) == expected
