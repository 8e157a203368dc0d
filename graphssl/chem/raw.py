"""Raw RDKit atom and bond values of a batch of molecules, before any encoding.

Two extractors fill a :class:`RawBatch`: :func:`raw_from_mol` here, one RDKit
API call per atom and bond (the reference, always applicable), and the
vectorized pickle decoder of :mod:`graphssl.chem._pickle` (the fast path). The
encoders in :mod:`graphssl.chem.features` only ever see a ``RawBatch``, so both
paths give identical features by construction of the fields below.

Columns (int64; ``begin``/``end`` and ring atoms are indices local to their
molecule; enums are RDKit's integer values):

- ``atoms`` [A, 9]: :data:`ATOM_FIELDS` = atomic_num, chiral_tag,
  formal_charge, num_hs (``GetTotalNumHs``), num_radicals, hybridization,
  is_aromatic, in_ring, isotope;
- ``bonds`` [B, 6]: :data:`BOND_FIELDS` = begin, end, bond_type, stereo,
  conjugated, bond_dir;
- rings: ``num_rings`` [M], ``ring_sizes`` [R], ``ring_atoms`` [sum of sizes],
  the rings RDKit perceived (symmetrized SSSR after sanitization).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

ATOM_FIELDS = ("atomic_num", "chiral_tag", "formal_charge", "num_hs", "num_radicals", "hybridization",
               "is_aromatic", "in_ring", "isotope")
BOND_FIELDS = ("begin", "end", "bond_type", "stereo", "conjugated", "bond_dir")
ATOM = {name: i for i, name in enumerate(ATOM_FIELDS)}
BOND = {name: i for i, name in enumerate(BOND_FIELDS)}


@dataclass
class RawBatch:
    """Raw values of M molecules with A atoms, B bonds and R rings in total."""

    num_atoms: np.ndarray
    num_bonds: np.ndarray
    atoms: np.ndarray
    bonds: np.ndarray
    num_rings: np.ndarray
    ring_sizes: np.ndarray
    ring_atoms: np.ndarray

    def __len__(self) -> int:
        return len(self.num_atoms)

    def atom(self, field: str) -> np.ndarray:
        return self.atoms[:, ATOM[field]]

    def bond(self, field: str) -> np.ndarray:
        return self.bonds[:, BOND[field]]

    def degree(self) -> np.ndarray:
        """Total degree of every atom (``GetTotalDegree``): bonded neighbours plus hydrogens, [A]."""
        ends = self.bonds[:, :2]
        if len(self) > 1:
            offset = np.repeat(np.cumsum(self.num_atoms) - self.num_atoms, self.num_bonds)
            ends = ends + offset[:, None]
        return np.bincount(ends.ravel(), minlength=len(self.atoms)) + self.atoms[:, ATOM["num_hs"]]


def raw_from_mol(mol: Any) -> RawBatch:
    """Raw values of one sanitized molecule through the RDKit API (the reference path)."""
    atoms = [mol.GetAtomWithIdx(i) for i in range(mol.GetNumAtoms())]
    bonds = [mol.GetBondWithIdx(j) for j in range(mol.GetNumBonds())]
    atom_rows = [(a.GetAtomicNum(), int(a.GetChiralTag()), a.GetFormalCharge(), a.GetTotalNumHs(),
                  a.GetNumRadicalElectrons(), int(a.GetHybridization()), a.GetIsAromatic(), a.IsInRing(),
                  a.GetIsotope()) for a in atoms]
    bond_rows = [(b.GetBeginAtomIdx(), b.GetEndAtomIdx(), int(b.GetBondType()), int(b.GetStereo()),
                  b.GetIsConjugated(), int(b.GetBondDir())) for b in bonds]
    rings = mol.GetRingInfo().AtomRings()
    return RawBatch(
        num_atoms=np.array([len(atoms)], dtype=np.int64),
        num_bonds=np.array([len(bonds)], dtype=np.int64),
        atoms=np.array(atom_rows, dtype=np.int64).reshape(len(atoms), len(ATOM_FIELDS)),
        bonds=np.array(bond_rows, dtype=np.int64).reshape(len(bonds), len(BOND_FIELDS)),
        num_rings=np.array([len(rings)], dtype=np.int64),
        ring_sizes=np.array([len(r) for r in rings], dtype=np.int64),
        ring_atoms=np.array([i for r in rings for i in r], dtype=np.int64),
    )


def empty_batch() -> RawBatch:
    none = np.zeros(0, dtype=np.int64)
    return RawBatch(none, none, np.zeros((0, len(ATOM_FIELDS)), np.int64), np.zeros((0, len(BOND_FIELDS)), np.int64),
                    none, none, none)


def concat(batches: Sequence[RawBatch]) -> RawBatch:
    """Concatenate batches in order (molecule order is kept)."""
    if len(batches) == 1:
        return batches[0]
    if not batches:
        return empty_batch()
    return RawBatch(*(np.concatenate([getattr(b, name) for b in batches])
                      for name in ("num_atoms", "num_bonds", "atoms", "bonds", "num_rings", "ring_sizes", "ring_atoms")))
