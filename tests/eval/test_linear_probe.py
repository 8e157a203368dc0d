"""Linear probe on a tiny real encoder."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from graphssl.eval import EvalTask, LinearProbeConfig, Split, embed, fit_linear_probe, linear_probe, random_split
from tests.eval.synthetic import separable_graphs, tiny_encoder

TASKS = {
    "multiclass": (EvalTask("multiclass", 2), "accuracy", 0.95),
    "binary": (EvalTask("binary", 3), "roc_auc", 0.95),
    "regression": (EvalTask("regression", 1), "mae", None),
}


@pytest.mark.parametrize("kind", list(TASKS))
def test_linear_probe_solves_separable_task(kind):
    task, metric, threshold = TASKS[kind]
    graphs = separable_graphs(60, kind=kind)
    result = linear_probe(tiny_encoder(), graphs, random_split(60, seed=1), task, LinearProbeConfig(epochs=200))
    assert result["selection"] == "valid"
    if threshold is None:
        assert result["test"][metric] < 0.3  # targets are 0.5 and 2.5
    else:
        assert result["test"][metric] >= threshold
    if kind == "binary":
        assert result["test"]["roc_auc_skipped"] == 1.0  # the third task never has both classes


def test_linear_probe_is_deterministic_and_leaves_encoder_alone():
    graphs = separable_graphs(40)
    encoder = tiny_encoder()
    encoder.train()
    before = {k: v.clone() for k, v in encoder.state_dict().items()}
    split = random_split(40, seed=3)
    config = LinearProbeConfig(epochs=50, weight_decays=(0.0, 1e-2), seed=5)
    first = linear_probe(encoder, graphs, split, EvalTask("multiclass", 2), config)
    second = linear_probe(encoder, graphs, split, EvalTask("multiclass", 2), config)
    assert first == second
    assert encoder.training
    for key, value in encoder.state_dict().items():
        assert torch.equal(value, before[key]), key


def test_embed_node_level_rows_follow_graph_order():
    graphs = separable_graphs(5)
    task = EvalTask("multiclass", 4, level="node", target="node_y")
    features, targets = embed(tiny_encoder(), graphs, task, batch_size=2)
    assert features.shape == (sum(g.num_nodes for g in graphs), 16)
    assert torch.equal(targets, torch.cat([g.node_y for g in graphs]))
    single = embed(tiny_encoder(), graphs[:1], task)[0]
    torch.testing.assert_close(features[: graphs[0].num_nodes], single)


def test_node_level_probe_inductive_and_transductive():
    graphs = separable_graphs(30)
    task = EvalTask("multiclass", 4, level="node", target="node_y")
    inductive = linear_probe(tiny_encoder(), graphs, random_split(30, seed=0), task, LinearProbeConfig(epochs=150))
    assert inductive["test"]["accuracy"] > 0.9 and "miou" in inductive["test"]
    big = separable_graphs(1, seed=1)[0]
    one = [big]
    split = Split(np.arange(0, big.num_nodes - 2), np.array([big.num_nodes - 2]), np.array([big.num_nodes - 1]))
    transductive = linear_probe(tiny_encoder(), one, split, task, LinearProbeConfig(epochs=20))
    assert set(transductive["test"]) == {"accuracy", "miou"}
    with pytest.raises(ValueError, match="node indices outside"):
        linear_probe(tiny_encoder(), one, Split(np.array([0, 99]), np.array([], dtype=np.int64), np.array([1])), task)


def test_fit_without_valid_reports_last_epoch():
    rng = torch.Generator().manual_seed(0)
    x = torch.randn(40, 3, generator=rng)
    y = (x[:, 0] > 0).long()
    result = fit_linear_probe({"train": x[:30], "test": x[30:]}, {"train": y[:30], "test": y[30:]},
                              EvalTask("multiclass", 2), LinearProbeConfig(epochs=150))
    assert result["selection"] == "last" and result["best_epoch"] == 150 and result["valid"] == {}
    assert result["test"]["accuracy"] >= 0.8
    with pytest.raises(ValueError, match="needs a non-empty valid"):
        fit_linear_probe({"train": x}, {"train": y}, EvalTask("multiclass", 2), LinearProbeConfig(weight_decays=(0.0, 0.1)))


def test_weight_decay_grid_picks_best_validation():
    rng = torch.Generator().manual_seed(0)
    x = torch.randn(80, 4, generator=rng)
    y = (x[:, 0] + 0.3 * x[:, 1] > 0).long()
    feats = {"train": x[:40], "valid": x[40:60], "test": x[60:]}
    targs = {"train": y[:40], "valid": y[40:60], "test": y[60:]}
    task = EvalTask("multiclass", 2)
    runs = [fit_linear_probe(feats, targs, task, LinearProbeConfig(epochs=60, weight_decays=(wd,))) for wd in (0.0, 50.0)]
    grid = fit_linear_probe(feats, targs, task, LinearProbeConfig(epochs=60, weight_decays=(0.0, 50.0)))
    assert grid["valid"]["accuracy"] == max(r["valid"]["accuracy"] for r in runs)
