"""fragment_jepa: the loss against a hand computation, targets from the unmasked molecule, masks per molecule."""

from __future__ import annotations

import pytest
import torch

from graphssl.errors import ConfigError
from tests.conftest import requires

pytestmark = requires("rdkit")


def build(encoder, spec, **params):
    from graphssl.objectives import WeightedObjectives, build_objective

    objective = build_objective("fragment_jepa", encoder, spec, {"predictor_hidden": 8, **params})
    return objective, WeightedObjectives([("fj", objective, 1.0)], encoder=encoder)


def test_embedding_loss_by_hand():
    from graphssl.graspnet.objective import embedding_loss

    prediction = torch.tensor([[1.0, 0.0], [0.0, 2.0]])
    target = torch.tensor([[3.0, 0.0], [1.0, 0.0]])
    # cos = 1 and 0: mean(2 - 2cos) = (0 + 2) / 2.
    assert embedding_loss(prediction, target, "cosine").item() == pytest.approx(1.0)
    # |d| = 2, 0, 1, 2 -> smooth-L1 (beta 1) = 1.5, 0, 0.5, 1.5; mean 0.875.
    assert embedding_loss(prediction, target, "smooth_l1").item() == pytest.approx(0.875)


def test_loss_is_the_hand_computed_sum_with_targets_from_the_unmasked_molecule(encoder, spec, batch):
    from graphssl.objectives.context import StepContext

    objective, objectives = build(encoder, spec, w_atom=0.7, w_frag=0.3)
    encoder.eval(), objectives.eval()  # batch norm with running statistics on both sides
    step = StepContext(batch, encoder, torch.Generator().manual_seed(5), target=objectives.target)
    out = objective(step)
    node_mask, fragment_mask = objective.draw_masks(StepContext(batch, encoder, torch.Generator().manual_seed(5)))
    assert torch.equal(out["node_mask"], node_mask) and torch.equal(out["fragment_mask"], fragment_mask)
    with torch.no_grad():
        # The EMA target starts as a copy of the online encoder: its targets are the online encoder on the full molecule.
        clean = encoder(batch)
        context = encoder(batch, node_mask=node_mask, group_masks={"fragment": fragment_mask})
        atoms, fragments = objective.predict(step, context, node_mask, fragment_mask)

    def two_minus_two_cos(p, t):
        return sum(2 - 2 * (p[i] @ t[i]) / (p[i].norm() * t[i].norm()) for i in range(len(p))) / len(p)

    atom_loss = two_minus_two_cos(atoms, clean.node[node_mask])
    fragment_loss = two_minus_two_cos(fragments, clean.fragment[fragment_mask])
    assert out["atom_loss"].item() == pytest.approx(atom_loss.item(), rel=1e-5)
    assert out["fragment_loss"].item() == pytest.approx(fragment_loss.item(), rel=1e-5)
    assert out["loss"].item() == pytest.approx(0.7 * atom_loss.item() + 0.3 * fragment_loss.item(), rel=1e-5)
    # Targets of the masked molecule would give another loss: the guard that the target is the clean pass.
    masked_target = encoder(batch, node_mask=node_mask, group_masks={"fragment": fragment_mask})
    assert not torch.allclose(masked_target.node[node_mask], clean.node[node_mask])


def test_masks_cover_whole_fragments_per_molecule(encoder, spec, batch):
    from graphssl.objectives.context import StepContext

    objective, _ = build(encoder, spec, fragment_ratio=0.3, atom_ratio=0.0)
    node_mask, fragment_mask = objective.draw_masks(StepContext(batch, encoder, torch.Generator().manual_seed(1)))
    masked_atoms = {a for a, f in batch.atom2frag.t().tolist() if fragment_mask[f]}
    assert set(node_mask.nonzero().view(-1).tolist()) == masked_atoms
    for graph in range(batch.num_graphs):
        count = int((batch.frag_batch == graph).sum())
        expected = min(max(round(0.3 * count), 1), max(count - 1, 1))
        assert int(fragment_mask[batch.frag_batch == graph].sum()) == expected
    # Extra random atoms on top: a superset, with at least one more atom in some molecule.
    objective.atom_ratio = 0.5
    more, same_fragments = objective.draw_masks(StepContext(batch, encoder, torch.Generator().manual_seed(1)))
    assert torch.equal(same_fragments, fragment_mask) and bool((more & ~node_mask).any()) and bool((more >= node_mask).all())


def test_ablation_weights_and_smooth_l1(encoder, spec, batch):
    from graphssl.objectives.context import StepContext

    objective, objectives = build(encoder, spec, w_frag=0.0, loss="smooth_l1")
    out = objective(StepContext(batch, encoder, torch.Generator().manual_seed(2), target=objectives.target))
    assert out["loss"].item() == pytest.approx(out["atom_loss"].item())
    out["loss"].backward()
    # Fragment-only ablation still connects the atom predictor (zero gradient, no unused parameter under DDP).
    assert all(p.grad is not None for p in objective.fragment_predictor.parameters())


def test_loss_falls_on_a_fixed_batch(encoder, spec, batch):
    _, objectives = build(encoder, spec)
    optimizer = torch.optim.Adam([p for p in list(encoder.parameters()) + list(objectives.parameters()) if p.requires_grad],
                                 lr=0.01)
    losses = []
    for _ in range(15):
        loss = objectives(batch, encoder, torch.Generator().manual_seed(0))["loss"]
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < 0.5 * losses[0]


def test_parameters_are_checked_naming_the_key(encoder, spec):
    from graphssl.nn import build_encoder
    from graphssl.objectives import build_objective

    with pytest.raises(ConfigError, match=r"objectives.fragment_jepa.fragment_ratio: must be in \(0, 1\)"):
        build(encoder, spec, fragment_ratio=1.0)
    with pytest.raises(ConfigError, match="objectives.fragment_jepa.atom_ratio"):
        build(encoder, spec, atom_ratio=-0.1)
    with pytest.raises(ConfigError, match="both 0"):
        build(encoder, spec, w_atom=0.0, w_frag=0.0)
    with pytest.raises(ConfigError, match="objectives.fragment_jepa.loss"):
        build(encoder, spec, loss="l2")
    with pytest.raises(ConfigError, match="encoder name: graspnet"):
        build_objective("fragment_jepa", build_encoder({"hidden_dim": 8, "num_layers": 1}, spec), spec, {})
