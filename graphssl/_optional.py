"""Lazy import of optional heavy dependencies (RDKit, OpenCascade, DGL, ogb).

``require("rdkit", extra="chem")`` imports and returns the module, or raises
:class:`~graphssl.errors.MissingDependencyError` naming the pip extra.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from graphssl.errors import MissingDependencyError


def require(module: str, extra: str) -> ModuleType:
    """Import ``module`` or fail with a message naming ``pip install graphssl[extra]``."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingDependencyError(
            f"{module!r} is required for this feature but could not be imported ({exc}); "
            f"install it with: pip install 'graphssl[{extra}]'"
        ) from exc
