"""``graphssl chem featurize INPUT --out GRAPHS.pt`` and ``graphssl chem draw SMILES OUT.png``."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("chem", help="molecules: featurize files, draw fragment pictures",
                                   description="Molecule tools (needs the chem extra: pip install 'graphssl[chem]').")
    commands = parser.add_subparsers(dest="chem_command", metavar="COMMAND", required=True)

    featurize = commands.add_parser(
        "featurize", help="featurize a .csv/.smi/.sdf file (optionally .gz) into a list of graphs",
        description="Featurize every molecule of a file and save the graphs with torch.save (a list of "
                    "MolData, readable by the pyg_saved dataset). Unreadable molecules are listed, never dropped "
                    "silently.")
    featurize.add_argument("input", type=Path, help="molecule file: .csv, .smi or .sdf, optionally .gz")
    featurize.add_argument("--out", type=Path, required=True, help="output .pt file")
    featurize.add_argument("--features", choices=["ogb", "hu"], default="ogb", help="feature set (default: ogb)")
    featurize.add_argument("--fragments", choices=["none", "ring_systems", "rings", "brics"], default="none",
                           help="fragment hierarchy (default: none)")
    featurize.add_argument("--explicit-hs", action="store_true", help="hydrogens as nodes")
    featurize.add_argument("--salts", choices=["keep", "largest"], default="keep",
                           help="keep every component or only the largest (default: keep)")
    featurize.add_argument("--descriptors", action="store_true", help="add continuous atom descriptors x_desc")
    featurize.add_argument("--smiles-column", default="smiles", help="SMILES column of a CSV (default: smiles)")
    featurize.add_argument("--n-jobs", type=int, default=1, help="worker processes (default: 1; -1 = all cores)")
    featurize.add_argument("--rejects", type=Path, default=None,
                           help="write unreadable rows as CSV (row,input,reason) here (default: OUT.rejects.csv)")
    featurize.set_defaults(func=run_featurize)

    draw = commands.add_parser("draw", help="draw a molecule with its fragments highlighted",
                               description="Draw a molecule with one colour per fragment (PNG or SVG by suffix).")
    draw.add_argument("smiles", help="SMILES of the molecule")
    draw.add_argument("out", type=Path, help="output .png or .svg")
    draw.add_argument("--fragments", choices=["ring_systems", "rings", "brics"], default="ring_systems",
                      help="decomposition (default: ring_systems)")
    draw.add_argument("--size", type=int, nargs=2, default=(600, 450), metavar=("WIDTH", "HEIGHT"),
                      help="picture size in pixels (default: 600 450)")
    draw.set_defaults(func=run_draw)
    return parser


def run_featurize(args: argparse.Namespace) -> int:
    import csv

    import torch

    from graphssl.chem import mols_to_graphs

    fragments = False if args.fragments == "none" else args.fragments
    graphs, rejects = mols_to_graphs(args.input, n_jobs=args.n_jobs, smiles_column=args.smiles_column,
                                     features=args.features, fragments=fragments, explicit_hs=args.explicit_hs,
                                     salts=args.salts, descriptors=args.descriptors)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    torch.save(graphs, args.out)
    print(f"{len(graphs)} graphs -> {args.out}")
    if rejects:
        path = args.rejects or args.out.with_suffix(".rejects.csv")
        with open(path, "w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["row", "input", "reason"])
            writer.writerows((row, item if isinstance(item, str) else repr(item), reason) for row, item, reason in rejects)
        print(f"{len(rejects)} rejected -> {path}")
    return 0


def run_draw(args: argparse.Namespace) -> int:
    from graphssl.chem import draw_fragments

    path = draw_fragments(args.smiles, args.out, fragments=args.fragments, size=tuple(args.size))
    print(path)
    return 0
