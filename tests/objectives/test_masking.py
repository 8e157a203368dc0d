"""Per-graph node and group masks: counts per graph, never empty, never everything, whole groups, generator only."""

import pytest
import torch

from graphssl.errors import ConfigError
from graphssl.objectives import group_membership, sample_group_mask, sample_node_mask


def test_node_mask_counts_per_graph_against_formula():
    sizes = [1, 2, 3, 7, 10]
    vector = torch.repeat_interleave(torch.arange(len(sizes)), torch.tensor(sizes))
    mask = sample_node_mask(vector, len(sizes) + 1, 0.3, torch.Generator().manual_seed(1))
    counts = torch.bincount(vector[mask], minlength=len(sizes) + 1).tolist()
    # round(0.3 n) clamped to [1, n - 1] (1 for a single node); the empty last graph gets none.
    assert counts == [1, 1, 1, 2, 3, 0]


def test_node_mask_comes_from_the_generator_only():
    vector = torch.zeros(50, dtype=torch.long)
    torch.manual_seed(0)
    first = sample_node_mask(vector, 1, 0.5, torch.Generator().manual_seed(7))
    torch.manual_seed(123)
    second = sample_node_mask(vector, 1, 0.5, torch.Generator().manual_seed(7))
    assert torch.equal(first, second)
    assert not torch.equal(first, sample_node_mask(vector, 1, 0.5, torch.Generator().manual_seed(8)))


@pytest.mark.parametrize("ratio", [0.0, 1.0, -0.1])
def test_node_mask_ratio_outside_open_interval_is_refused(ratio):
    with pytest.raises(ConfigError, match="mask ratio"):
        sample_node_mask(torch.zeros(3, dtype=torch.long), 1, ratio, torch.Generator())


def test_group_mask_masks_whole_groups_drawn_per_graph():
    # Graph 0: nodes 0-5, fragments {0,1}, {2,3}, {4,5}; graph 1: nodes 6-8, one fragment {6,7,8}
    # (so with one group it must still get one masked group); node 9 in graph 1 belongs to no fragment.
    batch_vector = torch.tensor([0, 0, 0, 0, 0, 0, 1, 1, 1, 1])
    membership = torch.tensor([[0, 1, 2, 3, 4, 5, 6, 7, 8], [0, 0, 1, 1, 2, 2, 3, 3, 3]])
    for seed in range(20):
        group_mask, node_mask = sample_group_mask(membership, batch_vector, 2, 0.5, torch.Generator().manual_seed(seed))
        assert int(group_mask[:3].sum()) == 2 and bool(group_mask[3])  # round(1.5)=2 of 3; 1 of 1
        expected = torch.zeros(10, dtype=torch.bool)
        expected[membership[0][group_mask[membership[1]]]] = True
        assert torch.equal(node_mask, expected) and not bool(node_mask[9])


def test_group_without_members_is_never_masked():
    batch_vector = torch.tensor([0, 0, 0, 0])
    membership = torch.tensor([[0, 1, 2, 3], [0, 0, 1, 1]])  # group 2 has no member
    for seed in range(10):
        group_mask, _ = sample_group_mask(membership, batch_vector, 1, 0.5, torch.Generator().manual_seed(seed), num_groups=3)
        assert group_mask.tolist()[2] is False and int(group_mask[:2].sum()) == 1


def test_group_membership_from_local_per_node_ids():
    # Two graphs whose face instance ids restart at 0; -1 = no instance.
    batch_vector = torch.tensor([0, 0, 0, 1, 1, 1])
    group_id = torch.tensor([0, 0, 1, 0, -1, 0])
    membership, count = group_membership(group_id, batch_vector)
    assert count == 3
    assert membership.tolist() == [[0, 1, 2, 3, 5], [0, 0, 1, 2, 2]]
