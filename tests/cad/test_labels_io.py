"""Which labels the viewer shows: a label file given or found beside the STEP file, class-index
face names, or none with a note; face ids are never taken for classes."""

from __future__ import annotations

import json

import pytest

from graphssl.cad.labels_io import face_labels, find_label_file, names_as_classes
from graphssl.errors import InputFileError


def _touch(path, text=""):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.mark.parametrize("step, labels", [
    ("step/a.step", "step/a.json"),                # MFCAD, the MFInstSeg sample, generator output
    ("parts/a.step", "parts/a.seg"),
    ("steps/a.step", "labels/a.json"),             # AAGNet's MFInstSeg release
    ("breps/step/a.stp", "breps/seg/a.seg"),       # Fusion 360 Gallery segmentation
])
def test_label_file_is_found_where_the_datasets_keep_it(tmp_path, step, labels):
    step_path = _touch(tmp_path / step)
    _touch(tmp_path / labels)
    assert find_label_file(step_path).resolve() == (tmp_path / labels).resolve()


def test_no_label_file(tmp_path):
    assert find_label_file(_touch(tmp_path / "a.step")) is None


def test_found_label_file_wins_over_face_names(tmp_path):
    step = _touch(tmp_path / "a.step")
    _touch(tmp_path / "a.json", json.dumps({"face_truth": [15, 3, 3], "labels": [3, 3, 15]}))
    found = face_labels(step, ["2", "1", "0"])
    assert found.classes == [3, 3, 15] and found.source == tmp_path / "a.json" and found.note is None


@pytest.mark.parametrize("names, num_classes, classes, why", [
    (["24", "24", "3", "3"], 25, [24, 24, 3, 3], ""),
    (["2", "0", "1", "3"], 25, None, "face names are face ids 0..3 (as in MFCAD), not class indices"),
    (["", "", ""], None, None, "face names are not class indices (face 0 is named '')"),
    (["1", "top"], None, None, "face names are not class indices (face 1 is named 'top')"),
    (["3", "30", "3"], 16, None, "face names run 3..30, outside the 16 classes"),
])
def test_face_names_as_classes(names, num_classes, classes, why):
    assert names_as_classes(names, num_classes) == (classes, why)


def test_unlabelled_part_gets_a_one_line_note(tmp_path):
    step = _touch(tmp_path / "m.step")
    found = face_labels(step, [str(i) for i in range(5)])
    assert found.classes is None and found.source is None
    assert found.note.startswith(f"{step}: face names are face ids 0..4") and "\n" not in found.note
    assert "no label file was found (m.json, m.seg, ../labels/m.json, ../seg/m.seg)" in found.note


def test_bad_label_files_name_the_file(tmp_path):
    step = _touch(tmp_path / "a.step")
    seg = _touch(tmp_path / "a.seg", "1\nx\n")
    with pytest.raises(InputFileError, match=r"a.seg: value 2 \('x'\) is not a class index"):
        face_labels(step, ["", ""])
    seg.write_text("1\n2\n3\n")
    with pytest.raises(InputFileError, match="a.seg: 3 labels for 2 faces"):
        face_labels(step, ["", ""])
