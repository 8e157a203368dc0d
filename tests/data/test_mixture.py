"""Mixtures: source labels, combined spec, and a weighted batch order that is deterministic and resumable."""

from collections import Counter

import pytest
import torch
from torch_geometric.data import Batch
from torch_geometric.loader import DataLoader

from graphssl.data.config import DataConfig
from graphssl.data.mixture import MixtureBatchOrder, MixtureDataset, draw_counts
from graphssl.data.prepare import GraphList, prepare_data
from graphssl.data.spec import GraphSpec
from graphssl.errors import ConfigError
from graphssl.train.sampling import ShardedBatchOrder
from tests.graphs import CATEGORICAL_SPEC, make_graph


def test_draw_counts_by_largest_remainder():
    assert draw_counts(10, [1, 1, 1]) == [4, 3, 3]
    assert draw_counts(7, [3, 1]) == [5, 2]  # 5.25 and 1.75: the larger remainder gets the spare draw
    assert draw_counts(100, [0.5, 0.25, 0.25]) == [50, 25, 25]


def test_each_epoch_draws_by_weight_and_walks_permutations():
    order = MixtureBatchOrder([10, 30], [3.0, 1.0], batch_size=8, seed=1)
    assert order.counts == [30, 10]
    seen_small, seen_large = Counter(), []
    for epoch in range(3):
        flat = [i for batch in order.epoch(epoch) for i in batch]
        assert len(flat) == 40
        small, large = [i for i in flat if i < 10], [i - 10 for i in flat if i >= 10]
        assert (len(small), len(large)) == (30, 10)
        # The small part is repeated whole (each item 3 times an epoch), never sampled with replacement.
        assert Counter(small) == Counter({i: 3 for i in range(10)})
        seen_small.update(small)
        seen_large += large
    # The large part is covered without repeats across epochs 0-2 (10 of 30 per epoch).
    assert sorted(seen_large) == list(range(30))


def test_order_is_deterministic_resumable_and_seeded():
    a = MixtureBatchOrder([5, 7], [1.0, 2.0], batch_size=4, seed=3)
    b = MixtureBatchOrder([5, 7], [1.0, 2.0], batch_size=4, seed=3)
    assert b.epoch(4) == a.epoch(4) and a.epoch(0) != a.epoch(1)
    assert MixtureBatchOrder([5, 7], [1.0, 2.0], batch_size=4, seed=4).epoch(0) != a.epoch(0)


def test_sharding_matches_the_single_dataset_order_interface():
    sizes, weights = [9, 4], [1.0, 1.0]
    whole = MixtureBatchOrder(sizes, weights, batch_size=100, seed=0).epoch(2)[0]
    shards = [MixtureBatchOrder(sizes, weights, batch_size=3, seed=0, rank=r, world_size=3) for r in range(3)]
    reference = ShardedBatchOrder(13, 3, seed=0, rank=0, world_size=3)
    assert shards[0].shard_size == reference.shard_size == 5
    assert shards[0].batches_per_epoch == reference.batches_per_epoch == 2
    got = [[i for batch in s.epoch(2) for i in batch] for s in shards]
    padded = whole + whole[:2]
    assert got == [padded[r::3] for r in range(3)]


def test_bad_weights_are_refused():
    with pytest.raises(ConfigError, match=r"data\[1\].weight: must be in \(0, inf\)"):
        MixtureBatchOrder([3, 3], [1.0, 0.0], batch_size=2, seed=0)


def held(spec, sizes):
    graphs = [make_graph(n, [(i, i + 1) for i in range(n - 1)], spec, seed=n) for n in sizes]
    return GraphList(graphs, spec)


def test_mixture_labels_sources_and_keeps_a_shared_layout():
    mixture = MixtureDataset([held(CATEGORICAL_SPEC, [3, 4]), held(CATEGORICAL_SPEC, [5, 6, 7])], [1.0, 1.0])
    assert len(mixture) == 5 and not mixture.structure_only
    assert [mixture[i].source for i in range(5)] == [0, 0, 1, 1, 1]
    assert [mixture[i].num_nodes for i in range(5)] == [3, 4, 5, 6, 7]
    assert torch.equal(mixture[3].x, mixture.parts[1][1].x)
    assert mixture.spec.node_categorical == CATEGORICAL_SPEC.node_categorical
    assert mixture.spec.attributes["source"].level == "graph"


def test_different_layouts_give_a_structure_only_mixture_that_batches():
    other = GraphSpec(node_categorical=[11], edge_categorical=[2])
    mixture = prepare_data([DataConfig(params={"num_graphs": 4}), DataConfig(params={"num_graphs": 3}, weight=2.0)])
    assert not mixture.structure_only  # two synthetic parts agree
    mixed = MixtureDataset([held(CATEGORICAL_SPEC, [3, 4]), held(other, [5])], [1.0, 1.0])
    assert mixed.structure_only and mixed.spec == GraphSpec(attributes=mixed.spec.attributes)
    assert "x" not in mixed[0] and "edge_attr" not in mixed[2]
    order = MixtureBatchOrder(mixed.sizes, mixed.weights, batch_size=3, seed=0)
    batches = list(DataLoader(mixed, batch_sampler=order.epoch(0)))
    batch = Batch.from_data_list([mixed[i] for i in range(3)])
    assert torch.equal(batch.source, torch.tensor([0, 0, 1])) and batch.num_nodes == 12
    assert sum(b.num_graphs for b in batches) == 3


def test_fingerprint_follows_parts_and_weights():
    parts = [held(CATEGORICAL_SPEC, [3, 4]), held(CATEGORICAL_SPEC, [5])]
    a, b = MixtureDataset(parts, [1.0, 1.0]), MixtureDataset(parts, [1.0, 1.0])
    assert a.fingerprint == b.fingerprint != MixtureDataset(parts, [1.0, 2.0]).fingerprint
    assert a.fingerprint != MixtureDataset([parts[0], held(CATEGORICAL_SPEC, [6])], [1.0, 1.0]).fingerprint
