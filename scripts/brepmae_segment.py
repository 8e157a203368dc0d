"""Per-face segmentation: pretrained BRepMAE encoder vs the same encoder from scratch, per label fraction.

BRepMAE's label-efficiency study (Yao et al., arXiv 2602.22701; docs/brepmae.md).
For every label fraction (fixed seeded subsets of the training split, written to
``OUT/subsets``) and every seed, an encoder plus a per-face head is fine-tuned
with cross-entropy (the epoch with the best validation accuracy is kept) and
scored on the test parts: per-face accuracy and mIoU, mean ± std over seeds, in
``OUT/table.md`` / ``OUT/table.json``. Each finished run is kept in
``OUT/runs/*.json``; ``--resume`` skips those. ``--export`` writes the segmenter
of the first seed's 100% run (pretrained if given) for ``graphssl cad predict``.

Two tasks (``--dataset``):

- ``mfcad`` (default): MFCAD's 16 classes; train, val and test are MFCAD's splits.
- ``generated``: the generator's 25 MFCAD++ classes. Train and val are the train
  and val splits of ``--num-parts`` parts generated with ``--generator-seed``
  (the set BRepMAE pretraining reads: 4,000 parts, seed 0); test is
  ``--test-parts`` parts generated with ``--test-seed`` (another seed, so other
  parts). Both sets are generated once into the graphssl cache.

Examples::

    python scripts/brepmae_segment.py --pretrained brepmae-encoder.pt --out runs/brepmae_segment --resume
    python scripts/brepmae_segment.py --dataset generated --pretrained brepmae-encoder.pt \\
        --out runs/brepmae_segment_generated --resume
    python scripts/brepmae_segment.py --encoder-config examples/configs/brepmae_pretrain.yaml \\
        --fractions 1.0 --seeds 0 --epochs 2 --max-parts 8 --out /tmp/seg-smoke        # minutes, a smoke test
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_MFCAD = REPO.parent / "shared" / "data" / "mfcad"
DATASETS = ("mfcad", "generated")
#: --dataset generated: the pretraining set (4,000 parts, seed 0) for train/val, 300 parts of seed 1 for test.
GENERATED_DEFAULTS = {"num_parts": 4000, "generator_seed": 0, "test_parts": 300, "test_seed": 1}


def fractions(text: str) -> list[float]:
    values = [float(v) for v in text.split(",") if v.strip()]
    if not values or any(not 0 < v <= 1 for v in values):
        raise argparse.ArgumentTypeError(f"must be comma-separated fractions in (0, 1], got {text!r}")
    return values


def seeds(text: str) -> list[int]:
    values = [int(v) for v in text.split(",") if v.strip()]
    if not values or any(v < 0 for v in values):
        raise argparse.ArgumentTypeError(f"must be comma-separated non-negative integers, got {text!r}")
    return values


def parse_args(argv=None) -> argparse.Namespace:
    from graphssl.cli._args import positive_float, positive_int

    from graphssl.cli._args import non_negative_int

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", choices=DATASETS, default="mfcad",
                        help="mfcad (16 classes) or generated (the generator's 25 classes; test parts from "
                             "--test-seed)")
    parser.add_argument("--root", type=Path, default=None,
                        help=f"MFCAD folder (--dataset mfcad only; default {DEFAULT_MFCAD})")
    parser.add_argument("--num-parts", type=positive_int, default=None,
                        help="--dataset generated: parts in the train/val set (default 4000, the pretraining set)")
    parser.add_argument("--generator-seed", type=non_negative_int, default=None,
                        help="--dataset generated: seed of the train/val set (default 0)")
    parser.add_argument("--test-parts", type=positive_int, default=None,
                        help="--dataset generated: test parts (default 300)")
    parser.add_argument("--test-seed", type=non_negative_int, default=None,
                        help="--dataset generated: seed of the test parts, not --generator-seed (default 1)")
    parser.add_argument("--pretrained", type=Path, default=None, help="exported BRepMAE encoder (graphssl export)")
    parser.add_argument("--encoder-config", type=Path, default=None,
                        help="YAML whose encoder section builds the scratch encoder (default: the pretrained one's)")
    parser.add_argument("--fractions", type=fractions, default=[0.01, 0.05, 0.1, 1.0], help="label fractions")
    parser.add_argument("--seeds", type=seeds, default=[0, 1, 2], help="seeds (default 0,1,2)")
    parser.add_argument("--epochs", type=positive_int, default=30)
    parser.add_argument("--batch-size", type=positive_int, default=16)
    parser.add_argument("--lr", type=positive_float, default=1e-3)
    parser.add_argument("--val-every", type=positive_int, default=1,
                        help="validate after every K-th epoch and the last (default 1); the best validated epoch "
                             "is kept")
    parser.add_argument("--max-parts", type=positive_int, default=None,
                        help="keep the first N parts of each split (smoke tests only; recorded in the table)")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--subsets", type=Path, default=None, help="subset files folder (default OUT/subsets)")
    parser.add_argument("--export", type=Path, default=None, help="write the 100%% segmenter here (.pt)")
    parser.add_argument("--resume", action="store_true", help="skip runs whose OUT/runs/*.json exists")
    parser.add_argument("--workers", type=positive_int, default=None, help="extraction processes (default: all cores)")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--estimate", type=positive_int, default=None, metavar="N",
                        help="time one epoch on N training parts and one validation pass, print the projected time "
                             "of the whole table (for --fractions, --seeds, --val-every at 10/20/30/--epochs epochs) "
                             "and exit without training the table")
    args = parser.parse_args(argv)
    if args.pretrained is None and args.encoder_config is None:
        parser.error("give --pretrained (pretrained vs scratch) or --encoder-config (scratch only)")
    if args.export is not None and 1.0 not in args.fractions:
        parser.error("--export needs the 100% run: add 1.0 to --fractions")
    generated_flags = {"--num-parts": "num_parts", "--generator-seed": "generator_seed", "--test-parts": "test_parts",
                       "--test-seed": "test_seed"}
    if args.dataset == "mfcad":
        given = [flag for flag, key in generated_flags.items() if getattr(args, key) is not None]
        if given:
            parser.error(f"{given[0]}: applies only to --dataset generated")
        args.root = args.root or DEFAULT_MFCAD
    else:
        if args.root is not None:
            parser.error("--root: applies only to --dataset mfcad (generated parts live in the cache)")
        for key, default in GENERATED_DEFAULTS.items():
            if getattr(args, key) is None:
                setattr(args, key, default)
        if args.test_seed == args.generator_seed:
            parser.error(f"--test-seed: must differ from --generator-seed ({args.generator_seed}), or the test parts "
                         "would be training parts")
    return args


def encoder_section(path: Path) -> dict:
    from graphssl.config import load_yaml
    from graphssl.errors import ConfigError

    content = load_yaml(path)
    if "encoder" not in content:
        raise ConfigError(f"{path}: has no encoder section")
    return content["encoder"]


def load_splits(args) -> tuple[dict[str, list], object, dict]:
    """``({"train", "val", "test": graphs}, a dataset, what the data is)`` for ``args.dataset``."""
    from graphssl.cad.datasets import MFCAD, generated_parts

    if args.dataset == "mfcad":
        datasets = {split: MFCAD(args.root, split=split, progress=False, num_workers=args.workers)
                    for split in ("train", "val", "test")}
        data = {"dataset": "mfcad", "root": str(args.root)}
    else:
        common = {"progress": False, "num_workers": args.workers}
        datasets = {split: generated_parts(args.num_parts, seed=args.generator_seed, split=split, **common)
                    for split in ("train", "val")}
        datasets["test"] = generated_parts(args.test_parts, seed=args.test_seed, split="all", **common)
        data = {"dataset": "generated", "train_val": {"num_parts": args.num_parts, "seed": args.generator_seed},
                "test": {"num_parts": args.test_parts, "seed": args.test_seed}}
    splits = {}
    for split, dataset in datasets.items():
        graphs = [dataset[i] for i in range(len(dataset))]
        splits[split] = graphs[: args.max_parts] if args.max_parts else graphs
    return splits, datasets["train"], data


def check_same_data(record: Path, finished: dict, data: dict) -> None:
    """Refuse to resume from a record of other data (another --dataset, or other generated parts)."""
    from graphssl.errors import ConfigError

    # Records written before --dataset existed are all MFCAD runs and carry no "data".
    recorded = {key: value for key, value in finished.get("data", {"dataset": "mfcad"}).items() if key != "root"}
    wanted = {key: value for key, value in data.items() if key != "root"}
    if recorded != wanted:
        raise ConfigError(f"{record}: was run on {recorded}, not on {wanted}; give each data set its own --out")


def validations(epochs: int, val_every: int) -> int:
    """Validation passes of one run: every ``val_every``-th epoch, and the last."""
    return len(set(range(val_every, epochs + 1, val_every)) | {epochs})


def estimate(args, splits: dict[str, list], encoder, num_classes: int, variants: list[str]) -> str:
    """The projected time of the table, from one timed epoch on ``args.estimate`` parts and one validation pass.

    Both wall and CPU (this process) seconds are projected: on a core of its own the run takes about
    the CPU figure; on shared cores, about the wall figure at the load of the measurement.
    """
    import os
    import time

    from graphssl.brepmae.finetune import SegmentConfig, score, train_segmenter
    from graphssl.brepmae.subsets import subset_size

    def timed(fn) -> tuple[float, float, object]:
        wall, cpu = time.perf_counter(), time.process_time()
        out = fn()
        return time.perf_counter() - wall, time.process_time() - cpu, out

    train = splits["train"][: args.estimate]
    config = SegmentConfig(epochs=1, batch_size=args.batch_size, lr=args.lr, device=args.device)
    epoch_wall, epoch_cpu, (segmenter, _) = timed(lambda: train_segmenter(encoder, train, num_classes, config))
    val_wall, val_cpu, _ = timed(lambda: score(segmenter, splits["val"], device=args.device))
    test_scale = len(splits["test"]) / max(len(splits["val"]), 1)
    sizes = [subset_size(len(splits["train"]), f) for f in args.fractions]
    runs = len(args.seeds) * len(variants)
    lines = [f"one epoch on {len(train)} parts: {epoch_wall:.1f} s wall, {epoch_cpu:.1f} s CPU; one validation pass "
             f"({len(splits['val'])} parts): {val_wall:.1f} s wall, {val_cpu:.1f} s CPU; load average "
             f"{os.getloadavg()[0]:.1f}",
             f"projected table: {len(sizes)} fractions ({', '.join(map(str, sizes))} parts) x {len(args.seeds)} seeds "
             f"x {len(variants)} variants, --val-every {args.val_every}"]
    for epochs in sorted({10, 20, 30, args.epochs}):
        projected = []
        for per_epoch, per_val in ((epoch_wall, val_wall), (epoch_cpu, val_cpu)):
            per_part = per_epoch / len(train)
            seconds = runs * sum(epochs * n * per_part + (validations(epochs, args.val_every) + test_scale) * per_val
                                 for n in sizes)
            projected.append(seconds)
        lines.append(f"  {epochs:>3} epochs: {projected[0] / 60:6.1f} min wall, {projected[1] / 60:6.1f} min CPU")
    return "\n".join(lines)


def run_name(variant: str, fraction: float, seed: int) -> str:
    return f"{variant}_{100 * fraction:g}pct_seed{seed}"


def main(argv=None) -> int:
    import torch

    import graphssl.brepmae  # noqa: F401  (registers the inputs)
    from graphssl.brepmae.finetune import SegmentConfig, score, train_segmenter
    from graphssl.brepmae.segmenter import save_segmenter
    from graphssl.brepmae.subsets import read_subset, write_subsets
    from graphssl.eval.multiseed import SeedResults, write_table
    from graphssl.nn import build_encoder, encoder_config_from_dict
    from graphssl.train.pretrained import load_encoder

    args = parse_args(argv)
    splits, dataset, data = load_splits(args)
    spec, classes, options = dataset.spec, dataset.classes, dataset.options
    pretrained = load_encoder(args.pretrained) if args.pretrained else None
    section = encoder_section(args.encoder_config) if args.encoder_config else None
    config = encoder_config_from_dict(section) if section is not None else pretrained.config
    variants = (["pretrained"] if pretrained is not None else []) + ["scratch"]
    if args.estimate is not None:
        torch.manual_seed(0)
        # The pretrained and scratch runs share one architecture, so one freshly built encoder times both.
        print(estimate(args, splits, build_encoder(config, spec), len(classes), variants))
        return 0
    by_id = {g.model_id: g for g in splits["train"]}
    subset_dir = args.subsets or args.out / "subsets"
    files = write_subsets(list(by_id), args.fractions, args.seeds, subset_dir)

    runs_dir = args.out / "runs"
    runs_dir.mkdir(parents=True, exist_ok=True)
    rows, exported = [], None
    for fraction in args.fractions:
        for variant in variants:
            row = SeedResults(name=f"{variant} {100 * fraction:g}%")
            for seed in args.seeds:
                record = runs_dir / f"{run_name(variant, fraction, seed)}.json"
                wants_export = (args.export is not None and exported is None and fraction == 1.0
                                and variant == variants[0] and seed == args.seeds[0])
                if args.resume and record.is_file() and not wants_export:
                    finished = json.loads(record.read_text())
                    check_same_data(record, finished, data)
                    metrics = finished["test"]
                else:
                    if variant == "pretrained":
                        encoder = pretrained
                    else:
                        torch.manual_seed(seed)
                        encoder = build_encoder(config, spec)
                    train = [by_id[i] for i in read_subset(files[(fraction, seed)])]
                    segment = SegmentConfig(epochs=args.epochs, batch_size=args.batch_size, lr=args.lr, seed=seed,
                                            device=args.device, val_every=args.val_every)
                    segmenter, history = train_segmenter(encoder, train, len(classes), segment, val=splits["val"])
                    metrics = score(segmenter, splits["test"], device=args.device)
                    record.write_text(json.dumps({"variant": variant, "fraction": fraction, "seed": seed,
                                                  "train_parts": len(train), "test": metrics, "history": history,
                                                  "data": data, "epochs": args.epochs, "val_every": args.val_every,
                                                  "max_parts": args.max_parts}, indent=2) + "\n")
                    if wants_export:
                        exported = save_segmenter(
                            args.export, segmenter.cpu(), class_names=classes, spec=spec, options=options,
                            description=f"BRepMAE per-face segmenter, {data['dataset']} train {100 * fraction:g}% "
                                        f"({variant})",
                            training={"data": f"{data['dataset']} train", "data_source": data, "fraction": fraction,
                                      "seed": seed, "variant": variant, "epochs": args.epochs,
                                      "val_every": args.val_every, "pretrained": str(args.pretrained or ""),
                                      "max_parts": args.max_parts, "test": metrics})
                row.seeds.append(seed)
                row.runs.append(metrics)
                print(f"{row.name} seed {seed}: accuracy {metrics['accuracy']:.4f}, mIoU {metrics['miou']:.4f}",
                      flush=True)
            rows.append(row)
    markdown, _ = write_table(rows, args.out / "table", metrics=["accuracy", "miou"])
    print(markdown)
    if exported is not None:
        print(f"wrote {exported}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
