"""Importing graphssl.chem and its modules must not import RDKit."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO

MODULES = ["graphssl", "graphssl.chem", "graphssl.chem.datasets", "graphssl.chem.featurize", "graphssl.chem.data",
           "graphssl.chem.fragments", "graphssl.chem.features", "graphssl.chem.scaffolds", "graphssl.chem.draw",
           "graphssl.chem.io", "graphssl.chem.chunk", "graphssl.chem.raw", "graphssl.chem._pickle",
           "graphssl.chem.descriptors", "graphssl.chem._rdkit", "graphssl.chem.parallel"]


def test_no_rdkit_at_import():
    code = ("import sys\n" + "".join(f"import {m}\n" for m in MODULES)
            + "import graphssl.chem as c\nassert callable(c.mol_to_graph) and c.MoleculeCSVDataset\n"
            + "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('rdkit', 'ogb'))\n"
            + "assert not bad, bad\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
