"""gfse_cycles against networkx cycle counts; a graph past the path cap is kept and marked invalid."""

import networkx as nx
import torch
from torch_geometric.data import Batch

from graphssl.gfse.corpus import structure_of
from graphssl.gfse.motif_targets import CyclesWithValidity


def test_counts_match_networkx_and_uncountable_graph_is_marked_invalid():
    ladder, clique = nx.circular_ladder_graph(4), nx.complete_graph(9)
    batch = Batch.from_data_list([structure_of(ladder), structure_of(clique), structure_of(nx.cycle_graph(5))])
    out = CyclesWithValidity(max_length=6, max_paths=2000).compute(batch)
    assert out["cycles_valid"].tolist() == [True, False, True]
    expected = torch.zeros(8, 4)
    for cycle in nx.simple_cycles(ladder, length_bound=6):
        for node in cycle:
            expected[node, len(cycle) - 3] += 1
    assert torch.equal(out["cycles"][:8], expected)
    assert torch.equal(out["cycles"][8:17], torch.zeros(9, 4))
    assert torch.equal(out["cycles"][17:], torch.tensor([[0.0, 0.0, 1.0, 0.0]] * 5))
