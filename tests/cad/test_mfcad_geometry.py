"""Cross-checks on real MFCAD parts: convexity against a point classifier, labels against geometry."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from tests.conftest import shared_data


def _files(step: int):
    return sorted(shared_data("mfcad", "step").glob("*.step"))[::step]


def test_convexity_matches_solid_classifier():
    """Reference: step off the edge midpoint along ``n_right - n_left``; material there means concave."""
    from OCP.BRepClass3d import BRepClass3d_SolidClassifier
    from OCP.gp import gp_Pnt
    from OCP.TopAbs import TopAbs_State

    from graphssl.cad import read_step
    from graphssl.cad.step_reader import load_step

    checked = 0
    for path in _files(60):
        data = read_step(path, scale_to_unit_box=False)
        shape = load_step(path, face_names=False).shape
        points = data.face_grid[:, 0:3]
        size = float(torch.linalg.norm(points.amax(dim=(0, 2, 3)) - points.amin(dim=(0, 2, 3))))
        for k in range(0, data.edge_index.shape[1], 2):
            row, grid = data.edge_attr[k], data.edge_grid[k].double()
            if row[2] == 1:
                continue
            mid = grid.shape[1] // 2
            point, left, right = grid[0:3, mid], grid[6:9, mid], grid[9:12, mid]
            probe = point + 1e-4 * size * (right - left)
            classifier = BRepClass3d_SolidClassifier(shape, gp_Pnt(*probe.tolist()), 1e-9)
            concave = classifier.State() == TopAbs_State.TopAbs_IN
            assert bool(row[0] == 1) == concave, (path, k)
            checked += 1
    assert checked > 500


def _labelled(path):
    from graphssl.cad import read_step

    labels = json.loads(path.with_suffix(".json").read_text())
    data = read_step(path)
    truth = labels["face_truth"]
    y = torch.tensor([truth[int(name)] for name in data.face_names])
    assert y.tolist() == labels["labels"]
    return data, y


def test_stock_faces_lie_on_the_bounding_box():
    """Class 15 (stock) faces are what is left of the block's sides: planes on the part's bounding box."""
    checked = 0
    for path in _files(40):
        data, y = _labelled(path)
        grid = data.face_grid
        lo, hi = grid[:, 0:3].amin(dim=(0, 2, 3)), grid[:, 0:3].amax(dim=(0, 2, 3))
        for face in torch.nonzero(y == 15).flatten().tolist():
            points = grid[face, 0:3].reshape(3, -1)[:, grid[face, 6].flatten() == 1]
            on_side = [(torch.allclose(points[a], lo[a].expand_as(points[a]), atol=1e-5)
                        or torch.allclose(points[a], hi[a].expand_as(points[a]), atol=1e-5)) for a in range(3)]
            assert data.x[face, 0] == 1 and any(on_side), (path, face)
            checked += 1
    assert checked > 100


def test_chamfer_faces_are_planes_at_45_degrees():
    checked = 0
    for path in _files(3):
        labels = json.loads(path.with_suffix(".json").read_text())
        if 0 not in labels["labels"]:
            continue
        data, y = _labelled(path)
        for face in torch.nonzero(y == 0).flatten().tolist():
            normal = data.face_grid[face, 3:6, 0, 0].abs().sort().values
            assert data.x[face, 0] == 1
            np.testing.assert_allclose(normal.numpy(), [0.0, 2**-0.5, 2**-0.5], atol=1e-5, err_msg=str(path))
            checked += 1
        if checked >= 30:
            break
    assert checked >= 30


@pytest.mark.slow
def test_every_mfcad_file_extracts():
    from graphssl.cad import read_step

    for path in _files(1):
        data = read_step(path)
        assert data.num_nodes == len(json.loads(path.with_suffix(".json").read_text())["labels"])
        assert torch.isfinite(data.face_grid).all() and torch.isfinite(data.edge_grid).all()
