"""The declared layout of gAAG graphs: which columns are categorical, and every attribute's level and shape.

A gAAG's ``x`` and ``edge_attr`` are float matrices (AAGNet's attributes, Wu et
al., RCIM 2024) in which some column blocks are one-hot categories (surface
type; convexity and curve type) and the rest continuous values or 0/1 flags.
:class:`CADGraphSpec` is a :class:`~graphssl.data.spec.GraphSpec` (``x`` and
``edge_attr`` continuous, as the encoders read them) that also lists those
blocks as :class:`ColumnGroup` rows, so a model can embed the categorical
blocks and normalise the continuous ones. Its ``attributes`` declare every
other attribute the graphs carry (grids, maps, labels, ids) with level, per-row
shape and dtype; ``groups`` declares the ``face_instance`` level of instance
labels.

Example::

    spec = cad_graph_spec(ExtractOptions(face_grid_size=(8, 8)), label_format="mfinstseg", num_classes=25)
    spec.node_columns[0]          # ColumnGroup(name='surface_type', columns=(0, ..., 5), categories=6)
    spec.attributes["face_grid"]  # AttributeSpec(level='node', shape=[7, 8, 8], dtype='float', ...)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graphssl.cad.edge_features import EDGE_ATTRIBUTES, EDGE_GRID_CHANNELS
from graphssl.cad.extract import ExtractOptions, extract_options
from graphssl.cad.face_features import FACE_ATTRIBUTES, FACE_GRID_CHANNELS
from graphssl.data.spec import AttributeSpec, GraphSpec

#: dtype name of string attributes (ids, paths, face names), kept as Python lists by PyG.
STRING = "str"


@dataclass(frozen=True)
class ColumnGroup:
    """A block of feature columns.

    Args:
        name: what the block holds (``"surface_type"``, ``"area"``).
        columns: its column indices in ``x`` or ``edge_attr``.
        categories: number of categories when the block is a one-hot category
            (one column each; a row of zeros means "none", e.g. the convexity of a
            degenerate edge); ``0`` (default) for continuous values and flags.
    """

    name: str
    columns: tuple[int, ...]
    categories: int = 0

    @property
    def categorical(self) -> bool:
        return self.categories > 0


def _groups(columns: tuple[str, ...], categorical: dict[str, tuple[str, ...]],
            continuous: dict[str, tuple[str, ...]]) -> list[ColumnGroup]:
    """Column groups in column order from block names -> column names."""
    groups = [ColumnGroup(name, tuple(columns.index(c) for c in names), len(names))
              for name, names in categorical.items()]
    groups += [ColumnGroup(name, tuple(columns.index(c) for c in names)) for name, names in continuous.items()]
    return sorted(groups, key=lambda g: g.columns[0])


#: Column blocks of ``x`` (:data:`~graphssl.cad.face_features.FACE_ATTRIBUTES`).
FACE_COLUMNS = _groups(FACE_ATTRIBUTES, {"surface_type": FACE_ATTRIBUTES[0:6]},
                       {"area": ("area",), "rational": ("rational",),
                        "centroid": ("centroid_x", "centroid_y", "centroid_z")})
#: Column blocks of ``edge_attr`` (:data:`~graphssl.cad.edge_features.EDGE_ATTRIBUTES`).
EDGE_COLUMNS = _groups(EDGE_ATTRIBUTES, {"convexity": EDGE_ATTRIBUTES[0:3], "curve_type": EDGE_ATTRIBUTES[4:9]},
                       {"length": ("length",), "rational": ("rational",), "closed": ("closed",),
                        "degenerate": ("degenerate",)})


@dataclass
class CADGraphSpec(GraphSpec):
    """A :class:`~graphssl.data.spec.GraphSpec` with the column blocks of ``x`` and ``edge_attr``.

    Args:
        node_columns: :class:`ColumnGroup` blocks of ``x``, covering every column once
            (default :data:`FACE_COLUMNS`).
        edge_columns: blocks of ``edge_attr`` (default :data:`EDGE_COLUMNS`).
        (and the fields of :class:`~graphssl.data.spec.GraphSpec`)
    """

    node_columns: list[ColumnGroup] = field(default_factory=lambda: list(FACE_COLUMNS))
    edge_columns: list[ColumnGroup] = field(default_factory=lambda: list(EDGE_COLUMNS))

    def __post_init__(self) -> None:
        super().__post_init__()
        for what, groups, width in (("node_columns", self.node_columns, self.node_continuous),
                                    ("edge_columns", self.edge_columns, self.edge_continuous)):
            covered = sorted(c for g in groups for c in g.columns)
            if covered != list(range(width)):
                raise ValueError(f"CADGraphSpec: {what} cover columns {covered}, expected each of 0..{width - 1} once")


def cad_graph_spec(options: ExtractOptions | dict | None = None, *, label_format: str | None = None,
                   num_classes: int | None = None) -> CADGraphSpec:
    """The spec of graphs from :func:`~graphssl.cad.read_step` with ``options``, labelled by ``label_format``.

    Args:
        options: the extraction settings (default: :class:`~graphssl.cad.ExtractOptions` defaults).
        label_format: ``None`` (default: unlabelled ``read_step`` output) or a key of
            :data:`graphssl.cad.datasets.labels.ATTACH`; ``"mfinstseg"`` adds instances.
        num_classes: number of classes of ``y`` (default ``None``: not declared as categorical).
    """
    opts = extract_options(options)
    classes = [num_classes] if num_classes else []
    attributes = {
        "brep_edge": AttributeSpec("edge", dtype="long"),
        "face_solid": AttributeSpec("node", dtype="long"),
        "bbox_center": AttributeSpec("graph", shape=[3]),
        "bbox_scale": AttributeSpec("graph"),
        "face_names": AttributeSpec("node", dtype=STRING),
        "source_file": AttributeSpec("graph", dtype=STRING),
        "model_id": AttributeSpec("graph", dtype=STRING),
    }
    if opts.face_grids:
        attributes["face_grid"] = AttributeSpec("node", shape=[len(FACE_GRID_CHANNELS), *opts.face_grid_size])
    if opts.edge_grids:
        attributes["edge_grid"] = AttributeSpec("edge", shape=[len(EDGE_GRID_CHANNELS), opts.edge_grid_size])
    groups = {}
    if label_format is not None:
        attributes["y"] = AttributeSpec("node", dtype="long", categories=classes)
    if label_format == "mfinstseg":
        attributes["bottom"] = AttributeSpec("node", dtype="long", categories=[2])
        attributes["instance"] = AttributeSpec("node", dtype="long")
        attributes["instance_class"] = AttributeSpec("face_instance", dtype="long", categories=classes)
        groups["face_instance"] = "instance_class"
    return CADGraphSpec(node_continuous=len(FACE_ATTRIBUTES), edge_continuous=len(EDGE_ATTRIBUTES),
                        attributes=attributes, groups=groups)
