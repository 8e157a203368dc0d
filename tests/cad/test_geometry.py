"""The vectorised evaluators agree with OpenCascade's pointwise ``D1`` and classifier."""

from __future__ import annotations

import numpy as np
import pytest

from tests.cad import shapes
from tests.conftest import shared_data

SHAPES = {
    "box": shapes.box,
    "moved_hole": lambda: shapes.moved(shapes.box_with_hole()),
    "blind_hole": lambda: shapes.box_with_hole(through=False),
    "cylinder": shapes.cylinder,
    "moved_cone": lambda: shapes.moved(shapes.cone()),
    "frustum": lambda: shapes.cone(3.0, 1.0, 2.0),
    "sphere": shapes.sphere,
    "torus": lambda: shapes.moved(shapes.torus()),
}


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_surface_fast_path_matches_d1(name):
    from graphssl.cad.face_features import uv_bounds
    from graphssl.cad.geometry import SurfaceEvaluator

    for face in shapes.faces_of(SHAPES[name]()):
        ev = SurfaceEvaluator(face)
        umin, umax, vmin, vmax = uv_bounds(face)
        uu, vv = np.meshgrid(np.linspace(umin, umax, 7), np.linspace(vmin, vmax, 6), indexing="ij")
        fast = ev.evaluate(uu.ravel(), vv.ravel())
        slow = ev.evaluate(uu.ravel(), vv.ravel(), generic=True)
        np.testing.assert_allclose(fast[0], slow[0], atol=1e-9)
        np.testing.assert_allclose(fast[1], slow[1], atol=1e-9)
        norms = np.linalg.norm(fast[1], axis=1)
        # Zero only at a cone apex, where no normal exists.
        assert np.all(np.isclose(norms, 1.0) | (norms == 0.0))
        assert np.mean(norms == 0.0) <= 1 / 6


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_curve_and_pcurve_fast_paths_match(name):
    from graphssl.cad.geometry import CurveEvaluator, pcurve_uv
    from graphssl.cad.topology import build_topology

    faces = shapes.faces_of(SHAPES[name]())
    topo = build_topology(faces)
    for k, edge in enumerate(topo.edges):
        if topo.degenerate[k]:
            continue
        curve = CurveEvaluator(edge)
        t = np.linspace(curve.first, curve.last, 9)
        fast, slow = curve.evaluate(t), curve.evaluate(t, generic=True)
        np.testing.assert_allclose(fast[0], slow[0], atol=1e-9)
        np.testing.assert_allclose(fast[1], slow[1], atol=1e-9)
        for use in topo.coedges[k]:
            np.testing.assert_allclose(pcurve_uv(use.edge, faces[use.face], t),
                                       pcurve_uv(use.edge, faces[use.face], t, generic=True), atol=1e-9)


def _masks(face, size=10):
    """(batched polygon mask or None, classifier mask) of one face."""
    from graphssl.cad.face_features import uv_bounds
    from graphssl.cad.trimming import ON_BAND, boundary_segments, classifier_mask, polygon_masks

    bounds = uv_bounds(face)
    us, vs = np.linspace(bounds[0], bounds[1], size), np.linspace(bounds[2], bounds[3], size)
    uu, vv = np.meshgrid(us, vs, indexing="ij")
    segments = boundary_segments(face)
    if segments is None:
        return None, classifier_mask(face, us, vs)
    band = np.array([ON_BAND * np.hypot(bounds[1] - bounds[0], bounds[3] - bounds[2])])
    return polygon_masks([segments], uu.ravel()[None], vv.ravel()[None], band)[0], classifier_mask(face, us, vs)


@pytest.mark.parametrize("name", ["box", "moved_hole", "blind_hole", "cylinder", "frustum"])
def test_polygon_mask_matches_classifier_on_fixtures(name):
    for face in shapes.faces_of(SHAPES[name]()):
        fast, reference = _masks(face)
        if fast is not None:
            np.testing.assert_array_equal(fast, reference)


def test_polygon_mask_matches_classifier_on_mfcad():
    from graphssl.cad.step_reader import load_step

    files = sorted(shared_data("mfcad", "step").glob("*.step"))[::25]
    checked = 0
    for path in files:
        for face in load_step(path, face_names=False).faces:
            fast, reference = _masks(face)
            assert fast is not None
            np.testing.assert_array_equal(fast, reference, err_msg=str(path))
            checked += 1
    assert checked > 1000


def test_batched_masks_match_single_faces():
    """Faces with few and many boundary segments batched together (padding must not leak)."""
    from graphssl.cad.face_features import uv_bounds
    from graphssl.cad.trimming import trimming_masks

    faces = shapes.faces_of(shapes.box_with_pocket()) + shapes.faces_of(shapes.box_with_hole())
    bounds = np.array([uv_bounds(f) for f in faces])
    batched = trimming_masks(faces, bounds, (9, 7))
    for f, face in enumerate(faces):
        single = trimming_masks([face], bounds[f:f + 1], (9, 7))[0]
        np.testing.assert_array_equal(batched[f], single)
        from graphssl.cad.trimming import classifier_mask

        us = np.linspace(bounds[f, 0], bounds[f, 1], 9)
        vs = np.linspace(bounds[f, 2], bounds[f, 3], 7)
        np.testing.assert_array_equal(single, classifier_mask(face, us, vs))
