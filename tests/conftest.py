"""Shared pytest fixtures and skip helpers.

Tests that need the read-only data in ``../shared/data`` skip with the path
they looked for when it is absent; CI has it.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

SHARED_DATA = Path(os.environ.get("GRAPHSSL_SHARED_DATA", Path(__file__).resolve().parents[1] / ".." / "shared" / "data")).resolve()


def shared_data(*parts: str) -> Path:
    """Path under ``../shared/data``; skips the calling test when it does not exist."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data not found: {path} (set GRAPHSSL_SHARED_DATA)")
    return path


def requires(module: str) -> pytest.MarkDecorator:
    """Skip unless ``module`` is importable (an optional extra)."""
    return pytest.mark.skipif(importlib.util.find_spec(module) is None, reason=f"needs {module}")


def pytest_collection_modifyitems(config, items):
    if os.environ.get("GRAPHSSL_SLOW"):
        return
    skip_slow = pytest.mark.skip(reason="slow test; set GRAPHSSL_SLOW=1 to run")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip_slow)
