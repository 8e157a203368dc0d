"""``graphssl checkpoints``: the checkpoints shipped inside the package."""

from __future__ import annotations

import argparse


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("checkpoints", help="list the checkpoints shipped inside the package",
                                   description="List the checkpoints shipped inside the package, with their model cards.")
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    from graphssl.checkpoints import DIRECTORY, shipped_checkpoints

    checkpoints = shipped_checkpoints()
    if not checkpoints:
        print(f"no checkpoints shipped in this version (looked in {DIRECTORY})")
        return 0
    width = max(len(c.name) for c in checkpoints)
    for checkpoint in checkpoints:
        size = checkpoint.path.stat().st_size / 1e6
        print(f"{checkpoint.name:<{width}}  {size:6.2f} MB  {checkpoint.description}")
    return 0
