import pytest
import torch
from torch_geometric.data import Batch

from graphssl.errors import InvalidGraphError
from graphssl.nn import EncoderConfig, GraphEncoder, PSEConfig
from tests.graphs import CATEGORICAL_SPEC, CONTINUOUS_SPEC, STRUCTURE_SPEC, make_graph, zoo, zoo_batch

ENCODER_VARIANTS = [
    dict(conv="gine"),
    dict(conv="gine", jk="cat", readout="attention", residual=True, norm="layer", dropout=0.1),
    dict(conv="gin", jk="sum", readout="sum"),
    dict(conv="gcn", jk="max", readout="max", norm="none"),
    dict(conv="gps", gps_local="gine", gps_heads=2),
    dict(conv="gps", gps_local="gcn", gps_heads=4, jk="cat", norm="layer"),
]
SPECS = {"categorical": CATEGORICAL_SPEC, "continuous": CONTINUOUS_SPEC, "structure": STRUCTURE_SPEC}


def build(spec, **overrides) -> GraphEncoder:
    torch.manual_seed(0)
    return GraphEncoder(EncoderConfig(hidden_dim=16, num_layers=3, **overrides).with_spec(spec))


@pytest.mark.parametrize("variant", ENCODER_VARIANTS, ids=lambda v: "-".join(f"{k}={v[k]}" for k in v))
@pytest.mark.parametrize("spec_name", list(SPECS))
def test_shapes_finite_and_gradients_on_awkward_graphs(variant, spec_name):
    spec = SPECS[spec_name]
    encoder = build(spec, **variant)
    batch = zoo_batch(spec)
    node, graph = encoder(batch)
    assert node.shape == (batch.num_nodes, encoder.out_dim)
    assert graph.shape == (batch.num_graphs, encoder.out_dim)
    assert torch.isfinite(node).all() and torch.isfinite(graph).all()
    graph.pow(2).sum().backward()
    grads = [p.grad for p in encoder.parameters() if p.grad is not None]
    assert grads and all(torch.isfinite(g).all() for g in grads)


@pytest.mark.parametrize("variant", ENCODER_VARIANTS, ids=lambda v: "-".join(f"{k}={v[k]}" for k in v))
def test_graph_embedding_is_permutation_invariant(variant):
    encoder = build(CATEGORICAL_SPEC, **variant).eval()
    graph = zoo(CATEGORICAL_SPEC)[4]
    perm = torch.randperm(graph.num_nodes, generator=torch.Generator().manual_seed(3))
    inverse = torch.empty_like(perm)
    inverse[perm] = torch.arange(graph.num_nodes)
    permuted = graph.clone()
    permuted.x = graph.x[perm]
    permuted.edge_index = inverse[graph.edge_index]
    a = encoder(Batch.from_data_list([graph]))
    b = encoder(Batch.from_data_list([permuted]))
    torch.testing.assert_close(a.graph, b.graph, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(a.node[perm], b.node, atol=1e-5, rtol=1e-5)


def test_empty_graph_reads_out_as_zeros_and_batching_matches_single_graphs():
    encoder = build(CATEGORICAL_SPEC).eval()
    graphs = zoo(CATEGORICAL_SPEC)
    batched = encoder(Batch.from_data_list(graphs)).graph
    assert torch.count_nonzero(batched[2]) == 0
    for index, graph in enumerate(graphs):
        single = encoder(Batch.from_data_list([graph])).graph[0]
        torch.testing.assert_close(single, batched[index], atol=1e-5, rtol=1e-5)


def test_node_mask_replaces_only_masked_inputs():
    encoder = build(CATEGORICAL_SPEC).eval()
    batch = zoo_batch(CATEGORICAL_SPEC)
    mask = torch.zeros(batch.num_nodes, dtype=torch.bool)
    mask[0] = True
    plain, masked = encoder.embed_inputs(batch), encoder.embed_inputs(batch, mask)
    torch.testing.assert_close(masked[0], encoder.mask_token)
    torch.testing.assert_close(masked[1:], plain[1:])
    with pytest.raises(ValueError, match="node_mask"):
        encoder(batch, node_mask=mask[:-1])


def test_pse_is_read_masked_and_required():
    spec = CATEGORICAL_SPEC
    graphs = zoo(spec)
    for g in graphs:
        g.rwse = torch.rand(g.num_nodes, 4)
        g.rwse_mask = torch.rand(g.num_nodes, 4) > 0.3
    encoder = build(spec, pse=PSEConfig(inputs={"rwse": 4}, dim=4)).eval()
    batch = Batch.from_data_list(graphs)
    out = encoder(batch).node
    assert torch.isfinite(out).all()
    # Values under a False mask are padding: changing them must not change the output.
    batch.rwse = torch.where(batch.rwse_mask, batch.rwse, torch.full_like(batch.rwse, 1e6))
    torch.testing.assert_close(encoder(batch).node, out)
    del batch.rwse
    with pytest.raises(InvalidGraphError, match="rwse"):
        encoder(batch)


def corrupt(kind: str):
    graphs = zoo(CONTINUOUS_SPEC)
    target = graphs[4]
    if kind == "nan_x":
        target.x[3, 1] = float("nan")
    elif kind == "inf_edge":
        target.edge_attr[2, 0] = float("inf")
    elif kind == "edge_past_graph":
        target.edge_index[1, 1] = 7
    elif kind == "edge_out_of_range":
        graphs[-1].edge_index[1, 1] = 99
    return Batch.from_data_list(graphs)


@pytest.mark.parametrize("kind,pattern", [
    ("nan_x", r"graph 4: node features x contain NaN"),
    ("inf_edge", r"graph 4: edge features edge_attr contain NaN or inf"),
    ("edge_past_graph", r"graph 4: edge \d+ joins nodes of different graphs"),
    ("edge_out_of_range", r"graph 5: edge index \d+ out of range"),
])
def test_bad_graphs_raise_naming_the_graph(kind, pattern):
    encoder = build(CONTINUOUS_SPEC)
    with pytest.raises(InvalidGraphError, match=pattern):
        encoder(corrupt(kind))


def test_categorical_value_out_of_range_names_graph_and_column():
    graphs = zoo(CATEGORICAL_SPEC)
    graphs[1].x[2, 1] = 3
    with pytest.raises(InvalidGraphError, match=r"graph 1: node features x column 1 has value 3, outside \[0, 3\)"):
        build(CATEGORICAL_SPEC)(Batch.from_data_list(graphs))


def test_feature_rows_must_match_node_count():
    graph = make_graph(4, [(0, 1)], CONTINUOUS_SPEC)
    graph.x = graph.x[:3]
    with pytest.raises(InvalidGraphError, match="3 rows, expected 4"):
        build(CONTINUOUS_SPEC)(Batch.from_data_list([graph]))


def test_single_node_batch_trains_with_batch_norm():
    encoder = build(CATEGORICAL_SPEC).train()
    batch = Batch.from_data_list([zoo(CATEGORICAL_SPEC)[3]])
    node, graph = encoder(batch)
    assert node.shape == (1, 16) and torch.isfinite(graph).all()


def test_cpu_autocast_bfloat16_runs():
    encoder = build(CATEGORICAL_SPEC, conv="gps", gps_heads=2)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        node, graph = encoder(zoo_batch(CATEGORICAL_SPEC))
    graph.float().sum().backward()
    assert torch.isfinite(graph.float()).all()


def test_config_rejects_bad_values():
    with pytest.raises(ValueError, match="encoder.conv"):
        EncoderConfig(conv="transformer")
    with pytest.raises(ValueError, match="pse.dim"):
        EncoderConfig(hidden_dim=8, pse=PSEConfig(inputs={"rwse": 4}, dim=8))
