"""The step context: one clean pass, one clean target pass, views shared by augmentation and draw; pass counts."""

import pytest
import torch

from graphssl.nn import EncoderConfig, GraphEncoder
from graphssl.objectives import StepContext, WeightedObjectives, build_objective
from tests.graphs import CATEGORICAL_SPEC, zoo_batch
from tests.objectives.stubs import Counting

STRUCTURE = {"node_targets": {"clustering": 1}}


def passes(objectives: list[tuple[str, dict]]) -> tuple[int, int]:
    """(online, target) encoder passes of one step of ``objectives`` ((name, params) each) on the zoo batch."""
    spec = CATEGORICAL_SPEC
    encoder = Counting(GraphEncoder(EncoderConfig(hidden_dim=8, num_layers=1).with_spec(spec)))
    items = [(f"{name}{i}", build_objective(name, encoder, spec, params), 1.0) for i, (name, params) in enumerate(objectives)]
    combined = WeightedObjectives(items, encoder=encoder)
    combined(zoo_batch(spec), encoder, torch.Generator().manual_seed(0))
    return encoder.passes, combined.target.encoder.passes if combined.target is not None else 0


def test_structure_graphcl_jepa_bgrl_pass_counts():
    # Before the step context this mix ran 6 online + 3 target passes, on two target copies.
    defaults = [("structure", STRUCTURE), ("graphcl", {}), ("jepa", {}), ("bgrl", {})]
    # online: clean 1 + graphcl views 2 + jepa masked 1 + bgrl views 2; target: clean 1 + bgrl views 2.
    assert passes(defaults) == (6, 3)
    shared_views = [("structure", STRUCTURE), ("graphcl", {"augmentations": ["drop_edges"]}), ("jepa", {}),
                    ("bgrl", {"augmentations": ["drop_edges", "drop_edges"]})]
    # graphcl and bgrl draw and encode the same two drop-edge views once.
    assert passes(shared_views) == (4, 3)


def test_clean_passes_are_shared_between_objectives():
    assert passes([("structure", STRUCTURE), ("structure", {"graph_targets": {"density": 1}})]) == (1, 0)
    # Two JEPA terms: two masked online passes, one clean target pass.
    assert passes([("jepa", {}), ("jepa", {"mask_ratio": 0.5})]) == (2, 1)


def test_context_requires_an_explicit_generator():
    with pytest.raises(TypeError, match="torch.Generator"):
        StepContext(zoo_batch(CATEGORICAL_SPEC), torch.nn.Identity(), None)
