"""Categorical atom and bond feature sets, kept as data, and their vectorized encoding.

``"ogb"`` is the 9 atom / 3 bond column encoding of ``ogb.utils.features``
(Hu et al., "Open Graph Benchmark", NeurIPS 2020); values are identical to
``ogb.utils.smiles2graph`` wherever OGB itself does not crash.

``"hu"`` is the 2 atom / 2 bond column encoding of Hu et al., "Strategies for
Pre-training Graph Neural Networks" (ICLR 2020), used by pretrain-gnns,
GraphMAE and Mole-BERT. Indices 119 (atoms) and 4, 5 (bonds) stay free for the
mask and self-loop tokens those models add.

Every categorical column has an unknown bucket, so new RDKit enum members
(``SP2D``, ``CHI_OCTAHEDRAL``, ``STEREOATROPCW``, ``DATIVE`` ...) never crash:

=========  =====================  ====================================  =======
set        column                 values                                unknown
=========  =====================  ====================================  =======
ogb atom   atomic_num             1..118 -> 0..117                      118
ogb atom   chiral_tag             UNSPECIFIED, CW, CCW, OTHER           4
ogb atom   degree (total, +H)     0..10                                 11
ogb atom   formal_charge          -5..5 -> 0..10                        11
ogb atom   num_hs (total)         0..8                                  9
ogb atom   num_radicals           0..4                                  5
ogb atom   hybridization          SP, SP2, SP3, SP3D, SP3D2             5
ogb atom   is_aromatic, in_ring   0/1                                   -
ogb bond   bond_type              SINGLE, DOUBLE, TRIPLE, AROMATIC      4
ogb bond   stereo                 NONE, Z, E, CIS, TRANS, ANY           6 (*)
ogb bond   conjugated             0/1                                   -
hu atom    atomic_num             1..118 -> 0..117                      118
hu atom    chiral_tag             UNSPECIFIED, CW, CCW, OTHER           4
hu bond    bond_type              SINGLE, DOUBLE, TRIPLE, AROMATIC      6
hu bond    bond_dir               NONE, ENDUPRIGHT, ENDDOWNRIGHT        3
=========  =====================  ====================================  =======

(*) OGB has no unknown stereo value (it raises); ours is an extra index 6.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from graphssl.errors import ConfigError


@dataclass(frozen=True)
class Column:
    """One categorical column: which raw field it reads and how values map to indices.

    ``kind`` is ``"range"`` (integers ``lo..hi`` map to ``0..hi-lo``), ``"enum"``
    (``values`` name members of the RDKit enum ``enum``, in index order) or ``"bool"``.
    """

    name: str
    field: str
    kind: str
    values: tuple = ()
    enum: str = ""
    lo: int = 0
    hi: int = 0
    unknown: int | None = None
    dim: int | None = None

    @property
    def unknown_index(self) -> int:
        if self.unknown is not None:
            return self.unknown
        return (self.hi - self.lo + 1) if self.kind == "range" else len(self.values)

    @property
    def size(self) -> int:
        """Embedding table size needed for this column."""
        if self.dim is not None:
            return self.dim
        return 2 if self.kind == "bool" else self.unknown_index + 1


_CHIRAL = ("CHI_UNSPECIFIED", "CHI_TETRAHEDRAL_CW", "CHI_TETRAHEDRAL_CCW", "CHI_OTHER")
_BOND_TYPES = ("SINGLE", "DOUBLE", "TRIPLE", "AROMATIC")

FEATURE_SETS: dict[str, tuple[tuple[Column, ...], tuple[Column, ...]]] = {
    "ogb": (
        (
            Column("atomic_num", "atomic_num", "range", lo=1, hi=118),
            Column("chirality", "chiral_tag", "enum", _CHIRAL, "ChiralType"),
            Column("degree", "degree", "range", lo=0, hi=10),
            Column("formal_charge", "formal_charge", "range", lo=-5, hi=5),
            Column("num_hs", "num_hs", "range", lo=0, hi=8),
            Column("num_radical_electrons", "num_radicals", "range", lo=0, hi=4),
            Column("hybridization", "hybridization", "enum", ("SP", "SP2", "SP3", "SP3D", "SP3D2"), "HybridizationType"),
            Column("is_aromatic", "is_aromatic", "bool"),
            Column("is_in_ring", "in_ring", "bool"),
        ),
        (
            Column("bond_type", "bond_type", "enum", _BOND_TYPES, "BondType"),
            Column("bond_stereo", "stereo", "enum",
                   ("STEREONONE", "STEREOZ", "STEREOE", "STEREOCIS", "STEREOTRANS", "STEREOANY"), "BondStereo"),
            Column("is_conjugated", "conjugated", "bool"),
        ),
    ),
    "hu": (
        (
            Column("atomic_num", "atomic_num", "range", lo=1, hi=118, dim=120),
            Column("chirality", "chiral_tag", "enum", _CHIRAL, "ChiralType"),
        ),
        (
            Column("bond_type", "bond_type", "enum", _BOND_TYPES, "BondType", unknown=6),
            Column("bond_dir", "bond_dir", "enum", ("NONE", "ENDUPRIGHT", "ENDDOWNRIGHT"), "BondDir"),
        ),
    ),
}


def check_features(features: str) -> str:
    if features not in FEATURE_SETS:
        raise ConfigError(f"unknown molecule feature set {features!r}; choose one of {sorted(FEATURE_SETS)}")
    return features


def feature_dims(features: str = "ogb") -> tuple[list[int], list[int]]:
    """Embedding table sizes of every atom and bond column of a feature set.

    >>> feature_dims("ogb")
    ([119, 5, 12, 12, 10, 6, 6, 2, 2], [5, 7, 2])
    """
    atom_cols, bond_cols = FEATURE_SETS[check_features(features)]
    return [c.size for c in atom_cols], [c.size for c in bond_cols]


def feature_names(features: str = "ogb") -> tuple[list[str], list[str]]:
    """Column names of ``x`` and ``edge_attr`` for a feature set."""
    atom_cols, bond_cols = FEATURE_SETS[check_features(features)]
    return [c.name for c in atom_cols], [c.name for c in bond_cols]


@lru_cache(maxsize=None)
def _enum_table(enum_name: str, values: tuple, unknown: int) -> np.ndarray:
    """Lookup table raw RDKit enum value -> column index; the last slot catches larger values."""
    from graphssl.chem._rdkit import chem

    members = {name: int(member) for name, member in getattr(chem(), enum_name).names.items()}
    table = np.full(max(members.values()) + 2, unknown, dtype=np.int64)
    for index, name in enumerate(values):
        if name in members:
            table[members[name]] = index
    return table


def _column_table(column: Column) -> tuple[int, np.ndarray]:
    """``(base, table)``: the column index of raw value ``v`` is ``table[clip(v - base, 0, len - 1)]``."""
    unknown = column.unknown_index
    if column.kind == "range":
        return column.lo - 1, np.array([unknown, *range(column.hi - column.lo + 1), unknown], dtype=np.int64)
    if column.kind == "bool":
        return 0, np.array([0, 1], dtype=np.int64)
    return 0, _enum_table(column.enum, column.values, unknown)


class Encoder:
    """Encodes raw value columns (:mod:`graphssl.chem.raw`) of one kind into categorical indices.

    All columns go through one concatenated lookup table, so encoding is five
    numpy operations whatever the number of columns.
    """

    def __init__(self, columns: tuple[Column, ...], field_index: dict[str, int]) -> None:
        self.columns = columns
        self.fields = np.array([field_index[c.field] for c in columns], dtype=np.int64)
        bases, tables = zip(*(_column_table(c) for c in columns))
        self.base = np.array(bases, dtype=np.int64)
        self.top = np.array([len(t) - 1 for t in tables], dtype=np.int64)
        self.start = np.cumsum([0] + [len(t) for t in tables[:-1]]).astype(np.int64)
        self.table = np.concatenate(tables)

    def __call__(self, raw_values: np.ndarray) -> np.ndarray:
        """Encode raw rows [n, fields] into int64 [n, len(columns)]."""
        index = np.minimum(np.maximum(raw_values[:, self.fields] - self.base, 0), self.top) + self.start
        # Column selection can yield Fortran order; rows must be contiguous to slice per graph.
        return np.ascontiguousarray(self.table[index])


@lru_cache(maxsize=None)
def encoders(features: str) -> tuple[Encoder, Encoder]:
    """Atom and bond encoders of a feature set; atom fields include ``degree`` as the last raw column."""
    from graphssl.chem.raw import ATOM, BOND

    atom_cols, bond_cols = FEATURE_SETS[check_features(features)]
    return Encoder(atom_cols, {**ATOM, "degree": len(ATOM)}), Encoder(bond_cols, BOND)


@lru_cache(maxsize=None)
def needs_degree(features: str) -> bool:
    return any(c.field == "degree" for c in FEATURE_SETS[check_features(features)][0])
