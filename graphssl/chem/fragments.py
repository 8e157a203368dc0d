"""Vocabulary-free fragment hierarchy of a molecule, and BRICS as an alternative.

Decompositions (``method``), in the spirit of MAGNet (Hetzel et al., "MAGNet:
Motif-Agnostic Generation of Molecules from Shapes", 2023) and FragNet, as
used for fragment-level targets in GraSPNet (Wu et al., arXiv 2602.20344):

- ``"ring_systems"``: a ring (RDKit's symmetrized SSSR) sharing two or more
  atoms with a ring system (fused or bridged) joins it, until no more join;
  spiro rings stay separate and share their spiro atom;
- ``"rings"``: every ring is its own fragment; fused rings share atoms;
- both then add, among atoms in no ring, **junctions** (one fragment per atom
  with three or more heavy neighbours) and **chains** (connected runs of the
  remaining atoms, i.e. paths);
- ``"brics"``: connected pieces left after cutting the bonds BRICS would
  cleave (Degen et al., ChemMedChem 2008). Only the cleavable bonds are found
  (one match per BRICS atom environment, linear in molecule size, with no
  match cap that could silently drop bonds); RDKit's ``BRICSDecompose``, which
  enumerates fragment combinations and grows explosively on large sugar-like
  molecules, is never called.

Hydrogen atoms present as nodes that hang on one heavy atom join that atom's
fragment(s). Every atom belongs to at least one fragment.

Fragment features ``frag_x`` (int64, one row per fragment):
``[type, size, num_rings, aromatic]`` with type 0 ring/ring system, 1 chain,
2 junction, 3 BRICS piece; size = heavy atoms, capped at ``MAX_SIZE``;
num_rings = rings inside, capped at ``MAX_RINGS``; aromatic = contains an
aromatic atom. :data:`FRAGMENT_FEATURE_DIMS` gives the embedding sizes.
"""

from __future__ import annotations

import functools
import operator
from typing import Any, Sequence

from graphssl.errors import ConfigError

METHODS = ("ring_systems", "rings", "brics")
RING, CHAIN, JUNCTION, BRICS_PIECE = 0, 1, 2, 3
FRAGMENT_TYPES = ("ring", "chain", "junction", "brics")
MAX_SIZE = 32
MAX_RINGS = 7
FRAGMENT_FEATURE_DIMS = [len(FRAGMENT_TYPES), MAX_SIZE + 1, MAX_RINGS + 1, 2]
SHARED_ATOMS, JOINED_BY_BOND = 1, 0


def check_method(method: Any) -> str | None:
    """Normalize the ``fragments`` option: ``False``/``None`` -> None, ``True`` -> ``"ring_systems"``."""
    if method is None or method is False:
        return None
    if method is True:
        return "ring_systems"
    if method not in METHODS:
        raise ConfigError(f"unknown fragment method {method!r}; choose one of {list(METHODS)}, True or False")
    return method


def _components(num_atoms: int, neighbors: list[list[int]], member: bytearray) -> list[list[int]]:
    """Connected components (sorted atom lists, by smallest atom) of the atoms with ``member[a]``."""
    seen = bytearray(num_atoms)
    groups = []
    for start in range(num_atoms):
        if not member[start] or seen[start]:
            continue
        seen[start] = 1
        group, stack = [start], [start]
        while stack:
            for b in neighbors[stack.pop()]:
                if member[b] and not seen[b]:
                    seen[b] = 1
                    group.append(b)
                    stack.append(b)
        group.sort()
        groups.append(group)
    return groups


def _ring_groups(rings: Sequence[Sequence[int]], method: str) -> list[list[int]]:
    """Rings, or ring systems: a ring sharing two or more atoms with a system joins it, until stable."""
    groups = [set(r) for r in rings]
    changed = method == "ring_systems"
    while changed:
        changed = False
        systems: list[set[int]] = []
        for ring in groups:
            for system in systems:
                if len(system & ring) >= 2:
                    system |= ring
                    changed = True
                    break
            else:
                systems.append(ring)
        groups = systems
    return [sorted(g) for g in groups]


@functools.cache
def _brics_rules() -> tuple:
    """BRICS's atom environments as one-atom queries, and which pairs of them BRICS cleaves.

    BRICS cleaves an acyclic bond when its two ends match a compatible pair of
    environments; an environment is a recursive SMARTS on its first atom, so each
    distinct one is matched once per molecule instead of once per bond pattern.

    Returns:
        ``(queries, partners)``: the distinct environment queries, and for each
        bond type a tuple giving, per query index, the bitmask of the query
        indices it pairs with (symmetric).
    """
    from rdkit import Chem
    from rdkit.Chem import BRICS

    bond_types = {"-": Chem.BondType.SINGLE, "=": Chem.BondType.DOUBLE}
    pairs = [(bond_types[kind], "L" + first, "L" + second) for group in BRICS.reactionDefs for first, second, kind in group]
    # Some labels share one SMARTS (L7a, L7b); one query serves both.
    smarts = sorted({BRICS.environs[name] for _, first, second in pairs for name in (first, second)})
    index = {text: i for i, text in enumerate(smarts)}
    partners: dict[Any, list[int]] = {kind: [0] * len(smarts) for kind in bond_types.values()}
    for kind, first, second in pairs:
        i, j = index[BRICS.environs[first]], index[BRICS.environs[second]]
        partners[kind][i] |= 1 << j
        partners[kind][j] |= 1 << i
    queries = tuple(Chem.MolFromSmarts(f"[$({text})]") for text in smarts)
    return queries, {kind: tuple(masks) for kind, masks in partners.items()}


def brics_bonds(mol: Any) -> list[int]:
    """Indices of the bonds BRICS would cleave, ascending (bounded work; see the module docstring).

    The same bonds as RDKit's ``BRICS.FindBRICSBonds``, found with one match per
    distinct atom environment rather than one per bond pattern: each atom gets
    the bitmask of the environments it matches, and an acyclic bond is cleaved
    when one end's environments pair with the other's for the bond's type.
    """
    queries, partners = _brics_rules()
    limit = mol.GetNumAtoms() + 1
    envs: dict[int, int] = {}
    for bit, query in enumerate(queries):
        for (atom,) in mol.GetSubstructMatches(query, uniquify=False, maxMatches=limit):
            envs[atom] = envs.get(atom, 0) | (1 << bit)
    if len(envs) < 2:
        return []
    found = []
    for atom, mask in envs.items():
        for bond in mol.GetAtomWithIdx(atom).GetBonds():
            other = bond.GetOtherAtomIdx(atom)
            # Partner masks are symmetric, so each bond is tested from its lower end only.
            if other < atom or other not in envs:
                continue
            kind = bond.GetBondType()
            if kind in partners and _partner_mask(mask, kind) & envs[other] and not bond.IsInRing():
                found.append(bond.GetIdx())
    return sorted(found)


@functools.cache
def _partner_mask(mask: int, kind: Any) -> int:
    """Union of the partner bitmasks, for bond type ``kind``, of the environments set in ``mask``."""
    masks = _brics_rules()[1][kind]
    return functools.reduce(operator.or_, (masks[bit] for bit in range(mask.bit_length()) if mask >> bit & 1), 0)


def decompose(num_atoms: int, begin: Sequence[int], end: Sequence[int], rings: Sequence[Sequence[int]],
              atomic_num: Sequence[int], method: str = "ring_systems",
              cut_bonds: Sequence[int] = ()) -> tuple[list[list[int]], list[int]]:
    """Split one molecule into fragments.

    Args:
        num_atoms, begin, end: the molecular graph (bond ``k`` joins
            ``begin[k]`` and ``end[k]``).
        rings: atom indices of each ring.
        atomic_num: atomic number of each atom (hydrogens are handled apart).
        method: ``"ring_systems"`` (default), ``"rings"`` or ``"brics"``.
        cut_bonds: for ``"brics"``, the bonds to cut (:func:`brics_bonds`).

    Returns:
        ``(fragments, types)``: sorted atom lists ordered by smallest atom,
        and the type of each (:data:`FRAGMENT_TYPES` index).
    """
    neighbors: list[list[int]] = [[] for _ in range(num_atoms)]
    cut = set(cut_bonds)
    for k, (u, v) in enumerate(zip(begin, end)):
        if not cut or k not in cut:
            neighbors[u].append(v)
            neighbors[v].append(u)
    if method == "brics":
        frags = _components(num_atoms, neighbors, bytearray(b"\x01" * num_atoms))
        return frags, [BRICS_PIECE] * len(frags)
    rider = bytearray(num_atoms)
    if 1 in atomic_num:
        for a in range(num_atoms):
            rider[a] = atomic_num[a] == 1 and len(neighbors[a]) == 1 and atomic_num[neighbors[a][0]] != 1
    frags = _ring_groups(rings, method)
    types = [RING] * len(frags)
    free = bytearray(b"\x01") * num_atoms
    for group in frags:
        for a in group:
            free[a] = 0
    chain = bytearray(num_atoms)
    has_riders = any(rider)
    for a in range(num_atoms):
        if free[a] and not rider[a]:
            heavy = len(neighbors[a]) - sum(rider[b] for b in neighbors[a]) if has_riders else len(neighbors[a])
            if heavy >= 3:
                frags.append([a])
                types.append(JUNCTION)
            else:
                chain[a] = 1
    for group in _components(num_atoms, neighbors, chain):
        frags.append(group)
        types.append(CHAIN)
    if has_riders:
        owner: list[list[int]] = [[] for _ in range(num_atoms)]
        for f, atoms in enumerate(frags):
            for a in atoms:
                owner[a].append(f)
        for a in range(num_atoms):
            if rider[a]:
                for f in owner[neighbors[a][0]]:
                    frags[f].append(a)
        frags = [sorted(f) for f in frags]
    order = sorted(range(len(frags)), key=lambda f: (frags[f][0], types[f]))
    return [frags[f] for f in order], [types[f] for f in order]


def hierarchy(num_atoms: int, begin: Sequence[int], end: Sequence[int], rings: Sequence[Sequence[int]],
              atomic_num: Sequence[int], is_aromatic: Sequence[int], frags: list[list[int]],
              types: list[int]) -> tuple[list[list[int]], list[int], list[int], list[int], list[int], list[int]]:
    """The two-level graph of one decomposition.

    Returns:
        ``(frag_x, member_atom, member_frag, edge_src, edge_dst, edge_kind)``:
        fragment feature rows; membership pairs (fragment-major); fragment
        graph edges in both directions, sorted, with kind 0 (bond) or 1
        (shared atoms).
    """
    owner: list[list[int]] = [[] for _ in range(num_atoms)]
    member_atom: list[int] = []
    member_frag: list[int] = []
    for f, atoms in enumerate(frags):
        for a in atoms:
            owner[a].append(f)
        member_atom.extend(atoms)
        member_frag.extend([f] * len(atoms))
    shared = {(fs[i], fs[j]) for fs in owner if len(fs) > 1 for i in range(len(fs)) for j in range(i + 1, len(fs))}
    bonded = {(f, g) if f < g else (g, f) for u, v in zip(begin, end) for f in owner[u] for g in owner[v] if f != g}
    edges = sorted([(f, g, SHARED_ATOMS) for f, g in shared] + [(g, f, SHARED_ATOMS) for f, g in shared]
                   + [(f, g, JOINED_BY_BOND) for f, g in bonded - shared]
                   + [(g, f, JOINED_BY_BOND) for f, g in bonded - shared])
    frag_rings = [0] * len(frags)
    for ring in rings:
        for f in owner[ring[0]]:
            if all(f in owner[a] for a in ring):
                frag_rings[f] += 1
    has_h = 1 in atomic_num
    frag_x = []
    for f, atoms in enumerate(frags):
        heavy = (sum(1 for a in atoms if atomic_num[a] != 1) or len(atoms)) if has_h else len(atoms)
        aromatic = int(any(is_aromatic[a] for a in atoms)) if frag_rings[f] else 0
        frag_x.append([types[f], min(heavy, MAX_SIZE), min(frag_rings[f], MAX_RINGS), aromatic])
    return (frag_x, member_atom, member_frag, [e[0] for e in edges], [e[1] for e in edges], [e[2] for e in edges])
