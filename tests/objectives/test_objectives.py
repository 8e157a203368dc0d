"""Every objective against every core encoder configuration on awkward graphs, and the registry."""

import re
import sys

import pytest
import torch

from graphssl.errors import ConfigError
from graphssl.nn import EncoderConfig, GraphEncoder
from graphssl.objectives import OBJECTIVES, Objective, WeightedObjectives, build_objective, register_objective, summary
from tests.graphs import CATEGORICAL_SPEC, CONTINUOUS_SPEC, STRUCTURE_SPEC, zoo_batch
from tests.nn.test_encoder import ENCODER_VARIANTS
from tests.objectives.stubs import all_pairs

PARAMS = {"structure": {"node_targets": {"clustering": 1}, "graph_targets": {"density": 1}},
          "pairs": {"targets": {"hops": 1}, "pairs_per_graph": 4}}
NEEDS_FEATURES = {"attr_mask", "graphmae"}


def with_pairs(batch):
    """All ordered pairs of every graph, valued by |i - j| (a stand-in for a stored pair target)."""
    batch.hops_pair_index = all_pairs(batch)
    batch.hops_pair_value = (batch.hops_pair_index[0] - batch.hops_pair_index[1]).abs().float()
    return batch


# The core's own objectives; systems register more (e.g. brep_mae needs face grids), tested in their packages.
CORE_OBJECTIVES = ("attr_mask", "bgrl", "graphcl", "graphmae", "jepa", "pairs", "structure")


def test_registry_lists_the_objectives_with_paper_and_summary():
    assert set(CORE_OBJECTIVES) <= set(OBJECTIVES)
    for name, cls in OBJECTIVES.items():
        module_doc = " ".join((sys.modules[cls.__module__].__doc__ or "").split())
        assert re.search(r"et al\., .*(19|20)\d\d", module_doc), f"{name}: module docstring cites no paper"
        assert summary(cls), f"{name}: no one-line doc"


def test_a_duplicate_name_raises():
    with pytest.raises(ConfigError, match="'jepa' is already registered"):
        register_objective("jepa")(type("Other", (Objective,), {}))


@pytest.mark.parametrize("variant", ENCODER_VARIANTS, ids=lambda v: "-".join(f"{k}={v[k]}" for k in v))
@pytest.mark.parametrize("name", CORE_OBJECTIVES)
@pytest.mark.parametrize("spec", [CATEGORICAL_SPEC, CONTINUOUS_SPEC, STRUCTURE_SPEC], ids=["cat", "cont", "struct"])
def test_objective_runs_with_encoder(name, variant, spec):
    encoder = GraphEncoder(EncoderConfig(hidden_dim=16, num_layers=2, **variant).with_spec(spec))
    if name in NEEDS_FEATURES and not spec.has_node_features:
        with pytest.raises(ConfigError, match="needs node features"):
            build_objective(name, encoder, spec)
        return
    torch.manual_seed(0)
    objective = build_objective(name, encoder, spec, PARAMS.get(name))
    combined = WeightedObjectives([(name, objective, 1.0)], encoder=encoder)
    batch = with_pairs(zoo_batch(spec))
    out = combined(batch, encoder, torch.Generator().manual_seed(0))
    assert out["loss"].dim() == 0 and torch.isfinite(out["loss"])
    out["loss"].backward()
    assert any(p.grad is not None and p.grad.abs().sum() > 0 for p in encoder.parameters())
    if f"{name}/node_mask" in out:
        mask = out[f"{name}/node_mask"]
        per_graph = torch.bincount(batch.batch[mask], minlength=batch.num_graphs)
        sizes = torch.bincount(batch.batch, minlength=batch.num_graphs)
        assert bool(((per_graph >= 1) | (sizes == 0)).all()), "every non-empty graph has a masked node"
        assert bool(((per_graph < sizes) | (sizes <= 1)).all()), "no graph with 2+ nodes is fully masked"
    combined.after_step(encoder, 1, 10)


def test_unknown_names_and_parameters_suggest_close_matches():
    encoder = GraphEncoder(EncoderConfig(hidden_dim=8, num_layers=1).with_spec(CATEGORICAL_SPEC))
    with pytest.raises(ConfigError, match=r"unknown objective 'graphmea' \(did you mean 'graphmae'"):
        build_objective("graphmea", encoder, CATEGORICAL_SPEC)
    with pytest.raises(ConfigError, match=r"no parameter 'mask_rate' \(did you mean 'mask_ratio'"):
        build_objective("graphmae", encoder, CATEGORICAL_SPEC, {"mask_rate": 0.3})
    with pytest.raises(ConfigError, match="node-preserving"):
        build_objective("bgrl", encoder, CATEGORICAL_SPEC, {"augmentations": ["drop_nodes", "drop_edges"]})
    with pytest.raises(ConfigError, match=r"unknown augmentation 'drop_node' \(did you mean 'drop_nodes'"):
        build_objective("graphcl", encoder, CATEGORICAL_SPEC, {"augmentations": ["drop_node"]})


@pytest.mark.parametrize("name, params, key", [
    ("jepa", {"mask_ratio": 1.0}, "objectives.jepa.mask_ratio"),
    ("attr_mask", {"mask_ratio": 0.0}, "objectives.attr_mask.mask_ratio"),
    ("graphmae", {"mask_ratio": -0.5}, "objectives.graphmae.mask_ratio"),
    ("graphcl", {"strength": 1.5}, "objectives.graphcl.strength"),
    ("graphcl", {"temperature": 0.0}, "objectives.graphcl.temperature"),
    ("bgrl", {"tau": 1.2}, "objectives.bgrl.tau"),
    ("jepa", {"tau": -0.1}, "objectives.jepa.tau"),
    ("bgrl", {"strength": 0.0}, "objectives.bgrl.strength"),
])
def test_bad_values_fail_at_build_naming_the_key(name, params, key):
    encoder = GraphEncoder(EncoderConfig(hidden_dim=8, num_layers=1).with_spec(CATEGORICAL_SPEC))
    with pytest.raises(ConfigError, match=re.escape(key)):
        build_objective(name, encoder, CATEGORICAL_SPEC, params)


def test_graphmae_reconstructs_one_hot_of_selected_columns():
    spec = CATEGORICAL_SPEC
    encoder = GraphEncoder(EncoderConfig(hidden_dim=8, num_layers=1).with_spec(spec))
    objective = build_objective("graphmae", encoder, spec, {"columns": [0, 1]})
    target = objective.target(torch.tensor([[2, 1], [5, 0]]))
    assert target.shape == (2, 9)
    assert target[0, 2] == 1 and target[0, 6 + 1] == 1 and target.sum() == 4
