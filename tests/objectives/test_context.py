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


class RecordingEncoder(torch.nn.Module):
    """Records the keyword arguments of each call; an encoder without groups takes ``node_mask`` alone."""

    def __init__(self, accepts_groups: bool) -> None:
        super().__init__()
        self.accepts_groups, self.calls = accepts_groups, []

    def forward(self, batch, node_mask=None, **groups):
        if groups and not self.accepts_groups:
            raise TypeError(f"unexpected {sorted(groups)}")
        self.calls.append({"node_mask": node_mask, **groups})
        return batch


def test_masked_passes_group_masks_only_when_given():
    batch = zoo_batch(CATEGORICAL_SPEC)
    node_mask = torch.zeros(batch.num_nodes, dtype=torch.bool)
    plain = RecordingEncoder(accepts_groups=False)
    StepContext(batch, plain, torch.Generator()).masked(node_mask)
    assert list(plain.calls[0]) == ["node_mask"] and plain.calls[0]["node_mask"] is node_mask
    grouped = RecordingEncoder(accepts_groups=True)
    fragment_mask = torch.tensor([True, False])
    StepContext(batch, grouped, torch.Generator()).masked(node_mask, group_masks={"fragment": fragment_mask})
    assert grouped.calls[0]["group_masks"]["fragment"] is fragment_mask
