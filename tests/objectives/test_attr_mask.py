"""attr_mask: the loss by hand on a tiny graph, and masked labels never reach the encoder."""

import torch

from graphssl.objectives import build_objective
from tests.objectives.stubs import SPEC, step, table_encoder, tiny_batch


def test_loss_is_cross_entropy_of_the_mask_token_embedding_by_hand():
    batch, encoder = tiny_batch(), table_encoder()
    objective = build_objective("attr_mask", encoder, SPEC, {"mask_ratio": 0.4})
    out = objective(step(batch, encoder))
    mask = out["node_mask"]
    # What the encoder was given: this very mask.
    assert len(encoder.calls) == 1 and torch.equal(encoder.calls[0][1], mask)
    head = objective.heads[0]
    logits = head.weight @ encoder.mask_token + head.bias  # every masked node is the mask token
    log_softmax = logits - torch.logsumexp(logits, 0)
    labels = batch.x[mask, 0]
    expected = -log_softmax[labels].mean()
    torch.testing.assert_close(out["loss"], expected)


def test_masked_labels_do_not_change_the_prediction():
    batch, encoder = tiny_batch(), table_encoder()
    objective = build_objective("attr_mask", encoder, SPEC, {"mask_ratio": 0.4})
    mask = objective(step(batch, encoder, seed=3))["node_mask"]
    hidden_before = encoder.calls[-1]
    changed = batch.clone()
    changed.x = batch.x.clone()
    changed.x[mask, 0] = (batch.x[mask, 0] + 1) % 4
    out = objective(step(changed, encoder, seed=3))
    assert torch.equal(out["node_mask"], mask)
    # Same draw, different labels under the mask: the encoder's masked rows are identical.
    first = encoder(hidden_before[0], node_mask=hidden_before[1]).node[mask]
    second = encoder(changed, node_mask=mask).node[mask]
    torch.testing.assert_close(first, second)
