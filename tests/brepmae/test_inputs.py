"""The ``brep_face`` / ``brep_edge`` inputs: shapes, masked faces never read, masked normals hidden on their edges."""

from __future__ import annotations

import pytest
import torch
from torch_geometric.data import Batch

# graphssl.brepmae is imported inside the tests, not at collection: the core's objective tests parametrize
# over every objective registered when they are collected, and brep_mae needs face grids their graphs lack.
from graphssl.errors import ConfigError, InvalidGraphError
from tests.brepmae.conftest import tiny_encoder, tiny_part, tiny_spec


def test_face_input_masked_rows_are_the_token_and_independent_of_their_grid(part):
    from graphssl.brepmae.face_input import FaceInput

    torch.manual_seed(0)
    module = FaceInput(tiny_spec(), "node", 8).eval()
    mask = torch.tensor([False, True, False, True])
    out = module(part, mask)
    assert out.shape == (4, 8)
    assert torch.equal(out[1], module.mask_token.detach()) and torch.equal(out[3], module.mask_token.detach())
    changed = part.clone()
    changed.face_grid[mask] = torch.randn(2, 7, 3, 3)
    changed.x[mask, 6:] = torch.randn(2, 5)
    assert torch.equal(module(changed, mask), out)
    # Unmasked faces are embedded on their own (no batch statistics in eval mode): same as unmasked input.
    assert torch.allclose(module(part)[~mask], out[~mask])


def test_face_input_batch_norm_never_sees_masked_faces(part):
    """In training mode the CNN's batch statistics come from unmasked faces only."""
    from graphssl.brepmae.face_input import FaceInput

    torch.manual_seed(0)
    module = FaceInput(tiny_spec(), "node", 8).train()
    mask = torch.tensor([True, False, False, False])
    changed = part.clone()
    changed.face_grid[0] = 100 * torch.randn(7, 3, 3)
    assert torch.equal(module(changed, mask), module(part, mask))


def test_hide_face_normals_by_edge_direction_hand_example():
    """Edges 0->1, 1->2, 2->0 with face 1 masked: edge 0->1 hides right, 1->2 hides left, 2->0 nothing."""
    from graphssl.brepmae.edge_input import hide_face_normals

    edge_index = torch.tensor([[0, 1, 2], [1, 2, 0]])
    grid = torch.arange(3 * 12 * 2, dtype=torch.float).view(3, 12, 2)
    token = torch.tensor([7.0, 8.0, 9.0])
    hidden = hide_face_normals(grid, edge_index, torch.tensor([False, True, False]), token)
    filled = token.view(3, 1).expand(3, 2)
    assert torch.equal(hidden[0, 9:12], filled) and torch.equal(hidden[0, :9], grid[0, :9])
    assert torch.equal(hidden[1, 6:9], filled) and torch.equal(hidden[1, 9:], grid[1, 9:])
    assert torch.equal(hidden[1, :6], grid[1, :6])
    assert torch.equal(hidden[2], grid[2])


def test_edge_input_reads_the_mask_argument_or_the_batch_attribute(part):
    from graphssl.brepmae.edge_input import EdgeInput

    torch.manual_seed(0)
    module = EdgeInput(tiny_spec(), "edge", 8).eval()
    mask = torch.tensor([True, False, False, False])
    changed = part.clone()
    # Face 0's normal on its edges: left where 0 is the source, right where it is the target.
    changed.edge_grid[part.edge_index[0] == 0, 6:9] = 5.0
    changed.edge_grid[part.edge_index[1] == 0, 9:12] = -5.0
    assert torch.equal(module(changed, mask), module(part, mask))
    assert not torch.equal(module(changed), module(part))


def test_encoder_with_both_inputs_gives_per_face_embeddings():
    spec = tiny_spec()
    encoder = tiny_encoder(spec)
    out = encoder(Batch.from_data_list([tiny_part(4), tiny_part(5, seed=1)]))
    assert out.node.shape == (9, 16) and out.graph.shape == (2, 16)


def test_wrong_grid_size_names_the_attribute_and_both_shapes():
    from graphssl.brepmae.face_input import FaceInput

    module = FaceInput(tiny_spec(grid=(4, 4)), "node", 8)
    with pytest.raises(InvalidGraphError, match=r"face_grid has shape \(4, 7, 3, 3\), this encoder reads \[4, 7, 4, 4\]"):
        module(tiny_part())


def test_inputs_refuse_the_other_slot_and_missing_grids():
    from graphssl.brepmae.edge_input import EdgeInput
    from graphssl.brepmae.face_input import FaceInput
    from graphssl.cad.extract import ExtractOptions
    from graphssl.cad.spec import cad_graph_spec

    with pytest.raises(ConfigError, match="cannot fill the edge slot"):
        FaceInput(tiny_spec(), "edge", 8)
    with pytest.raises(ConfigError, match="no edge attribute 'edge_grid'"):
        EdgeInput(cad_graph_spec(ExtractOptions(edge_grids=False)), "edge", 8)


def test_gps_encoder_takes_the_same_inputs():
    from graphssl.nn import build_encoder, encoder_config_from_dict

    spec = tiny_spec()
    config = encoder_config_from_dict({"conv": "gps", "gps_local": "gine", "gps_heads": 2, "hidden_dim": 16,
                                       "num_layers": 1, "node_inputs": [{"name": "brep_face"}],
                                       "edge_inputs": [{"name": "brep_edge"}]})
    encoder = build_encoder(config, spec).eval()
    batch = Batch.from_data_list([tiny_part(4), tiny_part(3, seed=1)])
    mask = torch.tensor([True, False, False, False, False, True, False])
    out = encoder(batch, node_mask=mask)
    assert out.node.shape == (7, 16)
    changed = batch.clone()
    changed.face_grid[mask] = 0.0
    assert torch.equal(encoder(changed, node_mask=mask).node, out.node)
