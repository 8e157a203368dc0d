"""Fixtures for the CAD tests: analytic parts written to STEP in a temporary folder."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

#: Test modules that need no OpenCascade (normalisation statistics, palette, label files).
_WITHOUT_OCP = ("test_normalize.py", "test_palette.py", "test_labels_io.py")

if importlib.util.find_spec("OCP") is None:
    # Without the cad extra the other modules are not collected (their imports would fail).
    collect_ignore = [p.name for p in Path(__file__).parent.glob("test_*.py") if p.name not in _WITHOUT_OCP]


@pytest.fixture
def write_part(tmp_path):
    """``write_part(shape, name, face_names=None) -> Path`` writes ``shape`` to ``tmp_path/name.step``."""
    from graphssl.cad.step_writer import write_step

    def _write(shape, name: str = "part", face_names=None):
        return write_step(shape, tmp_path / f"{name}.step", face_names)

    return _write
