"""Raw RDKit atom and bond values of a batch of molecules, before any encoding.

Two extractors fill a :class:`RawBatch`: :func:`raw_from_mol` here, one RDKit
API call per atom and bond (the reference, always applicable), and the
vectorized pickle decoder of :mod:`graphssl.chem._pickle` (the fast path). The
encoders in :mod:`graphssl.chem.features` only ever see a ``RawBatch``, so both
paths give identical features by construction of the fields below.

Fields (all int64; ``begin``/``end`` and ring atoms are indices local to their
molecule; enums are RDKit's integer values):

- atoms [A]: atomic_num, chiral_tag, formal_charge, num_hs (``GetTotalNumHs``),
  num_radicals, hybridization, is_aromatic, in_ring, isotope;
- bonds [B]: begin, end, bond_type, stereo, conjugated, bond_dir;
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


@dataclass
class RawBatch:
    """Raw values of M molecules with A atoms, B bonds and R rings in total."""

    num_atoms: np.ndarray
    num_bonds: np.ndarray
    atoms: dict[str, np.ndarray]
    bonds: dict[str, np.ndarray]
    num_rings: np.ndarray
    ring_sizes: np.ndarray
    ring_atoms: np.ndarray

    def __len__(self) -> int:
        return len(self.num_atoms)

    def degree(self) -> np.ndarray:
        """Total degree of every atom (``GetTotalDegree``): bonded neighbours plus hydrogens, [A]."""
        atom_ptr = np.concatenate([[0], np.cumsum(self.num_atoms)])
        offset = np.repeat(atom_ptr[:-1], self.num_bonds)
        ends = np.concatenate([self.bonds["begin"] + offset, self.bonds["end"] + offset])
        return np.bincount(ends, minlength=int(atom_ptr[-1])) + self.atoms["num_hs"]


def _ints(values: Sequence[Any]) -> np.ndarray:
    return np.fromiter(values, dtype=np.int64, count=len(values))


def raw_from_mol(mol: Any) -> RawBatch:
    """Raw values of one sanitized molecule through the RDKit API (the reference path)."""
    atoms = [mol.GetAtomWithIdx(i) for i in range(mol.GetNumAtoms())]
    bonds = [mol.GetBondWithIdx(j) for j in range(mol.GetNumBonds())]
    atom_fields = {
        "atomic_num": _ints([a.GetAtomicNum() for a in atoms]),
        "chiral_tag": _ints([int(a.GetChiralTag()) for a in atoms]),
        "formal_charge": _ints([a.GetFormalCharge() for a in atoms]),
        "num_hs": _ints([a.GetTotalNumHs() for a in atoms]),
        "num_radicals": _ints([a.GetNumRadicalElectrons() for a in atoms]),
        "hybridization": _ints([int(a.GetHybridization()) for a in atoms]),
        "is_aromatic": _ints([a.GetIsAromatic() for a in atoms]),
        "in_ring": _ints([a.IsInRing() for a in atoms]),
        "isotope": _ints([a.GetIsotope() for a in atoms]),
    }
    bond_fields = {
        "begin": _ints([b.GetBeginAtomIdx() for b in bonds]),
        "end": _ints([b.GetEndAtomIdx() for b in bonds]),
        "bond_type": _ints([int(b.GetBondType()) for b in bonds]),
        "stereo": _ints([int(b.GetStereo()) for b in bonds]),
        "conjugated": _ints([b.GetIsConjugated() for b in bonds]),
        "bond_dir": _ints([int(b.GetBondDir()) for b in bonds]),
    }
    rings = mol.GetRingInfo().AtomRings()
    return RawBatch(
        num_atoms=np.array([len(atoms)], dtype=np.int64),
        num_bonds=np.array([len(bonds)], dtype=np.int64),
        atoms=atom_fields,
        bonds=bond_fields,
        num_rings=np.array([len(rings)], dtype=np.int64),
        ring_sizes=_ints([len(r) for r in rings]),
        ring_atoms=np.array([i for r in rings for i in r], dtype=np.int64),
    )


def concat(batches: Sequence[RawBatch]) -> RawBatch:
    """Concatenate batches in order (molecule order is kept)."""
    if len(batches) == 1:
        return batches[0]
    if not batches:
        empty = np.zeros(0, dtype=np.int64)
        return RawBatch(empty, empty, {f: empty for f in ATOM_FIELDS}, {f: empty for f in BOND_FIELDS},
                        empty, empty, empty)

    def cat(name: str) -> np.ndarray:
        return np.concatenate([getattr(b, name) for b in batches])

    return RawBatch(
        num_atoms=cat("num_atoms"),
        num_bonds=cat("num_bonds"),
        atoms={f: np.concatenate([b.atoms[f] for b in batches]) for f in ATOM_FIELDS},
        bonds={f: np.concatenate([b.bonds[f] for b in batches]) for f in BOND_FIELDS},
        num_rings=cat("num_rings"),
        ring_sizes=cat("ring_sizes"),
        ring_atoms=cat("ring_atoms"),
    )
