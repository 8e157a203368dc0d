"""The shared EMA target: pairing by name with checks, the momentum formula, frozen parameters."""

import math

import pytest
import torch
from torch import nn

from graphssl.errors import GraphSSLError
from graphssl.objectives import EMATarget
from tests.objectives.stubs import table_encoder


def test_update_moves_each_parameter_by_the_cosine_momentum():
    encoder = table_encoder()
    target = EMATarget(encoder, tau=0.9)
    assert not any(p.requires_grad for p in target.parameters())
    with torch.no_grad():
        for p in encoder.parameters():
            p.add_(1.0)
    before = {name: p.clone() for name, p in target.encoder.named_parameters()}
    target.update(encoder, 3, 10)
    tau = 1 - (1 - 0.9) * (math.cos(math.pi * 0.3) + 1) / 2
    for name, online in encoder.named_parameters():
        torch.testing.assert_close(dict(target.encoder.named_parameters())[name], tau * before[name] + (1 - tau) * online)
    assert target.momentum(0, 10) == pytest.approx(0.9) and target.momentum(10, 10) == pytest.approx(1.0)


def test_parameters_are_paired_by_name_not_by_order():
    class TwoParams(nn.Module):
        def __init__(self, order):
            super().__init__()
            for name in order:
                self.register_parameter(name, nn.Parameter(torch.zeros(2)))

    target = EMATarget(TwoParams(["a", "b"]), tau=0.0)
    online = TwoParams(["b", "a"])
    with torch.no_grad():
        online.a.fill_(1.0)
        online.b.fill_(2.0)
    target.update(online, 0, 10)
    assert target.encoder.a.tolist() == [1.0, 1.0] and target.encoder.b.tolist() == [2.0, 2.0]


def test_mismatched_names_or_shapes_raise():
    target = EMATarget(nn.Linear(3, 2))
    with pytest.raises(GraphSSLError, match="names differ"):
        target.update(nn.Sequential(nn.Linear(3, 2)), 1, 10)
    with pytest.raises(GraphSSLError, match="'weight' has shape"):
        target.update(nn.Linear(4, 2), 1, 10)
