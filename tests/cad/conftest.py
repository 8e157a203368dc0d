"""Fixtures for the CAD tests: analytic parts written to STEP in a temporary folder."""

from __future__ import annotations

import pytest

from tests.conftest import requires

pytestmark = requires("OCP")


@pytest.fixture
def write_part(tmp_path):
    """``write_part(shape, name, face_names=None) -> Path`` writes ``shape`` to ``tmp_path/name.step``."""
    pytest.importorskip("OCP")
    from graphssl.cad.step_writer import write_step

    def _write(shape, name: str = "part", face_names=None):
        return write_step(shape, tmp_path / f"{name}.step", face_names)

    return _write
