"""The learning-rate schedule's values at given steps, and gradient clipping as the trainer applies it."""

import json
import math

import pytest
import torch
from torch import nn

from graphssl.train import Pretrainer, config_from_dict, load_checkpoint, load_config, pretrain
from graphssl.train.sampling import learning_rate
from tests.conftest import TINY_CONFIG


def test_warmup_is_linear_then_cosine_to_the_minimum():
    # peak 1.0, 4 warmup steps, 14 steps in all, minimum 0.1: cosine over the last 10.
    values = [learning_rate(step, 14, 1.0, 4, 0.1) for step in range(14)]
    assert values[:4] == pytest.approx([0.25, 0.5, 0.75, 1.0])
    assert values[4] == pytest.approx(1.0)
    assert values[9] == pytest.approx(0.1 + 0.45 * (1 + math.cos(math.pi * 0.5)))  # half way: (1.0 + 0.1) / 2
    assert values[9] == pytest.approx(0.55)
    assert values[13] == pytest.approx(0.1 + 0.45 * (1 + math.cos(math.pi * 0.9)))
    assert learning_rate(14, 14, 1.0, 4, 0.1) == pytest.approx(0.1)


def test_no_warmup_starts_at_the_peak():
    assert learning_rate(0, 10, 2.0, 0, 0.0) == pytest.approx(2.0)
    assert learning_rate(5, 10, 2.0, 0, 0.0) == pytest.approx(1.0)


def test_trainer_logs_and_applies_the_schedule(tiny_config, tmp_path):
    path = pretrain(load_config(tiny_config(train={"log_every": 1})), tmp_path / "run", progress=False)
    logged = [json.loads(line)["lr"] for line in (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()]
    # lr 0.01, 3 warmup steps, 12 steps.
    expected = [0.01 / 3, 0.02 / 3, 0.01] + [0.005 * (1 + math.cos(math.pi * k / 9)) for k in range(9)]
    assert logged == pytest.approx(expected)
    applied = load_checkpoint(path)["optimizer"]["param_groups"][0]["lr"]
    assert applied == pytest.approx(expected[-1])


class SteepLoss(nn.Module):
    """``loss = 1000 * sum(w)`` for a 4-vector ``w``: gradient norm 2000."""

    def __init__(self) -> None:
        super().__init__()
        self.w = nn.Parameter(torch.zeros(4))

    def forward(self, batch, generator):
        return {"loss": 1000.0 * self.w.sum()}


@pytest.mark.parametrize("grad_clip", [0.0, 0.5])
def test_gradients_are_clipped_to_grad_clip(grad_clip):
    config = config_from_dict({**TINY_CONFIG, "optimizer": {"lr": 0.1, "grad_clip": grad_clip}})
    model = SteepLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    Pretrainer(config, "unused")._step(model, None, torch.Generator(), optimizer, None, torch.autocast("cpu", enabled=False),
                                       lr=0.1, step=0)
    norm = float(model.w.grad.norm())
    if grad_clip:
        assert norm == pytest.approx(grad_clip, rel=1e-5)
        assert torch.allclose(model.w.detach(), torch.full((4,), -0.1 * grad_clip / 2))
    else:
        assert norm == pytest.approx(2000.0)
