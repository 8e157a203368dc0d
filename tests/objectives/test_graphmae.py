"""graphmae: re-masking before the decoder, and the scaled cosine error by hand."""

import torch
import torch.nn.functional as F

from graphssl.objectives import build_objective
from tests.objectives.stubs import SPEC, step, table_encoder, tiny_batch


def test_decoder_input_is_remasked_and_loss_is_scaled_cosine_by_hand():
    batch, encoder = tiny_batch(), table_encoder()
    objective = build_objective("graphmae", encoder, SPEC, {"mask_ratio": 0.4, "alpha": 3.0})
    seen = {}
    objective.decoder.register_forward_hook(lambda module, args, output: seen.update(hidden=args[0], out=output))
    out = objective(step(batch, encoder))
    mask = out["node_mask"]
    assert torch.equal(encoder.calls[0][1], mask)
    encoded = objective.encoder_to_decoder(encoder(batch, node_mask=mask).node)
    assert bool((seen["hidden"][mask] == 0).all()), "masked nodes reach the decoder as zeros"
    torch.testing.assert_close(seen["hidden"][~mask], encoded[~mask])
    prediction, target = seen["out"][mask], F.one_hot(batch.x[mask, 0], 4).float()
    cosine = (prediction * target).sum(1) / (prediction.norm(dim=1) * target.norm(dim=1))
    torch.testing.assert_close(out["loss"], ((1 - cosine) ** 3).mean())
