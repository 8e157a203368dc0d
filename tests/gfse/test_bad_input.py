"""GFSE's bad-input contract: graphs that cannot be encoded are named, empty graphs give zero rows, widths are named."""

import numpy as np
import pytest
import torch
from torch_geometric.data import Batch, Data

from graphssl.cli import main as cli
from graphssl.errors import CheckpointError, ConfigError, InvalidGraphError
from graphssl.gfse import GFSEInput, GFSEKind, GFSETransform

EMPTY = Data(edge_index=torch.zeros(2, 0, dtype=torch.long), num_nodes=0)


def _edge():
    return Data(edge_index=torch.tensor([[0, 1], [1, 0]]), num_nodes=2)


@pytest.mark.parametrize("bad, graph", [
    (Data(edge_index=torch.tensor([[0, 1], [1, 2]]), num_nodes=3), 2),        # an edge without its reverse
    (Data(edge_index=torch.tensor([[0, 4], [4, 0]]), num_nodes=2), 2),        # an edge to a node that does not exist
])
def test_a_graph_that_cannot_be_encoded_is_named(gfse_checkpoint, bad, graph):
    with pytest.raises(InvalidGraphError, match=rf"^graph {graph}:") as error:
        GFSETransform(str(gfse_checkpoint)).compute([_edge(), _edge(), bad])
    assert "\n" not in str(error.value)


def test_the_pe_kind_gives_an_empty_graph_zero_rows(gfse_checkpoint):
    kind = GFSEKind(str(gfse_checkpoint))
    out = kind.compute(Batch.from_data_list([_edge(), EMPTY, _edge()]))["gfse"]
    assert out.shape == (4, 16)
    assert torch.allclose(out[2:], kind.compute(_edge())["gfse"], atol=1e-6)


def test_fine_tuned_input_width_mismatch_names_both_widths(gfse_checkpoint):
    with pytest.raises(ConfigError, match="expects 32 .* gives 16"):
        GFSEInput(None, "node", dim=8, checkpoint=str(gfse_checkpoint), width=32)


def test_an_unknown_shipped_name_is_one_line_naming_it():
    with pytest.raises(CheckpointError, match="^gfse-nonexistent: ") as error:
        GFSETransform("gfse-nonexistent")
    assert "\n" not in str(error.value)


def test_graphssl_pe_takes_the_checkpoint_as_a_kind_param(gfse_checkpoint, tmp_path):
    edges = tmp_path / "g.edgelist"
    edges.write_text("0 1\n1 2\n2 0\n2 3\n")
    out = tmp_path / "g.npz"
    assert cli(["pe", str(edges), "--kinds", "gfse", "--kind-param", f"gfse.checkpoint={gfse_checkpoint}",
                "--out", str(out), "--quiet"]) == 0
    graph = Data(edge_index=torch.tensor([[0, 1, 1, 2, 2, 0, 2, 3], [1, 0, 2, 1, 0, 2, 3, 2]]), num_nodes=4)
    expected = GFSETransform(str(gfse_checkpoint))(graph).gfse.numpy()
    assert np.allclose(np.load(out)["gfse"], expected, atol=1e-6)
