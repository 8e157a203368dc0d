"""Normalisation statistics: fitted like numpy, stored as JSON, applied only to continuous columns."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from torch_geometric.data import Data

from graphssl.cad.edge_features import EDGE_ATTRIBUTES
from graphssl.cad.face_features import FACE_ATTRIBUTES
from graphssl.cad.normalize import FeatureStats, NormalizeCAD
from graphssl.errors import InputFileError


def _graphs(seed=0, count=4):
    gen = torch.Generator().manual_seed(seed)
    out = []
    for n in range(3, 3 + count):
        x = torch.rand(n, len(FACE_ATTRIBUTES), generator=gen) * 5
        edge_attr = torch.rand(2 * n, len(EDGE_ATTRIBUTES), generator=gen)
        out.append(Data(x=x, edge_attr=edge_attr, edge_index=torch.zeros(2, 2 * n, dtype=torch.long), num_nodes=n))
    return out


def test_fit_matches_numpy():
    graphs = _graphs()
    stats = FeatureStats.fit(graphs)
    faces = torch.cat([g.x for g in graphs]).double().numpy()
    edges = torch.cat([g.edge_attr for g in graphs]).double().numpy()
    np.testing.assert_allclose(stats.face_mean, faces.mean(0), rtol=1e-9)
    np.testing.assert_allclose(stats.face_std, faces.std(0), rtol=1e-6)
    np.testing.assert_allclose(stats.edge_std, edges.std(0), rtol=1e-6)
    assert (stats.num_graphs, stats.num_faces, stats.num_edges) == (4, faces.shape[0], edges.shape[0])


def test_transform_only_touches_continuous_columns():
    graphs = _graphs()
    transform = NormalizeCAD(FeatureStats.fit(graphs))
    out = torch.cat([transform(g).x for g in graphs])
    raw = torch.cat([g.x for g in graphs])
    continuous = [FACE_ATTRIBUTES.index(c) for c in ("area", "centroid_x", "centroid_y", "centroid_z")]
    other = [i for i in range(len(FACE_ATTRIBUTES)) if i not in continuous]
    assert torch.allclose(out[:, continuous].mean(0), torch.zeros(4), atol=1e-5)
    assert torch.allclose(out[:, continuous].std(0, unbiased=False), torch.ones(4), atol=1e-4)
    assert torch.equal(out[:, other], raw[:, other])
    length = EDGE_ATTRIBUTES.index("length")
    edges = torch.cat([transform(g).edge_attr for g in graphs])
    assert abs(float(edges[:, length].mean())) < 1e-5
    assert torch.equal(graphs[0].x, _graphs()[0].x)
    assert "fitted_on=4 graphs" in repr(transform)


def test_save_load_round_trip(tmp_path):
    stats = FeatureStats.fit(_graphs())
    path = tmp_path / "stats.json"
    stats.save(path)
    again = FeatureStats.load(path)
    assert again == stats and again.digest() == stats.digest()
    assert FeatureStats.from_dict(json.loads(json.dumps(stats.to_dict()))) == stats
    assert stats.digest() != FeatureStats.fit(_graphs(seed=1)).digest()


@pytest.mark.parametrize("edit, message", [
    (lambda d: d.update(version=99), "version"),
    (lambda d: d.update(face_columns=["a"]), "other attribute columns"),
])
def test_load_rejects_incompatible(tmp_path, edit, message):
    state = FeatureStats.fit(_graphs()).to_dict()
    edit(state)
    path = tmp_path / "stats.json"
    path.write_text(json.dumps(state))
    with pytest.raises(InputFileError, match=message):
        FeatureStats.load(path)
    path.write_text("{not json")
    with pytest.raises(InputFileError, match="not a JSON file"):
        FeatureStats.load(path)


def test_empty_fit_raises():
    with pytest.raises(ValueError, match="empty"):
        FeatureStats.fit([])
