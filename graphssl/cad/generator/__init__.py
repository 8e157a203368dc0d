"""Labelled machining-feature parts: the embedded default data for the CAD demo and pretraining.

- :func:`generate`: ``n`` parts into a folder (STEP with class-index face names + MFInstSeg JSON).
- :func:`generate_part`: one part in memory.
- :func:`ensure_parts`: the no-download default set, generated once into the cache with splits.
- :class:`GeneratorConfig`: sizes, counts and the classes to draw.
- :data:`FEATURE_CLASSES`: the 25 class names (MFCAD++/MFInstSeg order).
"""

from __future__ import annotations

import importlib

from graphssl.cad.generator.classes import FEATURE_CLASSES

_EXPORTS = {
    "generate": "graphssl.cad.generator.run",
    "ensure_parts": "graphssl.cad.generator.run",
    "generate_part": "graphssl.cad.generator.part",
    "GeneratorConfig": "graphssl.cad.generator.part",
    "GeneratorError": "graphssl.cad.generator.part",
    "GeneratedPart": "graphssl.cad.generator.part",
}

__all__ = ["FEATURE_CLASSES", "GeneratedPart", "GeneratorConfig", "GeneratorError", "ensure_parts", "generate",
           "generate_part"]


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'graphssl.cad.generator' has no attribute {name!r}")
