"""WeightedObjectives: fixed sums, uncertainty weighting by formula, weights and labels checked, one shared target."""

import pytest
import torch

from graphssl.errors import ConfigError
from graphssl.objectives import WeightedObjectives, build_objective
from tests.objectives.stubs import SPEC, table_encoder, tiny_batch


def structure_pair(encoder):
    batch = tiny_batch()
    batch.deg = torch.arange(9, dtype=torch.float).view(9, 1)
    batch.size_target = torch.tensor([[3.0], [4.0], [2.0]])
    a = build_objective("structure", encoder, SPEC, {"node_targets": {"deg": 1}})
    b = build_objective("structure", encoder, SPEC, {"graph_targets": {"size_target": 1}})
    return batch, a, b


def test_fixed_weights_sum():
    encoder = table_encoder()
    batch, a, b = structure_pair(encoder)
    out = WeightedObjectives([("a", a, 0.5), ("b", b, 2.0)])(batch, encoder, torch.Generator())
    torch.testing.assert_close(out["loss"], 0.5 * out["a/loss"] + 2.0 * out["b/loss"])


def test_uncertainty_weighting_follows_kendall_and_learns_the_log_variances():
    encoder = table_encoder()
    batch, a, b = structure_pair(encoder)
    combined = WeightedObjectives([("a", a, 1.0), ("b", b, 0.5)], weighting="uncertainty")
    with torch.no_grad():
        combined.log_variances.copy_(torch.tensor([0.3, -0.4]))
    out = combined(batch, encoder, torch.Generator())
    s = torch.tensor([0.3, -0.4])
    expected = (torch.exp(-s[0]) * out["a/loss"] + s[0]) + 0.5 * (torch.exp(-s[1]) * out["b/loss"] + s[1])
    torch.testing.assert_close(out["loss"], expected)
    out["loss"].backward()
    # d/ds (e^-s L + s) = 1 - e^-s L
    grad = torch.stack([1 - torch.exp(-s[0]) * out["a/loss"], 0.5 * (1 - torch.exp(-s[1]) * out["b/loss"])]).detach()
    torch.testing.assert_close(combined.log_variances.grad, grad)


def test_negative_weight_unknown_weighting_and_repeated_labels_are_refused():
    encoder = table_encoder()
    _, a, b = structure_pair(encoder)
    with pytest.raises(ConfigError, match=r"objectives\.a\.weight"):
        WeightedObjectives([("a", a, -1.0)])
    with pytest.raises(ConfigError, match="loss_weighting"):
        WeightedObjectives([("a", a, 1.0)], weighting="learned")
    with pytest.raises(ConfigError, match="unique"):
        WeightedObjectives([("a", a, 1.0), ("a", b, 1.0)])


def test_one_target_for_every_objective_that_needs_it():
    encoder = table_encoder()
    jepa = build_objective("jepa", encoder, SPEC, {"predictor_hidden": 4})
    bgrl = build_objective("bgrl", encoder, SPEC, {"predictor_hidden": 4})
    combined = WeightedObjectives([("jepa", jepa, 1.0), ("bgrl", bgrl, 1.0)], encoder=encoder)
    targets = [m for m in combined.modules() if type(m).__name__ == "EMATarget"]
    assert len(targets) == 1 and combined.target.tau == 0.99
    keys = [k for k in combined.state_dict() if k.startswith("target.")]
    assert keys == ["target.encoder.table", "target.encoder.mask_token"]
    with pytest.raises(ConfigError, match="need the EMA target"):
        WeightedObjectives([("jepa", jepa, 1.0)])
    other = build_objective("bgrl", encoder, SPEC, {"tau": 0.9})
    with pytest.raises(ConfigError, match=r"objectives\.jepa\.tau=0\.99, objectives\.bgrl\.tau=0\.9"):
        WeightedObjectives([("jepa", jepa, 1.0), ("bgrl", other, 1.0)], encoder=encoder)


def test_after_step_moves_the_shared_target():
    encoder = table_encoder()
    jepa = build_objective("jepa", encoder, SPEC, {"tau": 0.5})
    combined = WeightedObjectives([("jepa", jepa, 1.0)], encoder=encoder)
    with torch.no_grad():
        encoder.table.add_(2.0)
    before = combined.target.encoder.table.clone()
    combined.after_step(encoder, 0, 10)
    torch.testing.assert_close(combined.target.encoder.table, 0.5 * before + 0.5 * encoder.table)
