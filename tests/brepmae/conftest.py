"""Fixtures for the BRepMAE tests: hand-built gAAG graphs (no OpenCascade) and small encoders."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import torch
from torch_geometric.data import Data

#: Modules that read STEP files (the others run on hand-built graphs).
_WITH_OCP = ("test_predict.py", "test_segment_script.py")

if importlib.util.find_spec("OCP") is None:
    collect_ignore = [p.name for p in Path(__file__).parent.glob("test_*.py") if p.name in _WITH_OCP]


def tiny_part(num_faces: int = 4, grid: tuple[int, int] = (3, 3), edge_samples: int = 4, seed: int = 0) -> Data:
    """A gAAG-shaped graph: a ring of ``num_faces`` faces, random grids, one-hot surface types, labels ``y``."""
    rng = torch.Generator().manual_seed(seed)
    source = torch.arange(num_faces)
    target = (source + 1) % num_faces
    edge_index = torch.stack([torch.cat([source, target]), torch.cat([target, source])])
    num_edges = edge_index.shape[1]
    x = torch.zeros(num_faces, 11)
    x[torch.arange(num_faces), torch.arange(num_faces) % 6] = 1.0
    x[:, 6] = torch.rand(num_faces, generator=rng)
    x[:, 8:11] = torch.rand(num_faces, 3, generator=rng) - 0.5
    edge_attr = torch.zeros(num_edges, 12)
    edge_attr[torch.arange(num_edges), torch.arange(num_edges) % 3] = 1.0
    edge_attr[:, 3] = torch.rand(num_edges, generator=rng)
    edge_attr[:, 4] = 1.0
    face_grid = torch.rand(num_faces, 7, *grid, generator=rng)
    face_grid[:, 6] = 1.0
    return Data(x=x, edge_index=edge_index, edge_attr=edge_attr, face_grid=face_grid,
                edge_grid=torch.rand(num_edges, 12, edge_samples, generator=rng),
                y=torch.arange(num_faces) % 2, num_nodes=num_faces)


def tiny_spec(grid: tuple[int, int] = (3, 3), edge_samples: int = 4):
    from graphssl.cad.extract import ExtractOptions
    from graphssl.cad.spec import cad_graph_spec

    return cad_graph_spec(ExtractOptions(face_grid_size=grid, edge_grid_size=edge_samples), label_format="mfcad",
                          num_classes=2)


def tiny_encoder(spec, hidden: int = 16, layers: int = 2):
    import graphssl.brepmae  # noqa: F401  (registers the inputs)
    from graphssl.nn import build_encoder, encoder_config_from_dict

    torch.manual_seed(0)
    config = encoder_config_from_dict({"hidden_dim": hidden, "num_layers": layers, "node_inputs": [{"name": "brep_face"}],
                                       "edge_inputs": [{"name": "brep_edge"}]})
    return build_encoder(config, spec)


@pytest.fixture
def part():
    return tiny_part()
