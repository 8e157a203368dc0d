"""The machining-feature generator: valid solids, history labels that match geometry, reproducible files."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict

import numpy as np
import pytest

from graphssl.cad.generator.classes import CLASS_INDEX, FEATURE_CLASSES, STOCK

PLANAR_ONLY = {"chamfer", "triangular_passage", "rectangular_passage", "6sides_passage", "triangular_through_slot",
               "rectangular_through_slot", "rectangular_through_step", "2sides_through_step", "slanted_through_step",
               "triangular_pocket", "rectangular_pocket", "6sides_pocket", "rectangular_blind_slot",
               "triangular_blind_step", "rectangular_blind_step"}
CYLINDER_ONLY = {"through_hole", "round", "circular_through_slot"}


@pytest.fixture(scope="module")
def parts():
    from graphssl.cad.generator import generate_part

    return [generate_part(7, i) for i in range(10)]


def _surface(face) -> str:
    from OCP.BRepAdaptor import BRepAdaptor_Surface

    return BRepAdaptor_Surface(face).GetType().name.replace("GeomAbs_", "").lower()


def test_parts_are_valid_and_fully_labelled(parts):
    from OCP.BRepCheck import BRepCheck_Analyzer

    from graphssl.cad.step_reader import faces_in_order

    seen = set()
    for part in parts:
        assert BRepCheck_Analyzer(part.shape).IsValid()
        assert len(part.labels) == len(faces_in_order(part.shape)[0])
        assert {label.cls for label in part.labels} >= {STOCK}
        seen.update(part.features)
    assert len(seen) >= 12


def test_labels_agree_with_geometry(parts):
    """Stock faces lie on the block's sides, feature faces do not; each class has its surface types."""
    from graphssl.cad.face_features import uv_bounds
    from graphssl.cad.geometry import SurfaceEvaluator
    from graphssl.cad.step_reader import faces_in_order

    for part in parts:
        dims = np.array(part.dims)
        instances = defaultdict(set)
        for face, label in zip(faces_in_order(part.shape)[0], part.labels):
            umin, umax, vmin, vmax = uv_bounds(face)
            uu, vv = np.meshgrid(np.linspace(umin, umax, 5), np.linspace(vmin, vmax, 5), indexing="ij")
            points = SurfaceEvaluator(face).evaluate(uu.ravel(), vv.ravel())[0]
            on_side = any(np.allclose(points[:, k], side, atol=1e-6) for k in range(3) for side in (0.0, dims[k]))
            name = FEATURE_CLASSES[label.cls]
            assert on_side == (label.cls == STOCK), (name, part.features)
            kind = _surface(face)
            if name in PLANAR_ONLY or name == "stock":
                assert kind == "plane", (name, kind)
            if name in CYLINDER_ONLY:
                assert kind == "cylinder", (name, kind)
            if label.bottom:
                assert kind == "plane" and name not in CYLINDER_ONLY
            if label.cls != STOCK:
                instances[label.instance].add(label.cls)
        assert all(len(classes) == 1 for classes in instances.values())


def test_same_seed_same_part_and_different_index_differs():
    from graphssl.cad.generator import generate_part

    a, b, c = generate_part(3, 4), generate_part(3, 4), generate_part(3, 5)
    assert a.labels == b.labels and a.features == b.features and a.dims == b.dims
    assert a.dims != c.dims


def test_restricted_classes():
    from graphssl.cad.generator import GeneratorConfig, generate_part

    config = GeneratorConfig(classes=("through_hole", "chamfer"), min_features=3, max_features=3)
    part = generate_part(0, 0, config)
    assert {FEATURE_CLASSES[label.cls] for label in part.labels} <= {"through_hole", "chamfer", "stock"}
    with pytest.raises(ValueError, match="unknown feature classes"):
        GeneratorConfig(classes=("wormhole",))


def _digests(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_files_reproducible_and_independent_of_workers(tmp_path):
    from graphssl.cad.generator import generate

    first, failed = generate(4, tmp_path / "a", seed=11, num_workers=1, progress=False)
    generate(4, tmp_path / "b", seed=11, num_workers=2, progress=False)
    generate(4, tmp_path / "c", seed=12, num_workers=1, progress=False)
    assert not failed and len(first) == 4
    assert _digests(tmp_path / "a") == _digests(tmp_path / "b")
    assert _digests(tmp_path / "a")["part_000000.step"] != _digests(tmp_path / "c")["part_000000.step"]


def test_written_files_match_the_generated_labels(tmp_path):
    from graphssl.cad.generator import generate, generate_part
    from graphssl.cad.step_reader import load_step

    generate(3, tmp_path, seed=5, progress=False)
    assert json.loads((tmp_path / "classes.json").read_text()) == list(FEATURE_CLASSES)
    for i in range(3):
        part = generate_part(5, i)
        model = load_step(tmp_path / f"part_{i:06d}.step")
        assert model.face_names == [str(label.cls) for label in part.labels]
        name, record = json.loads((tmp_path / f"part_{i:06d}.json").read_text())[0]
        assert name == f"part_{i:06d}"
        assert [record["seg"][str(k)] for k in range(len(part.labels))] == [label.cls for label in part.labels]
        bottoms = [record["bottom"][str(k)] for k in range(len(part.labels))]
        assert bottoms == [int(label.bottom) for label in part.labels]
        inst = np.array(record["inst"])
        expected = np.array([[int(a.instance >= 0 and a.instance == b.instance) for b in part.labels]
                             for a in part.labels])
        np.testing.assert_array_equal(inst, expected)
    assert CLASS_INDEX["stock"] == 24


def test_ensure_parts_makes_a_cached_split_dataset(tmp_path, monkeypatch):
    from graphssl.cad.datasets import MFInstSeg
    from graphssl.cad.generator import ensure_parts

    monkeypatch.setenv("GRAPHSSL_CACHE", str(tmp_path / "cache"))
    folder = ensure_parts(10, seed=1, progress=False)
    stamp = (folder / "part_000000.step").stat().st_mtime_ns
    assert ensure_parts(10, seed=1, progress=False) == folder
    assert (folder / "part_000000.step").stat().st_mtime_ns == stamp
    assert ensure_parts(10, seed=2, progress=False) != folder
    sizes = [len(MFInstSeg(folder, split=s, num_workers=1, progress=False)) for s in ("train", "val", "test")]
    assert sizes == [8, 1, 1]


@pytest.mark.slow
def test_many_parts_cover_every_class():
    from graphssl.cad.generator import generate_part

    seen = set()
    for i in range(80):
        part = generate_part(100, i)
        seen.update(label.cls for label in part.labels)
    assert seen == set(range(len(FEATURE_CLASSES)))
