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


def _matches(pixels: np.ndarray, colour) -> tuple[np.ndarray, np.ndarray]:
    """Which pixels are ``colour`` under some flat shade in the viewer's range, and that shade."""
    colour = np.asarray(colour)
    shade = np.clip(pixels @ colour / (colour @ colour), 0.45, 1.0)
    residual = np.linalg.norm(pixels - shade[..., None] * colour, axis=-1)
    return residual < 0.02, shade


def test_png_pixels_of_a_labelled_face_have_its_class_colour(tmp_path, write_part):
    """A 10 x 8 x 6 block, top face blind_hole (12), the others triangular_blind_step (20): the pair of
    classes whose colours were nearly identical. The labels come from ``box.seg`` beside the STEP file."""
    from matplotlib.image import imread

    from graphssl.cad.palette import class_palette
    from graphssl.cad.step_reader import faces_in_order
    from graphssl.cad.viewer import VIEWS, VIEWS_RIGHT, _camera, render_part

    shape = shapes.box(10, 8, 6)
    step = write_part(shape, "box")
    classes = [12 if abs(shapes_centre_z(f) - 6.0) < 1e-9 else 20 for f in faces_in_order(shape)[0]]
    assert classes.count(12) == 1
    (tmp_path / "box.seg").write_text("\n".join(map(str, classes)))
    image = imread(render_part(step, tmp_path / "box.png"))[..., :3]
    views = image[:, : int(VIEWS_RIGHT * image.shape[1])]  # the legend's patches lie to the right
    top, top_shade = _matches(views, class_palette(25)[12])
    side, _ = _matches(views, class_palette(25)[20])
    assert not (top & side).any()
    half = views.shape[1] // 2
    # From above (first view) the top face shows, with one flat shade; from below it is hidden.
    assert top[:, :half].sum() > 2000 and top[:, half:].sum() == 0
    shades = top_shade[top]
    assert np.mean(np.abs(shades - np.median(shades)) < 0.01) > 0.95  # all but anti-aliased border pixels
    # Its share of the coloured pixels is its share of the projected area (orthographic view).
    toward = _camera(*VIEWS[0])[2]
    projected = {"top": 10 * 8 * toward[2], "+x": 8 * 6 * toward[0], "-y": 10 * 6 * -toward[1]}
    expected = projected["top"] / sum(projected.values())
    share = top[:, :half].sum() / (top[:, :half].sum() + side[:, :half].sum())
    assert share == pytest.approx(expected, abs=0.01)


def test_faces_without_class_are_grey_and_ids_never_coloured(tmp_path):
    import shutil

    from graphssl.cad.palette import UNLABELLED
    from graphssl.cad.viewer import face_colours, render_part

    assert face_colours(None, 3) == [UNLABELLED] * 3
    assert face_colours([1, -1], 2)[1] == UNLABELLED
    step = tmp_path / "m.step"
    shutil.copy(sorted(shared_data("mfcad", "step").glob("*.step"))[0], step)
    with pytest.warns(UserWarning, match="face names are face ids"):
        png = render_part(step, tmp_path / "m.png", resolution=200)
    from matplotlib.image import imread

    pixels = imread(png)[..., :3].reshape(-1, 3)
    chroma = pixels.max(axis=1) - pixels.min(axis=1)
    assert chroma.max() < 0.02  # grey faces, black edges, white background, no colour anywhere
