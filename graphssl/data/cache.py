"""Where processed datasets are cached, and how cache keys are built.

Caches never live next to the raw data (``../shared`` is read-only): they go
under ``$GRAPHSSL_CACHE``, else ``$XDG_CACHE_HOME/graphssl``, else
``~/.cache/graphssl``. A cache key hashes everything that changes the
processed output (raw file identity, ``repr`` of the transforms and extraction
settings, package version), so a changed setting never reuses a stale cache.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import graphssl


def cache_dir(*parts: str) -> Path:
    """The graphssl cache directory (created), optionally a subdirectory of it."""
    root = os.environ.get("GRAPHSSL_CACHE")
    if root is None:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        root = str(Path(base) / "graphssl")
    path = Path(root).joinpath(*parts)
    path.mkdir(parents=True, exist_ok=True)
    return path


def file_identity(path: str | Path) -> dict[str, Any]:
    """Cheap identity of a raw file: resolved path, size and mtime in ns."""
    path = Path(path).resolve()
    stat = path.stat()
    return {"path": str(path), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def cache_key(**settings: Any) -> str:
    """A short hex digest of JSON-serialisable ``settings`` plus the package version."""
    payload = json.dumps({"graphssl": graphssl.__version__, **settings}, sort_keys=True, default=repr)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]
