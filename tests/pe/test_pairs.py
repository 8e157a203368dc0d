"""Every pairwise kind goes through graphssl.pe.pairs and writes NAME_pair_index [2, P] + NAME_pair_value [P(, d)]."""

import networkx as nx
import numpy as np
import pytest
import torch
from torch_geometric.data import Batch

from graphssl.errors import ConfigError, InvalidGraphError
from graphssl.pe import BUILTIN_KINDS, KINDS, PairwisePSE, resolve
from tests.pe.helpers import dense_adjacency, to_data, zoo_data

PAIR_KINDS = [name for name in BUILTIN_KINDS if issubclass(KINDS[name], PairwisePSE)]


def test_the_pairwise_kinds():
    assert PAIR_KINDS == ["electrostatic", "resistance", "rrwp", "spd"]


@pytest.mark.parametrize("kind", PAIR_KINDS)
def test_pair_convention_and_batching(kind):
    datas = zoo_data()[:5]
    encoding = resolve(kind, pairs=True)
    assert encoding.output_names()[1:] == [f"{kind}_pair_index", f"{kind}_pair_value"]
    direct = encoding.compute(Batch.from_data_list(datas))
    index, value = direct[f"{kind}_pair_index"], direct[f"{kind}_pair_value"]
    sizes = [d.num_nodes for d in datas]
    assert index.dtype == torch.long and index.shape == (2, sum(n * n for n in sizes))
    assert value.shape[0] == index.size(1) and value.dim() == (2 if kind == "rrwp" else 1)
    offset, expected = 0, []
    for n in sizes:
        grid = torch.meshgrid(torch.arange(n), torch.arange(n), indexing="ij")
        expected.append(torch.stack(grid).view(2, -1) + offset)
        offset += n
    assert torch.equal(index, torch.cat(expected, 1))
    # Per-graph outputs collated by PyG give the same tensors: the index is offset like edge_index.
    batch = Batch.from_data_list([encoding(d.clone()) for d in datas])
    assert torch.equal(batch[f"{kind}_pair_index"], index)
    torch.testing.assert_close(batch[f"{kind}_pair_value"], value, atol=1e-5, rtol=0)


@pytest.mark.parametrize("kind", PAIR_KINDS)
def test_without_pairs_only_node_rows(kind):
    out = resolve(kind).compute(zoo_data()[0])
    assert list(out) == [kind]


@pytest.mark.parametrize("kind", PAIR_KINDS)
def test_empty_input_keeps_the_value_shape(kind):
    from graphssl.pe import GraphSet

    empty = GraphSet(torch.zeros(2, 0, dtype=torch.long), torch.zeros(1, dtype=torch.long))
    out = resolve(kind, pairs=True).compute(empty)
    assert out[f"{kind}_pair_index"].shape == (2, 0)
    assert out[f"{kind}_pair_value"].shape == ((0, 8) if kind == "rrwp" else (0,))


def test_electrostatic_pairs_match_pseudo_inverse():
    graph = nx.disjoint_union(nx.cycle_graph(4), nx.path_graph(3))
    data = to_data(graph)
    value = resolve("electrostatic", pairs=True).compute(data)["electrostatic_pair_value"].view(7, 7).numpy()
    expected = np.zeros((7, 7))
    adjacency = dense_adjacency(data)
    for comp in nx.connected_components(graph):
        nodes = sorted(comp)
        sub = adjacency[np.ix_(nodes, nodes)]
        pinv = np.linalg.pinv(np.diag(sub.sum(1)) - sub)
        expected[np.ix_(nodes, nodes)] = pinv - np.diag(pinv)[None, :]
    np.testing.assert_allclose(value, expected, atol=1e-6)


@pytest.mark.parametrize("kind", PAIR_KINDS)
def test_size_limit_names_the_parameter(kind):
    with pytest.raises(InvalidGraphError, match=r"graph 0: has 5 nodes; .* is limited to max_nodes=4$"):
        resolve(kind, max_nodes=4).compute(zoo_data()[0])
    with pytest.raises(ConfigError, match="max_nodes must be >= 1"):
        resolve(kind, max_nodes=0)
