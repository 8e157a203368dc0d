"""BRepMAE: masked B-rep autoencoding on face-adjacency graphs, per-face segmentation and ``graphssl cad predict``.

Yao et al., "Self-Supervised Masked BRep Autoencoders for Machining Feature
Recognition" (arXiv 2602.22701), built on the graphssl core and the CAD data
layer (:mod:`graphssl.cad`). Importing this package registers:

- inputs ``brep_face`` (UV-grid CNN + face attributes) and ``brep_edge``
  (U-grid CNN + edge attributes, hiding masked faces' normals);
- objective ``brep_mae``.

:class:`FaceSegmenter` (a per-face head on an encoder), :func:`save_segmenter` /
:func:`load_segmenter` and :func:`predict` are loaded on first use. See
``docs/brepmae.md``.
"""

from __future__ import annotations

import importlib

# Importing these registers the inputs and the objective.
from graphssl.brepmae.edge_input import EdgeInput
from graphssl.brepmae.face_input import FaceInput
from graphssl.brepmae.objective import BRepMAE

_LAZY = {
    "FaceSegmenter": "graphssl.brepmae.segmenter",
    "save_segmenter": "graphssl.brepmae.segmenter",
    "load_segmenter": "graphssl.brepmae.segmenter",
    "predict": "graphssl.brepmae.prediction",
    "PartPrediction": "graphssl.brepmae.prediction",
}

__all__ = ["BRepMAE", "EdgeInput", "FaceInput", *sorted(_LAZY)]


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'graphssl.brepmae' has no attribute {name!r}")
