"""PretrainModel and build_pretrain_model: encoder by name, weighting option, the model's own generator, no global RNG."""

from types import SimpleNamespace

import torch

from graphssl.nn import EncoderConfig, GraphEncoder
from graphssl.train.model import build_pretrain_model
from tests.graphs import CATEGORICAL_SPEC, zoo_batch

OBJECTIVES = [
    SimpleNamespace(name="graphmae", label=None, weight=1.0, params={}),
    SimpleNamespace(name="graphcl", label=None, weight=0.5, params={"projection_dim": 8}),
    SimpleNamespace(name="jepa", label="latent", weight=0.5, params={"predictor_hidden": 8}),
    SimpleNamespace(name="bgrl", label=None, weight=0.5, params={"predictor_hidden": 8}),
    SimpleNamespace(name="structure", label=None, weight=1.0, params={"node_targets": {"clustering": 1}}),
]


def config(**extra):
    return SimpleNamespace(encoder=EncoderConfig(hidden_dim=8, num_layers=2), objectives=OBJECTIVES, **extra)


def test_model_is_built_from_the_encoder_registry_with_one_shared_target():
    model = build_pretrain_model(config(), CATEGORICAL_SPEC)
    assert isinstance(model.encoder, GraphEncoder) and model.encoder.config.node_categorical == [6, 3]
    assert model.objectives.weighting == "fixed" and model.objectives.log_variances is None
    target_keys = [k for k in model.state_dict() if k.startswith("objectives.target.")]
    encoder_keys = [k for k in model.state_dict() if k.startswith("encoder.")]
    assert sorted(k.removeprefix("objectives.target.encoder.") for k in target_keys) == sorted(k.removeprefix("encoder.") for k in encoder_keys)
    assert not any("objectives.objectives" in k and ".target." in k for k in model.state_dict())


def test_loss_weighting_option_reaches_the_objectives():
    model = build_pretrain_model(config(loss_weighting="uncertainty"), CATEGORICAL_SPEC)
    assert model.objectives.log_variances.shape == (len(OBJECTIVES),)
    assert "objectives.log_variances" in model.state_dict()


def test_forward_without_generator_is_deterministic_and_leaves_the_global_rng_alone():
    torch.manual_seed(0)
    first = build_pretrain_model(config(), CATEGORICAL_SPEC)
    second = build_pretrain_model(config(), CATEGORICAL_SPEC)
    second.load_state_dict(first.state_dict())
    batch = zoo_batch(CATEGORICAL_SPEC)
    state = torch.get_rng_state()
    losses = [model(batch)["loss"] for model in (first, second)]
    assert torch.equal(torch.get_rng_state(), state), "no draw from torch's global generator"
    torch.testing.assert_close(losses[0], losses[1])
    assert first(batch)["loss"].item() != losses[0].item(), "the model's own generator moves on"
    given = first(batch, torch.Generator().manual_seed(5))["loss"]
    torch.testing.assert_close(second(batch, torch.Generator().manual_seed(5))["loss"], given)
