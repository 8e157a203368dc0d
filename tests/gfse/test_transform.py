"""The gfse transform, PSE kind and fine-tune input: equivariance, batching, sizes, bad checkpoints."""

import pytest
import torch
from torch_geometric.data import Batch, Data

from graphssl.errors import CheckpointError, ConfigError
from graphssl.gfse import GFSEInput, GFSEKind, GFSETransform
from graphssl.nn import build_encoder


def _graph():
    edges = torch.tensor([[0, 1], [1, 2], [2, 0], [2, 3], [3, 4], [4, 5], [5, 3], [1, 6]])
    return Data(edge_index=torch.cat([edges.t(), edges.t().flip(0)], 1), num_nodes=7)


def test_output_is_permutation_equivariant(gfse_checkpoint):
    transform = GFSETransform(str(gfse_checkpoint))
    data = _graph()
    perm = torch.tensor([4, 0, 6, 2, 5, 1, 3])            # new node k is old node perm[k]
    inverse = torch.empty_like(perm)
    inverse[perm] = torch.arange(7)
    permuted = Data(edge_index=inverse[data.edge_index], num_nodes=7)
    assert torch.allclose(transform(permuted.clone()).gfse, transform(data.clone()).gfse[perm], atol=1e-5)


def test_batched_equals_one_by_one_and_empty_graph_gives_zero_rows(gfse_checkpoint):
    transform = GFSETransform(str(gfse_checkpoint), batch_size=2)
    graphs = [_graph(), Data(edge_index=torch.zeros(2, 0, dtype=torch.long), num_nodes=0), _graph()]
    batched = transform.compute(Batch.from_data_list(graphs))["gfse"]
    assert batched.shape == (14, 16)
    assert torch.allclose(batched[:7], transform(_graph()).gfse, atol=1e-6)
    assert transform(graphs[1]).gfse.shape == (0, 16)


def test_pe_kind_matches_the_transform(gfse_checkpoint):
    batch = Batch.from_data_list([_graph(), _graph()])
    kind = GFSEKind(str(gfse_checkpoint))
    assert torch.allclose(kind.compute(batch)["gfse"], GFSETransform(str(gfse_checkpoint)).compute(batch)["gfse"], atol=1e-6)


def test_width_mismatch_names_both_widths(gfse_checkpoint):
    with pytest.raises(ConfigError, match="expects 32 .* gives 16"):
        GFSETransform(str(gfse_checkpoint), width=32)


def test_missing_and_corrupt_checkpoints_are_one_line_naming_the_file(tmp_path):
    with pytest.raises(CheckpointError, match="nothere.pt") as missing:
        GFSETransform(str(tmp_path / "nothere.pt"))
    corrupt = tmp_path / "corrupt.pt"
    corrupt.write_bytes(b"not a checkpoint")
    with pytest.raises(CheckpointError, match="corrupt.pt") as bad:
        GFSETransform(str(corrupt))
    assert "\n" not in str(missing.value) and "\n" not in str(bad.value)


def test_fine_tuned_input_trains_inside_another_encoder(gfse_checkpoint):
    encoder = build_encoder({"hidden_dim": 16, "num_layers": 2, "structure_only": True,
                             "node_inputs": [{"name": "constant"},
                                             {"name": "gfse", "dim": 8, "params": {"checkpoint": str(gfse_checkpoint)}}]})
    gfse = next(m for m in encoder.modules() if isinstance(m, GFSEInput))
    before = {k: v.clone() for k, v in gfse.gfse.state_dict().items()}
    out = encoder(Batch.from_data_list([_graph()]))
    out.graph.sum().backward()
    assert all(torch.equal(before[k], v) for k, v in gfse.gfse.state_dict().items())   # reset kept the weights
    assert gfse.gfse.node_encoder.weight.grad is not None


def test_size_sorted_chunks_keep_the_input_order_and_the_slot_budget(gfse_checkpoint, monkeypatch):
    import graphssl.gfse.transform as transform_module

    def cycle(n):
        src = torch.arange(n)
        return Data(edge_index=torch.stack([torch.cat([src, (src + 1) % n]), torch.cat([(src + 1) % n, src])]),
                    num_nodes=n)

    graphs = [cycle(9), _graph(), cycle(3), Data(edge_index=torch.zeros(2, 0, dtype=torch.long), num_nodes=0), cycle(5)]
    monkeypatch.setattr(transform_module, "PAIR_SLOT_BUDGET", 100)
    chunks = transform_module.size_chunks([int(g.num_nodes) for g in graphs], batch_size=4, max_attention_nodes=8)
    assert chunks == [[3, 2, 4], [1], [0]]       # 4 * 7^2 > 100 closes the first chunk; the 9-cycle is above 8
    transform = GFSETransform(str(gfse_checkpoint), batch_size=3)
    expected = torch.cat([transform(g.clone()).gfse for g in graphs])
    assert torch.allclose(transform.compute(graphs)["gfse"], expected, atol=1e-6)


def test_fine_tuned_input_in_size_chunks_equals_one_pass(gfse_checkpoint, monkeypatch):
    import graphssl.gfse.transform as transform_module

    module = GFSEInput(None, "node", dim=4, checkpoint=str(gfse_checkpoint))
    batch = Batch.from_data_list([_graph(), Data(edge_index=torch.tensor([[0, 1], [1, 0]]), num_nodes=2), _graph()])
    whole = module(batch)
    monkeypatch.setattr(transform_module, "PAIR_SLOT_BUDGET", 60)   # 2 * 7^2 > 60: three chunks
    chunked = module(batch)
    assert torch.allclose(chunked, whole, atol=1e-5)
    chunked.sum().backward()
    assert module.gfse.node_encoder.weight.grad is not None
