"""Optional continuous atom descriptors (``descriptors=True``), stored as ``x_desc`` float32 [A, 5].

Columns: element atomic weight / 100, van der Waals radius (A), covalent
radius (A), outer-shell electrons / 8 (all from RDKit's periodic table, by
element), and the Gasteiger partial charge (Gasteiger & Marsili,
Tetrahedron 1980; 0 where RDKit cannot assign one). The Gasteiger column
costs an RDKit computation per molecule, so this option is off by default.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

DESCRIPTOR_NAMES = ("atomic_weight", "vdw_radius", "covalent_radius", "outer_electrons", "gasteiger_charge")


@lru_cache(maxsize=1)
def _element_table() -> np.ndarray:
    from graphssl.chem._rdkit import chem

    table = chem().GetPeriodicTable()
    rows = [[table.GetAtomicWeight(z) / 100.0, table.GetRvdw(z), table.GetRcovalent(z), table.GetNOuterElecs(z) / 8.0]
            for z in range(119)]
    return np.array(rows, dtype=np.float32)


def atom_descriptors(mol: Any, atomic_num: np.ndarray) -> np.ndarray:
    """Descriptor rows [num_atoms, 5] of one molecule (``mol`` is not modified)."""
    from rdkit.Chem import rdPartialCharges

    from graphssl.chem._rdkit import chem

    out = np.empty((len(atomic_num), len(DESCRIPTOR_NAMES)), dtype=np.float32)
    out[:, :4] = _element_table()[np.clip(atomic_num, 0, 118)]
    copy = chem().Mol(mol)
    rdPartialCharges.ComputeGasteigerCharges(copy, throwOnParamFailure=False)
    charges = np.array([a.GetDoubleProp("_GasteigerCharge") for a in copy.GetAtoms()], dtype=np.float64)
    out[:, 4] = np.where(np.isfinite(charges), charges, 0.0)
    return out
