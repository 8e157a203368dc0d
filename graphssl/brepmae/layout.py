"""Where the BRepMAE modules find things in a gAAG: column blocks of ``x``/``edge_attr`` and grid channels.

The layout is the CAD layer's (:mod:`graphssl.cad.spec`, Wu et al., "AAGNet",
RCIM 2024; grids as in Jayaraman et al., "UV-Net", CVPR 2021), read from its
constants rather than repeated here, so a change there moves every index with it.
"""

from __future__ import annotations

from graphssl.cad.edge_features import EDGE_ATTRIBUTES, EDGE_GRID_CHANNELS
from graphssl.cad.face_features import FACE_ATTRIBUTES, FACE_GRID_CHANNELS
from graphssl.cad.spec import EDGE_COLUMNS, FACE_COLUMNS


def _block(groups, name: str) -> slice:
    columns = next(g.columns for g in groups if g.name == name)
    return slice(columns[0], columns[-1] + 1)


def _channels(channels: tuple[str, ...], first: str, count: int) -> slice:
    start = channels.index(first)
    return slice(start, start + count)


SURFACE_TYPE = _block(FACE_COLUMNS, "surface_type")
AREA = _block(FACE_COLUMNS, "area")
RATIONAL = _block(FACE_COLUMNS, "rational")
CENTROID = _block(FACE_COLUMNS, "centroid")
NUM_SURFACE_TYPES = SURFACE_TYPE.stop - SURFACE_TYPE.start
FACE_WIDTH = len(FACE_ATTRIBUTES)
EDGE_WIDTH = len(EDGE_ATTRIBUTES)

CONVEXITY = _block(EDGE_COLUMNS, "convexity")
CURVE_TYPE = _block(EDGE_COLUMNS, "curve_type")
#: Edge columns read as plain values: length and the 0/1 flags.
EDGE_VALUES = [c for g in EDGE_COLUMNS if not g.categorical for c in g.columns]

FACE_POINTS = _channels(FACE_GRID_CHANNELS, "x", 3)
FACE_NORMALS = _channels(FACE_GRID_CHANNELS, "nx", 3)
FACE_MASK = FACE_GRID_CHANNELS.index("mask")
#: Edge grid channels holding the normal of the edge's source face (``a`` of ``a -> b``) and of its target face.
LEFT_NORMAL = _channels(EDGE_GRID_CHANNELS, "left_nx", 3)
RIGHT_NORMAL = _channels(EDGE_GRID_CHANNELS, "right_nx", 3)
EDGE_DEGENERATE = EDGE_COLUMNS[[g.name for g in EDGE_COLUMNS].index("degenerate")].columns[0]


def category(one_hot, block: slice):
    """Index of the hot column of each row in ``block``; rows with none get ``width`` ("none")."""
    columns = one_hot[:, block]
    index = columns.argmax(dim=1)
    return index.masked_fill(columns.amax(dim=1) <= 0, block.stop - block.start)
