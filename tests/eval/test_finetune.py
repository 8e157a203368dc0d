"""Fine-tuning runner on a tiny real encoder."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from graphssl.eval import EvalTask, FinetuneConfig, Split, finetune, random_split
from graphssl.eval.loading import make_loader
from tests.eval.synthetic import separable_graphs, tiny_encoder


def states_equal(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


@pytest.mark.parametrize("kind,task,metric", [
    ("multiclass", EvalTask("multiclass", 2), "accuracy"),
    ("binary", EvalTask("binary", 3), "roc_auc"),
    ("regression", EvalTask("regression", 1, regression_loss="l1"), "mae"),
])
def test_finetune_learns_and_selects_on_validation(kind, task, metric):
    graphs = separable_graphs(48, kind=kind)
    # The regression target (0.5 or 2.5 from a mean readout) needs a gentler, longer run than the classes.
    regression = kind == "regression"
    config = FinetuneConfig(epochs=16 if regression else 8, batch_size=16, lr=1e-2 if regression else 3e-2,
                            test_every_epoch=True, seed=1)
    split = Split(np.arange(32), np.arange(32, 40), np.arange(40, 48))  # both classes in every part
    result = finetune(tiny_encoder(), graphs, split, task, config)
    assert result["selection"] == "valid"
    curve = [record["valid"][metric] for record in result["history"]]
    best = int(np.argmax(curve) if task.higher_is_better else np.argmin(curve))
    assert result["best_epoch"] == best + 1
    assert result["test"] == result["history"][best]["test"]
    if metric == "mae":
        assert result["test"]["mae"] < 0.6
    else:
        assert result["test"][metric] >= 0.9


def test_finetune_is_deterministic_and_copies_the_encoder():
    graphs = separable_graphs(32)
    encoder = tiny_encoder()
    before = {k: v.clone() for k, v in encoder.state_dict().items()}
    config = FinetuneConfig(epochs=3, batch_size=8, head_hidden=8, head_dropout=0.2, seed=7)
    first = finetune(encoder, graphs, random_split(32, seed=0), EvalTask("multiclass", 2), config, return_model=True)
    second = finetune(encoder, graphs, random_split(32, seed=0), EvalTask("multiclass", 2), config, return_model=True)
    assert first["history"] == second["history"]
    assert states_equal(first["model"].state_dict(), second["model"].state_dict())
    assert states_equal(encoder.state_dict(), before)
    other = finetune(encoder, graphs, random_split(32, seed=0), EvalTask("multiclass", 2), FinetuneConfig(epochs=3, batch_size=8, head_hidden=8, head_dropout=0.2, seed=8))
    assert other["history"] != first["history"]


def test_frozen_encoder_keeps_weights_and_batchnorm_statistics():
    graphs = separable_graphs(32)
    encoder = tiny_encoder()
    result = finetune(encoder, graphs, random_split(32, seed=0), EvalTask("multiclass", 2),
                      FinetuneConfig(epochs=2, batch_size=8, freeze_encoder=True), return_model=True)
    assert states_equal(result["model"].encoder.state_dict(), encoder.state_dict())
    trained = finetune(encoder, graphs, random_split(32, seed=0), EvalTask("multiclass", 2),
                       FinetuneConfig(epochs=2, batch_size=8), return_model=True)
    assert not states_equal(trained["model"].encoder.state_dict(), encoder.state_dict())


def test_returned_model_reproduces_reported_test_metric():
    graphs = separable_graphs(40, kind="binary")
    split = random_split(40, seed=4)
    task = EvalTask("binary", 3)
    result = finetune(tiny_encoder(), graphs, split, task, FinetuneConfig(epochs=4, batch_size=8), return_model=True)
    model = result["model"]
    with torch.no_grad():
        batch = next(iter(make_loader([graphs[i] for i in split.test], batch_size=100)))
        metrics = task.evaluate(model(batch), task.targets_of(batch, batch.num_graphs))
    assert metrics == result["test"]


def test_empty_validation_reports_last_epoch():
    graphs = separable_graphs(30)
    split = Split(np.arange(20), np.array([], dtype=np.int64), np.arange(20, 30))
    result = finetune(tiny_encoder(), graphs, split, EvalTask("multiclass", 2),
                      FinetuneConfig(epochs=3, batch_size=8, test_every_epoch=True))
    assert result["selection"] == "last" and result["best_epoch"] == 3 and result["valid"] == {}
    assert result["test"] == result["history"][-1]["test"]
    assert all("valid" not in record and "test" in record for record in result["history"])


def test_missing_labels_are_masked_in_training():
    graphs = separable_graphs(24, kind="binary")
    for graph in graphs:  # the third task is NaN almost everywhere; make the first half-missing too
        graph.y[0, 0] = float("nan") if graph.num_nodes % 2 else graph.y[0, 0]
    result = finetune(tiny_encoder(), graphs, random_split(24, seed=0), EvalTask("binary", 3), FinetuneConfig(epochs=2, batch_size=6))
    assert all(np.isfinite(record["loss"]) for record in result["history"])


@pytest.mark.parametrize("kind,num_outputs", [("multiclass", 4), ("regression", 1)])
def test_transductive_node_task(kind, num_outputs):
    graph = separable_graphs(1, seed=3)[0]
    if kind == "regression":
        graph.node_y = graph.node_y.float().view(-1, 1)
    n = graph.num_nodes
    split = Split(np.arange(n - 2), np.array([n - 2]), np.array([n - 1]))
    task = EvalTask(kind, num_outputs, level="node", target="node_y")
    first = finetune(tiny_encoder(), [graph], split, task, FinetuneConfig(epochs=3))
    second = finetune(tiny_encoder(), [graph], split, task, FinetuneConfig(epochs=3))
    assert first == second and len(first["history"]) == 3


def test_bad_split_is_rejected():
    graphs = separable_graphs(10)
    with pytest.raises(ValueError, match="graph indices outside"):
        finetune(tiny_encoder(), graphs, Split(np.array([0, 10]), np.array([1]), np.array([2])), EvalTask("multiclass", 2))
    with pytest.raises(ValueError, match="empty train"):
        finetune(tiny_encoder(), graphs, Split(np.array([], dtype=np.int64), np.array([1]), np.array([2])), EvalTask("multiclass", 2))
