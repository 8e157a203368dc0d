"""Bemis-Murcko scaffolds with RDKit, and scaffold splits of SMILES lists.

Scaffolds are ``MurckoScaffold.MurckoScaffoldSmiles(mol=..., includeChirality=True)``
as in Hu et al., "Strategies for Pre-training Graph Neural Networks" (ICLR
2020); the grouping and greedy filling live in :mod:`graphssl.eval.splits`.
Acyclic molecules all share the empty scaffold ``""``.
"""

from __future__ import annotations

from typing import Sequence

from graphssl.eval.splits import Split, random_scaffold_split, scaffold_split


def murcko_scaffolds(smiles: Sequence[str], include_chirality: bool = True) -> list[str]:
    """Murcko scaffold SMILES of every molecule.

    Args:
        smiles: SMILES strings.
        include_chirality: keep stereo marks in scaffolds (default ``True``, as Hu et al.).

    Raises:
        InvalidGraphError: naming the index and RDKit's reason for an invalid SMILES.
    """
    from rdkit.Chem.Scaffolds import MurckoScaffold

    from graphssl.chem._rdkit import parse_smiles
    from graphssl.errors import InvalidGraphError

    out = []
    for index, text in enumerate(smiles):
        try:
            mol = parse_smiles(text)
        except InvalidGraphError as exc:
            raise InvalidGraphError(f"molecule {index}: {exc}") from None
        out.append(MurckoScaffold.MurckoScaffoldSmiles(mol=mol, includeChirality=include_chirality))
    return out


def scaffold_split_smiles(smiles: Sequence[str], fractions: Sequence[float] = (0.8, 0.1, 0.1),
                          include_chirality: bool = True) -> Split:
    """Deterministic scaffold split (Hu et al. 2020) of a SMILES list; indices refer to ``smiles``."""
    return scaffold_split(murcko_scaffolds(smiles, include_chirality), fractions)


def random_scaffold_split_smiles(smiles: Sequence[str], fractions: Sequence[float] = (0.8, 0.1, 0.1),
                                 seed: int = 0, include_chirality: bool = True) -> Split:
    """Random scaffold split with ``seed`` of a SMILES list; indices refer to ``smiles``."""
    return random_scaffold_split(murcko_scaffolds(smiles, include_chirality), fractions, seed)
