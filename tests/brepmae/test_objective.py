"""``brep_mae``: targets by hand, masked faces hidden from the encoder, loss = weighted sum of its terms."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch_geometric.data import Batch

# graphssl.brepmae is imported inside the tests, not at collection: the core's objective tests parametrize
# over every objective registered when they are collected, and brep_mae needs face grids their graphs lack.
from graphssl.errors import ConfigError
from graphssl.objectives import StepContext, build_objective
from tests.brepmae.conftest import tiny_encoder, tiny_part, tiny_spec


def test_targets_by_hand():
    """One plane face: centroid (0.5, 0, -0.5), a 2x2 grid; points are relative to the centroid."""
    from graphssl.brepmae.targets import face_targets

    x = torch.zeros(1, 11)
    x[0, 0], x[0, 6], x[0, 8:11] = 1.0, 0.25, torch.tensor([0.5, 0.0, -0.5])
    grid = torch.zeros(1, 7, 2, 2)
    grid[0, 0] = torch.tensor([[0.0, 0.0], [1.0, 1.0]])
    grid[0, 2] = -0.5
    grid[0, 5] = 1.0
    target = face_targets(x, grid)
    assert torch.equal(target.points[0, 0], torch.tensor([[-0.5, -0.5], [0.5, 0.5]]))
    assert torch.equal(target.points[0, 1], torch.zeros(2, 2)) and torch.equal(target.points[0, 2], torch.zeros(2, 2))
    assert torch.equal(target.normals[0, 2], torch.ones(2, 2)) and target.surface_type.tolist() == [0]
    assert target.area.tolist() == [0.25] and target.centroid.tolist() == [[0.5, 0.0, -0.5]]


def _objective(**params):
    spec = tiny_spec()
    encoder = tiny_encoder(spec)
    torch.manual_seed(1)
    return encoder, build_objective("brep_mae", encoder, spec, params)


def _step(batch, encoder, seed=0):
    return StepContext(batch, encoder, torch.Generator().manual_seed(seed))


def test_loss_is_the_hand_computed_weighted_sum_over_masked_faces():
    encoder, objective = _objective(mask_ratio=0.5, weights={"surface_type": 0.5, "area": 2.0})
    encoder.eval()
    batch = Batch.from_data_list([tiny_part(4), tiny_part(6, seed=1)])
    out = objective(_step(batch, encoder))
    mask = out["node_mask"]
    assert mask.sum().item() == 2 + 3
    # The same numbers by hand: the encoder on the masked batch, decoder, heads, each term over the masked faces.
    h = objective.decode(encoder(batch, node_mask=mask).node, mask, batch)[mask]
    grid = objective.grid_head(h).view(-1, 6, 3, 3)
    values = objective.value_head(h)
    x, face_grid = batch.x[mask], batch.face_grid[mask]
    expected = {
        "points": ((grid[:, :3] - (face_grid[:, :3] - x[:, 8:11, None, None])) ** 2).mean(),
        "normals": ((grid[:, 3:] - face_grid[:, 3:6]) ** 2).mean(),
        "surface_type": F.cross_entropy(objective.type_head(h), x[:, :6].argmax(1)),
        "area": ((values[:, 0] - x[:, 6]) ** 2).mean(),
        "centroid": ((values[:, 1:] - x[:, 8:11]) ** 2).mean(),
    }
    for term, value in expected.items():
        assert out[term].item() == pytest.approx(value.item(), rel=1e-5), term
    weights = {"points": 1, "normals": 1, "surface_type": 0.5, "area": 2.0, "centroid": 1}
    assert out["loss"].item() == pytest.approx(sum(weights[t] * expected[t].item() for t in expected), rel=1e-5)


def test_masked_faces_are_hidden_from_the_encoder_and_targets_are_their_true_values():
    """Changing a masked face's grid, attributes and its normals on edges leaves the encoder's output unchanged;
    only the targets move, and they equal the changed face's true values."""
    from graphssl.brepmae.targets import face_targets

    encoder, objective = _objective(mask_ratio=0.5)
    encoder.eval()
    batch = Batch.from_data_list([tiny_part(4)])
    mask = _step(batch, encoder).draw_node_mask(0.5)
    seen = {}
    original_forward = encoder.forward

    def spy(view, node_mask=None):
        seen["node"] = original_forward(view, node_mask=node_mask).node
        return original_forward(view, node_mask=node_mask)

    encoder.forward = spy
    out = objective(_step(batch, encoder))
    first = seen["node"].detach().clone()
    changed = batch.clone()
    masked = mask.nonzero().flatten()
    changed.face_grid[masked] = torch.randn(len(masked), 7, 3, 3)
    changed.x[masked, 6:] = torch.randn(len(masked), 5)
    for side, row in ((slice(6, 9), 0), (slice(9, 12), 1)):
        hit = torch.isin(changed.edge_index[row], masked)
        changed.edge_grid[hit, side] = torch.randn(int(hit.sum()), 3, 4)
    out_changed = objective(_step(changed, encoder))
    assert torch.equal(out_changed["node_mask"], out["node_mask"])
    assert torch.equal(seen["node"], first)
    assert out_changed["points"] != out["points"]
    target = face_targets(changed.x[mask], changed.face_grid[mask])
    assert torch.equal(target.area, changed.x[mask, 6])


def test_gradients_reach_both_inputs_and_the_mask_tokens():
    encoder, objective = _objective()
    encoder.train()
    out = objective(_step(Batch.from_data_list([tiny_part(4), tiny_part(5, seed=2)]), encoder))
    out["loss"].backward()
    face, edge = encoder.node_input.inputs[0], encoder.edge_input.inputs[0]
    assert face.mask_token.grad.abs().sum() > 0 and edge.normal_token.grad.abs().sum() > 0
    assert face.grid[0].weight.grad.abs().sum() > 0 and objective.decoder_token.grad.abs().sum() > 0


@pytest.mark.parametrize("params, message", [
    ({"mask_ratio": 1.0}, r"objectives.brep_mae.mask_ratio: must be in \(0, 1\)"),
    ({"weights": {"point": 1.0}}, r"unknown terms \['point'\]"),
    ({"weights": {"area": -1.0}}, r"weights.area: must be >= 0"),
])
def test_bad_parameters_name_the_key(params, message):
    with pytest.raises(ConfigError, match=message):
        _objective(**params)
