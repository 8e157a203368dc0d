"""Invalid shells: reported in one line, or (``on_invalid="warn"``) extracted as far as is well defined."""

from __future__ import annotations

import pytest

from graphssl.errors import InputFileError
from tests.cad import shapes


def _edge_joined_boxes():
    from OCP.BRepAlgoAPI import BRepAlgoAPI_Fuse

    return BRepAlgoAPI_Fuse(shapes.box(2, 2, 2), shapes.box(2, 2, 2, origin=(2, 2, 0))).Shape()


def _flipped_face():
    faces = shapes.faces_of(shapes.box())
    faces[0] = faces[0].Reversed()
    return shapes.solid_from_faces(faces)


CASES = {
    "open_shell": (shapes.open_box, "open shell", 5, 2 * 8),
    "repeated_face": (shapes.box_with_repeated_face, "non-manifold shell (1 faces", 6, 2 * 12),
    "shared_edge": (_edge_joined_boxes, "non-manifold shell (1 edges", 12, 2 * (22 + 6)),
    "flipped_face": (_flipped_face, "invalid solid", 6, 2 * 12),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_invalid_shapes(case):
    from graphssl.cad.extract import ExtractOptions, shape_to_graph
    from graphssl.cad.step_reader import faces_in_order

    build, message, num_faces, num_edges = CASES[case]
    shape = build()
    faces, _ = faces_in_order(shape)
    with pytest.raises(InputFileError, match=case) as info:
        shape_to_graph(shape, faces, [""] * len(faces), source=case)
    assert "\n" not in str(info.value)
    with pytest.warns(UserWarning, match=case) as record:
        data = shape_to_graph(shape, faces, [""] * len(faces), options=ExtractOptions(on_invalid="warn"),
                              source=case)
    assert any(message in str(w.message) for w in record), [str(w.message) for w in record]
    assert data.num_nodes == num_faces
    assert data.edge_index.shape[1] == data.edge_attr.shape[0] == data.edge_grid.shape[0] == num_edges


def test_check_can_be_skipped():
    from graphssl.cad.extract import ExtractOptions, shape_to_graph
    from graphssl.cad.step_reader import faces_in_order

    shape = _flipped_face()
    faces, _ = faces_in_order(shape)
    data = shape_to_graph(shape, faces, [""] * 6, options=ExtractOptions(check=False))
    assert data.num_nodes == 6
