"""``graphssl pretrain CONFIG.yaml [--set KEY.PATH=VALUE ...] [--out DIR] [--resume [--allow-world-size-change]]``."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "pretrain",
        help="pretrain an encoder from a YAML config",
        description="Pretrain an encoder with the objectives of a YAML config. Launch with "
                    "`torchrun --nproc_per_node=K -m graphssl pretrain ...` for distributed data parallel.",
    )
    parser.add_argument("config", type=Path, help="pretraining config (YAML)")
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY.PATH=VALUE",
                        help="override one config value, e.g. --set train.steps=600 or --set objectives.0.params.mask_ratio=0.3 "
                             "(repeatable; a resumed run needs the same ones)")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: runs/<config name>)")
    parser.add_argument("--resume", action="store_true", help="continue the run in --out from its checkpoint")
    parser.add_argument("--allow-world-size-change", action="store_true",
                        help="with --resume: continue on a different number of processes (the run is then no longer exact)")
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    import os

    from graphssl.errors import ConfigError
    from graphssl.train import load_config, pretrain

    if args.allow_world_size_change and not args.resume:
        raise ConfigError("--allow-world-size-change only applies with --resume")
    config = load_config(args.config, args.overrides)
    out = args.out or Path("runs") / args.config.stem
    checkpoint = pretrain(config, out, resume=args.resume, progress=not args.no_progress,
                          allow_world_size_change=args.allow_world_size_change)
    if int(os.environ.get("RANK", "0")) == 0:
        print(f"checkpoint: {checkpoint}")
        print(f"metrics:    {out / 'metrics.jsonl'}")
    return 0
