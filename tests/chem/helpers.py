"""Shared inputs for the chemistry tests: MOSES/MoleculeNet SMILES and special molecules."""

from __future__ import annotations

import csv
import gzip
import itertools
from functools import lru_cache

from tests.conftest import shared_data

# Molecules the issue asks to cover, all valid: metals and organometallics,
# radicals, isotopes, charged species, multi-component salts.
SPECIAL_VALID = {
    "dimethylzinc": "C[Zn]C",
    "iron_ion": "[Fe+2]",
    "ferrocene_ionic": "c1cc[cH-]c1.c1cc[cH-]c1.[Fe+2]",
    "cisplatin": "N.N.Cl[Pt]Cl",
    "dative_platinum": "[NH3]->[Pt](<-[NH3])(Cl)Cl",
    "grignard": "C[Mg]Br",
    "methyl_radical": "[CH3]",
    "oxygen_diradical": "[O][O]",
    "ethyl_radical": "C[CH2]",
    "deuterated_methanol": "[2H]C([2H])([2H])O",
    "carbon13": "[13CH4]",
    "ammonium": "[NH4+]",
    "zwitterion": "C[N+](C)(C)CC(=O)[O-]",
    "nitro": "CN(=O)=O",
    "sodium_acetate": "CC(=O)[O-].[Na+]",
    "sodium_chloride": "[Na+].[Cl-]",
    "hydrochloride_salt": "CN1CCC[C@H]1c1cccnc1.Cl",
    "chiral_and_ez": "C/C=C/[C@@H](F)Cl",
    "single_atom": "C",
    "hexafluorophosphate": "F[P-](F)(F)(F)(F)F.[Li+]",
}

SPECIAL_INVALID = {
    "empty": ("", "empty"),
    "blank": ("   ", "empty"),
    "unclosed_ring": ("C1CC", "unclosed ring"),
    "syntax": ("CC(", "syntax error"),
    "pentavalent_nitrogen": ("N(C)(C)(C)(C)C", "valence"),
    "hypervalent_aluminium": ("O=CO[AlH3](OC=O)OC=O", "valence"),
    "kekulize": ("c1cccc1", "kekulize"),
    "unknown_element": ("[Xx]", "syntax error"),
}


def huge_smiles(rings: int = 100) -> str:
    """A para-polyphenylene with ``6 * rings`` atoms (above the one-byte pickle limit)."""
    return "c1ccc(cc1)" * (rings - 1) + "c1ccccc1"


@lru_cache(maxsize=None)
def moses_smiles(count: int = 2000) -> tuple[str, ...]:
    with gzip.open(shared_data("moses", "train.csv.gz"), "rt") as handle:
        next(handle)
        return tuple(line.strip() for line in itertools.islice(handle, count))


@lru_cache(maxsize=None)
def moleculenet_smiles(name: str, column: str = "smiles") -> tuple[str, ...]:
    with open(shared_data("moleculenet", f"{name}.csv"), newline="") as handle:
        return tuple(row[column] for row in csv.DictReader(handle))


def sugar_smiles(units: int = 40) -> str:
    """A linear alpha(1->4) glucose chain of ``units`` units with 1->6 branches (BRICS stress case)."""
    smiles = "O"
    for k in range(units):
        label = f"%{10 + k % 80}"
        branch = "CO" if k % 3 else "COC1OC(CO)C(O)C(O)C1O"
        smiles = f"O[C@H]{label}[C@H]({branch})O[C@H](O{smiles})[C@H](O)[C@H]{label}O" if k else \
            f"O[C@H]{label}[C@H](CO)O[C@H](O)[C@H](O)[C@H]{label}O"
    return smiles
