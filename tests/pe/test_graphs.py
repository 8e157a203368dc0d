import networkx as nx
import pytest
import torch
from torch_geometric.data import Batch, Data

from graphssl.errors import ConfigError, InvalidGraphError
from graphssl.pe import BUILTIN_KINDS, GraphSet, LapPE, RWSE, resolve
from tests.pe.helpers import to_data


def batch_with(bad: Data) -> Batch:
    good = to_data(nx.path_graph(3), weight="weight")
    return Batch.from_data_list([good, good, bad])


@pytest.mark.parametrize("value, word", [(float("nan"), "NaN"), (-1.0, "negative"), (float("inf"), "infinite")])
def test_bad_weights_name_the_graph(value, word):
    bad = to_data(nx.path_graph(4), weight="weight")
    bad.edge_weight[1] = value
    with pytest.raises(InvalidGraphError, match=rf"graph 2: edge weight \d+ is {word}"):
        RWSE().compute(batch_with(bad))


def test_out_of_range_index_names_the_graph():
    bad = Data(edge_index=torch.tensor([[0, 5], [5, 0]]), edge_weight=torch.ones(2), num_nodes=3)
    with pytest.raises(InvalidGraphError, match=r"graph 2: edge \d+ \(.*\) is out of range for a graph with 3 nodes"):
        RWSE().compute(batch_with(bad))
    with pytest.raises(InvalidGraphError, match="out of range"):
        RWSE()(Data(edge_index=torch.tensor([[0, -1], [1, 0]]), num_nodes=2))


def test_mismatched_num_nodes():
    data = Data(x=torch.zeros(4, 2), edge_index=torch.tensor([[0, 1], [1, 0]]), num_nodes=3)
    with pytest.raises(InvalidGraphError, match="num_nodes is 3 but x has 4 rows"):
        RWSE()(data)


def test_weight_shape_mismatch():
    data = Data(edge_index=torch.tensor([[0, 1], [1, 0]]), edge_weight=torch.ones(3), num_nodes=2)
    with pytest.raises(InvalidGraphError, match="edge_weight must have shape"):
        RWSE()(data)


def directed_batch():
    bad = Data(edge_index=torch.tensor([[0, 1, 1, 2], [1, 0, 2, 3]]), edge_weight=torch.ones(4), num_nodes=4)
    return batch_with(bad)


@pytest.mark.parametrize("kind", BUILTIN_KINDS)
def test_directed_input_raises_by_default(kind):
    with pytest.raises(InvalidGraphError, match=r"graph 2: input is directed .*directed='symmetrize'"):
        resolve(kind).compute(directed_batch())


@pytest.mark.parametrize("kind", BUILTIN_KINDS)
def test_symmetrize_equals_explicit_undirected(kind):
    batch = directed_batch()
    undirected = batch_with(to_data(nx.path_graph(4), weight="weight"))
    got = resolve(kind, directed="symmetrize").compute(batch)
    expected = resolve(kind).compute(undirected)
    for key in expected:
        torch.testing.assert_close(got[key], expected[key], atol=1e-5, rtol=0)


def test_symmetrize_takes_the_elementwise_maximum():
    data = Data(edge_index=torch.tensor([[0, 1], [1, 0]]), edge_weight=torch.tensor([2.0, 1.0]), num_nodes=2)
    degree = resolve("degree", directed="symmetrize")(data).degree
    torch.testing.assert_close(degree.view(-1), torch.tensor([2.0, 2.0]))


def test_unknown_policy_and_kind():
    with pytest.raises(ConfigError, match="directed must be one of"):
        RWSE(directed="ignore")
    with pytest.raises(ConfigError, match="unknown PSE kind 'nope'"):
        resolve("nope")


def test_graphset_from_list_matches_batch():
    datas = [to_data(nx.cycle_graph(4), weight="weight"), to_data(nx.path_graph(3), weight="weight")]
    a, b = GraphSet.from_data_list(datas), GraphSet.from_data(Batch.from_data_list(datas))
    assert torch.equal(a.edge_index, b.edge_index) and torch.equal(a.ptr, b.ptr)
    torch.testing.assert_close(LapPE(k=2).compute(a)["lap"], LapPE(k=2).compute(b)["lap"])


def test_empty_graphs_in_a_batch():
    empty = Data(edge_index=torch.zeros(2, 0, dtype=torch.long), edge_weight=torch.zeros(0), num_nodes=0)
    batch = Batch.from_data_list([empty, to_data(nx.path_graph(3), weight="weight"), empty])
    for kind in BUILTIN_KINDS:
        out = resolve(kind).compute(batch)
        assert out[kind].size(0) == 3


def test_mismatched_num_nodes_in_a_batch_names_the_graph():
    good = to_data(nx.path_graph(3))
    good.x = torch.zeros(3, 1)
    bad = to_data(nx.path_graph(4))
    bad.x = torch.zeros(5, 1)
    batch = Batch.from_data_list([good, bad, good])
    with pytest.raises(InvalidGraphError, match="graph 1: num_nodes is 4 but x has 5 rows"):
        RWSE().compute(batch)


@pytest.mark.parametrize("kind", BUILTIN_KINDS)
def test_edge_into_a_node_without_out_edges_is_directed(kind):
    # Regression: the spectral kinds built their Laplacian from normalized edge values, where an edge
    # into a node of out-degree 0 became 0, so its missing reverse went unnoticed.
    data = Data(edge_index=torch.tensor([[0, 1, 1], [1, 0, 2]]), num_nodes=3)
    with pytest.raises(InvalidGraphError, match=r"graph 0: input is directed \(edge 1->2 has weight 1 but 2->1"):
        resolve(kind).compute(data)
