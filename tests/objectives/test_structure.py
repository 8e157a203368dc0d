"""structure: losses by hand, padding masks and per-graph validity honoured, eigenvector targets invariant."""

import pytest
import torch

from graphssl.errors import ConfigError
from graphssl.objectives import build_objective
from tests.objectives.stubs import SPEC, step, table_encoder, tiny_batch


def head_by_hand(head, h):
    first, last = head[0], head[2]
    return torch.relu(h @ first.weight.t() + first.bias) @ last.weight.t() + last.bias


def projector_distance(y, u):
    """The eigvec loss of one graph by hand: squared distance of the projectors, per target column."""
    return ((y @ y.t() - u @ u.t()) ** 2).sum() / u.shape[1]


def test_node_and_graph_losses_by_hand_from_the_clean_pass():
    batch, encoder = tiny_batch(), table_encoder()
    batch.deg = torch.arange(9, dtype=torch.float).view(9, 1)
    batch.size_target = torch.tensor([[3.0], [4.0], [2.0]])
    objective = build_objective("structure", encoder, SPEC, {"node_targets": {"deg": 1}, "graph_targets": {"size_target": 1}, "hidden_dim": 4})
    out = objective(step(batch, encoder))
    assert encoder.calls[0][1] is None, "structure reads the unmasked graph"
    node = encoder.table[batch.x[:, 0]]
    graph = torch.stack([node[batch.batch == g].sum(0) for g in range(3)])
    node_loss = ((head_by_hand(objective.node_heads["deg"], node) - batch.deg) ** 2).mean()
    graph_loss = ((head_by_hand(objective.graph_heads["size_target"], graph) - batch.size_target) ** 2).mean()
    torch.testing.assert_close(out["deg_loss"], node_loss)
    torch.testing.assert_close(out["size_target_loss"], graph_loss)
    torch.testing.assert_close(out["loss"], (node_loss + graph_loss) / 2)


def test_padding_mask_and_graph_validity_leave_entries_out():
    batch, encoder = tiny_batch(), table_encoder()
    batch.rw = torch.arange(18, dtype=torch.float).view(9, 2) / 10
    batch.rw_mask = torch.ones(9, 2, dtype=torch.bool)
    batch.rw_mask[0, 1] = False
    batch.rw[0, 1] = 1e6  # padding holds garbage
    batch.rw_valid = torch.tensor([True, False, True])  # graph 1 (nodes 3-6) lacks the target
    batch.rw[3:7] = float("nan")
    objective = build_objective("structure", encoder, SPEC, {"node_targets": {"rw": 2}, "hidden_dim": 4})
    out = objective(step(batch, encoder))
    prediction = head_by_hand(objective.node_heads["rw"], encoder.table[batch.x[:, 0]])
    keep = batch.rw_mask.clone()
    keep[3:7] = False
    expected = ((prediction[keep] - batch.rw[keep]) ** 2).mean()
    torch.testing.assert_close(out["loss"], expected)


def test_a_batch_where_no_graph_has_the_target_gives_zero_with_a_gradient_path():
    batch, encoder = tiny_batch(), table_encoder()
    batch.rw = torch.full((9, 2), float("nan"))
    batch.rw_valid = torch.zeros(3, dtype=torch.bool)
    objective = build_objective("structure", encoder, SPEC, {"node_targets": {"rw": 2}, "hidden_dim": 4})
    loss = objective(step(batch, encoder))["loss"]
    assert loss.item() == 0.0
    loss.backward()
    assert all(torch.isfinite(p.grad).all() for p in objective.parameters() if p.grad is not None)


def orthonormal_eigvecs(batch):
    """Per graph, the first two Laplacian eigenvectors (orthonormal columns), stacked as [N, 2]."""
    out = torch.zeros(batch.num_nodes, 2)
    for g in range(batch.num_graphs):
        nodes = (batch.batch == g).nonzero().view(-1)
        adjacency = torch.zeros(len(nodes), len(nodes))
        local = batch.edge_index[:, batch.batch[batch.edge_index[0]] == g] - nodes[0]
        adjacency[local[0], local[1]] = 1.0
        _, vectors = torch.linalg.eigh(torch.diag(adjacency.sum(1)) - adjacency)
        out[nodes, : min(2, len(nodes))] = vectors[:, :2]
    return out


def test_eigvec_loss_is_the_projector_distance_and_ignores_sign_and_basis():
    batch, encoder = tiny_batch(), table_encoder()
    batch.lap = orthonormal_eigvecs(batch)
    objective = build_objective("structure", encoder, SPEC, {"eigvec_targets": {"lap": 2}, "hidden_dim": 4})
    loss = objective(step(batch, encoder))["loss"]
    prediction = head_by_hand(objective.eigvec_heads["lap"], encoder.table[batch.x[:, 0]])
    per_graph = []
    for g in range(3):
        rows = batch.batch == g
        y, u = prediction[rows], batch.lap[rows]
        per_graph.append(projector_distance(y, u))
    torch.testing.assert_close(loss, torch.stack(per_graph).mean())
    # Flip signs and rotate the basis of every graph's two columns: the loss does not move.
    angle = torch.tensor(0.7)
    rotation = torch.stack([torch.stack([angle.cos(), -angle.sin()]), torch.stack([angle.sin(), angle.cos()])])
    batch.lap = (batch.lap * torch.tensor([-1.0, 1.0])) @ rotation
    torch.testing.assert_close(objective(step(batch, encoder))["loss"], loss)


def test_bad_parameters_fail_at_build_naming_the_key():
    encoder = table_encoder()
    with pytest.raises(ConfigError, match="objectives.structure.loss"):
        build_objective("structure", encoder, SPEC, {"node_targets": {"rw": 2}, "loss": "l3"})
    with pytest.raises(ConfigError, match="objectives.structure.node_targets"):
        build_objective("structure", encoder, SPEC, {})


def test_eigvec_targets_from_the_pse_engines_lappe_with_padded_columns():
    from torch_geometric.data import Batch

    from graphssl.pe import LapPE

    batch = Batch.from_data_list([LapPE(k=3)(g) for g in tiny_batch().to_data_list()])
    assert not bool(batch.lap_mask.all()), "the 2-node graph pads a column"
    encoder = table_encoder()
    objective = build_objective("structure", encoder, SPEC, {"eigvec_targets": {"lap": 3}, "hidden_dim": 4})
    loss = objective(step(batch, encoder))["loss"]
    prediction = head_by_hand(objective.eigvec_heads["lap"], encoder.table[batch.x[:, 0]])
    per_graph = []
    for g in range(3):
        rows = batch.batch == g
        columns = batch.lap_mask[rows].any(0)
        y, u = prediction[rows][:, columns], batch.lap[rows][:, columns]
        torch.testing.assert_close(u.t() @ u, torch.eye(int(columns.sum())), atol=1e-5, rtol=0)
        per_graph.append(projector_distance(y, u))
    torch.testing.assert_close(loss, torch.stack(per_graph).mean())
