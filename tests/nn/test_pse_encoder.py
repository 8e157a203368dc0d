"""The PSE encoder: padding is zeroed and flagged, masks are kept, bad encodings are named."""

import pytest
import torch
from torch_geometric.data import Batch

from graphssl.errors import InvalidGraphError
from graphssl.nn import EncoderConfig, GraphEncoder, PSEConfig, PSEEncoder
from tests.graphs import CATEGORICAL_SPEC, zoo


def with_pse(seed: int = 0):
    graphs = zoo(CATEGORICAL_SPEC)
    generator = torch.Generator().manual_seed(seed)
    for graph in graphs:
        graph.rwse = torch.rand(graph.num_nodes, 4, generator=generator)
        graph.rwse_mask = torch.rand(graph.num_nodes, 4, generator=generator) > 0.3
        graph.lap = torch.randn(graph.num_nodes, 2, generator=generator)
    return graphs


def test_matches_hand_computation_of_values_and_mask_channels():
    torch.manual_seed(0)
    encoder = PSEEncoder(PSEConfig(inputs={"rwse": 4, "lap": 2}, dim=3, norm="none")).eval()
    batch = Batch.from_data_list(with_pse())
    mask = torch.cat([batch.rwse_mask, torch.ones(batch.num_nodes, 2, dtype=torch.bool)], dim=1)
    values = torch.cat([batch.rwse * batch.rwse_mask, batch.lap], dim=1)
    expected = encoder.mlp(torch.cat([values, mask.float()], dim=1))
    torch.testing.assert_close(encoder(batch), expected)


def test_padding_values_do_not_matter_but_the_mask_does():
    torch.manual_seed(0)
    encoder = PSEEncoder(PSEConfig(inputs={"rwse": 4}, dim=3)).eval()
    batch = Batch.from_data_list(with_pse())
    out = encoder(batch)
    padded = batch.clone()
    padded.rwse = torch.where(batch.rwse_mask, batch.rwse, torch.full_like(batch.rwse, 1e6))
    torch.testing.assert_close(encoder(padded), out)
    # A real zero and padding are told apart through the mask channel.
    zero = batch.clone()
    zero.rwse = batch.rwse.masked_fill(~batch.rwse_mask, 0.0)
    zero.rwse_mask = torch.ones_like(batch.rwse_mask)
    assert (encoder(zero) - out).abs().max() > 1e-4


def test_encoder_keeps_pse_of_masked_nodes():
    torch.manual_seed(0)
    encoder = GraphEncoder(EncoderConfig(hidden_dim=16, num_layers=1, pse=PSEConfig(inputs={"rwse": 4}, dim=4))
                           .with_spec(CATEGORICAL_SPEC)).eval()
    batch = Batch.from_data_list(with_pse())
    mask = torch.zeros(batch.num_nodes, dtype=torch.bool)
    mask[:3] = True
    plain, masked = encoder.embed_inputs(batch), encoder.embed_inputs(batch, mask)
    torch.testing.assert_close(masked[:, 12:], plain[:, 12:])
    torch.testing.assert_close(masked[:3, :12], encoder.node_input.inputs[0].mask_token.expand(3, -1))


def test_missing_wrong_and_non_finite_encodings_are_named():
    encoder = PSEEncoder(PSEConfig(inputs={"rwse": 4}, dim=3))
    graphs = with_pse()
    batch = Batch.from_data_list(graphs)
    del batch.rwse
    with pytest.raises(InvalidGraphError, match="graph 0: has no PSE attribute 'rwse'"):
        encoder(batch)
    batch = Batch.from_data_list(graphs)
    batch.rwse = batch.rwse[:, :3]
    with pytest.raises(InvalidGraphError, match=r"PSE 'rwse' has shape \(\d+, 3\), expected \[\d+, 4\]"):
        encoder(batch)
    graphs[4].rwse[5] = float("nan")
    graphs[4].rwse_mask[5] = True
    with pytest.raises(InvalidGraphError, match=r"graph 4: PSE 'rwse' contains NaN or inf outside its mask \(node 5\)"):
        encoder(Batch.from_data_list(graphs))
