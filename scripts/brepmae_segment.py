"""Per-face segmentation on MFCAD: pretrained BRepMAE encoder vs the same encoder from scratch, per label fraction.

BRepMAE's label-efficiency study (Yao et al., arXiv 2602.22701; docs/brepmae.md).
For every label fraction (fixed seeded subsets of MFCAD train, written to
``OUT/subsets``) and every seed, an encoder plus a per-face head is fine-tuned
with cross-entropy (the epoch with the best MFCAD val accuracy is kept) and
scored on MFCAD test: per-face accuracy and mIoU, mean ± std over seeds, in
``OUT/table.md`` / ``OUT/table.json``. Each finished run is kept in
``OUT/runs/*.json``; ``--resume`` skips those. ``--export`` writes the segmenter
of the first seed's 100% run (pretrained if given) for ``graphssl cad predict``.

Examples::

    python scripts/brepmae_segment.py --pretrained brepmae-encoder.pt --out runs/brepmae_segment --resume
    python scripts/brepmae_segment.py --encoder-config examples/configs/brepmae_pretrain.yaml \\
        --fractions 1.0 --seeds 0 --epochs 2 --max-parts 8 --out /tmp/seg-smoke        # minutes, a smoke test
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


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

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=REPO.parent / "shared" / "data" / "mfcad", help="MFCAD folder")
    parser.add_argument("--pretrained", type=Path, default=None, help="exported BRepMAE encoder (graphssl export)")
    parser.add_argument("--encoder-config", type=Path, default=None,
                        help="YAML whose encoder section builds the scratch encoder (default: the pretrained one's)")
    parser.add_argument("--fractions", type=fractions, default=[0.01, 0.05, 0.1, 1.0], help="label fractions")
    parser.add_argument("--seeds", type=seeds, default=[0, 1, 2], help="seeds (default 0,1,2)")
    parser.add_argument("--epochs", type=positive_int, default=30)
    parser.add_argument("--batch-size", type=positive_int, default=16)
    parser.add_argument("--lr", type=positive_float, default=1e-3)
    parser.add_argument("--max-parts", type=positive_int, default=None,
                        help="keep the first N parts of each split (smoke tests only; recorded in the table)")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--subsets", type=Path, default=None, help="subset files folder (default OUT/subsets)")
    parser.add_argument("--export", type=Path, default=None, help="write the 100%% segmenter here (.pt)")
    parser.add_argument("--resume", action="store_true", help="skip runs whose OUT/runs/*.json exists")
    parser.add_argument("--workers", type=positive_int, default=None, help="extraction processes (default: all cores)")
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args(argv)
    if args.pretrained is None and args.encoder_config is None:
        parser.error("give --pretrained (pretrained vs scratch) or --encoder-config (scratch only)")
    if args.export is not None and 1.0 not in args.fractions:
        parser.error("--export needs the 100% run: add 1.0 to --fractions")
    return args


def encoder_section(path: Path) -> dict:
    from graphssl.config import load_yaml
    from graphssl.errors import ConfigError

    content = load_yaml(path)
    if "encoder" not in content:
        raise ConfigError(f"{path}: has no encoder section")
    return content["encoder"]


def run_name(variant: str, fraction: float, seed: int) -> str:
    return f"{variant}_{100 * fraction:g}pct_seed{seed}"


def main(argv=None) -> int:
    import torch

    import graphssl.brepmae  # noqa: F401  (registers the inputs)
    from graphssl.brepmae.finetune import SegmentConfig, score, train_segmenter
    from graphssl.brepmae.segmenter import save_segmenter
    from graphssl.brepmae.subsets import read_subset, write_subsets
    from graphssl.cad.datasets import MFCAD
    from graphssl.eval.multiseed import SeedResults, write_table
    from graphssl.nn import build_encoder, encoder_config_from_dict
    from graphssl.train.pretrained import load_encoder

    args = parse_args(argv)
    splits = {}
    for split in ("train", "val", "test"):
        dataset = MFCAD(args.root, split=split, progress=False, num_workers=args.workers)
        graphs = [dataset[i] for i in range(len(dataset))]
        splits[split] = graphs[: args.max_parts] if args.max_parts else graphs
    spec, classes, options = dataset.spec, dataset.classes, dataset.options
    by_id = {g.model_id: g for g in splits["train"]}
    subset_dir = args.subsets or args.out / "subsets"
    files = write_subsets(list(by_id), args.fractions, args.seeds, subset_dir)

    pretrained = load_encoder(args.pretrained) if args.pretrained else None
    section = encoder_section(args.encoder_config) if args.encoder_config else None
    config = encoder_config_from_dict(section) if section is not None else pretrained.config
    variants = (["pretrained"] if pretrained is not None else []) + ["scratch"]
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
                    metrics = json.loads(record.read_text())["test"]
                else:
                    if variant == "pretrained":
                        encoder = pretrained
                    else:
                        torch.manual_seed(seed)
                        encoder = build_encoder(config, spec)
                    train = [by_id[i] for i in read_subset(files[(fraction, seed)])]
                    segment = SegmentConfig(epochs=args.epochs, batch_size=args.batch_size, lr=args.lr, seed=seed,
                                            device=args.device)
                    segmenter, history = train_segmenter(encoder, train, len(classes), segment, val=splits["val"])
                    metrics = score(segmenter, splits["test"], device=args.device)
                    record.write_text(json.dumps({"variant": variant, "fraction": fraction, "seed": seed,
                                                  "train_parts": len(train), "test": metrics, "history": history,
                                                  "max_parts": args.max_parts}, indent=2) + "\n")
                    if wants_export:
                        exported = save_segmenter(
                            args.export, segmenter.cpu(), class_names=classes, spec=spec, options=options,
                            description=f"BRepMAE per-face segmenter, MFCAD train {100 * fraction:g}% ({variant})",
                            training={"data": "mfcad train", "fraction": fraction, "seed": seed, "variant": variant,
                                      "epochs": args.epochs, "pretrained": str(args.pretrained or ""),
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
