"""``import graphssl.cad`` and the CAD CLI module must not import OpenCascade or matplotlib."""

import subprocess
import sys

import pytest

HEAVY = ("OCP", "matplotlib")


@pytest.mark.parametrize("module", ["graphssl", "graphssl.cad", "graphssl.cad.normalize", "graphssl.cad.datasets",
                                    "graphssl.cad.generator", "graphssl.cli.cad"])
def test_import_is_light(module):
    code = f"import sys, {module}; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_cli_help_lists_cad_commands():
    out = subprocess.run([sys.executable, "-m", "graphssl", "cad", "--help"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    for command in ("generate", "show", "extract"):
        assert command in out.stdout
