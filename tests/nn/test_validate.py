"""Malformed graphs: full checks of validate_graph, and the cheap checks every encoder forward runs."""

import pytest
import torch
from torch_geometric.data import Batch

from graphssl.data import validate_graph
from graphssl.errors import InvalidGraphError
from graphssl.nn import EncoderConfig, GraphEncoder
from tests.graphs import CATEGORICAL_SPEC, CONTINUOUS_SPEC, make_graph, zoo


def layout(spec):
    return dict(node_categorical=spec.node_categorical, edge_categorical=spec.edge_categorical,
                node_continuous=spec.node_continuous, edge_continuous=spec.edge_continuous)


def check(graphs, spec, **kwargs):
    validate_graph(Batch.from_data_list(graphs), spec.node_categorical, spec.edge_categorical,
                   node_continuous=spec.node_continuous, edge_continuous=spec.edge_continuous, **kwargs)


def test_clean_zoo_passes():
    check(zoo(CATEGORICAL_SPEC), CATEGORICAL_SPEC)
    check(zoo(CONTINUOUS_SPEC), CONTINUOUS_SPEC)


# Graph 4 of the zoo has 7 nodes and edges (0,1),(1,2),(2,0),(4,5) both ways; it starts at node 12, edge 18.
def test_nan_is_reported_at_its_node_within_its_graph():
    graphs = zoo(CONTINUOUS_SPEC)
    graphs[4].x[3, 1] = float("nan")
    with pytest.raises(InvalidGraphError, match=r"^graph 4: node features x contain NaN or inf \(node 3\)$"):
        check(graphs, CONTINUOUS_SPEC)


def test_inf_is_reported_at_its_edge_within_its_graph():
    graphs = zoo(CONTINUOUS_SPEC)
    graphs[4].edge_attr[2, 0] = float("inf")
    with pytest.raises(InvalidGraphError, match=r"^graph 4: edge features edge_attr contain NaN or inf \(edge 2\)$"):
        check(graphs, CONTINUOUS_SPEC)


def test_edge_into_the_next_graph_names_the_edge_and_node_within_its_graph():
    graphs = zoo(CONTINUOUS_SPEC)
    graphs[4].edge_index[1, 1] = 7  # past graph 4's 7 nodes: lands on graph 5 once batched
    with pytest.raises(InvalidGraphError, match=r"^graph 4: edge 1 points to node 7, outside its 7 nodes$"):
        check(graphs, CONTINUOUS_SPEC)


def test_edge_index_past_the_batch_names_graph_and_edge():
    graphs = zoo(CONTINUOUS_SPEC)
    graphs[-1].edge_index[1, 1] = 99
    with pytest.raises(InvalidGraphError, match=r"^graph 5: edge 1 has node index \d+, out of range"):
        check(graphs, CONTINUOUS_SPEC)


def test_categorical_value_out_of_range_names_graph_node_and_column():
    graphs = zoo(CATEGORICAL_SPEC)
    graphs[1].x[2, 1] = 3
    with pytest.raises(InvalidGraphError, match=r"^graph 1: node features x column 1 has value 3 at node 2, outside \[0, 3\)$"):
        check(graphs, CATEGORICAL_SPEC)


def test_first_graph_offsets_the_reported_index():
    graph = make_graph(4, [(0, 1), (2, 3)], CONTINUOUS_SPEC)
    graph.x[2, 0] = float("nan")
    with pytest.raises(InvalidGraphError, match=r"^graph 17: node features x contain NaN or inf \(node 2\)$"):
        validate_graph(graph, node_continuous=5, edge_continuous=3, first_graph=17)


def test_rows_must_match_node_count():
    graph = make_graph(4, [(0, 1)], CONTINUOUS_SPEC)
    graph.x = graph.x[:3]
    with pytest.raises(InvalidGraphError, match="node features x have 3 rows, expected 4"):
        validate_graph(graph, node_continuous=5)


def break_features(graph, kind):
    """Give ``graph`` the feature fault ``kind`` in place."""
    if kind in ("no_x", "no_edge_attr"):
        delattr(graph, "x" if kind == "no_x" else "edge_attr")
    elif kind == "float_x":
        graph.x = graph.x.float()
    elif kind == "int_x":
        graph.x = graph.x.long()
    elif kind == "wide_x":
        graph.x = torch.cat([graph.x, graph.x[:, :1]], dim=1)
    elif kind == "narrow_edge_attr":
        graph.edge_attr = graph.edge_attr[:, :2]
    else:
        raise AssertionError(f"unknown fault {kind!r}")


@pytest.mark.parametrize("kind,spec,pattern", [
    ("no_x", CATEGORICAL_SPEC, r"graph 0: has no node features x; the layout expects categories \[6, 3\]"),
    ("float_x", CATEGORICAL_SPEC, r"graph 0: node features x are torch.float32, the layout expects int64 categories"),
    ("int_x", CONTINUOUS_SPEC, r"graph 0: node features x are torch.int64, the layout expects 5 float columns"),
    ("no_edge_attr", CATEGORICAL_SPEC, r"graph 0: has no edge features edge_attr; the layout expects categories \[4, 2\]"),
    ("wide_x", CONTINUOUS_SPEC, r"graph 0: node features x have 6 columns, the layout expects 5"),
])
def test_missing_and_mistyped_features(kind, spec, pattern):
    graphs = zoo(spec)
    for graph in graphs:
        break_features(graph, kind)
    with pytest.raises(InvalidGraphError, match=pattern):
        check(graphs, spec)


# The encoder's cheap checks run whatever `validate` says (default False): no dataset crashes inside torch.
def encoder_for(spec, **overrides):
    torch.manual_seed(0)
    return GraphEncoder(EncoderConfig(hidden_dim=8, num_layers=2, **overrides).with_spec(spec))


def empty_first(spec):
    """A batch whose graph 0 is empty, so the first graph with nodes (1) is the one named."""
    graphs = zoo(spec)
    return [graphs[2]] + graphs[:2]


@pytest.mark.parametrize("kind,spec,pattern", [
    ("no_x", CATEGORICAL_SPEC, r"^graph 1: has no node features x; this encoder embeds 2 integer category columns \[6, 3\]$"),
    ("float_x", CATEGORICAL_SPEC, r"^graph 1: node features x are torch.float32; this encoder embeds 2 integer category columns"),
    ("int_x", CONTINUOUS_SPEC, r"^graph 1: node features x are torch.int64; this encoder embeds 5 float columns$"),
    ("no_edge_attr", CATEGORICAL_SPEC, r"^graph 1: has no edge features edge_attr; this encoder embeds 2 integer category columns \[4, 2\]$"),
    ("narrow_edge_attr", CONTINUOUS_SPEC, r"^graph 1: edge features edge_attr have 2 columns, this encoder embeds 3 float columns$"),
])
def test_encoder_names_graph_and_attribute_without_validate(kind, spec, pattern):
    graphs = empty_first(spec)
    for graph in graphs:
        break_features(graph, kind)
    encoder = encoder_for(spec)
    assert not encoder.config.validate
    with pytest.raises(InvalidGraphError, match=pattern):
        encoder(Batch.from_data_list(graphs))


@pytest.mark.parametrize("conv", ["gine", "gcn", "gps"])
def test_encoder_without_validate_still_names_missing_edge_attr_for_every_edge_conv(conv):
    graphs = zoo(CATEGORICAL_SPEC)
    for graph in graphs:
        del graph.edge_attr
    with pytest.raises(InvalidGraphError, match="graph 0: has no edge features edge_attr"):
        encoder_for(CATEGORICAL_SPEC, conv=conv, gps_heads=2)(Batch.from_data_list(graphs))


def test_encoder_without_edge_index_names_it():
    graph = make_graph(3, [(0, 1)], CATEGORICAL_SPEC)
    del graph.edge_index
    with pytest.raises(InvalidGraphError, match="edge_index must be int64 of shape"):
        encoder_for(CATEGORICAL_SPEC)(graph)
