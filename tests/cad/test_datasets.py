"""The four CAD datasets: labels attached by exact face identity, caches, splits and the reject list."""

from __future__ import annotations

import json
import os
import shutil

import pytest
import torch

from graphssl.data.rejects import Reject, rejects_of
from tests.cad import shapes
from tests.conftest import shared_data


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHSSL_CACHE", str(tmp_path / "cache"))


@pytest.fixture
def mfcad_root(tmp_path):
    """A small MFCAD-layout folder: 6 train + 3 test models linked from the shared set, plus two bad files."""
    source = shared_data("mfcad")
    root = tmp_path / "mfcad"
    (root / "step").mkdir(parents=True)
    train = (source / "train.txt").read_text().split()[:6]
    test = (source / "test.txt").read_text().split()[:3]
    for model_id in train + test:
        for ext in (".step", ".json"):
            os.symlink(source / "step" / f"{model_id}{ext}", root / "step" / f"{model_id}{ext}")
    shutil.copy(source / "classes.json", root)
    (root / "train.txt").write_text("\n".join(train + ["cut", "wrong"]))
    (root / "test.txt").write_text("\n".join(test))
    good = (source / "step" / f"{train[0]}.step").read_text()
    (root / "step" / "cut.step").write_text(good[: len(good) // 2])
    (root / "step" / "cut.json").write_text("{}")
    (root / "step" / "wrong.step").write_text(good)
    labels = json.loads((source / "step" / f"{train[0]}.json").read_text())
    labels["labels"] = labels["labels"][::-1] if labels["labels"] != labels["labels"][::-1] else labels["labels"][1:]
    (root / "step" / "wrong.json").write_text(json.dumps(labels))
    return root, train, test


def test_mfcad_labels_splits_and_rejects(mfcad_root):
    from graphssl.cad.datasets import MFCAD

    root, train, test = mfcad_root
    with pytest.warns(UserWarning, match="mfcad train: 2 of 8 files rejected"):
        dataset = MFCAD(root, split="train", num_workers=1, progress=False)
    assert dataset.num_classes == 16 and len(dataset) == len(train)
    assert all(isinstance(r, Reject) for r in dataset.rejects)
    assert [(r.source, r.item) for r in dataset.rejects] == [(str(root / "step" / "cut.step"), "cut"),
                                                             (str(root / "step" / "wrong.step"), "wrong")]
    reasons = {r.item: r.reason for r in dataset.rejects}
    assert reasons["cut"].startswith(f"{root / 'step' / 'cut.step'}: truncated")
    assert reasons["wrong"].startswith(f"{root / 'step' / 'wrong.json'}:") and "disagree" in reasons["wrong"]
    assert rejects_of(dataset) == dataset.rejects
    assert [d.model_id for d in dataset] == train
    assert [d.source_file for d in dataset] == [str(root / "step" / f"{m}.step") for m in train]
    for data in dataset:
        labels = json.loads((root / "step" / f"{data.model_id}.json").read_text())
        assert data.y.dtype == torch.long and data.y.tolist() == labels["labels"]
        assert [int(n) for n in data.face_names] == labels["face_ids_in_traversal_order"]
    assert [d.model_id for d in MFCAD(root, split="test", num_workers=1, progress=False)] == test
    with pytest.warns(UserWarning, match="mfcad all: 2 of 11 files rejected"):
        assert len(MFCAD(root, split="all", num_workers=1, progress=False)) == len(train) + len(test)
    from torch_geometric.loader import DataLoader

    batch = next(iter(DataLoader(dataset, batch_size=4)))
    assert batch.num_graphs == 4 and batch.face_grid.shape[0] == batch.x.shape[0] == batch.y.shape[0]
    assert batch.edge_grid.shape[0] == batch.edge_attr.shape[0] == batch.edge_index.shape[1]
    assert int(batch.edge_index.max()) < batch.num_nodes and batch.bbox_center.shape == (4, 3)


def test_cache_is_reused_and_invalidated_by_settings(mfcad_root, monkeypatch):
    from graphssl.cad.datasets import MFCAD

    root, train, _ = mfcad_root
    with pytest.warns(UserWarning):
        first = MFCAD(root, split="train", num_workers=1, progress=False)

    def fail(self):
        raise AssertionError("re-extracted although nothing changed")

    monkeypatch.setattr(MFCAD, "process", fail)
    again = MFCAD(root, split="train", progress=False)
    assert again.processed_dir == first.processed_dir and len(again) == len(train)
    assert again.rejects == first.rejects and len(again.rejects) == 2
    monkeypatch.undo()
    with pytest.warns(UserWarning):
        other = MFCAD(root, split="train", options={"edge_grid_size": 4}, num_workers=1, progress=False)
    assert other.processed_dir != first.processed_dir
    assert other[0].edge_grid.shape[-1] == 4 and first[0].edge_grid.shape[-1] == 10


def test_mfinstseg_sample():
    from graphssl.cad.datasets import MFInstSeg

    dataset = MFInstSeg(shared_data("mfinstseg_sample"), split="all", num_workers=1, progress=False)
    data = dataset[0]
    assert dataset.num_classes == 25 and data.num_nodes == 27
    counts = torch.bincount(data.y, minlength=25)
    assert (counts[1], counts[22], counts[23], counts[24]) == (9, 10, 2, 6)
    assert int(data.instance.max()) + 1 == 13 and int(data.bottom.sum()) == 4
    assert data.instance_class.tolist() == [int(data.y[data.instance == k][0]) for k in range(13)]
    assert data.model_id == "test" and data.source_file.endswith("step/test.step")
    cylinder, plane = data.x[:, 1] == 1, data.x[:, 0] == 1
    assert bool(cylinder[(data.y == 1) | (data.y == 23)].all())
    assert bool(plane[(data.y == 24) | (data.y == 22) | (data.bottom == 1)].all())
    assert bool((data.instance[data.y == 24] == -1).all())


def test_generated_parts_read_the_same_as_mfinstseg_and_mfcadpp(tmp_path):
    from graphssl.cad.datasets import MFCADPP, MFInstSeg
    from graphssl.cad.generator import generate

    generate(5, tmp_path / "gen", seed=2, progress=False)
    inst = MFInstSeg(tmp_path / "gen", split="all", num_workers=1, progress=False)
    names = MFCADPP(tmp_path / "gen", split="all", num_workers=1, progress=False)
    assert len(inst) == len(names) == 5 and not inst.rejects and not names.rejects
    for a, b in zip(inst, names):
        assert torch.equal(a.y, b.y) and torch.equal(a.x, b.x)
        assert a.bottom.sum() >= 0 and bool((a.instance[a.y == 24] == -1).all())


def test_mfcadpp_split_folders(tmp_path, write_part):
    from graphssl.cad.datasets import MFCADPP

    for split, count in (("train", 2), ("val", 1), ("test", 1)):
        folder = tmp_path / "pp" / "step" / split
        folder.mkdir(parents=True)
        for i in range(count):
            path = write_part(shapes.box(), f"{split}{i}", [str(k) for k in range(6)])
            shutil.move(path, folder / path.name)
    bad = write_part(shapes.box(), "bad", ["3", "3", "", "3", "3", "3"])
    shutil.move(bad, tmp_path / "pp" / "step" / "train" / bad.name)
    with pytest.warns(UserWarning, match="1 of 3 files rejected"):
        train = MFCADPP(tmp_path / "pp", split="train", num_workers=1, progress=False)
    assert len(train) == 2 and train[0].y.tolist() == list(range(6))
    step = tmp_path / "pp" / "step" / "train" / "bad.step"
    assert train.rejects == [Reject(str(step), "bad", f"{step}: face 2 is named '', not a class index (MFCAD++ "
                                                        "names each ADVANCED_FACE by its class)")]
    assert len(MFCADPP(tmp_path / "pp", split="val", progress=False)) == 1


def test_fusion360_segmentation_layout(tmp_path, write_part):
    from graphssl.cad.datasets import Fusion360Seg

    root = tmp_path / "s2.0.0"
    (root / "breps" / "step").mkdir(parents=True)
    (root / "breps" / "seg").mkdir(parents=True)
    parts = {"a": (shapes.box(), [0, 1, 1, 0, 2, 3]), "b": (shapes.cylinder(), [6, 7, 7]),
             "c": (shapes.box_with_hole(), [0, 1])}
    for name, (shape, labels) in parts.items():
        path = write_part(shape, name)
        shutil.move(path, root / "breps" / "step" / f"{name}.stp")
        (root / "breps" / "seg" / f"{name}.seg").write_text("\n".join(map(str, labels)) + "\n")
    (root / "train_test.json").write_text(json.dumps({"train": ["a", "c"], "test": ["b"]}))
    with pytest.warns(UserWarning, match="2 labels for 7 faces"):
        train = Fusion360Seg(root, split="train", num_workers=1, progress=False)
    assert train.rejects[0].source == str(root / "breps" / "step" / "c.stp")
    assert train.classes[0] == "ExtrudeSide" and train.num_classes == 8
    assert [d.model_id for d in train] == ["a"] and train[0].y.tolist() == [0, 1, 1, 0, 2, 3]
    test = Fusion360Seg(root, split="test", progress=False)
    assert test[0].y.tolist() == [6, 7, 7]


def test_missing_root_and_bad_split(tmp_path):
    from graphssl.cad.datasets import MFCAD
    from graphssl.errors import ConfigError, InputFileError

    with pytest.raises(InputFileError, match="dataset folder not found"):
        MFCAD(tmp_path / "nowhere")
    with pytest.raises(ConfigError, match="split must be one of train, val, test, all, got 'dev'"):
        MFCAD(tmp_path, split="dev")


def test_class_index_outside_the_class_list_names_file_and_face(tmp_path, write_part):
    from graphssl.cad.datasets import MFCADPP
    from graphssl.errors import InputFileError

    root = tmp_path / "pp"
    root.mkdir()
    (root / "classes.json").write_text(json.dumps(["a", "b", "c"]))
    for name, names in (("ok", ["0", "1", "2", "2", "1", "0"]), ("big", ["0", "1", "2", "7", "1", "0"])):
        shutil.move(write_part(shapes.box(), name, names), root / f"{name}.step")
    with pytest.warns(UserWarning):
        dataset = MFCADPP(root, split="all", num_workers=1, progress=False)
    assert [r.reason for r in dataset.rejects] == [f"{root / 'big.step'}: face 3 has class index 7, outside 0..2"]
    (root / "ok.step").unlink()
    with pytest.warns(UserWarning), pytest.raises(InputFileError, match="split 'all' has no usable models .*big.step"):
        MFCADPP(root, split="all", num_workers=1, progress=False, force_reload=True)


def test_instances_mixing_classes_are_rejected(tmp_path, write_part):
    from graphssl.cad.datasets.labels import instance_classes
    from graphssl.errors import InputFileError

    y = torch.tensor([3, 3, 5, 24])
    assert instance_classes(torch.tensor([0, 0, 1, -1]), y).tolist() == [3, 5]
    with pytest.raises(InputFileError, match=r"x.json: instance 0 \(faces \[0, 2\]\) mixes classes \[3, 5\]"):
        instance_classes(torch.tensor([0, 1, 0, -1]), y, source="x.json")
