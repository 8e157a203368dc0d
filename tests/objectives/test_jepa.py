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
