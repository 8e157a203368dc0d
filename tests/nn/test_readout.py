"""Readouts against brute-force per-graph pooling."""

import pytest
import torch
from torch_geometric.data import Batch
from torch_geometric.utils import scatter

from graphssl.nn import Readout
from tests.graphs import CONTINUOUS_SPEC, zoo


@pytest.mark.parametrize("kind", ["sum", "mean", "max"])
def test_readouts_match_brute_force_and_zero_empty_graphs(kind):
    graphs = zoo(CONTINUOUS_SPEC)
    batch = Batch.from_data_list(graphs)
    pooled = Readout(kind)(batch.x, batch.batch, batch.num_graphs)
    for index, graph in enumerate(graphs):
        if graph.num_nodes == 0:
            assert torch.count_nonzero(pooled[index]) == 0
            continue
        expected = {"sum": graph.x.sum(0), "mean": graph.x.mean(0), "max": graph.x.max(0).values}[kind]
        torch.testing.assert_close(pooled[index], expected)


def test_attention_readout_weights_sum_to_one():
    torch.manual_seed(0)
    batch = Batch.from_data_list(zoo(CONTINUOUS_SPEC))
    readout = Readout("attention", 5)
    pooled = readout(batch.x, batch.batch, batch.num_graphs)
    gate = torch.softmax(readout.attention.gate_nn(batch.x[:6]).view(-1), 0)
    torch.testing.assert_close(pooled[0], (gate[:, None] * batch.x[:6]).sum(0))
    assert torch.count_nonzero(pooled[2]) == 0
    assert scatter(torch.ones(batch.num_nodes), batch.batch, dim_size=batch.num_graphs)[2] == 0


def test_unknown_readout_names_the_choices():
    with pytest.raises(ValueError, match="unknown readout 'avg'"):
        Readout("avg")
