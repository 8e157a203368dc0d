"""Pretrain GraSPNet and its same-budget baselines through `graphssl pretrain`, then `graphssl export` each.

GraSPNet: Wu et al., arXiv 2602.20344 (see docs/graspnet.md). Each config is
copied into ``OUT_ROOT/<config stem>.yaml`` with ``--limit`` (molecules read
from MOSES) and ``--steps`` written in, so a smoke run and the hour-long run
use the same files; ``--resume`` continues runs a previous invocation left
(the copied config must be unchanged, which the trainer checks).

Example::

    python scripts/graspnet_pretrain.py --limit 2000 --steps 20 --out-root runs/graspnet-smoke      # minutes
    python scripts/graspnet_pretrain.py --out-root runs/graspnet --resume                             # the real budget
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
CONFIGS = ["graspnet_moses", "graspnet_baseline_attr_mask", "graspnet_baseline_graphmae", "graspnet_baseline_graphcl",
           "graspnet_baseline_jepa"]


def derived_config(name: str, out_root: Path, limit: int | None, steps: int | None) -> Path:
    """``examples/configs/NAME.yaml`` with ``data.params.limit`` and ``train.steps`` replaced, written under ``out_root``."""
    from graphssl.config import load_yaml

    config = load_yaml(REPO / "examples" / "configs" / f"{name}.yaml")
    if limit is not None:
        config["data"]["params"]["limit"] = limit
    if steps is not None:
        config["train"]["steps"] = steps
    path = out_root / f"{name}.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def main(argv: list[str] | None = None) -> int:
    from graphssl.cli._args import positive_int

    parser = argparse.ArgumentParser(prog="graspnet_pretrain", description=__doc__.splitlines()[0])
    parser.add_argument("--configs", default=",".join(CONFIGS), help="comma-separated config stems (default: all five)")
    parser.add_argument("--limit", type=positive_int, default=None, help="molecules read from MOSES (default: the config's)")
    parser.add_argument("--steps", type=positive_int, default=None, help="training steps (default: the config's)")
    parser.add_argument("--out-root", type=Path, default=REPO / "runs" / "graspnet")
    parser.add_argument("--resume", action="store_true", help="continue runs left by a previous invocation")
    args = parser.parse_args(argv)
    args.out_root.mkdir(parents=True, exist_ok=True)
    for name in args.configs.split(","):
        config = derived_config(name, args.out_root, args.limit, args.steps)
        run = args.out_root / name
        command = [sys.executable, "-m", "graphssl", "pretrain", str(config), "--out", str(run), "--no-progress"]
        if args.resume and (run / "checkpoint.pt").exists():
            command.append("--resume")
        subprocess.run(command, check=True, cwd=REPO)
        subprocess.run([sys.executable, "-m", "graphssl", "export", str(run), "--out", str(args.out_root / f"{name}.pt"),
                        "--description", f"{name} on MOSES ({args.steps or 'config'} steps)"], check=True, cwd=REPO)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
