"""The viewer: each face's class colour lands on that face; PNGs for real and generated parts."""

from __future__ import annotations

import numpy as np
import pytest

from graphssl.errors import InputFileError
from tests.cad import shapes
from tests.conftest import shared_data


def test_top_face_colour_lands_on_the_top_face():
    from graphssl.cad.step_reader import faces_in_order
    from graphssl.cad.viewer import _camera, _rasterise, tessellate

    shape = shapes.box(10, 10, 10)
    faces = faces_in_order(shape)[0]
    tops = [i for i, f in enumerate(faces) if abs(shapes_centre_z(f) - 10.0) < 1e-9]
    assert len(tops) == 1
    colours = [(0.0, 0.0, 1.0)] * len(faces)
    colours[tops[0]] = (1.0, 0.0, 0.0)
    triangles, _ = tessellate(shape, faces)
    image, depth = _rasterise(triangles, colours, _camera(89.0, 0.0), np.array([5.0, 5.0, 5.0]), 20.0, 64)
    centre = image[32, 32]
    assert centre[0] > 0.4 and centre[2] == 0.0
    assert np.isinf(depth[0, 0]) and np.all(image[0, 0] == 1.0)


def shapes_centre_z(face) -> float:
    from OCP.BRepGProp import BRepGProp
    from OCP.GProp import GProp_GProps

    props = GProp_GProps()
    BRepGProp.SurfaceProperties_s(face, props)
    return props.CentreOfMass().Z()


def test_render_mfcad_with_labels(tmp_path):
    from graphssl.cad.viewer import render_part

    step = sorted(shared_data("mfcad", "step").glob("*.step"))[1]
    png = render_part(step, tmp_path / "part.png", labels=step.with_suffix(".json"))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000


def test_render_generated_part_uses_face_names(tmp_path):
    from graphssl.cad.generator import generate
    from graphssl.cad.viewer import render_part

    (step,), _ = generate(1, tmp_path, seed=4, progress=False)
    assert render_part(step, tmp_path / "gen.png").stat().st_size > 10_000


def test_label_count_mismatch(tmp_path, write_part):
    from graphssl.cad.viewer import render_part

    step = write_part(shapes.box(), "box")
    labels = tmp_path / "box.seg"
    labels.write_text("1\n2\n")
    with pytest.raises(InputFileError, match="2 labels for 6 faces"):
        render_part(step, tmp_path / "x.png", labels=labels)
