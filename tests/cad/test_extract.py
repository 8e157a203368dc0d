"""STEP -> gAAG on analytic parts: counts, attributes, grids and convexity against closed forms."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from graphssl.cad.extract import ExtractOptions
from graphssl.errors import ConfigError
from tests.cad import shapes

EDGE = {name: i for i, name in enumerate(("concave", "convex", "smooth", "length", "line", "circle", "ellipse",
                                          "bspline", "other", "rational", "closed", "degenerate"))}


def _graph(write_part, shape, name="part", **options):
    from graphssl.cad import read_step

    return read_step(write_part(shape, name), **options)


def _convexity(data) -> list[str]:
    return [("concave", "convex", "smooth", "none")[int(torch.argmax(torch.cat([r[:3], torch.tensor([0.5])])))]
            for r in data.edge_attr]


def test_box(write_part):
    data = _graph(write_part, shapes.box(10, 8, 6))
    assert data.num_nodes == 6 and data.edge_index.shape == (2, 24)
    assert data.x.dtype == torch.float32 and data.edge_attr.dtype == torch.float32
    assert data.face_grid.shape == (6, 7, 10, 10) and data.edge_grid.shape == (24, 12, 10)
    assert torch.all(data.x[:, 0] == 1) and torch.all(data.x[:, 1:6] == 0)
    # Unit box: longest side 10 -> 2, so areas scale by 0.04 and lengths by 0.2.
    assert sorted(data.x[:, 6].tolist()) == pytest.approx(sorted([48 * 0.04] * 2 + [60 * 0.04] * 2 + [80 * 0.04] * 2))
    assert sorted(data.edge_attr[::2, 3].tolist()) == pytest.approx(sorted([2.0] * 4 + [1.6] * 4 + [1.2] * 4))
    assert set(_convexity(data)) == {"convex"}
    assert torch.all(data.face_grid[:, 6] == 1)
    # Outward normals: along the centroid direction; points on the face's plane.
    normals = data.face_grid[:, 3:6].mean(dim=(2, 3))
    assert torch.all((normals * data.x[:, 8:11]).sum(1) > 0)
    extent = torch.tensor([1.0, 0.8, 0.6])
    assert torch.allclose(data.face_grid[:, 0:3].abs().amax(dim=(0, 2, 3)), extent, atol=1e-6)
    assert data.bbox_scale.item() == pytest.approx(0.2)
    assert data.bbox_center[0].tolist() == pytest.approx([5.0, 4.0, 3.0])


def test_box_with_through_hole(write_part):
    data = _graph(write_part, shapes.box_with_hole(radius=2.0))
    assert data.num_nodes == 7 and data.edge_index.shape[1] == 2 * 15
    cylinder = int(torch.nonzero(data.x[:, 1]).item())
    assert data.x[cylinder, 6].item() == pytest.approx(2 * math.pi * 2 * 6 * 0.04, rel=1e-6)
    convexity = _convexity(data)
    assert convexity.count("smooth") == 2 and convexity.count("concave") == 0
    # Hole normals point at the axis (out of the material).
    grid = data.face_grid[cylinder]
    radial = grid[0:2] - torch.tensor([0.0, 0.0]).view(2, 1, 1)
    assert torch.all((grid[3:5] * radial).sum(0) < 0)
    assert torch.allclose(radial.norm(dim=0), torch.full((10, 10), 0.4), atol=1e-6)
    # Trimming mask of the top face: 0 exactly inside the hole (reference: distance to the axis).
    top = int(torch.argmax(data.x[:, 10]))
    points, mask = data.face_grid[top, 0:2], data.face_grid[top, 6]
    inside_hole = points.norm(dim=0) < 0.4 - 1e-6
    assert inside_hole.any()
    assert torch.equal(mask == 0, inside_hole)


def test_blind_hole_and_pocket_convexity(write_part):
    blind = _convexity(_graph(write_part, shapes.box_with_hole(through=False), "blind"))
    assert (blind.count("convex"), blind.count("concave"), blind.count("smooth")) == (2 * 13, 2, 2)
    pocket = _convexity(_graph(write_part, shapes.box_with_pocket(), "pocket"))
    assert (pocket.count("convex"), pocket.count("concave")) == (2 * 16, 2 * 8)


@pytest.mark.parametrize("name, faces, brep_edges, degenerate", [
    ("cylinder", 3, 3, 0), ("cone", 2, 3, 1), ("sphere", 1, 3, 2), ("torus", 1, 2, 0)])
def test_curved_solids_keep_every_edge(write_part, name, faces, brep_edges, degenerate):
    data = _graph(write_part, getattr(shapes, name)(), name)
    assert data.num_nodes == faces
    assert data.edge_index.shape[1] == data.edge_attr.shape[0] == data.edge_grid.shape[0] == 2 * brep_edges
    assert sorted(set(data.brep_edge.tolist())) == list(range(brep_edges))
    flags = data.edge_attr[:, EDGE["degenerate"]]
    assert int(flags.sum()) == 2 * degenerate
    degenerate_rows = data.edge_attr[flags == 1]
    assert torch.all(degenerate_rows[:, EDGE["length"]] == 0) and torch.all(degenerate_rows[:, :3] == 0)
    src, dst = data.edge_index[:, flags == 1]
    assert torch.equal(src, dst)
    assert torch.isfinite(data.face_grid).all() and torch.isfinite(data.edge_grid).all()


def test_seams_are_smooth_self_loops(write_part):
    data = _graph(write_part, shapes.cylinder(), "cyl")
    seam = data.edge_index[0] == data.edge_index[1]
    assert int(seam.sum()) == 2
    assert torch.all(data.edge_attr[seam, EDGE["smooth"]] == 1)
    circles = data.edge_attr[:, EDGE["circle"]] == 1
    assert torch.all(data.edge_attr[circles, EDGE["convex"]] == 1)


def test_graph_edges_come_in_reversed_pairs(write_part):
    from graphssl.cad.edge_features import reverse_grid

    data = _graph(write_part, shapes.moved(shapes.box_with_hole(through=False)), "moved")
    forward, backward = data.edge_index[:, 0::2], data.edge_index[:, 1::2]
    assert torch.equal(forward, backward.flip(0))
    assert torch.equal(data.brep_edge[0::2], data.brep_edge[1::2])
    assert torch.equal(data.edge_attr[0::2], data.edge_attr[1::2])
    for k in range(0, data.edge_grid.shape[0], 2):
        expected = reverse_grid(data.edge_grid[k].double().numpy())
        np.testing.assert_allclose(data.edge_grid[k + 1].double().numpy(), expected, atol=1e-6)
    # Each coedge grid starts where the previous one ends within its face loop (left face on the left).
    tangents, left = data.edge_grid[:, 3:6], data.edge_grid[:, 6:9]
    lines = data.edge_attr[:, EDGE["line"]] == 1
    assert torch.all(tangents[lines].norm(dim=1) > 0.99)
    assert torch.allclose((tangents * left).sum(1), torch.zeros(1), atol=1e-5)


def test_adjacency_matches_topexp_ancestors(write_part):
    """Reference: edge -> faces from ``TopExp.MapShapesAndAncestors`` (another OCC code path)."""
    from OCP.TopAbs import TopAbs_EDGE, TopAbs_FACE

    from graphssl.cad import _occ
    from graphssl.cad.step_reader import load_step

    path = write_part(shapes.box_with_pocket(), "pocket")
    model = load_step(path)
    face_map = _occ.new_shape_map()
    for face in model.faces:
        face_map.Add(face)
    expected = sorted(tuple(sorted(face_map.FindIndex(f) - 1 for f in faces))
                      for _, faces in _occ.ancestors(model.shape, TopAbs_EDGE, TopAbs_FACE))
    from graphssl.cad import read_step

    data = read_step(path)
    ours = sorted(tuple(sorted(pair)) for pair in data.edge_index[:, 0::2].t().tolist())
    assert ours == expected


def test_moved_part_has_same_intrinsic_attributes(write_part):
    plain = _graph(write_part, shapes.box_with_hole(through=False), "plain")
    moved = _graph(write_part, shapes.moved(shapes.box_with_hole(through=False), angle_deg=0.0), "moved")
    # A pure translation: identical after centring (same scale).
    assert torch.allclose(plain.x, moved.x, atol=1e-5)
    assert torch.allclose(plain.edge_attr, moved.edge_attr, atol=1e-5)
    assert torch.allclose(plain.face_grid, moved.face_grid, atol=1e-5)
    rotated = _graph(write_part, shapes.moved(shapes.box_with_hole(through=False), angle_deg=30.0), "rotated")
    assert sorted(rotated.x[:, 0:6].argmax(1).tolist()) == sorted(plain.x[:, 0:6].argmax(1).tolist())
    assert sorted(_convexity(rotated)) == sorted(_convexity(plain))


def test_options_change_shapes_and_flags(write_part):
    path = write_part(shapes.box(), "box")
    from graphssl.cad import read_step

    data = read_step(path, face_grid_size=(4, 6), edge_grid_size=3, scale_to_unit_box=False)
    assert data.face_grid.shape == (6, 7, 4, 6) and data.edge_grid.shape == (24, 12, 3)
    assert sorted(data.edge_attr[::2, 3].tolist())[-1] == pytest.approx(10.0)
    bare = read_step(path, face_grids=False, edge_grids=False)
    assert "face_grid" not in bare and "edge_grid" not in bare
    with pytest.raises(ConfigError, match="options.edge_grid_size: must be an integer >= 2, got 1"):
        read_step(path, edge_grid_size=1)
    with pytest.raises(ConfigError, match=r"options.face_grid_size: must be two integers >= 2, got \(0, 0\)"):
        read_step(path, face_grid_size=(0, 0))
    with pytest.raises(ConfigError, match="options.face_grid_size: .* got 10"):
        ExtractOptions(face_grid_size=10)
    with pytest.raises(ConfigError, match="options.on_invalid"):
        ExtractOptions(on_invalid="ignore")
    with pytest.raises(ConfigError, match="options.edge_grid: unknown extraction option .did you mean 'edge_grids'"):
        read_step(path, edge_grid=4)


def test_labelled_face_sits_where_its_geometry_is(write_part):
    """A face named ``hole`` must be the cylinder around the hole axis, inside the hole's box."""
    from graphssl.cad import read_step
    from graphssl.cad.step_reader import load_step

    shape = shapes.box_with_hole(radius=1.5)
    model_faces = shapes.faces_of(shape)
    from OCP.BRepAdaptor import BRepAdaptor_Surface
    from OCP.GeomAbs import GeomAbs_SurfaceType

    names = ["hole" if BRepAdaptor_Surface(f).GetType() == GeomAbs_SurfaceType.GeomAbs_Cylinder else "stock"
             for f in model_faces]
    path = write_part(shape, "named", names)
    data = read_step(path, scale_to_unit_box=False)
    assert load_step(path).face_names == names
    hole = data.face_names.index("hole")
    assert data.x[hole, 1] == 1
    points = data.face_grid[hole, 0:3].reshape(3, -1)
    lo, hi = points.amin(1), points.amax(1)
    assert torch.all(lo >= torch.tensor([3.5, 2.5, 0.0]) - 1e-5)
    assert torch.all(hi <= torch.tensor([6.5, 5.5, 6.0]) + 1e-5)
    assert lo[2] == pytest.approx(0.0, abs=1e-5) and hi[2] == pytest.approx(6.0, abs=1e-5)
    radius = (points[0:2] - torch.tensor([[5.0], [4.0]])).norm(dim=0)
    assert torch.allclose(radius, torch.full_like(radius, 1.5), atol=1e-5)
    for other in (i for i, n in enumerate(data.face_names) if n == "stock"):
        assert data.x[other, 0] == 1
