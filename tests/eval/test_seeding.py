"""The runners draw only from generators seeded by their seed: same result twice, caller's RNG untouched."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from graphssl.errors import ConfigError
from graphssl.eval import EvalTask, FinetuneConfig, LinearProbeConfig, finetune, linear_probe, random_split
from graphssl.eval.linear_probe import seeded_linear
from graphssl.eval.models import resolve_encoder
from graphssl.eval.seeding import seeded_rng
from graphssl.nn import encoder_config_to_dict
from tests.eval.synthetic import separable_graphs, tiny_encoder

TASK = EvalTask("multiclass", 2)


def run_probe(encoder, graphs):
    return linear_probe(encoder, graphs, random_split(len(graphs), seed=0), TASK, LinearProbeConfig(epochs=20, seed=3))


def run_finetune(encoder, graphs):
    config = FinetuneConfig(epochs=2, batch_size=8, head_hidden=8, head_dropout=0.3, seed=3)
    return finetune(encoder, graphs, random_split(len(graphs), seed=0), TASK, config)


@pytest.mark.parametrize("runner", [run_probe, run_finetune])
@pytest.mark.parametrize("from_config", [False, True])
def test_runner_keeps_global_rng_and_repeats(runner, from_config):
    graphs, encoder = separable_graphs(24), tiny_encoder()
    if from_config:
        encoder = encoder_config_to_dict(encoder.config)
    torch.manual_seed(1234)
    state = torch.get_rng_state()
    first = runner(encoder, graphs)
    assert torch.equal(torch.get_rng_state(), state), "the runner changed torch's global RNG state"
    torch.manual_seed(99)  # a different global state must not change the result
    second = runner(encoder, graphs)
    assert first == second


def test_seeded_linear_is_pytorchs_default_init():
    torch.manual_seed(5)
    expected = torch.nn.Linear(6, 3)
    state = torch.get_rng_state()
    got = seeded_linear(6, 3, 5)
    assert torch.equal(got.weight, expected.weight) and torch.equal(got.bias, expected.bias)
    assert torch.equal(torch.get_rng_state(), state)


def test_seeded_rng_restores_and_repeats():
    torch.manual_seed(0)
    state = torch.get_rng_state()
    with seeded_rng(7):
        a = torch.rand(3)
    with seeded_rng(7):
        b = torch.rand(3)
    assert torch.equal(a, b) and torch.equal(torch.get_rng_state(), state)


def test_encoder_from_a_config_is_built_by_name_and_seeded():
    reference = tiny_encoder()
    section = encoder_config_to_dict(reference.config)
    assert section["name"] == "gnn"
    state = torch.get_rng_state()
    a, b = resolve_encoder(section, seed=4), resolve_encoder(section, seed=4)
    c = resolve_encoder(reference.config, seed=5)
    assert torch.equal(torch.get_rng_state(), state)
    assert type(a) is type(reference) and a.out_dim == reference.out_dim
    weights = [dict(m.named_parameters()) for m in (a, b, c)]
    assert all(torch.equal(weights[0][k], weights[1][k]) for k in weights[0])
    assert any(not torch.equal(weights[0][k], weights[2][k]) for k in weights[0])
    # A probe of the config is a probe of a fresh encoder with those weights.
    graphs = separable_graphs(24)
    assert run_probe(section, graphs) == linear_probe(a, graphs, random_split(24, seed=0), TASK,
                                                      LinearProbeConfig(epochs=20, seed=3))


def test_any_module_with_the_protocol_is_accepted():
    class MeanOfTypes(torch.nn.Module):
        out_dim = 1

        def forward(self, batch, node_mask=None):
            from torch_geometric.utils import scatter

            node = batch.x.float()
            return node, scatter(node, batch.batch, dim=0, reduce="mean")

    result = run_probe(MeanOfTypes(), separable_graphs(40))
    assert result["test"]["accuracy"] == 1.0  # class 1 graphs have node types 2, 3; class 0 types 0, 1


def test_module_without_out_dim_is_refused():
    with pytest.raises(ConfigError, match="Linear does not follow the encoder protocol: it needs an integer out_dim"):
        run_probe(torch.nn.Linear(2, 2), separable_graphs(8))


def test_numpy_global_state_is_untouched():
    np.random.seed(0)
    state = np.random.get_state()[1].copy()
    run_probe(tiny_encoder(), separable_graphs(24))
    assert np.array_equal(np.random.get_state()[1], state)
