"""``graphssl export RUN_DIR --out model.pt [--with-heads]``: an encoder-only file with its model card."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "export",
        help="write a run's encoder (weights only) with its model card",
        description="Write the encoder of a pretraining run as a small file for sharing: no optimizer, no EMA "
                    "target, no objective heads unless --with-heads. The model card (config, transforms, version, "
                    "weights sha256, data fingerprint, training budget) goes inside the file and beside it as "
                    "OUT.json. Load it with graphssl.load_pretrained(OUT).",
    )
    parser.add_argument("run", type=Path, metavar="RUN_DIR", help="run folder (or its checkpoint.pt)")
    parser.add_argument("--out", type=Path, required=True, metavar="OUT.pt", help="file to write (.pt)")
    parser.add_argument("--with-heads", action="store_true", help="also keep the objectives' heads")
    parser.add_argument("--description", default="", help="one line for the model card")
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    from graphssl.train.export import export_encoder

    out = export_encoder(args.run, args.out, with_heads=args.with_heads, description=args.description)
    print(f"encoder: {out} ({out.stat().st_size / 1e6:.2f} MB)")
    print(f"card:    {out.with_suffix('.json')}")
    return 0
