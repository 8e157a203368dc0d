"""``graphssl chem featurize INPUT --out GRAPHS.pt`` and ``graphssl chem draw SMILES OUT.png``."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from graphssl.cli._args import positive_int


def n_jobs(text: str) -> int:
    """Worker processes: a positive integer, or -1 for one per core."""
    if text.strip() == "-1":
        return -1
    try:
        return positive_int(text)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(f"must be a positive integer or -1 (one per core), got {text!r}") from None


def column_list(text: str) -> list[str]:
    """Comma-separated column names, none empty."""
    names = [name.strip() for name in text.split(",")]
    if not all(names):
        raise argparse.ArgumentTypeError(f"must be comma-separated column names, got {text!r}")
    return names


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("chem", help="molecules: featurize files, draw fragment pictures",
                                   description="Molecule tools (needs the chem extra: pip install 'graphssl[chem]').")
    commands = parser.add_subparsers(dest="chem_command", metavar="COMMAND", required=True)

    featurize = commands.add_parser(
        "featurize", help="featurize a .csv/.smi/.txt/.sdf file (optionally .gz) into a graph file",
        description="Featurize every molecule of a file and save the graphs collated, as InMemoryDataset.save() "
                    "does, in compact integer dtypes (readable by the pyg_saved dataset; graphs load as int64), "
                    "with OUT.json describing them. Unreadable molecules are counted on stderr and listed with "
                    "their reasons in rejects.csv next to OUT, never dropped silently; if none can be read the "
                    "command fails.")
    featurize.add_argument("input", type=Path, help="molecule file: .csv, .smi, .txt or .sdf, optionally .gz")
    featurize.add_argument("--out", type=Path, required=True, help="output .pt file")
    featurize.add_argument("--format", choices=["csv", "smi", "sdf"], default=None, dest="file_format",
                           help="input format (default: from the suffix; a .txt/.smi file whose first line is a "
                                "header naming a SMILES column is read as CSV)")
    featurize.add_argument("--features", choices=["ogb", "hu"], default="ogb", help="feature set (default: ogb)")
    featurize.add_argument("--fragments", choices=["none", "ring_systems", "rings", "brics"], default="none",
                           help="fragment hierarchy (default: none)")
    featurize.add_argument("--explicit-hs", action="store_true", help="hydrogens as nodes")
    featurize.add_argument("--salts", choices=["keep", "largest"], default="keep",
                           help="keep every component or only the largest (default: keep)")
    featurize.add_argument("--descriptors", action="store_true", help="add continuous atom descriptors x_desc")
    featurize.add_argument("--smiles-column", default="smiles",
                           help="SMILES column of a CSV (default: smiles, matched case-insensitively)")
    featurize.add_argument("--id-column", default=None, help="CSV column kept as each graph's mol_id (default: none)")
    featurize.add_argument("--label-columns", type=column_list, default=None, metavar="COL[,COL...]",
                           help="CSV columns kept as each graph's y [1, T], float, NaN where empty (default: none)")
    featurize.add_argument("--n-jobs", type=n_jobs, default=1, help="worker processes (default: 1; -1 = all cores)")
    featurize.set_defaults(func=run_featurize)

    draw = commands.add_parser("draw", help="draw a molecule with its fragments highlighted",
                               description="Draw a molecule with one colour per fragment (PNG or SVG by suffix).")
    draw.add_argument("smiles", help="SMILES of the molecule")
    draw.add_argument("out", type=Path, help="output .png or .svg")
    draw.add_argument("--fragments", choices=["ring_systems", "rings", "brics"], default="ring_systems",
                      help="decomposition (default: ring_systems)")
    draw.add_argument("--size", type=positive_int, nargs=2, default=(600, 450), metavar=("WIDTH", "HEIGHT"),
                      help="picture size in pixels, each a positive integer (default: 600 450)")
    draw.set_defaults(func=run_draw)
    return parser


def run_featurize(args: argparse.Namespace) -> int:
    import torch

    from graphssl.chem.chunk import collate_chunks
    from graphssl.chem.featurize import FeaturizerOptions, iter_chunks
    from graphssl.chem.io import read_table
    from graphssl.chem.spec import molecule_spec
    from graphssl.chem.storage import compact_chunk, save_collated
    from graphssl.data.rejects import REJECTS_FILE, Reject, report_rejects, write_rejects
    from graphssl.data.spec import AttributeSpec
    from graphssl.errors import InputFileError

    if args.out.suffix != ".pt":
        raise InputFileError(f"--out {args.out}: the graph file must end in .pt")
    options = FeaturizerOptions.create(args.features, fragments=False if args.fragments == "none" else args.fragments,
                                       explicit_hs=args.explicit_hs, salts=args.salts, descriptors=args.descriptors)
    table = read_table(args.input, args.smiles_column, args.file_format, label_columns=args.label_columns,
                       id_column=args.id_column)
    if not len(table):
        raise InputFileError(f"{args.input}: no molecules in the file")
    chunks = [compact_chunk(chunk) for chunk in iter_chunks(table.inputs, options, args.n_jobs)]
    rows = [row for chunk in chunks for row in chunk.rows]
    rejects = [Reject(table.source, table.items[row], reason) for chunk in chunks for row, _, reason in chunk.rejects]
    if not rows:
        path = write_rejects(rejects, args.out.parent / REJECTS_FILE)
        raise InputFileError(f"{args.input}: none of the {len(table)} molecules could be read ({rejects[0].item}: "
                             f"{rejects[0].reason}); reasons in {path}; if the file has a header or another "
                             "layout, name it with --format / --smiles-column")
    data, slices = collate_chunks(chunks)
    every_graph = torch.arange(len(rows) + 1)
    extra = {"input_row": AttributeSpec("graph", dtype="long")}
    data.input_row, slices["input_row"] = torch.tensor(rows, dtype=torch.int32), every_graph
    if table.labels is not None:
        data.y, slices["y"] = torch.from_numpy(table.labels[rows]), every_graph
    if table.ids is not None:
        data.mol_id, slices["mol_id"] = [table.ids[row] for row in rows], every_graph
        extra["mol_id"] = AttributeSpec("graph", dtype="str")
    save_collated(data, slices, args.out)
    spec = molecule_spec(options, num_labels=len(table.label_columns) if table.labels is not None else 0, extra=extra)
    _write_card(args.out.with_suffix(".json"), args, table, len(rows), len(rejects), options, spec)
    report_rejects(rejects, total=len(table), what=f"chem featurize {args.input}", out_dir=args.out.parent)
    print(f"{len(rows)} graphs -> {args.out} ({os.path.getsize(args.out) / 1e6:.1f} MB)")
    return 0


def _write_card(path: Path, args: argparse.Namespace, table, graphs: int, rejected: int, options, spec) -> None:
    """``OUT.json``: where the graphs came from, what each attribute is, and which columns were kept."""
    from dataclasses import asdict

    card = {"input": str(args.input), "molecules": len(table), "graphs": graphs, "rejected": rejected,
            "options": asdict(options), "id_column": args.id_column,
            "label_columns": list(table.label_columns) if table.labels is not None else [],
            "spec": asdict(spec)}
    path.write_text(json.dumps(card, indent=1) + "\n")


def run_draw(args: argparse.Namespace) -> int:
    from graphssl.chem import draw_fragments

    path = draw_fragments(args.smiles, args.out, fragments=args.fragments, size=tuple(args.size))
    print(path)
    return 0
