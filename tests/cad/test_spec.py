"""The declared layout of gAAG graphs: column blocks of x / edge_attr, and every attribute's level, shape and dtype."""

from __future__ import annotations

import pytest
import torch

from graphssl.cad.edge_features import EDGE_ATTRIBUTES
from graphssl.cad.face_features import FACE_ATTRIBUTES
from graphssl.cad.spec import STRING, CADGraphSpec, ColumnGroup, cad_graph_spec
from tests.cad import shapes
from tests.conftest import shared_data

_DTYPES = {"float": torch.float32, "long": torch.int64, "bool": torch.bool}
#: Declared by GraphSpec's own fields (node_continuous, edge_continuous) or graph structure.
_STRUCTURE = {"x", "edge_index", "edge_attr", "num_nodes"}


def _rows(data, level: str, spec) -> int:
    if level == "node":
        return data.num_nodes
    if level == "edge":
        return data.edge_index.shape[1]
    if level == "graph":
        return 1
    return data[spec.groups[level]].shape[0]


def assert_declared(data, spec: CADGraphSpec) -> None:
    """Every attribute of ``data`` is declared, with its level's row count, per-row shape and dtype."""
    assert data.x.shape == (data.num_nodes, spec.node_continuous) and data.x.dtype == torch.float32
    assert data.edge_attr.shape == (data.edge_index.shape[1], spec.edge_continuous)
    undeclared = set(data.keys()) - _STRUCTURE - set(spec.attributes)
    assert not undeclared, f"undeclared attributes {undeclared}"
    for key in set(data.keys()) - _STRUCTURE:
        declared, value = spec.attributes[key], data[key]
        rows = _rows(data, declared.level, spec)
        if declared.dtype == STRING:
            assert (isinstance(value, str) and rows == 1) or (isinstance(value, list) and len(value) == rows), key
            continue
        assert value.dtype == _DTYPES[declared.dtype], key
        assert list(value.shape) == [rows, *declared.shape], (key, tuple(value.shape), declared)
        for column, categories in enumerate(declared.categories):
            column_values = value if value.dim() == 1 else value[:, column]
            assert 0 <= int(column_values.min()) and int(column_values.max()) < categories, key


def test_read_step_output_is_declared(write_part):
    from graphssl.cad.extract import read_step

    options = {"face_grid_size": (4, 6), "edge_grid_size": 5}
    data = read_step(write_part(shapes.box_with_hole(through=False), "blind"), **options)
    assert_declared(data, cad_graph_spec(options))
    assert cad_graph_spec(options).attributes["face_grid"].shape == [7, 4, 6]
    bare = read_step(write_part(shapes.sphere(), "ball"), face_grids=False, edge_grids=False)
    spec = cad_graph_spec({"face_grids": False, "edge_grids": False})
    assert "face_grid" not in spec.attributes and "edge_grid" not in spec.attributes
    assert_declared(bare, spec)


def test_mfinstseg_dataset_declares_labels_instances_and_the_face_instance_group():
    from graphssl.cad.datasets import MFInstSeg

    dataset = MFInstSeg(shared_data("mfinstseg_sample"), split="all", num_workers=1, progress=False,
                        options={"face_grid_size": (3, 3), "edge_grid_size": 3})
    spec = dataset.spec
    assert spec.attributes["y"].categories == [25] and spec.groups == {"face_instance": "instance_class"}
    assert spec.attributes["instance_class"].level == "face_instance"
    assert_declared(dataset[0], spec)


def test_column_blocks_say_which_columns_are_categorical():
    spec = cad_graph_spec()
    blocks = {g.name: g for g in spec.node_columns}
    assert [FACE_ATTRIBUTES[c] for c in blocks["surface_type"].columns] == [
        "plane", "cylinder", "cone", "sphere", "torus", "other"]
    assert blocks["surface_type"].categories == 6
    assert [(g.name, g.categorical) for g in spec.node_columns] == [
        ("surface_type", True), ("area", False), ("rational", False), ("centroid", False)]
    edges = {g.name: g for g in spec.edge_columns}
    assert [EDGE_ATTRIBUTES[c] for c in edges["convexity"].columns] == ["concave", "convex", "smooth"]
    assert edges["curve_type"].categories == 5 and not edges["length"].categorical
    assert sorted(c for g in spec.edge_columns for c in g.columns) == list(range(len(EDGE_ATTRIBUTES)))


def test_one_hot_blocks_hold_one_category_per_row(write_part):
    from graphssl.cad.extract import read_step

    data = read_step(write_part(shapes.cone(), "cone"), face_grids=False, edge_grids=False)
    spec = cad_graph_spec()
    for matrix, blocks in ((data.x, spec.node_columns), (data.edge_attr, spec.edge_columns)):
        for block in blocks:
            if block.categorical:
                sums = matrix[:, list(block.columns)].sum(dim=1)
                assert bool(((sums == 0) | (sums == 1)).all()), block.name
    # The cone's apex edge is degenerate: no convexity (a row of zeros), every other edge has one.
    degenerate = data.edge_attr[:, EDGE_ATTRIBUTES.index("degenerate")] == 1
    convexity = data.edge_attr[:, :3].sum(dim=1)
    assert bool((convexity[degenerate] == 0).all()) and bool((convexity[~degenerate] == 1).all())


def test_blocks_must_cover_every_column_once():
    with pytest.raises(ValueError, match="node_columns cover columns"):
        CADGraphSpec(node_continuous=11, edge_continuous=12, node_columns=[ColumnGroup("a", (0, 1))])
