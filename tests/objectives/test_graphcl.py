"""graphcl: two different views, NT-Xent by hand between them."""

import math

import pytest
import torch

from graphssl.objectives import build_objective
from tests.objectives.stubs import SPEC, step, table_encoder, tiny_batch


def nt_xent_by_hand(z1, z2, temperature):
    z1 = [row / row.norm() for row in z1]
    z2 = [row / row.norm() for row in z2]
    n, total = len(z1), 0.0
    for a, b in ((z1, z2), (z2, z1)):
        for i in range(n):
            scores = [float(a[i] @ b[j]) / temperature for j in range(n)]
            total += -(scores[i] - math.log(sum(math.exp(s) for s in scores)))
    return total / (2 * n)


def test_two_distinct_views_and_loss_by_hand():
    batch, encoder = tiny_batch(), table_encoder()
    objective = build_objective("graphcl", encoder, SPEC, {"augmentations": ["mask_features"], "strength": 0.4,
                                                           "temperature": 0.5, "projection_dim": 4})
    out = objective(step(batch, encoder))
    assert len(encoder.calls) == 2, "two views, two passes"
    (view1, mask1), (view2, mask2) = encoder.calls
    assert view1 is not view2 and not torch.equal(mask1, mask2), "the views differ"
    graphs = []
    for mask in (mask1, mask2):
        node = torch.where(mask.unsqueeze(1), encoder.mask_token, encoder.table[batch.x[:, 0]])
        graphs.append(torch.stack([node[batch.batch == g].sum(0) for g in range(batch.num_graphs)]))
    assert not torch.allclose(graphs[0], graphs[1]), "the views' graph embeddings differ"
    z1, z2 = (objective.projection(g) for g in graphs)
    assert out["loss"].item() == pytest.approx(nt_xent_by_hand(z1.detach(), z2.detach(), 0.5), rel=1e-5)
