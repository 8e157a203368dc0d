"""DGL <-> PyG conversion checked against a real DGL.

Skipped when DGL cannot be imported, unless GRAPHSSL_REQUIRE_DGL=1 (set by
scripts/test_dgl.sh, which builds an environment with DGL), where that fails.
"""

from __future__ import annotations

import os

import pytest
import torch
from torch_geometric.data import Batch, Data
from torch_geometric.nn import global_add_pool
from torch_geometric.utils import degree, scatter, to_undirected

from graphssl.errors import InvalidGraphError
from graphssl.interop import from_dgl, to_dgl

os.environ.setdefault("DGLBACKEND", "pytorch")  # otherwise DGL writes ~/.dgl/config.json on import
try:
    import dgl
    import dgl.function as fn
except Exception as exc:  # DGL 2.x wheels fail with OSError/FileNotFoundError on recent torch, not ImportError
    if os.environ.get("GRAPHSSL_REQUIRE_DGL") == "1":
        pytest.fail(f"GRAPHSSL_REQUIRE_DGL=1 but dgl cannot be imported: {type(exc).__name__}: {exc}", pytrace=False)
    pytest.skip(f"dgl not importable ({type(exc).__name__}); run scripts/test_dgl.sh", allow_module_level=True)


def random_data(seed: int, num_nodes: int = 9, num_edges: int = 20, undirected: bool = False) -> Data:
    generator = torch.Generator().manual_seed(seed)
    edge_index = torch.randint(0, num_nodes, (2, num_edges), generator=generator)
    if undirected:
        edge_index = to_undirected(edge_index, num_nodes=num_nodes)
    e = edge_index.shape[1]
    return Data(x=torch.randn(num_nodes, 4, generator=generator), atom=torch.randint(0, 5, (num_nodes, 2), generator=generator),
                edge_index=edge_index, edge_attr=torch.randn(e, 3, generator=generator),
                edge_weight=torch.rand(e, generator=generator), y=torch.tensor([1]), num_nodes=num_nodes)


def assert_same_graph(graph, data: Data, node_keys=("x", "atom"), edge_keys=("edge_attr", "edge_weight")) -> None:
    src, dst = graph.edges(order="eid")
    assert graph.num_nodes() == data.num_nodes
    assert torch.equal(src.long(), data.edge_index[0]) and torch.equal(dst.long(), data.edge_index[1])
    for key in node_keys:
        assert torch.equal(graph.ndata[key], data[key]), key
    for key in edge_keys:
        assert torch.equal(graph.edata[key], data[key]), key


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("undirected", [False, True])
def test_pyg_to_dgl_and_back(seed, undirected):
    data = random_data(seed, undirected=undirected)
    graph = to_dgl(data)
    assert set(graph.ndata.keys()) == {"x", "atom"} and set(graph.edata.keys()) == {"edge_attr", "edge_weight"}
    assert_same_graph(graph, data)
    back = from_dgl(graph, graph_attrs={"y": data.y})
    assert set(back.keys()) == set(data.keys())
    for key in data.keys():
        assert torch.equal(back[key], data[key]) if isinstance(data[key], torch.Tensor) else back[key] == data[key], key


def test_dgl_to_pyg_and_back():
    generator = torch.Generator().manual_seed(0)
    src, dst = torch.randint(0, 7, (2, 15), generator=generator)
    graph = dgl.graph((src, dst), num_nodes=8)  # node 7 isolated
    graph.ndata["feat"] = torch.randn(8, 5, generator=generator)
    graph.edata["w"] = torch.randn(15, generator=generator)
    data = from_dgl(graph)
    assert data.num_nodes == 8 and data.edge_index.tolist() == [src.tolist(), dst.tolist()]
    again = to_dgl(data)
    assert_same_graph(again, data, node_keys=("feat",), edge_keys=("w",))


@pytest.mark.parametrize("seed", range(3))
def test_message_passing_sum_matches_pyg(seed):
    data = random_data(seed, num_nodes=12, num_edges=40)
    graph = to_dgl(data)
    h = data.x.clone().requires_grad_(True)
    graph.ndata["h"] = h
    graph.update_all(fn.copy_u("h", "m"), fn.sum("m", "s"))
    graph.update_all(fn.u_mul_e("h", "edge_weight", "m"), fn.sum("m", "ws"))
    h_pyg = data.x.clone().requires_grad_(True)
    src, dst = data.edge_index
    plain = scatter(h_pyg[src], dst, dim=0, dim_size=data.num_nodes, reduce="sum")
    weighted = scatter(h_pyg[src] * data.edge_weight[:, None], dst, dim=0, dim_size=data.num_nodes, reduce="sum")
    torch.testing.assert_close(graph.ndata["s"], plain)
    torch.testing.assert_close(graph.ndata["ws"], weighted)
    (graph.ndata["s"].square().sum() + graph.ndata["ws"].sum()).backward()
    (plain.square().sum() + weighted.sum()).backward()
    torch.testing.assert_close(h.grad, h_pyg.grad)


def test_undirected_graph_keeps_both_directions():
    data = random_data(1, undirected=True)
    graph = to_dgl(data)
    assert graph.num_edges() == data.edge_index.shape[1]
    torch.testing.assert_close(graph.in_degrees().float(), degree(data.edge_index[1], data.num_nodes))
    torch.testing.assert_close(graph.out_degrees().float(), degree(data.edge_index[0], data.num_nodes))


def test_batches_map_to_batched_graphs():
    graphs = [random_data(seed, num_nodes=5 + seed, num_edges=8 + 2 * seed) for seed in range(3)]
    batch = Batch.from_data_list(graphs)
    batched = to_dgl(batch)
    assert batched.batch_size == 3
    assert batched.batch_num_nodes().tolist() == [5, 6, 7]
    assert batched.batch_num_edges().tolist() == [8, 10, 12]
    for part, data in zip(dgl.unbatch(batched), graphs):
        assert_same_graph(part, data)
    torch.testing.assert_close(dgl.sum_nodes(batched, "x"), global_add_pool(batch.x, batch.batch))

    from_batched = from_dgl(dgl.batch([to_dgl(g) for g in graphs]), graph_attrs=[{"y": g.y} for g in graphs])
    assert isinstance(from_batched, Batch) and from_batched.num_graphs == 3
    for key in ("x", "atom", "edge_index", "edge_attr", "edge_weight", "y", "batch"):
        assert torch.equal(from_batched[key], batch[key]), key


def test_selected_attributes_and_errors():
    data = random_data(0)
    graph = to_dgl(data, node_attrs=["x"], edge_attrs=[])
    assert list(graph.ndata.keys()) == ["x"] and len(graph.edata.keys()) == 0
    assert set(from_dgl(to_dgl(data), node_attrs=["atom"], edge_attrs=["edge_weight"]).keys()) == {
        "edge_index", "num_nodes", "atom", "edge_weight"}
    with pytest.raises(InvalidGraphError, match="no node feature 'missing'"):
        from_dgl(graph, node_attrs=["missing"])
    with pytest.raises(InvalidGraphError, match="not node-level"):
        to_dgl(data, node_attrs=["edge_attr"])
    hetero = dgl.heterograph({("a", "to", "b"): (torch.tensor([0]), torch.tensor([0]))})
    with pytest.raises(InvalidGraphError, match="only homogeneous"):
        from_dgl(hetero)
    with pytest.raises(InvalidGraphError, match="2 entries for a batch of 3"):
        from_dgl(dgl.batch([graph, graph, graph]), graph_attrs=[{}, {}])


def test_converted_graph_runs_through_graphssl_encoder():
    from graphssl.nn import EncoderConfig, GraphEncoder

    graph = dgl.graph((torch.tensor([0, 1, 1, 2]), torch.tensor([1, 0, 2, 1])))
    graph.ndata["x"] = torch.tensor([[0], [1], [2]])
    graph.edata["edge_attr"] = torch.tensor([[0], [0], [1], [1]])
    data = from_dgl(graph)
    encoder = GraphEncoder(EncoderConfig(hidden_dim=8, num_layers=2, node_categorical=[3], edge_categorical=[2]))
    out = encoder(data)
    assert out.node.shape == (3, 8) and out.graph.shape == (1, 8)
