"""CAD data layer: STEP -> face-adjacency graphs (gAAG), CAD datasets, a labelled
machining-feature generator and a part viewer.

Needs the ``cad`` extra (OpenCascade through ``cadquery-ocp-novtk``), imported
only when a function that needs it runs, so ``import graphssl.cad`` is cheap.

- :func:`read_step`: a STEP file -> :class:`torch_geometric.data.Data` (gAAG).
- :class:`ExtractOptions`: extraction settings.
- :func:`cad_graph_spec` / :class:`CADGraphSpec`: the declared layout of the graphs
  (categorical and continuous column blocks, every attribute's level and shape).
- :class:`FeatureStats` / :class:`NormalizeCAD`: attribute normalisation fitted on a training set.
- :mod:`graphssl.cad.datasets`: MFCAD, MFInstSeg, MFCAD++ and Fusion 360 Gallery segmentation.
- :mod:`graphssl.cad.generator`: labelled machining-feature parts.
- :func:`render_part`: a PNG of a part, faces coloured by class (:func:`class_palette`).
- :func:`predict`: per-face machining-feature predictions for STEP files; implemented by the
  BRepMAE system (:mod:`graphssl.brepmae.prediction`) and only imported when first used.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "read_step": "graphssl.cad.extract",
    "shape_to_graph": "graphssl.cad.extract",
    "ExtractOptions": "graphssl.cad.extract",
    "FACE_ATTRIBUTES": "graphssl.cad.face_features",
    "FACE_GRID_CHANNELS": "graphssl.cad.face_features",
    "EDGE_ATTRIBUTES": "graphssl.cad.edge_features",
    "EDGE_GRID_CHANNELS": "graphssl.cad.edge_features",
    "FeatureStats": "graphssl.cad.normalize",
    "NormalizeCAD": "graphssl.cad.normalize",
    "render_part": "graphssl.cad.viewer",
    "class_palette": "graphssl.cad.palette",
    "cad_graph_spec": "graphssl.cad.spec",
    "CADGraphSpec": "graphssl.cad.spec",
    # The one name served by a system: resolved on first access, so the data layer never imports it.
    "predict": "graphssl.brepmae.prediction",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'graphssl.cad' has no attribute {name!r}")
