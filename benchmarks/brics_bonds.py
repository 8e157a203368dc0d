"""BRICS bond finding: ``graphssl.chem.fragments.brics_bonds`` against RDKit's ``BRICS.FindBRICSBonds``.

Checks that both find the same bonds on every parsable MoleculeNet molecule
under ``../shared/data/moleculenet`` (BRICS: Degen et al., ChemMedChem 2008)
and times both on MOSES test molecules in the same process. Not a timed test.

Example::

    OMP_NUM_THREADS=1 python benchmarks/brics_bonds.py --molecules 3000
"""

from __future__ import annotations

import argparse
import gzip
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / ".." / "shared" / "data"


def rdkit_bonds(mol) -> list[int]:
    from rdkit.Chem import BRICS

    return sorted({mol.GetBondBetweenAtoms(*pair).GetIdx() for pair, _ in BRICS.FindBRICSBonds(mol)})


def moleculenet_mismatches() -> tuple[int, int]:
    """``(molecules checked, molecules where the two disagree)`` over every MoleculeNet CSV."""
    import pandas as pd
    from rdkit import Chem

    from graphssl.chem.fragments import brics_bonds

    checked = mismatched = 0
    for path in sorted((DATA / "moleculenet").rglob("*.csv*")):
        table = pd.read_csv(path)
        column = next(c for c in table.columns if c.lower() in ("smiles", "mol"))
        for text in table[column]:
            mol = Chem.MolFromSmiles(str(text))
            if mol is None:
                continue
            checked += 1
            mismatched += brics_bonds(mol) != rdkit_bonds(mol)
    return checked, mismatched


def main() -> None:
    from rdkit import Chem, RDLogger

    from graphssl.chem.fragments import brics_bonds

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--molecules", type=int, default=3000, help="MOSES test molecules to time")
    args = parser.parse_args()
    RDLogger.DisableLog("rdApp.*")
    with gzip.open(DATA / "moses" / "test.csv.gz", "rt") as handle:
        next(handle)
        mols = [Chem.MolFromSmiles(line.split(",")[0].strip()) for _, line in zip(range(args.molecules), handle)]
    brics_bonds(mols[0])
    for name, find in (("graphssl brics_bonds", brics_bonds), ("RDKit FindBRICSBonds", rdkit_bonds)):
        start = time.perf_counter()
        for mol in mols:
            find(mol)
        seconds = time.perf_counter() - start
        print(f"{name:22s} {seconds:6.2f} s  {len(mols) / seconds:8.0f} molecules/s")
    checked, mismatched = moleculenet_mismatches()
    print(f"MoleculeNet: {checked} molecules, {mismatched} where the bonds differ")


if __name__ == "__main__":
    main()
