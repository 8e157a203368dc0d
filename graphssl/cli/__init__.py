"""The ``graphssl`` command line.

Every module in this package that defines ``add_parser(subparsers)`` adds one
subcommand; the parser it returns must set ``func`` (via ``set_defaults``) to a
callable taking the parsed namespace and returning an exit code. Modules import
their heavy dependencies inside ``func`` so ``graphssl --help`` stays fast.

Errors a user can cause (:class:`~graphssl.errors.GraphSSLError`, missing
files) are printed as one line; set ``GRAPHSSL_DEBUG=1`` for the traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from typing import Sequence

import graphssl
from graphssl.errors import GraphSSLError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="graphssl",
        description="Self-supervised graph and molecular representation learning.",
    )
    parser.add_argument("--version", action="version", version=f"graphssl {graphssl.__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "add_parser"):
            module.add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "func"):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except (GraphSSLError, OSError) as exc:
        if os.environ.get("GRAPHSSL_DEBUG"):
            raise
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if isinstance(exc, OSError) and exc.filename and str(exc.filename) not in message:
            message = f"{exc.filename}: {message}"
        print(f"graphssl: error: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("graphssl: interrupted", file=sys.stderr)
        return 130
