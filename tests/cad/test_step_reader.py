"""STEP reading: exact face names in traversal order, and one-line errors for bad files."""

from __future__ import annotations

import json
import re

import pytest

from graphssl.errors import InputFileError
from tests.cad import shapes
from tests.conftest import shared_data


def _one_line_error(call, *fragments):
    with pytest.raises(InputFileError) as info:
        call()
    message = str(info.value)
    assert "\n" not in message
    for fragment in fragments:
        assert fragment in message, message
    return message


def test_names_round_trip_in_traversal_order(write_part):
    from graphssl.cad.step_reader import load_step

    names = ["top", "7", "", "side b", "x", "y"]
    model = load_step(write_part(shapes.box(), face_names=names))
    assert model.face_names == names
    assert len(model.faces) == 6 and model.num_solids == 1


def test_missing_file(tmp_path):
    from graphssl.cad import read_step

    path = tmp_path / "nope.step"
    _one_line_error(lambda: read_step(path), str(path), "no such file")


@pytest.mark.parametrize("content, reason", [
    (b"", "empty file"),
    (b"solid ascii\nfacet normal 0 0 1\nendsolid\n", "not a STEP file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "not a STEP file"),
])
def test_bad_content(tmp_path, content, reason):
    from graphssl.cad import read_step

    path = tmp_path / "bad.step"
    path.write_bytes(content)
    _one_line_error(lambda: read_step(path), str(path), reason)


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.95])
def test_truncated(write_part, tmp_path, keep):
    from graphssl.cad import read_step

    text = write_part(shapes.box()).read_bytes()
    path = tmp_path / "cut.step"
    path.write_bytes(text[: int(len(text) * keep)])
    _one_line_error(lambda: read_step(path), str(path), "truncated")


def test_parser_rejects_garbage_body(tmp_path, capfd):
    from graphssl.cad import read_step

    path = tmp_path / "garbage.step"
    path.write_text("ISO-10303-21;\nHEADER;\nthis is ( not step\nEND-ISO-10303-21;\n")
    _one_line_error(lambda: read_step(path), str(path), "parser rejected")
    assert "ERR" not in capfd.readouterr().out


def test_no_solid(write_part):
    from graphssl.cad import read_step

    path = write_part(shapes.shell_only(), "shell")
    _one_line_error(lambda: read_step(path), str(path), "no solid")


def test_open_shell_file(write_part, tmp_path):
    """A CLOSED_SHELL missing a face: the reader gives an open shell, not a solid."""
    from graphssl.cad import read_step

    text = write_part(shapes.box()).read_text()
    match = re.search(r"CLOSED_SHELL\('[^']*',\((#\d+),", text)
    path = tmp_path / "open.step"
    path.write_text(text.replace(match.group(0), match.group(0).replace(match.group(1) + ",", ""), 1))
    _one_line_error(lambda: read_step(path), str(path), "no solid", "1 open")


def test_degenerate_uv_bounds(write_part):
    from graphssl.cad import read_step

    path = write_part(shapes.sliver_face_solid(), "sliver")
    _one_line_error(lambda: read_step(path), str(path), "open shell")
    with pytest.warns(UserWarning, match="open shell"):
        _one_line_error(lambda: read_step(path, on_invalid="warn"), str(path), "face 6", "degenerate UV bounds")


def test_several_solids(write_part):
    from graphssl.cad import read_step

    path = write_part(shapes.two_boxes(), "two")
    data = read_step(path)
    assert data.num_nodes == 12
    assert sorted(data.face_solid.tolist()) == [0] * 6 + [1] * 6
    src, dst = data.edge_index
    assert bool((data.face_solid[src] == data.face_solid[dst]).all())
    _one_line_error(lambda: read_step(path, multiple_solids="raise"), str(path), "2 solids")


def test_mfcad_names_follow_traversal_order():
    from graphssl.cad.step_reader import load_step

    root = shared_data("mfcad", "step")
    for path in sorted(root.glob("*.step"))[:40]:
        labels = json.loads(path.with_suffix(".json").read_text())
        model = load_step(path)
        assert [int(n) for n in model.face_names] == labels["face_ids_in_traversal_order"], path
        assert len(model.faces) == path.read_text().count("ADVANCED_FACE(")
