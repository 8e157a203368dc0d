"""Importing any graphssl module (and building the CLI) imports no heavy optional dependency.

One subprocess walks the whole package, so a new module is covered without
editing this test. The only module allowed to import one is the OpenCascade
adapter, which the CAD code imports inside the functions that need it.
"""

import subprocess
import sys

from tests.conftest import REPO

HEAVY = ("rdkit", "OCP", "dgl", "ogb", "matplotlib")
GATEWAYS = ("graphssl.cad._occ",)

CODE = f"""
import importlib, pkgutil, sys
import graphssl, graphssl.cli
names = [m.name for m in pkgutil.walk_packages(graphssl.__path__, "graphssl.")
         if not m.name.endswith("__main__") and m.name not in {GATEWAYS!r}]
for name in names:
    importlib.import_module(name)
graphssl.cli.build_parser()
print(len(names), sorted({{m.split(".")[0] for m in sys.modules}} & set({HEAVY!r})))
"""


def test_no_module_imports_heavy_optional_dependencies():
    result = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stderr
    count, heavy = result.stdout.strip().split(" ", 1)
    assert int(count) > 100, "the walk should see every graphssl module"
    assert heavy == "[]"
