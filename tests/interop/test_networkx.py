"""networkx <-> PyG round trips and comparisons with networkx/PyG references."""

from __future__ import annotations


import networkx as nx
import pytest
import torch
from torch_geometric.data import Data
from torch_geometric.utils import from_networkx as pyg_from_networkx
from torch_geometric.utils import to_dense_adj, to_undirected

from graphssl.errors import InvalidGraphError
from graphssl.interop import from_networkx, graphs_from_networkx, to_networkx

GRAPH_TYPES = [nx.Graph, nx.DiGraph, nx.MultiGraph, nx.MultiDiGraph]


def attributed_graph(cls) -> nx.Graph:
    """String node ids, isolated node, self-loop, scalar/vector/bool/string attributes (float32-exact)."""
    graph = cls(name="toy", y=[1.0, 0.0], label=3)
    # 7 nodes: never as many as the stored edges, so attribute levels are unambiguous.
    for i, node in enumerate(["c", "a", "d", "b", "iso", "e", "f"]):
        graph.add_node(node, t=i % 3, f=[0.5 * i, -1.0, 2.0], flag=bool(i % 2), tag=f"n{i}")
    for u, v, w in [("a", "b", 0.25), ("b", "c", 1.5), ("c", "a", -2.0), ("d", "d", 4.0), ("b", "d", 0.75)]:
        graph.add_edge(u, v, w=w, kind=[int(w > 0), 1])
    if graph.is_multigraph():
        graph.add_edge("a", "b", w=8.0, kind=[0, 0])
    return graph


@pytest.mark.parametrize("cls", GRAPH_TYPES)
def test_networkx_round_trip(cls):
    graph = attributed_graph(cls)
    data = from_networkx(graph, node_id_attr="node_id")
    back = to_networkx(data, node_id_attr="node_id")
    assert type(back) is cls
    assert nx.utils.graphs_equal(graph, back)
    assert list(back.nodes) == list(graph.nodes)


@pytest.mark.parametrize("cls", GRAPH_TYPES)
def test_from_networkx_layout(cls):
    graph = attributed_graph(cls)
    data = from_networkx(graph)
    num_edges = graph.number_of_edges()
    self_loops = nx.number_of_selfloops(graph)
    expected_e = num_edges if graph.is_directed() else 2 * num_edges - self_loops
    assert data.num_nodes == 7 and data.edge_index.shape == (2, expected_e)
    assert data.t.dtype == torch.long and data.t.tolist() == [0, 1, 2, 0, 1, 2, 0]
    assert data.f.shape == (7, 3) and data.f.dtype == torch.float32
    assert data.flag.dtype == torch.bool
    assert data.tag == [f"n{i}" for i in range(7)]  # not numeric: kept as a list
    assert data.w.shape == (expected_e,) and data.kind.shape == (expected_e, 2)
    assert data.y.shape == (1, 2) and data.label.tolist() == [3] and data.name == "toy"
    src, dst = data.edge_index.tolist()
    assert list(zip(src, dst)) == sorted(zip(src, dst))


def test_undirected_edges_carry_attributes_both_ways():
    data = from_networkx(attributed_graph(nx.Graph))
    pairs = {(u, v): w for (u, v), w in zip(data.edge_index.t().tolist(), data.w.tolist())}
    for (u, v), w in pairs.items():
        assert pairs[(v, u)] == w


@pytest.mark.parametrize("seed", range(3))
def test_adjacency_matches_networkx_and_pyg(seed):
    graph = nx.gnm_random_graph(12, 20, seed=seed)
    nx.set_edge_attributes(graph, {e: float(i) for i, e in enumerate(graph.edges)}, "w")
    data = from_networkx(graph)
    dense = to_dense_adj(data.edge_index, max_num_nodes=12, edge_attr=data.w)[0]
    reference = torch.tensor(nx.to_numpy_array(graph, nodelist=range(12), weight="w"), dtype=torch.float32)
    torch.testing.assert_close(dense, reference)
    pyg = pyg_from_networkx(graph)
    ours = sorted(zip(data.edge_index.t().tolist(), data.w.tolist()))
    theirs = sorted(zip(pyg.edge_index.t().tolist(), pyg.w.tolist()))
    assert ours == theirs


def test_edge_order_ignores_insertion_order():
    first, second = nx.Graph(), nx.Graph()
    first.add_nodes_from(range(4))
    second.add_nodes_from(range(4))
    edges = [(0, 1, 1.0), (2, 3, 2.0), (1, 2, 3.0)]
    first.add_weighted_edges_from(edges)
    second.add_weighted_edges_from(reversed([(v, u, w) for u, v, w in edges]))
    a, b = from_networkx(first), from_networkx(second)
    assert torch.equal(a.edge_index, b.edge_index) and torch.equal(a.weight, b.weight)


@pytest.mark.parametrize("directed", [False, True])
def test_data_round_trip(directed):
    generator = torch.Generator().manual_seed(0)
    edge_index = torch.randint(0, 10, (2, 30), generator=generator)
    edge_index = edge_index[:, edge_index[0] != edge_index[1]]
    if directed:
        edge_index = torch.unique(edge_index, dim=1)
        edge_attr = torch.randint(0, 4, (edge_index.shape[1], 2), generator=generator)
    else:
        weight = torch.randint(0, 4, (edge_index.shape[1], 2), generator=generator)
        edge_index, edge_attr = to_undirected(edge_index, weight, reduce="max")
    data = Data(x=torch.randn(10, 3, generator=generator), edge_index=edge_index, edge_attr=edge_attr,
                y=torch.tensor([1]), num_nodes=10)
    graph = to_networkx(data)
    assert graph.is_directed() == directed
    back = from_networkx(graph)
    assert torch.equal(back.edge_index, data.edge_index)
    assert torch.equal(back.edge_attr, data.edge_attr)
    torch.testing.assert_close(back.x, data.x)
    assert torch.equal(back.y, data.y)


def test_node_attrs_when_nodes_equal_edges_need_names_or_lists():
    # N == E: "edge"/"node" in the name or x/pos/y decide; anything else needs explicit lists.
    data = Data(edge_index=torch.tensor([[0, 1], [1, 0]]), x=torch.tensor([1.0, 2.0]),
                edge_score=torch.tensor([5.0, 5.0]), num_nodes=2)
    graph = to_networkx(data)
    assert graph.nodes[1]["x"] == 2.0 and graph.edges[0, 1]["edge_score"] == 5.0
    data.score = torch.tensor([3.0, 4.0])
    with pytest.raises(InvalidGraphError, match="'score' could be node- or edge-level"):
        to_networkx(data)
    as_edges = to_networkx(data, node_attrs=["x"], edge_attrs=["score"], graph_attrs=[], directed=True)
    assert as_edges.edges[1, 0]["score"] == 4.0 and "score" not in as_edges.nodes[0]


def test_round_trip_with_as_many_nodes_as_edges():
    graph = nx.DiGraph([(0, 1, {"w": 1.0}), (1, 2, {"w": 2.0}), (2, 0, {"w": 3.0})])
    nx.set_node_attributes(graph, {0: 7, 1: 8, 2: 9}, "t")
    back = to_networkx(from_networkx(graph), node_attrs=["t"], edge_attrs=["w"])
    assert nx.utils.graphs_equal(graph, back)


def test_explicit_undirected_requires_symmetry():
    data = Data(edge_index=torch.tensor([[0, 1], [1, 0]]), edge_w=torch.tensor([1.0, 2.0]), num_nodes=2)
    assert to_networkx(data).is_directed()
    with pytest.raises(InvalidGraphError, match="not undirected"):
        to_networkx(data, directed=False)
    assert not to_networkx(data, edge_attrs=[]).is_directed()


@pytest.mark.parametrize("build,kwargs,message", [
    (lambda g: (g.add_node(0, a=1), g.add_node(1)), {}, "node 1 lacks attribute 'a'"),
    (lambda g: (g.add_node(0, a=1), g.add_node(1)), {"node_attrs": ["a"]}, "node 1 has no attribute 'a'"),
    (lambda g: g.add_node(0, edge_index=1), {}, "reserved"),
    (lambda g: (g.add_edge(0, 1, w=1), g.add_edge(1, 2)), {}, "edge \\(1, 2\\) lacks attribute 'w'"),
    (lambda g: g.add_node(0), {"graph_attrs": ["y"]}, "no graph attribute 'y'"),
])
def test_from_networkx_errors(build, kwargs, message):
    graph = nx.Graph()
    build(graph)
    with pytest.raises(InvalidGraphError, match=message):
        from_networkx(graph, **kwargs)


def test_graphs_from_networkx_names_graph_index():
    good, bad = nx.path_graph(3), nx.Graph()
    bad.add_node(0, a=1)
    bad.add_node(1)
    assert len(graphs_from_networkx([good, good])) == 2
    with pytest.raises(InvalidGraphError, match="graph 1: node 1 lacks"):
        graphs_from_networkx([good, bad])


def test_empty_and_edgeless_graphs():
    empty = from_networkx(nx.Graph())
    assert empty.num_nodes == 0 and empty.edge_index.shape == (2, 0)
    assert to_networkx(empty).number_of_nodes() == 0
    edgeless = nx.empty_graph(3)
    assert nx.utils.graphs_equal(to_networkx(from_networkx(edgeless)), edgeless)
