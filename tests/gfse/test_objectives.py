"""GFSE objectives against hand computations on the tiny batch of tests/objectives/stubs.py (known embeddings)."""

import math

import torch
import torch.nn.functional as F
from torch import nn

from graphssl.gfse.objectives import CommunityMargin, GraphContrast, MotifCounts, SPDRegression, node_pairs
from tests.objectives.stubs import SPEC, step, table_encoder, tiny_batch

H = table_encoder().table.detach()  # rows by category; tiny_batch x: [0,1,2], [3,0,1,3], [2,3]


def _constant_head(head: nn.Sequential, value: float) -> None:
    """Make an MLP head output ``value`` everywhere (last layer: zero weight, bias ``value``)."""
    last = [m for m in head if isinstance(m, nn.Linear)][-1]
    nn.init.zeros_(last.weight)
    nn.init.constant_(last.bias, value)


def test_spd_regresses_reachable_pairs_and_classifies_unreachable():
    batch = tiny_batch()
    # Graph 2 (an edge) is made into two components' worth of pairs by hand: its pair (0,1) is unreachable.
    batch.spd_pair_index = torch.tensor([[0, 1, 3, 6, 7], [1, 2, 5, 7, 8]])
    batch.spd_pair_value = torch.tensor([1, 1, 2, 3, -1])
    encoder = table_encoder()
    objective = SPDRegression(encoder, SPEC, all_pairs_below=100)
    _constant_head(objective.heads["spd"], 1.5)
    _constant_head(objective.reachable_heads["spd"], 0.0)
    out = objective(step(batch, encoder))
    mse = ((1.5 - torch.tensor([1.0, 1.0, 2.0, 3.0])) ** 2).mean()
    assert torch.allclose(out["spd_loss"], mse + math.log(2.0))
    assert torch.allclose(out["spd_reachable_loss"], torch.tensor(math.log(2.0)))


def test_motif_regresses_log1p_counts():
    batch = tiny_batch()
    counts = torch.zeros(9, 6)
    counts[:3, 0] = 1.0            # the triangle's nodes lie on one 3-cycle
    counts[3, 1] = 7.0
    batch.cycles = counts
    encoder = table_encoder()
    objective = MotifCounts(encoder, SPEC)
    _constant_head(objective.head, 0.25)
    out = objective(step(batch, encoder))
    assert torch.allclose(out["loss"], ((0.25 - torch.log1p(counts)) ** 2).mean())


def test_community_margin_by_hand():
    batch = tiny_batch()
    batch.louvain = torch.tensor([[0], [0], [1], [0], [0], [1], [1], [0], [1]])
    eps = 0.1
    encoder = table_encoder()
    objective = CommunityMargin(encoder, SPEC, eps=eps, all_pairs_below=100)
    out = objective(step(batch, encoder))
    node = H[batch.x[:, 0]]
    losses = []
    for lo, hi in ((0, 3), (3, 7), (7, 9)):
        for i in range(lo, hi):
            for j in range(lo, hi):
                if i != j:
                    s = F.cosine_similarity(node[i], node[j], dim=0)
                    same = bool(batch.louvain[i] == batch.louvain[j])
                    losses.append(1 - s if same else torch.clamp(s - eps, min=0))
    assert len(losses) == 6 + 12 + 2
    assert torch.allclose(out["loss"], torch.stack(losses).mean())


def test_node_pairs_draws_k_distinct_node_pairs_within_each_graph():
    batch_vector = torch.tensor([0, 0, 0, 1, 2, 2])
    pairs = node_pairs(batch_vector, 3, 50, torch.Generator().manual_seed(0))
    assert pairs.shape == (2, 100)                        # graph 1 has one node: no pair
    assert bool((pairs[0] != pairs[1]).all()) and bool((batch_vector[pairs[0]] == batch_vector[pairs[1]]).all())
    assert set(map(tuple, pairs.t().tolist())) == {(a, b) for a in range(3) for b in range(3) if a != b} | {(4, 5), (5, 4)}


def test_graph_contrast_is_infonce_of_two_structural_views():
    batch = tiny_batch()
    encoder = table_encoder()
    objective = GraphContrast(encoder, SPEC, augmentations=["drop_edges"], temperature=0.5)
    out = objective(step(batch, encoder))
    # The stub ignores edges, so both views give the graphs' sums of rows.
    graph = torch.stack([H[batch.x[batch.batch == g, 0]].sum(0) for g in range(3)])
    z = F.normalize(objective.projection(graph), dim=1)
    logits = z @ z.t() / 0.5
    expected = -torch.log_softmax(logits, dim=1).diagonal().mean()
    assert torch.allclose(out["loss"], expected, atol=1e-6)
