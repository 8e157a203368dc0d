"""``graphssl finetune moleculenet``: the GraSPNet MoleculeNet table as resumable per-seed records.

Fine-tunes each checkpoint on BBBP, BACE, Tox21 (ROC-AUC) and ESOL, FreeSolv,
Lipo (RMSE) with the Hu et al. (ICLR 2020) protocol on the deterministic
scaffold split, and optionally adds a randomly initialised encoder of the same
architecture (``--scratch``), linear probes on frozen embeddings
(``--linear-probe``) and ECFP4 baselines (``--ecfp``); see
:mod:`graphssl.graspnet.harness` (GraSPNet: Wu et al., arXiv 2602.20344).

Example::

    graphssl finetune moleculenet --checkpoint runs/graspnet/graspnet_moses.pt --tasks bbbp,esol --seeds 3 \\
        --epochs 20 --scratch --linear-probe --ecfp --out runs/moleculenet --resume
"""

from __future__ import annotations

import argparse
import sys

from graphssl.cli._args import comma_list, non_negative_fraction, positive_float, positive_int

DEFAULT_ROOT = "../shared/data/moleculenet"


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("finetune", help="downstream fine-tuning benchmarks (moleculenet)",
                                   description="Downstream fine-tuning benchmarks.")
    benchmarks = parser.add_subparsers(dest="benchmark", metavar="BENCHMARK", required=True)
    sub = benchmarks.add_parser("moleculenet", help="MoleculeNet scaffold-split table (resumable records)",
                                description=__doc__.splitlines()[0])
    sub.add_argument("--checkpoint", type=comma_list, default=[], metavar="NAME_OR_PATH[,MORE]",
                     help="exported files, run folders or shipped names, comma-separated")
    sub.add_argument("--labels", type=comma_list, default=None, metavar="A[,B]",
                     help="row label of each checkpoint (default: its model card's name)")
    sub.add_argument("--tasks", type=comma_list, default=["bbbp", "bace", "tox21", "esol", "freesolv", "lipo"],
                     help="comma-separated tasks (default: bbbp,bace,tox21,esol,freesolv,lipo)")
    sub.add_argument("--seeds", type=positive_int, default=3, help="seeds 0..N-1 of the seeded rows (default: 3)")
    sub.add_argument("--out", required=True, help="run folder: records/, table.md, table.json")
    sub.add_argument("--epochs", type=positive_int, default=100, help="fine-tuning epochs (default: 100, Hu et al.)")
    sub.add_argument("--lr", type=positive_float, default=1e-3, help="fine-tuning learning rate (default: 1e-3)")
    sub.add_argument("--batch-size", type=positive_int, default=32, help="fine-tuning batch size (default: 32)")
    sub.add_argument("--dropout", type=non_negative_fraction, default=0.5, help="encoder dropout (default: 0.5)")
    sub.add_argument("--no-finetune", action="store_true", help="no fine-tuning rows (probes/ECFP4 only)")
    sub.add_argument("--scratch", action="store_true", help="add the first checkpoint's architecture, randomly initialised")
    sub.add_argument("--linear-probe", action="store_true", help="add a linear probe on each checkpoint's frozen embeddings")
    sub.add_argument("--ecfp", action="store_true", help="add ECFP4 + logistic/ridge and ECFP4 + random forest")
    sub.add_argument("--resume", action="store_true", help="skip the records already in --out")
    sub.add_argument("--table-only", action="store_true",
                     help="compute nothing: write the table from the records already in --out (runs made in pieces)")
    sub.add_argument("--root", default=DEFAULT_ROOT, help=f"folder of NAME.csv (default: {DEFAULT_ROOT})")
    sub.add_argument("--features", choices=("ogb", "hu"), default=None,
                     help="insist on a molecule feature set (default: each checkpoint's own)")
    sub.add_argument("--limit", type=positive_int, default=None, help="first N rows of each file only (smoke runs)")
    sub.add_argument("--device", default="cpu", help="cpu (default) or cuda")
    sub.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    sub.set_defaults(func=run)
    return sub


def run(args: argparse.Namespace) -> int:
    from graphssl.graspnet.harness import Harness, HarnessConfig, markdown, plan_rows

    config = HarnessConfig(tasks=args.tasks, seeds=args.seeds, epochs=args.epochs, lr=args.lr,
                           batch_size=args.batch_size, dropout=args.dropout, root=args.root, limit=args.limit,
                           features=args.features, device=args.device)
    rows = plan_rows(args.checkpoint, args.labels, finetune=not args.no_finetune, probe=args.linear_probe,
                     scratch=args.scratch, ecfp=args.ecfp)
    log = None if args.quiet else (lambda line: print(line, file=sys.stderr, flush=True))
    table = Harness(args.out, rows, config, resume=args.resume, log=log).run(compute=not args.table_only)
    print(markdown(table), end="")
    return 0
