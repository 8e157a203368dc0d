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

from graphssl.chem.raw import ATOM_FIELDS, BOND_FIELDS, RawBatch, concat, raw_from_mol

_BEGINATOM, _BEGINBOND = 1, 11
# Runs of fewer molecules are read in plain Python: numpy's fixed cost per
# call (about 60 us for the vectorized reader) exceeds the per-atom loop.
SMALL_RUN = 8
_HEADER_BYTES = 20  # endian id, VERSION tag, major, minor, patch (int32 each)
# Atom flag bits that need extra data we do not read: coords(7), query(4),
# map number(3), dummy label(2), monomer info(1).
_ATOM_FLAGS_UNSUPPORTED = 0x9E
_ATOM_AROMATIC, _ATOM_NO_IMPLICIT = 0x40, 0x20
# Bond flag bits: query(4) and mol-file end points(0) need extra data.
_BOND_FLAGS_UNSUPPORTED = 0x11
_PROBES = ("C[C@H](N)C(=O)[O-].[Na+]", "C/C=C/C#N", "c1ccc2c(c1)[nH]c1ccccc12", "[13CH3][CH2]C1CC2CC1C2",
           "[CH2]C(=O)[O]", "O=[N+]([O-])c1ccc(cc1)S(=O)(=O)N", "F[P-](F)(F)(F)(F)F.[Li+]", "[2H]OC1=CC=CCC1")


# Window of bytes read per record: atoms have 6 fixed bytes, up to 7 one-byte
# fields (property-flag bits 1..7) and a 4-byte isotope; bonds are read up to
# their stereo byte.
_ATOM_WINDOW = np.arange(17)
_BOND_WINDOW = np.arange(6)
# For each low property-flag byte: window position of the fields of bits 1..7
# and of the isotope, and which of the fields of bits 1..7 are present.
_FIELD_POS = np.array([[6 + bin(low & ((1 << bit) - 1) & 0xFE).count("1") for bit in range(1, 9)]
                       for low in range(256)], dtype=np.int64)
_FIELD_PRESENT = np.array([[(low >> bit) & 1 for bit in range(1, 8)] for low in range(256)], dtype=bool)
_ISOTOPE_BYTES = np.arange(4)
_LITTLE_ENDIAN = np.array([1, 1 << 8, 1 << 16, 1 << 24], dtype=np.int64)
# The implicit valence counts as implicit hydrogens unless the atom's noImplicit flag is set.
_IMPLICIT_READ = np.array([[True] * 7, [True] * 5 + [False, True]])
# RawBatch atom columns 1..6 from the fields of bits 1..7: chiral tag, charge,
# explicit Hs (implicit ones added after), radicals, hybridization, (aromatic, set after).
_ATOM_COLUMNS = np.array([1, 0, 3, 6, 2, 0])
# Bond window positions of the optional type (bit 3), stereo (bit 1) and direction (bit 2) bytes.
_BOND_POS = np.array([[3, 3 + ((f >> 3) & 1) + ((f >> 2) & 1), 3 + ((f >> 3) & 1)] for f in range(256)], dtype=np.int64)
_BOND_PRESENT = np.array([[(f >> 3) & 1, (f >> 1) & 1, (f >> 2) & 1] for f in range(256)], dtype=bool)
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
        self._bond_defaults = np.array([int(Chem.BondType.SINGLE), 0, 0], dtype=np.int64)
        # Values of absent fields: charge, chiral tag, hybridization (SP3), explicit Hs,
        # explicit valence, implicit valence, radicals.
        self._defaults = np.array([0, 0, int(Chem.HybridizationType.SP3), 0, 0, 0, 0], dtype=np.int64)
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
        slow = concat([raw_from_mol(m) for m in probes])
        return all(np.array_equal(getattr(fast, name), getattr(slow, name))
                   for name in ("num_atoms", "num_bonds", "atoms", "bonds", "num_rings", "ring_sizes", "ring_atoms"))

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
        first_atom = len(atom_starts)
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
                add_ring((base + p + 1, size, first_atom))
                p += 1 + size
        except IndexError:
            return False
        return True

    def decode(self, mols: Sequence[Any]) -> RawBatch:
        """Raw values of sanitized molecules, in order (API path for unsupported pickles)."""
        pieces: list[RawBatch] = []
        run: list[bytes] = []
        counts: list[tuple[int, int, int]] = []
        atom_starts: list[int] = []
        bond_starts: list[int] = []
        ring_spans: list[tuple[int, int, int]] = []
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
                pieces.append(self._read_run(run, counts, atom_starts, bond_starts, ring_spans))
                run, counts, atom_starts, bond_starts, ring_spans, base = [], [], [], [], [], 0
            pieces.append(raw_from_mol(mol))
        if run or not pieces:
            pieces.append(self._read_run(run, counts, atom_starts, bond_starts, ring_spans))
        return concat(pieces)

    def _read_run(self, run: list[bytes], *offsets: Any) -> RawBatch:
        reader = self._read_small if len(run) < SMALL_RUN else self._read
        return reader(run, *offsets)

    def _read_small(self, run: list[bytes], counts: list[tuple[int, int, int]], atom_starts: list[int],
                    bond_starts: list[int], ring_spans: list[tuple[int, int, int]]) -> RawBatch:
        """The same extraction in plain Python: faster than numpy's per-call overhead for a few molecules."""
        data = b"".join(run)
        sp3 = int(self._defaults[2])
        atoms = []
        for s in atom_starts:
            flags, low, p = data[s + 1], data[s + 2], s + 6
            charge = chiral = explicit_hs = implicit = radicals = 0
            hybridization = sp3
            if low & 2:
                charge, p = data[p], p + 1
            if low & 4:
                chiral, p = data[p], p + 1
            if low & 8:
                hybridization, p = data[p], p + 1
            if low & 16:
                explicit_hs, p = data[p], p + 1
            if low & 32:
                p += 1
            if low & 64:
                implicit, p = data[p], p + 1
            if low & 128:
                radicals, p = data[p], p + 1
            isotope = int.from_bytes(data[p : p + 4], "little") if data[s + 3] == 1 else 0
            atoms.append((data[s], chiral, charge - 256 if charge > 127 else charge,
                          explicit_hs + (0 if flags & _ATOM_NO_IMPLICIT else implicit), radicals, hybridization,
                          flags >> 6 & 1, 0, isotope))
        single, bonds = int(self._bond_defaults[0]), []
        for s in bond_starts:
            flags = data[s + 2]
            has_type, has_dir = flags >> 3 & 1, flags >> 2 & 1
            stereo = data[s + 3 + has_type + has_dir] if flags & 2 else 0
            bonds.append((data[s], data[s + 1], data[s + 3] if has_type else single, stereo, flags >> 5 & 1,
                          data[s + 3 + has_type] if has_dir else 0))
        ring_atoms = [data[p + k] for p, size, _ in ring_spans for k in range(size)]
        atom_array = np.array(atoms, dtype=np.int64).reshape(len(atoms), len(ATOM_FIELDS))
        for p, size, first in ring_spans:
            for k in range(size):
                atoms_in_ring = first + data[p + k]
                atom_array[atoms_in_ring, 7] = 1
        per_mol = np.array(counts, dtype=np.int64).reshape(-1, 3)
        return RawBatch(num_atoms=per_mol[:, 0], num_bonds=per_mol[:, 1], atoms=atom_array,
                        bonds=np.array(bonds, dtype=np.int64).reshape(len(bonds), len(BOND_FIELDS)),
                        num_rings=per_mol[:, 2], ring_sizes=np.array([size for _, size, _ in ring_spans], dtype=np.int64),
                        ring_atoms=np.array(ring_atoms, dtype=np.int64))

    def _read(self, run: list[bytes], counts: list[tuple[int, int, int]], atom_starts: list[int],
              bond_starts: list[int], ring_spans: list[tuple[int, int, int]]) -> RawBatch:
        """Vectorized field extraction for a run of scanned pickles (a fixed byte window per record)."""
        data = np.frombuffer(b"".join(run) + bytes(32), dtype=np.uint8)
        per_mol = np.array(counts, dtype=np.int64).reshape(-1, 3)
        win = data[np.array(atom_starts, dtype=np.int64)[:, None] + _ATOM_WINDOW]
        low, flags = win[:, 2], win[:, 1]
        pos = _FIELD_POS[low]
        signed = win[np.arange(len(win))[:, None], pos].view(np.int8)
        fields = np.where(_FIELD_PRESENT[low] & _IMPLICIT_READ[flags >> 5 & 1], signed[:, :7], self._defaults)
        isotope = win[np.arange(len(win))[:, None], pos[:, 7:8] + _ISOTOPE_BYTES] @ _LITTLE_ENDIAN
        atoms = np.empty((len(win), len(ATOM_FIELDS)), dtype=np.int64)
        atoms[:, 0] = win[:, 0]
        atoms[:, 1:7] = fields[:, _ATOM_COLUMNS]
        atoms[:, 3] += fields[:, 5]
        atoms[:, 6] = flags >> 6 & 1
        atoms[:, 7] = 0
        atoms[:, 8] = isotope * (win[:, 3] == 1)
        bw = data[np.array(bond_starts, dtype=np.int64)[:, None] + _BOND_WINDOW]
        bflags = bw[:, 2]
        optional = np.where(_BOND_PRESENT[bflags], bw[np.arange(len(bw))[:, None], _BOND_POS[bflags]], self._bond_defaults)
        bonds = np.empty((len(bw), len(BOND_FIELDS)), dtype=np.int64)
        bonds[:, :2] = bw[:, :2]
        bonds[:, 2:4] = optional[:, :2]
        bonds[:, 4] = bflags >> 5 & 1
        bonds[:, 5] = optional[:, 2]
        ring_pos = [p + k for p, size, _ in ring_spans for k in range(size)]
        ring_atoms = data[ring_pos].astype(np.int64)
        atoms[ring_atoms + np.array([first for _, size, first in ring_spans for _ in range(size)], dtype=np.int64), 7] = 1
        return RawBatch(num_atoms=per_mol[:, 0], num_bonds=per_mol[:, 1], atoms=atoms, bonds=bonds,
                        num_rings=per_mol[:, 2], ring_sizes=np.array([size for _, size, _ in ring_spans], dtype=np.int64),
                        ring_atoms=ring_atoms)


_DECODER: PickleDecoder | None = None


def decoder() -> PickleDecoder:
    """The process-wide decoder (built and self-checked on first use)."""
    global _DECODER
    if _DECODER is None:
        _DECODER = PickleDecoder()
    return _DECODER
