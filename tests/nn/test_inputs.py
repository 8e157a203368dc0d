"""Input slots: modules by name, combined by concat or sum, edge input shared, structure-only mode."""

import pytest
import torch
from torch import nn
from torch_geometric.data import Batch

from graphssl.data.spec import AttributeSpec, GraphSpec
from graphssl.errors import ConfigError
from graphssl.nn import INPUTS, EncoderConfig, GraphEncoder, PSEConfig, build_encoder, register_input
from tests.graphs import CATEGORICAL_SPEC, CONTINUOUS_SPEC, STRUCTURE_SPEC, zoo, zoo_batch


class FaceGridCNN(nn.Module):
    """A toy UV-grid CNN: one conv over each face's [channels, u, v] grid, mean over the grid."""

    structural = False

    def __init__(self, spec: GraphSpec, level: str, dim: int, attribute: str = "face_grid") -> None:
        super().__init__()
        self.attribute = attribute
        channels = spec.attributes[attribute].shape[0]
        self.conv = nn.Conv2d(channels, dim, kernel_size=2)

    def forward(self, batch, node_mask=None):
        return self.conv(getattr(batch, self.attribute)).mean(dim=(2, 3))


@pytest.fixture
def grid_input():
    register_input("toy_face_grid")(FaceGridCNN)
    yield
    del INPUTS._entries["toy_face_grid"]


GRID_SPEC = GraphSpec(node_continuous=5, edge_continuous=3,
                      attributes={"face_grid": AttributeSpec(level="node", shape=[2, 3, 3])})


def grid_graphs():
    graphs = zoo(CONTINUOUS_SPEC)
    for graph in graphs:
        graph.face_grid = torch.randn(graph.num_nodes, 2, 3, 3, generator=torch.Generator().manual_seed(graph.num_nodes))
    return graphs


def test_a_plugin_input_is_used_by_name_from_a_config_dict(grid_input):
    torch.manual_seed(0)
    section = {"hidden_dim": 8, "num_layers": 2, "node_inputs": [{"name": "toy_face_grid", "dim": 6},
                                                                   {"name": "continuous"}]}
    encoder = build_encoder(section, GRID_SPEC).eval()
    grid, features = encoder.node_input.inputs
    assert isinstance(grid, FaceGridCNN) and features.dim == 2
    batch = Batch.from_data_list(grid_graphs())
    h = encoder.embed_inputs(batch)
    torch.testing.assert_close(h[:, :6], grid.conv(batch.face_grid).mean(dim=(2, 3)))
    torch.testing.assert_close(h[:, 6:], features.mlp(batch.x))
    assert torch.isfinite(encoder(batch).graph).all()


def test_sum_combines_every_module_at_hidden_dim():
    torch.manual_seed(0)
    spec = GraphSpec(node_categorical=[6, 3], edge_categorical=[4, 2])
    graphs = zoo(spec)
    for graph in graphs:
        graph.rwse = torch.rand(graph.num_nodes, 4)
    config = EncoderConfig(hidden_dim=8, num_layers=1, input_combine="sum",
                           node_inputs=[{"name": "categorical"}, {"name": "pse", "params": {"inputs": {"rwse": 4}}}])
    encoder = GraphEncoder(config.with_spec(spec)).eval()
    batch = Batch.from_data_list(graphs)
    categorical, pse = encoder.node_input.inputs
    torch.testing.assert_close(encoder.embed_inputs(batch), categorical(batch) + pse(batch))


def test_default_slots_follow_the_layout_and_the_pse_shorthand():
    encoder = GraphEncoder(EncoderConfig(hidden_dim=16, num_layers=1, pse=PSEConfig(inputs={"rwse": 4}, dim=4))
                           .with_spec(CATEGORICAL_SPEC))
    features, pse = encoder.node_input.inputs
    assert features.categories == [6, 3] and features.dim == 12 and pse.dim == 4
    assert encoder.edge_input.inputs[0].categories == [4, 2] and encoder.edge_input.inputs[0].dim == 16
    structure = GraphEncoder(EncoderConfig(hidden_dim=16, num_layers=1).with_spec(STRUCTURE_SPEC))
    assert type(structure.node_input.inputs[0]).__name__ == "ConstantInput" and structure.edge_input is None


@pytest.mark.parametrize("inputs,pattern", [
    ([{"name": "categorical", "dim": 10}, {"name": "constant", "dim": 10}], r"must add up to hidden_dim \(16\)"),
    ([{"name": "categorical"}, {"name": "constant"}], "at most one input may leave dim unset"),
])
def test_concat_widths_are_checked(inputs, pattern):
    with pytest.raises(ConfigError, match=pattern):
        GraphEncoder(EncoderConfig(hidden_dim=16, num_layers=1, node_inputs=inputs).with_spec(CATEGORICAL_SPEC))


@pytest.mark.parametrize("conv", ["gine", "gcn", "gps"])
def test_edge_input_is_embedded_once_and_shared_by_all_layers(conv):
    torch.manual_seed(0)
    encoder = GraphEncoder(EncoderConfig(conv=conv, gps_heads=2, hidden_dim=8, num_layers=3).with_spec(CATEGORICAL_SPEC))
    calls, seen = [], []
    encoder.edge_input.register_forward_hook(lambda module, args, out: calls.append(out))
    for layer in encoder.layers:
        local = getattr(layer, "local", layer)
        local.register_forward_pre_hook(lambda module, args: seen.append(args[2]))
    encoder(zoo_batch(CATEGORICAL_SPEC))
    assert len(calls) == 1 and len(seen) == 3 and all(edge is calls[0] for edge in seen)
    assert not any(name.startswith("layers.") and "edge" in name for name, _ in encoder.named_parameters())


def test_edge_input_receives_the_node_mask():
    torch.manual_seed(0)
    encoder = GraphEncoder(EncoderConfig(hidden_dim=8, num_layers=2).with_spec(CATEGORICAL_SPEC))
    batch = zoo_batch(CATEGORICAL_SPEC)
    node_mask = torch.zeros(batch.num_nodes, dtype=torch.bool)
    node_mask[::3] = True
    unmasked_edges = encoder.edge_input(batch)
    masks = []
    encoder.edge_input.register_forward_pre_hook(lambda module, args: masks.append(args[1:]))
    encoder(batch, node_mask=node_mask)
    assert len(masks) == 1 and masks[0][0] is node_mask
    # The built-in edge inputs hold no mask token: their output does not depend on the node mask.
    torch.testing.assert_close(encoder.edge_input(batch, node_mask), unmasked_edges)


def test_edge_inputs_on_a_conv_without_edges_is_refused():
    with pytest.raises(ConfigError, match="encoder.edge_inputs: conv 'gin' uses no edge features"):
        GraphEncoder(EncoderConfig(conv="gin", hidden_dim=8, edge_inputs=[{"name": "categorical"}]).with_spec(CATEGORICAL_SPEC))


def structure_graphs(spec, seed):
    graphs = zoo(spec)
    for graph in graphs:
        graph.rwse = torch.rand(graph.num_nodes, 3, generator=torch.Generator().manual_seed(graph.num_nodes))
    return graphs


def test_structure_only_runs_datasets_of_different_layouts_through_one_encoder():
    torch.manual_seed(0)
    config = EncoderConfig(hidden_dim=8, num_layers=2, structure_only=True, pse=PSEConfig(inputs={"rwse": 3}, dim=4))
    encoder = GraphEncoder(config.with_spec(CATEGORICAL_SPEC)).eval()
    assert encoder.edge_input is None
    assert [type(m).__name__ for m in encoder.node_input.inputs] == ["ConstantInput", "PSEInput"]
    molecules = Batch.from_data_list(structure_graphs(CATEGORICAL_SPEC, 0))  # int64 x [N, 2], int64 edge_attr
    meshes = Batch.from_data_list(structure_graphs(CONTINUOUS_SPEC, 1))  # float x [N, 5], float edge_attr
    bare = Batch.from_data_list(structure_graphs(STRUCTURE_SPEC, 2))  # no features at all
    outs = [encoder(batch) for batch in (molecules, meshes, bare)]
    # Same structure and PSE, different features: the same embeddings.
    torch.testing.assert_close(outs[0].node, outs[1].node)
    torch.testing.assert_close(outs[0].graph, outs[2].graph)
    # Masking still marks nodes: a masked node's input is the mask token.
    mask = torch.zeros(bare.num_nodes, dtype=torch.bool)
    mask[0] = True
    assert (encoder(bare, node_mask=mask).node[0] - outs[2].node[0]).abs().max() > 1e-5


def test_structure_only_refuses_feature_inputs():
    with pytest.raises(ConfigError, match=r"encoder.node_inputs\[0\]: input 'categorical' reads features"):
        EncoderConfig(structure_only=True, node_inputs=[{"name": "categorical"}])
