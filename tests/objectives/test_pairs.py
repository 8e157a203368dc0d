"""Pair plumbing and the pairs objective: sampler counts, symmetric features, loss by hand, unreachable pairs."""

import pytest
import torch
from torch_geometric.data import Batch, Data

from graphssl.errors import ConfigError, InvalidGraphError
from graphssl.objectives import build_objective, pair_features, read_pairs, sample_pairs
from tests.objectives.stubs import SPEC, all_pairs, step, table_encoder, tiny_batch


def test_sampler_takes_k_distinct_pairs_per_graph_or_all_below_a_size():
    batch = tiny_batch()  # graphs of 3, 4, 2 nodes -> 6, 12, 2 non-self pairs
    pair_index = all_pairs(batch)
    chosen = sample_pairs(pair_index, batch.batch, 3, 4, torch.Generator().manual_seed(0))
    graph = batch.batch[pair_index[0, chosen]]
    assert torch.bincount(graph, minlength=3).tolist() == [4, 4, 2]
    assert bool((pair_index[0, chosen] != pair_index[1, chosen]).all()) and chosen.unique().numel() == chosen.numel()
    chosen = sample_pairs(pair_index, batch.batch, 3, 1, torch.Generator().manual_seed(0), all_pairs_below=4)
    assert torch.bincount(batch.batch[pair_index[0, chosen]], minlength=3).tolist() == [6, 1, 2]


def test_pair_features_are_symmetric():
    node = torch.randn(4, 3, generator=torch.Generator().manual_seed(0))
    index = torch.tensor([[0, 2], [3, 1]])
    torch.testing.assert_close(pair_features(node, index), pair_features(node, index.flip(0)))


def test_pair_attributes_survive_batching_and_missing_ones_name_the_target():
    graphs = [Data(x=torch.zeros(2, 1, dtype=torch.long), edge_index=torch.tensor([[0, 1], [1, 0]]),
                   spd_pair_index=torch.tensor([[0, 1], [1, 0]]), spd_pair_value=torch.tensor([1.0, 1.0])) for _ in range(2)]
    batch = Batch.from_data_list(graphs)
    index, value = read_pairs(batch, "spd")
    assert index.tolist() == [[0, 1, 2, 3], [1, 0, 3, 2]] and value.shape == (4, 1)
    with pytest.raises(InvalidGraphError, match="'resistance'"):
        read_pairs(batch, "resistance")


def head_by_hand(head, f):
    return torch.relu(f @ head[0].weight.t() + head[0].bias) @ head[2].weight.t() + head[2].bias


def test_pairs_loss_by_hand_with_unreachable_pairs_masked_and_invalid_graphs_skipped():
    batch, encoder = tiny_batch(), table_encoder()
    pair_index = all_pairs(batch)
    value = (pair_index[0] - pair_index[1]).abs().float()
    value[(pair_index[0] == 0) & (pair_index[1] == 2)] = float("inf")  # unreachable
    value[(pair_index[0] == 2) & (pair_index[1] == 0)] = -1.0  # unreachable, SPD style
    batch.spd_pair_index, batch.spd_pair_value = pair_index, value
    batch.spd_valid = torch.tensor([True, True, False])
    objective = build_objective("pairs", encoder, SPEC, {"targets": {"spd": 1}, "all_pairs_below": 10, "hidden_dim": 4})
    out = objective(step(batch, encoder))
    node = encoder.table[batch.x[:, 0]]
    keep = (pair_index[0] != pair_index[1]) & (batch.batch[pair_index[0]] < 2) & torch.isfinite(value) & (value >= 0)
    index = pair_index[:, keep]
    features = torch.cat([node[index[0]] * node[index[1]], (node[index[0]] - node[index[1]]).abs()], dim=1)
    expected = ((head_by_hand(objective.heads["spd"], features).view(-1) - value[keep]) ** 2).mean()
    torch.testing.assert_close(out["loss"], expected)
    assert out["spd_pairs"].item() == 6 + 12


def test_unreachable_as_a_class_adds_a_reachability_loss():
    batch, encoder = tiny_batch(), table_encoder()
    pair_index = all_pairs(batch)
    value = torch.ones(pair_index.shape[1])
    value[:4] = float("inf")
    batch.spd_pair_index, batch.spd_pair_value = pair_index, value
    objective = build_objective("pairs", encoder, SPEC, {"targets": {"spd": 1}, "all_pairs_below": 10, "unreachable": "class"})
    out = objective(step(batch, encoder))
    assert out["spd_reachable_loss"].item() > 0
    assert torch.isfinite(out["loss"])


def test_bad_pair_parameters_fail_at_build():
    encoder = table_encoder()
    with pytest.raises(ConfigError, match="objectives.pairs.targets"):
        build_objective("pairs", encoder, SPEC, {})
    with pytest.raises(ConfigError, match="objectives.pairs.unreachable"):
        build_objective("pairs", encoder, SPEC, {"targets": {"spd": 1}, "unreachable": "drop"})
    with pytest.raises(ConfigError, match="objectives.pairs.pairs_per_graph"):
        build_objective("pairs", encoder, SPEC, {"targets": {"spd": 1}, "pairs_per_graph": 0})


def test_pairs_trains_on_the_pse_engines_spd_pairs_with_unreachable_pairs_left_out():
    from graphssl.pe import SPD

    graphs = tiny_batch().to_data_list()
    graphs.append(Data(x=torch.tensor([[0], [1], [2]]), edge_index=torch.tensor([[0, 1], [1, 0]]),
                       edge_attr=torch.tensor([[0], [0]])))  # node 2 isolated
    batch = Batch.from_data_list([SPD(max_dist=4, pairs=True)(g) for g in graphs])
    encoder = table_encoder()
    objective = build_objective("pairs", encoder, SPEC, {"targets": {"spd": 1}, "all_pairs_below": 10, "hidden_dim": 4})
    out = objective(step(batch, encoder))
    index, value = read_pairs(batch, "spd")
    off_diagonal = index[0] != index[1]
    assert out["spd_pairs"].item() == int(off_diagonal.sum())
    node = encoder.table[batch.x[:, 0]]
    keep = off_diagonal & (value.view(-1) >= 0)
    features = pair_features(node, index[:, keep])
    expected = ((head_by_hand(objective.heads["spd"], features).view(-1) - value.view(-1)[keep].float()) ** 2).mean()
    torch.testing.assert_close(out["loss"], expected)
