"""Fast path: read raw atom and bond values from RDKit's binary pickle, vectorized.

Creating one Python wrapper per RDKit atom and bond costs about 1 us each and
dominates a per-atom API featurizer. ``Mol.ToBinary()`` writes everything the
feature sets need (atomic number, aromatic flag, charge, chiral tag,
hybridization, explicit/implicit hydrogens, radicals, isotope; bond ends,
type, direction, stereo, conjugation; the perceived rings) in C++ in about the
time of a single wrapper. Here a short Python scan finds where each atom and
bond record starts, and numpy then reads all fields of a whole chunk of
molecules at once.

The layout read is RDKit's MolPickler format for molecules with at most 255
atoms (one-byte atom indices). A molecule whose pickle has anything else
(queries, atom-map numbers, dummy labels, monomer info, >255 atoms, a format
version other than the one verified at start-up, no ring information) returns
``False`` from :meth:`PickleDecoder.scan` and goes through the RDKit-API path
(:func:`graphssl.chem.raw.raw_from_mol`). At first use the decoder checks
itself against that API path on probe molecules and switches itself off if
anything differs, so an RDKit with another pickle layout only loses speed.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from graphssl.chem.raw import ATOM_FIELDS, BOND_FIELDS, RawBatch, raw_from_mol

_BEGINATOM, _BEGINBOND = 1, 11
_HEADER_BYTES = 20  # endian id, VERSION tag, major, minor, patch (int32 each)
# Atom flag bits that need extra data we do not read: coords(7), query(4),
# map number(3), dummy label(2), monomer info(1).
_ATOM_FLAGS_UNSUPPORTED = 0x9E
_ATOM_AROMATIC, _ATOM_NO_IMPLICIT = 0x40, 0x20
# Bond flag bits: query(4) and mol-file end points(0) need extra data.
_BOND_FLAGS_UNSUPPORTED = 0x11
_PROBES = ("C[C@H](N)C(=O)[O-].[Na+]", "C/C=C/C#N", "c1ccc2c(c1)[nH]c1ccccc12", "[13CH3][CH2]C1CC2CC1C2",
           "[CH2]C(=O)[O]", "O=[N+]([O-])c1ccc(cc1)S(=O)(=O)N", "F[P-](F)(F)(F)(F)F.[Li+]", "[2H]OC1=CC=CCC1")


def _popcount_below(bit: int) -> np.ndarray:
    """For each low property-flag byte: how many one-byte fields precede field ``bit``."""
    mask = ((1 << bit) - 1) & 0xFE
    return np.array([bin(v & mask).count("1") for v in range(256)], dtype=np.int64)


_FIELD_OFFSET = {bit: _popcount_below(bit) for bit in range(1, 9)}
# Record length of an atom from its 4 property-flag bytes; absent keys are unsupported.
_ATOM_LENGTH = {bytes((low, high, 0, 0)): 6 + bin(low & 0xFE).count("1") + 4 * high
                for low in range(0, 256, 2) for high in (0, 1)}
# Bytes of the optional bond type (bit 3) and bond direction (bit 2) fields.
_BOND_LENGTH = [3 + ((f >> 3) & 1) + ((f >> 2) & 1) for f in range(256)]


class PickleDecoder:
    """Decodes ``Mol.ToBinary()`` pickles of one RDKit build; see the module docstring."""

    def __init__(self) -> None:
        from graphssl.chem._rdkit import chem

        Chem = chem()
        self._sp3 = int(Chem.HybridizationType.SP3)
        self._single = int(Chem.BondType.SINGLE)
        self.header = b""
        self.ring_tags: frozenset[int] = frozenset()
        self.enabled = False
        probes = [Chem.MolFromSmiles(s) for s in _PROBES]
        self.header = probes[0].ToBinary()[:_HEADER_BYTES]
        self.ring_tags = frozenset(self._ring_tag(m.ToBinary()) for m in probes) - {None}
        self.enabled = bool(self.ring_tags)
        self.enabled = self.enabled and self._agrees(probes)

    @staticmethod
    def _ring_tag(buf: bytes) -> int | None:
        """Tag byte that follows the bonds (found with the scanner in permissive mode)."""
        n, m = int.from_bytes(buf[20:24], "little"), int.from_bytes(buf[24:28], "little")
        o = 30
        for _ in range(n):
            length = _ATOM_LENGTH.get(buf[o + 2 : o + 6])
            if length is None:
                return None
            o += length
        if buf[o] != _BEGINBOND:
            return None
        o += 1
        for _ in range(m):
            flags = buf[o + 2]
            p = o + _BOND_LENGTH[flags]
            if flags & 2:
                p += 2 + buf[p + 1]
            o = p
        return buf[o]

    def _agrees(self, probes: Sequence[Any]) -> bool:
        if not all(self.scan(m.ToBinary(), 0, [], [], []) for m in probes):
            return False
        fast = self.decode(probes)
        slow = [raw_from_mol(m) for m in probes]
        for name in ("num_atoms", "num_bonds", "num_rings", "ring_sizes", "ring_atoms"):
            if not np.array_equal(getattr(fast, name), np.concatenate([getattr(s, name) for s in slow])):
                return False
        for group, fields in (("atoms", ATOM_FIELDS), ("bonds", BOND_FIELDS)):
            for f in fields:
                if not np.array_equal(getattr(fast, group)[f], np.concatenate([getattr(s, group)[f] for s in slow])):
                    return False
        return True

    def scan(self, buf: bytes, base: int, atom_starts: list, bond_starts: list, ring_spans: list) -> bool:
        """Append record offsets (shifted by ``base``) of one pickle; ``False`` if unsupported.

        On ``False`` the lists may hold partial entries; the caller truncates them.
        """
        if buf[:_HEADER_BYTES] != self.header or buf[29] != _BEGINATOM:
            return False
        n, m = int.from_bytes(buf[20:24], "little"), int.from_bytes(buf[24:28], "little")
        if n > 255:
            return False
        atom_length, bond_length = _ATOM_LENGTH, _BOND_LENGTH
        add_atom, add_bond, add_ring = atom_starts.append, bond_starts.append, ring_spans.append
        try:
            o = 30
            for _ in range(n):
                length = atom_length.get(buf[o + 2 : o + 6])
                if length is None or buf[o + 1] & _ATOM_FLAGS_UNSUPPORTED:
                    return False
                add_atom(base + o)
                o += length
            if buf[o] != _BEGINBOND:
                return False
            o += 1
            for _ in range(m):
                flags = buf[o + 2]
                if flags & _BOND_FLAGS_UNSUPPORTED:
                    return False
                add_bond(base + o)
                p = o + bond_length[flags]
                if flags & 2:
                    p += 2 + buf[p + 1]
                o = p
            if buf[o] not in self.ring_tags:
                return False
            p = o + 5
            for _ in range(int.from_bytes(buf[o + 1 : o + 5], "little")):
                size = buf[p]
                add_ring((base + p + 1, size))
                p += 1 + size
        except IndexError:
            return False
        return True

    def decode(self, mols: Sequence[Any]) -> RawBatch:
        """Raw values of sanitized molecules, in order (API path for unsupported pickles)."""
        from graphssl.chem.raw import concat

        pieces: list[RawBatch] = []
        run: list[bytes] = []
        counts: list[tuple[int, int, int]] = []
        atom_starts: list[int] = []
        bond_starts: list[int] = []
        ring_spans: list[tuple[int, int]] = []
        base = 0
        for mol in mols:
            buf = mol.ToBinary()
            marks = (len(atom_starts), len(bond_starts), len(ring_spans))
            if self.enabled and self.scan(buf, base, atom_starts, bond_starts, ring_spans):
                run.append(buf)
                counts.append((len(atom_starts) - marks[0], len(bond_starts) - marks[1], len(ring_spans) - marks[2]))
                base += len(buf)
                continue
            del atom_starts[marks[0]:], bond_starts[marks[1]:], ring_spans[marks[2]:]
            if run:
                pieces.append(self._read(run, counts, atom_starts, bond_starts, ring_spans))
                run, counts, atom_starts, bond_starts, ring_spans, base = [], [], [], [], [], 0
            pieces.append(raw_from_mol(mol))
        if run or not pieces:
            pieces.append(self._read(run, counts, atom_starts, bond_starts, ring_spans))
        return concat(pieces)

    def _read(self, run: list[bytes], counts: list[tuple[int, int, int]], atom_starts: list[int],
              bond_starts: list[int], ring_spans: list[tuple[int, int]]) -> RawBatch:
        """Vectorized field extraction for a run of scanned pickles."""
        data = np.frombuffer(b"".join(run) + bytes(16), dtype=np.uint8).astype(np.int64)
        per_mol = np.array(counts, dtype=np.int64).reshape(-1, 3)
        s = np.array(atom_starts, dtype=np.int64)
        flags, low, high = data[s + 1], data[s + 2], data[s + 3]
        payload = s + 6

        def field(bit: int, default: int) -> np.ndarray:
            present = (low >> bit) & 1 if bit < 8 else high
            return np.where(present == 1, data[payload + _FIELD_OFFSET[bit][low]], default)

        charge = field(1, 0)
        implicit_hs = np.where(flags & _ATOM_NO_IMPLICIT, 0, field(6, 0))
        iso_at = payload + _FIELD_OFFSET[8][low]
        isotope = data[iso_at] | data[iso_at + 1] << 8 | data[iso_at + 2] << 16 | data[iso_at + 3] << 24
        num_atoms = per_mol[:, 0]
        atoms = {
            "atomic_num": data[s],
            "chiral_tag": field(2, 0),
            "formal_charge": np.where(charge > 127, charge - 256, charge),
            "num_hs": field(4, 0) + implicit_hs,
            "num_radicals": field(7, 0),
            "hybridization": field(3, self._sp3),
            "is_aromatic": (flags & _ATOM_AROMATIC) >> 6,
            "in_ring": np.zeros(len(s), dtype=np.int64),
            "isotope": np.where(high == 1, isotope, 0),
        }
        b = np.array(bond_starts, dtype=np.int64)
        bflags = data[b + 2]
        has_type, has_dir = (bflags >> 3) & 1, (bflags >> 2) & 1
        bonds = {
            "begin": data[b],
            "end": data[b + 1],
            "bond_type": np.where(has_type == 1, data[b + 3], self._single),
            "stereo": np.where(bflags & 2, data[b + 3 + has_type + has_dir], 0),
            "conjugated": (bflags >> 5) & 1,
            "bond_dir": np.where(has_dir == 1, data[b + 3 + has_type], 0),
        }
        spans = np.array(ring_spans, dtype=np.int64).reshape(-1, 2)
        sizes = spans[:, 1]
        within = np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        ring_atoms = data[np.repeat(spans[:, 0], sizes) + within]
        atom_ptr = np.concatenate([[0], np.cumsum(num_atoms)])
        ring_mol = np.repeat(np.arange(len(per_mol)), per_mol[:, 2])
        atoms["in_ring"][np.repeat(atom_ptr[:-1][ring_mol], sizes) + ring_atoms] = 1
        return RawBatch(num_atoms=num_atoms, num_bonds=per_mol[:, 1], atoms=atoms, bonds=bonds,
                        num_rings=per_mol[:, 2], ring_sizes=sizes, ring_atoms=ring_atoms)


_DECODER: PickleDecoder | None = None


def decoder() -> PickleDecoder:
    """The process-wide decoder (built and self-checked on first use)."""
    global _DECODER
    if _DECODER is None:
        _DECODER = PickleDecoder()
    return _DECODER
