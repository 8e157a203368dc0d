"""Every objective against every core encoder configuration, and the registry."""

import re
import sys

import pytest
import torch

from graphssl.errors import ConfigError
from graphssl.nn import EncoderConfig, GraphEncoder
from graphssl.objectives import OBJECTIVES, WeightedObjectives, build_objective, summary
from tests.graphs import CATEGORICAL_SPEC, CONTINUOUS_SPEC, STRUCTURE_SPEC, zoo_batch
from tests.nn.test_encoder import ENCODER_VARIANTS

PARAMS = {"structure": {"node_targets": {"clustering": 1}, "graph_targets": {"density": 1}}}
NEEDS_FEATURES = {"attr_mask", "graphmae"}


def test_registry_lists_at_least_the_five_required_objectives():
    assert {"attr_mask", "graphmae", "graphcl", "bgrl", "jepa", "structure"} <= set(OBJECTIVES)
    for cls in OBJECTIVES.values():
        module_doc = " ".join((sys.modules[cls.__module__].__doc__ or "").split())
        assert re.search(r"et al\., .*(19|20)\d\d", module_doc), f"{cls.name}: module docstring cites no paper"
        assert summary(cls), f"{cls.name}: no one-line doc"


@pytest.mark.parametrize("variant", ENCODER_VARIANTS, ids=lambda v: "-".join(f"{k}={v[k]}" for k in v))
@pytest.mark.parametrize("name", sorted(OBJECTIVES))
@pytest.mark.parametrize("spec", [CATEGORICAL_SPEC, CONTINUOUS_SPEC, STRUCTURE_SPEC], ids=["cat", "cont", "struct"])
def test_objective_runs_with_encoder(name, variant, spec):
    if name in NEEDS_FEATURES and not spec.has_node_features:
        with pytest.raises(ConfigError, match="needs node features"):
            build_objective(name, GraphEncoder(EncoderConfig(hidden_dim=16, num_layers=2).with_spec(spec)), spec)
        return
    torch.manual_seed(0)
    encoder = GraphEncoder(EncoderConfig(hidden_dim=16, num_layers=2, **variant).with_spec(spec))
    objective = build_objective(name, encoder, spec, PARAMS.get(name))
    batch = zoo_batch(spec)
    out = objective(batch, encoder)
    assert out["loss"].dim() == 0 and torch.isfinite(out["loss"])
    out["loss"].backward()
    assert any(p.grad is not None and p.grad.abs().sum() > 0 for p in encoder.parameters())
    if "node_mask" in out:
        mask = out["node_mask"]
        per_graph = torch.bincount(batch.batch[mask], minlength=batch.num_graphs)
        sizes = torch.bincount(batch.batch, minlength=batch.num_graphs)
        assert bool(((per_graph >= 1) | (sizes == 0)).all()), "every non-empty graph has a masked node"
        assert bool(((per_graph < sizes) | (sizes <= 1)).all()), "no graph with 2+ nodes is fully masked"
    objective.after_step(encoder, 1, 10)


def test_weighted_sum_and_labels():
    torch.manual_seed(0)
    spec = CATEGORICAL_SPEC
    encoder = GraphEncoder(EncoderConfig(hidden_dim=16, num_layers=2).with_spec(spec)).eval()
    a = build_objective("structure", encoder, spec, {"node_targets": {"clustering": 1}})
    b = build_objective("structure", encoder, spec, {"graph_targets": {"density": 1}})
    combined = WeightedObjectives([("a", a, 0.5), ("b", b, 2.0)])
    out = combined(zoo_batch(spec), encoder)
    torch.testing.assert_close(out["loss"], 0.5 * out["a/loss"] + 2.0 * out["b/loss"])
    with pytest.raises(ConfigError, match="unique"):
        WeightedObjectives([("a", a, 1.0), ("a", b, 1.0)])


def test_unknown_names_and_parameters_suggest_close_matches():
    encoder = GraphEncoder(EncoderConfig(hidden_dim=8, num_layers=1).with_spec(CATEGORICAL_SPEC))
    with pytest.raises(ConfigError, match=r"unknown objective 'graphmea' \(did you mean 'graphmae'"):
        build_objective("graphmea", encoder, CATEGORICAL_SPEC)
    with pytest.raises(ConfigError, match=r"no parameter 'mask_rate' \(did you mean 'mask_ratio'"):
        build_objective("graphmae", encoder, CATEGORICAL_SPEC, {"mask_rate": 0.3})
    with pytest.raises(ConfigError, match="node-preserving"):
        build_objective("bgrl", encoder, CATEGORICAL_SPEC, {"augmentations": ["drop_nodes", "drop_edges"]})


def test_ema_target_moves_toward_online_encoder():
    torch.manual_seed(0)
    spec = CATEGORICAL_SPEC
    encoder = GraphEncoder(EncoderConfig(hidden_dim=8, num_layers=1).with_spec(spec))
    objective = build_objective("jepa", encoder, spec, {"tau": 0.9})
    with torch.no_grad():
        for p in encoder.parameters():
            p.add_(1.0)
    before = [t.clone() for t in objective.target.parameters()]
    objective.after_step(encoder, 0, 10)
    for old, new, online in zip(before, objective.target.parameters(), encoder.parameters()):
        torch.testing.assert_close(new, 0.9 * old + 0.1 * online)
    assert objective.momentum(10, 10) == pytest.approx(1.0)
    assert not any(p.requires_grad for p in objective.target.parameters())


def test_graphmae_reconstructs_one_hot_of_selected_columns():
    spec = CATEGORICAL_SPEC
    encoder = GraphEncoder(EncoderConfig(hidden_dim=8, num_layers=1).with_spec(spec))
    objective = build_objective("graphmae", encoder, spec, {"columns": [0, 1]})
    x = torch.tensor([[2, 1], [5, 0]])
    target = objective.target(x)
    assert target.shape == (2, 9)
    assert target[0, 2] == 1 and target[0, 6 + 1] == 1 and target.sum() == 4
