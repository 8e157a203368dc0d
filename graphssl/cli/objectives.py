"""``graphssl objectives``: the registered self-supervised objectives."""

from __future__ import annotations

import argparse


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("objectives", help="list the registered objectives",
                                   description="List the registered self-supervised objectives with one-line docs.")
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    from graphssl.objectives import OBJECTIVES, summary

    entries = OBJECTIVES.items()
    width = max(len(name) for name, _ in entries)
    for name, cls in entries:
        print(f"{name:<{width}}  {summary(cls)}")
    return 0
