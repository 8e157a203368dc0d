"""bgrl: online embeddings of one view predict the target's embeddings of the other view."""

import torch
import torch.nn.functional as F

from graphssl.objectives import WeightedObjectives, build_objective
from tests.objectives.stubs import SPEC, table_encoder, tiny_batch


def cos_loss(a, b):
    return 2 - 2 * (F.normalize(a, dim=1) * F.normalize(b, dim=1)).sum(1).mean()


def test_loss_pairs_each_view_with_the_other_views_target():
    batch, encoder = tiny_batch(), table_encoder()
    objective = build_objective("bgrl", encoder, SPEC, {"augmentations": ["mask_features", "mask_features"],
                                                        "strength": 0.4, "predictor_hidden": 4})
    combined = WeightedObjectives([("bgrl", objective, 1.0)], encoder=encoder)
    target = combined.target.encoder
    with torch.no_grad():
        target.table.mul_(-1.0).add_(0.3)
    out = combined(batch, encoder, torch.Generator().manual_seed(0))
    assert len(encoder.calls) == 2 and len(target.calls) == 2
    (view1, mask1), (view2, mask2) = encoder.calls
    assert target.calls[0][0] is view1 and target.calls[1][0] is view2
    assert not torch.equal(mask1, mask2), "the two views differ"
    online = [torch.where(m.unsqueeze(1), encoder.mask_token, encoder.table[batch.x[:, 0]]) for m in (mask1, mask2)]
    targets = [torch.where(m.unsqueeze(1), target.mask_token, target.table[batch.x[:, 0]]) for m in (mask1, mask2)]
    q = objective.predictor
    expected = 0.5 * (cos_loss(q(online[0]), targets[1]) + cos_loss(q(online[1]), targets[0]))
    torch.testing.assert_close(out["loss"], expected)
    with torch.no_grad():
        same_view = 0.5 * (cos_loss(q(online[0]), targets[0]) + cos_loss(q(online[1]), targets[1]))
    assert abs((expected.detach() - same_view).item()) > 1e-3, "the test graph tells cross-view from same-view pairing"
