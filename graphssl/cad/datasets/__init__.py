"""CAD datasets as PyG in-memory datasets of gAAG graphs, with a cache that tracks extraction settings.

- :class:`MFCAD`: MFCAD (16 classes, labels by face id).
- :class:`MFInstSeg`: MFInstSeg JSON labels (class, instance, bottom); also the generator's output.
- :class:`MFCADPP`: MFCAD++ (labels in face names); also the generator's output.
- :class:`Fusion360Seg`: Fusion 360 Gallery segmentation (``.stp`` + ``.seg``).
- :func:`generated_parts`: the built-in generated part set (no download).
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "CADGraphDataset": "graphssl.cad.datasets.base",
    "ModelRef": "graphssl.cad.datasets.base",
    "MFCAD": "graphssl.cad.datasets.mfcad",
    "MFInstSeg": "graphssl.cad.datasets.mfinstseg",
    "MFCADPP": "graphssl.cad.datasets.mfcadpp",
    "Fusion360Seg": "graphssl.cad.datasets.fusion_seg",
    "run_jobs": "graphssl.cad.datasets.parallel",
    "generated_parts": "graphssl.cad.datasets.generated",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'graphssl.cad.datasets' has no attribute {name!r}")
