"""attribute_level: declared specs first, then structure, pairs, fragments, and the size rule."""

import pytest
import torch
from torch_geometric.data import Batch, Data

from graphssl.chem.data import MolData
from graphssl.data.levels import AmbiguousLevelError, attribute_specs, pair_name
from graphssl.data.spec import AttributeSpec, GraphSpec, attribute_level
from tests.graphs import CATEGORICAL_SPEC, make_graph


def path_graph():
    # 4 nodes, 6 directed edges: sizes alone tell nodes from edges.
    graph = make_graph(4, [(0, 1), (1, 2), (2, 3)], CATEGORICAL_SPEC)
    graph.node_score = torch.rand(4)
    graph.edge_weight = torch.rand(6)
    graph.label = torch.tensor([[1.0, 0.0]])
    graph.name = "path"
    return graph


@pytest.mark.parametrize("key, level", [("x", "node"), ("clustering", "node"), ("node_score", "node"),
                                        ("edge_attr", "edge"), ("edge_weight", "edge"), ("edge_index", "edge"),
                                        ("density", "graph"), ("label", "graph"), ("name", "graph")])
def test_size_rule(key, level):
    assert attribute_level(path_graph(), key) == level


def test_size_rule_on_a_batch_counts_all_graphs():
    batch = Batch.from_data_list([path_graph(), path_graph()])
    assert [attribute_level(batch, k) for k in ("clustering", "edge_weight", "density", "batch", "ptr")] == \
        ["node", "edge", "graph", "node", "graph"]


def test_declared_level_wins_over_sizes():
    graph = path_graph()
    spec = GraphSpec(attributes={"density": AttributeSpec("fragment"), "node_score": AttributeSpec("graph")})
    assert attribute_level(graph, "density", spec) == "fragment"
    assert attribute_level(graph, "node_score", spec) == "graph"
    assert attribute_level(graph, "clustering", spec) == "node"


def test_pair_convention_covers_every_value_beside_the_index():
    graph = path_graph()
    graph.spd_pair_index = torch.zeros(2, 16, dtype=torch.long)
    graph.spd_pair_value = torch.zeros(16)
    graph.spd_pair_dist = torch.zeros(16)
    graph.lonely_pair_value = torch.zeros(4)  # no lonely_pair_index: not a pair attribute, one per node
    assert [attribute_level(graph, k) for k in ("spd_pair_index", "spd_pair_value", "spd_pair_dist")] == ["pair"] * 3
    assert attribute_level(graph, "lonely_pair_value") == "node"
    assert pair_name("spd_pair_dist", graph.keys()) == "spd"
    assert attribute_specs(graph)["spd_pair_index"].index_of == ["node", "node"]


def test_fragment_attributes_of_mol_data():
    # Ethanol-like toy: 3 atoms, 2 fragments, 3 memberships.
    graph = MolData(x=torch.zeros(3, 2, dtype=torch.long), edge_index=torch.tensor([[0, 1, 1, 2], [1, 0, 2, 1]]),
                    frag_x=torch.zeros(2, 4, dtype=torch.long), atom2frag=torch.tensor([[0, 1, 2], [0, 0, 1]]),
                    frag_edge_index=torch.tensor([[0, 1], [1, 0]]), frag_edge_attr=torch.zeros(2, 1, dtype=torch.long),
                    frag_batch=torch.zeros(2, dtype=torch.long))
    levels = {k: attribute_level(graph, k) for k in graph.keys()}
    assert levels == {"x": "node", "edge_index": "edge", "frag_x": "fragment", "atom2frag": "fragment_membership",
                      "frag_edge_index": "fragment_edge", "frag_edge_attr": "fragment_edge", "frag_batch": "fragment"}


def test_as_many_nodes_as_edges_is_decided_by_name_or_refused():
    graph = Data(x=torch.zeros(2, 1), edge_index=torch.tensor([[0, 1], [1, 0]]), y=torch.zeros(2),
                 edge_len=torch.ones(2), node_rank=torch.ones(2), score=torch.ones(2))
    assert [attribute_level(graph, k) for k in ("x", "y", "edge_len", "node_rank")] == ["node", "node", "edge", "node"]
    with pytest.raises(AmbiguousLevelError, match="'score' could be node- or edge-level.*GraphSpec.attributes"):
        attribute_level(graph, "score")
    assert attribute_level(graph, "score", GraphSpec(attributes={"score": AttributeSpec("edge")})) == "edge"
