import pytest
import torch
from torch_geometric.data import Batch

from graphssl.errors import ConfigError, InvalidGraphError
from graphssl.nn import AttentionBiasConfig, EncoderConfig, EncoderOutput, GraphEncoder, PSEConfig
from tests.graphs import CATEGORICAL_SPEC, CONTINUOUS_SPEC, STRUCTURE_SPEC, zoo, zoo_batch

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
    torch.testing.assert_close(masked[0], encoder.node_input.inputs[0].mask_token)
    torch.testing.assert_close(masked[1:], plain[1:])
    with pytest.raises(ValueError, match="node_mask"):
        encoder(batch, node_mask=mask[:-1])


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


def test_config_rejects_bad_values_naming_the_key():
    with pytest.raises(ConfigError, match=r"encoder.conv: unknown conv 'gine2' \(did you mean 'gine'"):
        EncoderConfig(conv="gine2")
    with pytest.raises(ConfigError, match="encoder.pse.dim"):
        EncoderConfig(hidden_dim=8, pse=PSEConfig(inputs={"rwse": 4}, dim=8))
    with pytest.raises(ConfigError, match=r"encoder.dropout: must be in \[0, 1\)"):
        EncoderConfig(dropout=1.0)
    with pytest.raises(ConfigError, match=r"encoder.jk: unknown value 'concat' \(did you mean 'cat'"):
        EncoderConfig(jk="concat")
    with pytest.raises(ConfigError, match="encoder.attention_bias: conv 'gine' has no attention"):
        GraphEncoder(EncoderConfig(hidden_dim=8, attention_bias=AttentionBiasConfig("spd", categories=4)))


def test_full_validation_runs_per_batch_only_when_asked():
    graphs = zoo(CONTINUOUS_SPEC)
    graphs[4].x[3, 1] = float("nan")
    batch = Batch.from_data_list(graphs)
    assert not torch.isfinite(build(CONTINUOUS_SPEC)(batch).node).all()
    with pytest.raises(InvalidGraphError, match=r"graph 4: node features x contain NaN or inf \(node 3\)"):
        build(CONTINUOUS_SPEC, validate=True)(batch)


def test_output_is_a_dataclass_that_unpacks_and_reads_extras():
    out = build(CATEGORICAL_SPEC)(zoo_batch(CATEGORICAL_SPEC))
    node, graph = out
    assert node is out.node and graph is out.graph and out.extras == {}
    extra = EncoderOutput(node=node, graph=graph, extras={"fragment": graph[:2]})
    assert extra.fragment is extra.extras["fragment"]
    with pytest.raises(AttributeError, match="extras: fragment"):
        extra.edge
