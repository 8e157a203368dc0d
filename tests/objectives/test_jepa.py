"""jepa: the target is the EMA copy on the clean graph; the loss by hand."""

import torch
import torch.nn.functional as F

from graphssl.objectives import WeightedObjectives, build_objective
from tests.objectives.stubs import SPEC, table_encoder, tiny_batch


def test_target_sees_the_clean_graph_and_loss_matches_hand_computation():
    batch, encoder = tiny_batch(), table_encoder()
    objective = build_objective("jepa", encoder, SPEC, {"mask_ratio": 0.4, "predictor_hidden": 5})
    combined = WeightedObjectives([("jepa", objective, 1.0)], encoder=encoder)
    target = combined.target.encoder
    with torch.no_grad():
        target.table.add_(0.5)  # a target that differs from the online encoder
    out = combined(batch, encoder, torch.Generator().manual_seed(0))
    mask = out["jepa/node_mask"]
    assert len(target.calls) == 1 and target.calls[0][1] is None and target.calls[0][0] is batch
    assert len(encoder.calls) == 1 and torch.equal(encoder.calls[0][1], mask)
    context = torch.where(mask.unsqueeze(1), encoder.mask_token, encoder.table[batch.x[:, 0]])
    clean_target = target.table[batch.x[:, 0]]
    prediction = objective.predictor(context[mask])
    cosine = F.cosine_similarity(prediction, clean_target[mask], dim=1)
    torch.testing.assert_close(out["loss"], 2 - 2 * cosine.mean())


def test_group_masking_hides_whole_fragments_and_a_batch_without_groups_gives_zero():
    batch, encoder = tiny_batch(), table_encoder()
    # Fragments: {0,1}, {2} in graph 0; {3,4}, {5,6} in graph 1; {7,8} in graph 2.
    batch.frags = torch.tensor([[0, 1, 2, 3, 4, 5, 6, 7, 8], [0, 0, 1, 2, 2, 3, 3, 4, 4]])
    objective = build_objective("jepa", encoder, SPEC, {"mask_ratio": 0.5, "mask_groups": "frags"})
    combined = WeightedObjectives([("jepa", objective, 1.0)], encoder=encoder)
    for seed in range(5):
        mask = combined(batch, encoder, torch.Generator().manual_seed(seed))["jepa/node_mask"]
        for group in range(5):
            members = batch.frags[0, batch.frags[1] == group]
            assert bool(mask[members].all()) or not bool(mask[members].any()), "a fragment is masked whole"
        # one of two fragments in graphs 0 and 1; graph 2's single fragment is masked too (never empty).
        assert [int(mask[batch.batch == g].any()) for g in range(3)] == [1, 1, 1]
    batch.frags = torch.zeros(2, 0, dtype=torch.long)
    out = combined(batch, encoder, torch.Generator().manual_seed(0))
    assert out["loss"].item() == 0.0 and not bool(out["jepa/node_mask"].any())
    out["loss"].backward()
