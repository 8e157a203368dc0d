"""The ``gfse_inputs`` transform: precomputed inputs give the encoder's computed-path output; stale ones are not read."""

import pytest
import torch
from torch_geometric.data import Batch, Data

import graphssl.gfse.encoder as encoder_module
from graphssl.data.config import DataConfig, TransformConfig
from graphssl.data.prepare import prepare_data
from graphssl.errors import InvalidGraphError
from graphssl.gfse import GFSEConfig, GFSEEncoder
from graphssl.gfse.inputs import RRWPFloat32, precomputed_inputs
from graphssl.gfse.precompute import GFSEInputs
from graphssl.objectives.augment import drop_edges
from graphssl.data.select import select_nodes
from graphssl.pe import RRWP

CONFIG = dict(hidden_dim=8, num_layers=2, heads=2, rwse_k=5, rrwp_k=4, max_attention_nodes=9)


def _graph(edges, n):
    edge = torch.tensor(edges, dtype=torch.long).t()
    return Data(edge_index=torch.cat([edge, edge.flip(0)], 1), num_nodes=n)


def _graphs():
    """A path, a triangle with a pendant and an isolated node, and a 10-cycle (above max_attention_nodes=9)."""
    return [_graph([(0, 1), (1, 2), (2, 3)], 4), _graph([(0, 1), (1, 2), (2, 0), (2, 3)], 5),
            _graph([(i, (i + 1) % 10) for i in range(10)], 10)]


def _structure_only(data):
    return Data(edge_index=data.edge_index, num_nodes=data.num_nodes, batch=getattr(data, "batch", None),
                ptr=getattr(data, "ptr", None))


def _encoder():
    torch.manual_seed(0)
    return GFSEEncoder(GFSEConfig(**CONFIG)).eval()


def _no_computation(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("inputs were computed although stored ones were valid")
    monkeypatch.setattr(encoder_module, "structural_inputs", refuse)


def test_float32_rrwp_matches_float64():
    graphs = Batch.from_data_list(_graphs())
    ours = RRWPFloat32(k=4, pairs=True).compute(graphs)
    reference = RRWP(k=4, pairs=True).compute(graphs)
    assert torch.equal(ours["rrwp_pair_index"], reference["rrwp_pair_index"])
    assert torch.allclose(ours["rrwp_pair_value"], reference["rrwp_pair_value"], atol=1e-6)


def test_precomputed_graphs_and_batch_give_the_computed_output(monkeypatch):
    encoder = _encoder()
    transform = GFSEInputs(rwse_k=5, rrwp_k=4, max_dense_nodes=9)
    with torch.no_grad():
        computed = [encoder(g).node for g in _graphs()]
        computed_batch = encoder(Batch.from_data_list(_graphs())).node
        _no_computation(monkeypatch)
        stored = [transform(g) for g in _graphs()]
        one_by_one = [encoder(g).node for g in stored]
        batched = encoder(Batch.from_data_list(stored)).node
    for ours, reference in zip(one_by_one, computed):
        assert torch.allclose(ours, reference, atol=1e-5)
    assert torch.allclose(batched, computed_batch, atol=1e-5)
    assert torch.allclose(batched, torch.cat(computed), atol=1e-5)


def test_data_preparation_splits_the_inputs_onto_each_graph(monkeypatch):
    encoder = _encoder()
    config = DataConfig(name="gfse_synthetic", params={"num_graphs": 12, "min_nodes": 5, "max_nodes": 12, "seed": 3},
                        transforms=[TransformConfig("gfse_inputs", {"rwse_k": 5, "rrwp_k": 4, "max_dense_nodes": 9})])
    prepared = prepare_data(config)
    graphs = [prepared[i] for i in range(len(prepared))]
    assert any(g.num_nodes > 9 for g in graphs) and any(g.num_nodes <= 9 for g in graphs)
    with torch.no_grad():
        computed = encoder(Batch.from_data_list([_structure_only(g) for g in graphs])).node
        _no_computation(monkeypatch)
        stored = encoder(Batch.from_data_list(graphs)).node
    assert torch.allclose(stored, computed, atol=1e-5)


def test_a_view_with_dropped_edges_is_recomputed():
    encoder = _encoder()
    batch = Batch.from_data_list([GFSEInputs(5, 4, 9)(g) for g in _graphs()])
    view = drop_edges(batch, 0.5, torch.Generator().manual_seed(1))
    assert view.edge_index.shape[1] < batch.edge_index.shape[1]
    assert precomputed_inputs(view, 5, 4, 9) is None
    with torch.no_grad():
        assert torch.allclose(encoder(view).node, encoder(_structure_only(view)).node, atol=1e-5)


def test_removing_whole_components_keeps_the_stored_inputs_valid():
    batch = Batch.from_data_list([GFSEInputs(5, 4, 9)(g) for g in _graphs()])
    keep = torch.ones(batch.num_nodes, dtype=torch.bool)
    keep[8] = False                                   # the isolated node of the second graph
    assert precomputed_inputs(select_nodes(batch, keep), 5, 4, 9) is not None
    keep[0] = False                                   # an end of the path: its neighbour's degree drops
    assert precomputed_inputs(select_nodes(batch, keep), 5, 4, 9) is None


def test_stored_width_other_than_the_encoders_names_both():
    stored = GFSEInputs(rwse_k=3, rrwp_k=4)(_graphs()[0])
    with pytest.raises(InvalidGraphError, match=r"gfse_node_rwse.*\(3,\).*reads 5"):
        _encoder()(stored)
