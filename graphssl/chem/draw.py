"""Picture of a molecule with its fragments highlighted, one colour per fragment (PNG or SVG)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from graphssl.errors import ConfigError

# Distinct fills, neighbours in the list clearly apart (Okabe-Ito, then ColorBrewer), RGB in [0, 1].
PALETTE = (
    (0.902, 0.624, 0.000), (0.337, 0.706, 0.914), (0.000, 0.620, 0.451), (0.941, 0.894, 0.259),
    (0.800, 0.475, 0.655), (0.835, 0.369, 0.000), (0.000, 0.447, 0.698), (0.600, 0.600, 0.600),
    (0.651, 0.463, 0.114), (0.698, 0.875, 0.541), (0.459, 0.439, 0.702), (0.984, 0.604, 0.600),
    (0.400, 0.651, 0.118), (0.906, 0.161, 0.541), (0.792, 0.698, 0.839), (0.502, 0.804, 0.757),
)


def draw_fragments(smiles: Any, path: str | Path, fragments: bool | str = True,
                   size: tuple[int, int] = (600, 450), legend: bool = True) -> Path:
    """Draw ``smiles`` (or an RDKit ``Mol``) with each fragment in its own colour.

    Atoms in several fragments (shared ring atoms) show all their colours;
    a bond is coloured by every fragment containing both its atoms.

    Args:
        smiles: SMILES string or RDKit ``Mol``.
        path: output file; ``.png`` or ``.svg`` decides the format.
        fragments: decomposition, as the ``fragments`` featurizer option
            (default ``True`` = ring systems, chains and junctions).
        size: picture width and height in pixels (default 600 x 450).
        legend: write the fragment counts under the molecule (default ``True``).

    Returns:
        The path written.
    """
    from rdkit.Chem import rdDepictor
    from rdkit.Chem.Draw import rdMolDraw2D

    from graphssl.chem._rdkit import chem
    from graphssl.chem.featurize import FeaturizerOptions, mol_to_graph, prepare
    from graphssl.chem.fragments import FRAGMENT_TYPES

    path = Path(path)
    kind = path.suffix.lower()
    if kind not in (".png", ".svg"):
        raise ConfigError(f"{path}: picture format must be .png or .svg")
    if len(size) != 2 or not all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in size):
        raise ConfigError(f"size: must be two positive integers (width, height), got {tuple(size)!r}")
    options = FeaturizerOptions.create(fragments=fragments)
    mol = chem().Mol(prepare(smiles, FeaturizerOptions())[0])
    graph = mol_to_graph(mol, fragments=options.fragments)
    rdDepictor.Compute2DCoords(mol)
    owners: dict[int, list[int]] = {}
    for atom, frag in graph.atom2frag.t().tolist():
        owners.setdefault(atom, []).append(frag)
    colour = [PALETTE[f % len(PALETTE)] for f in range(graph.num_fragments)]
    atom_colours = {a: [colour[f] for f in fs] for a, fs in owners.items()}
    bond_colours = {}
    for bond in mol.GetBonds():
        shared = set(owners[bond.GetBeginAtomIdx()]) & set(owners[bond.GetEndAtomIdx()])
        if shared:
            bond_colours[bond.GetIdx()] = [colour[f] for f in sorted(shared)]
    text = ""
    if legend:
        counts = Counter(FRAGMENT_TYPES[t] for t in graph.frag_x[:, 0].tolist())
        text = f"{graph.num_fragments} fragments ({options.fragments}): " + ", ".join(
            f"{n} {name}" for name, n in sorted(counts.items()))
    width, height = size
    drawer = rdMolDraw2D.MolDraw2DCairo(width, height) if kind == ".png" else rdMolDraw2D.MolDraw2DSVG(width, height)
    drawer.drawOptions().legendFontSize = 16
    drawer.DrawMoleculeWithHighlights(mol, text, atom_colours, bond_colours, {a: 0.4 for a in owners}, {})
    drawer.FinishDrawing()
    if kind == ".png":
        path.write_bytes(drawer.GetDrawingText())
    else:
        path.write_text(drawer.GetDrawingText())
    return path
