"""``graphssl cad ...``: generate labelled parts, draw a part, extract graphs, build datasets.

- ``generate --n N --out DIR --seed S``: labelled machining-feature parts (STEP + JSON).
- ``show PART.step [--labels PART.json] --png OUT.png``: faces coloured by class.
- ``extract PART.step [...] [--out graphs.pt]``: STEP -> gAAG, with a summary per file.
- ``dataset NAME ROOT [--split S]``: build (or reuse) a dataset cache and list rejected files.
- ``stats NAME ROOT --out stats.json``: fit attribute normalisation statistics on a split.
"""

from __future__ import annotations

import argparse
import sys

DATASETS = {"mfcad": "MFCAD", "mfinstseg": "MFInstSeg", "mfcadpp": "MFCADPP", "fusion360seg": "Fusion360Seg"}


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("cad", help="CAD: STEP -> face-adjacency graphs, generator, viewer",
                                   description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="cad_command", metavar="COMMAND")

    gen = commands.add_parser("generate", help="write labelled machining-feature parts")
    gen.add_argument("--n", type=int, required=True, help="number of parts")
    gen.add_argument("--out", required=True, help="output folder (created)")
    gen.add_argument("--seed", type=int, default=0, help="stream seed (default 0)")
    gen.add_argument("--workers", type=int, default=1, help="processes (default 1)")
    gen.add_argument("--min-features", type=int, default=2, help="features per part, at least (default 2)")
    gen.add_argument("--max-features", type=int, default=8, help="features per part, at most (default 8)")
    gen.add_argument("--classes", default=None, help="comma-separated feature classes to draw (default all)")
    gen.add_argument("--quiet", action="store_true", help="no progress bar")
    gen.set_defaults(func=run_generate)

    show = commands.add_parser("show", help="draw a part with faces coloured by class")
    show.add_argument("step", help="STEP file")
    show.add_argument("--labels", default=None, help="label file: MFInstSeg/MFCAD JSON or .seg")
    show.add_argument("--classes", default=None, help="classes.json with class names")
    show.add_argument("--png", required=True, help="output PNG")
    show.set_defaults(func=run_show)

    extract = commands.add_parser("extract", help="STEP -> gAAG graphs")
    extract.add_argument("steps", nargs="+", help="STEP files")
    extract.add_argument("--out", default=None, help="save the graphs (a list of Data) with torch.save")
    _add_extract_options(extract)
    extract.set_defaults(func=run_extract)

    for name, help_text, func in (("dataset", "build a dataset cache and list rejected files", run_dataset),
                                  ("stats", "fit normalisation statistics on a dataset split", run_stats)):
        sub = commands.add_parser(name, help=help_text)
        sub.add_argument("dataset", choices=sorted(DATASETS), help="dataset format")
        sub.add_argument("root", help="dataset folder")
        sub.add_argument("--split", default="train" if name == "stats" else "all", help="split to load")
        sub.add_argument("--workers", type=int, default=None, help="extraction processes (default: all cores)")
        if name == "stats":
            sub.add_argument("--out", required=True, help="statistics JSON to write")
        _add_extract_options(sub)
        sub.set_defaults(func=func)

    parser.set_defaults(func=lambda args: parser.print_help() or 2)
    return parser


def _add_extract_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--face-grid", type=int, nargs=2, default=(10, 10), metavar=("NU", "NV"),
                        help="UV samples per face (default 10 10)")
    parser.add_argument("--edge-grid", type=int, default=10, help="U samples per edge (default 10)")
    parser.add_argument("--no-scale", action="store_true", help="keep model units (no unit-box scaling)")
    parser.add_argument("--no-check", action="store_true", help="skip BRepCheck_Analyzer")


def _options(args):
    from graphssl.cad.extract import ExtractOptions

    return ExtractOptions(face_grid_size=tuple(args.face_grid), edge_grid_size=args.edge_grid,
                          scale_to_unit_box=not args.no_scale, check=not args.no_check)


def run_generate(args) -> int:
    from graphssl.cad.generator import GeneratorConfig, generate
    from graphssl.errors import ConfigError

    try:
        kwargs = {"min_features": args.min_features, "max_features": args.max_features}
        if args.classes:
            kwargs["classes"] = tuple(c.strip() for c in args.classes.split(",") if c.strip())
        config = GeneratorConfig(**kwargs)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    written, failed = generate(args.n, args.out, seed=args.seed, config=config, num_workers=args.workers,
                               progress=not args.quiet)
    print(f"wrote {len(written)} parts to {args.out}")
    for index, reason in failed:
        print(f"part {index}: {reason}", file=sys.stderr)
    return 1 if failed else 0


def run_show(args) -> int:
    import json

    from graphssl.cad.viewer import render_part

    classes = json.loads(open(args.classes).read()) if args.classes else None
    print(render_part(args.step, args.png, labels=args.labels, classes=classes))
    return 0


def run_extract(args) -> int:
    from graphssl.cad.extract import read_step
    from graphssl.errors import GraphSSLError

    options = _options(args)
    graphs, failed = [], 0
    for path in args.steps:
        try:
            data = read_step(path, **options.settings())
        except GraphSSLError as exc:
            if len(args.steps) == 1:
                raise
            print(f"graphssl: error: {exc}", file=sys.stderr)
            failed += 1
            continue
        graphs.append(data)
        degenerate = int(data.edge_attr[:, 11].sum()) // 2
        print(f"{path}: {data.num_nodes} faces, {data.edge_index.shape[1] // 2} B-rep edges in the graph "
              f"({degenerate} degenerate), x {tuple(data.x.shape)}, face_grid {tuple(data.face_grid.shape)}")
    if args.out:
        import torch

        torch.save(graphs, args.out)
        print(f"saved {len(graphs)} graphs to {args.out}")
    return 2 if failed else 0


def _load_dataset(args):
    import graphssl.cad.datasets as datasets

    cls = getattr(datasets, DATASETS[args.dataset])
    return cls(args.root, split=args.split, options=_options(args), num_workers=args.workers)


def run_dataset(args) -> int:
    dataset = _load_dataset(args)
    faces = sum(int(d.num_nodes) for d in dataset)
    print(f"{dataset}: {faces} faces, {dataset.num_classes} classes, cache {dataset.processed_dir}")
    for item in dataset.rejected:
        print(f"rejected {item['file']}: {item['reason']}")
    return 0


def run_stats(args) -> int:
    from graphssl.cad.normalize import FeatureStats

    stats = FeatureStats.fit(_load_dataset(args))
    stats.save(args.out)
    print(f"fitted on {stats.num_graphs} graphs ({stats.num_faces} faces); wrote {args.out}")
    return 0
