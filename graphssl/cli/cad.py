"""``graphssl cad ...``: generate labelled parts, draw a part, extract graphs, build datasets.

- ``generate --n N --out DIR --seed S``: labelled machining-feature parts (STEP + JSON).
- ``show PART.step [--labels PART.json] --png OUT.png``: faces coloured by class.
- ``extract PART.step [...] [--out graphs.pt]``: STEP -> gAAG, with a summary per file.
- ``dataset NAME [ROOT] [--split S]``: build (or reuse) a dataset cache and report rejected files.
- ``stats NAME [ROOT] --out stats.json``: fit attribute normalisation statistics on a split.
- ``predict PART.step [...] [--model M] [--json OUT.json] [--png OUT.png]``: per-face machining-feature
  classes from a segmenter (:mod:`graphssl.brepmae.prediction`).

Every flag value is checked when the command line is read (argparse types;
exit 2 naming the flag). Batch commands report rejected files through
:func:`graphssl.data.rejects.report_rejects`.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

from graphssl.cli._args import non_negative_int, positive_int

#: ``cad dataset``/``cad stats`` names (those of the dataset registry) -> object in :mod:`graphssl.cad.datasets`.
CAD_DATASETS = {"mfcad": "MFCAD", "mfinstseg": "MFInstSeg", "mfcadpp": "MFCADPP", "fusion360_seg": "Fusion360Seg",
                "cad_generated": "generated_parts"}
#: The dataset that generates its own parts (no ROOT).
GENERATED = "cad_generated"
SPLITS = ("train", "val", "test", "all")

DESCRIPTION = """\
CAD tools: STEP files to face-adjacency graphs (gAAG), a labelled machining-feature
generator, a part viewer and the CAD datasets. Needs the cad extra
(pip install 'graphssl[cad]'). Run 'graphssl cad COMMAND --help' for each command.
"""


def grid_samples(text: str) -> int:
    """Samples along one grid direction: an integer >= 2 (a grid needs both ends of the range)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an integer >= 2, got {text!r}") from None
    if value < 2:
        raise argparse.ArgumentTypeError(f"must be an integer >= 2 (a grid samples both ends), got {text!r}")
    return value


def _with_suffix(*suffixes: str):
    """An argparse type: a path ending in one of ``suffixes`` (the format written depends on it)."""
    def check(text: str) -> Path:
        if Path(text).suffix.lower() not in suffixes:
            raise argparse.ArgumentTypeError(f"must end in {' or '.join(suffixes)}, got {text!r}")
        return Path(text)

    check.__name__ = f"{'/'.join(suffixes)} path"
    return check


def feature_classes(text: str) -> tuple[str, ...]:
    """Comma-separated generator feature classes, each a known non-stock class."""
    from graphssl.cad.generator.classes import FEATURE_CLASSES

    names = tuple(c.strip() for c in text.split(",") if c.strip())
    unknown = [c for c in names if c not in FEATURE_CLASSES or c == "stock"]
    if not names or unknown:
        raise argparse.ArgumentTypeError(f"unknown feature classes {unknown or [text]}; choose from "
                                         f"{', '.join(FEATURE_CLASSES[:-1])}")
    return names


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("cad", help="CAD: STEP -> face-adjacency graphs, generator, viewer",
                                   description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="cad_command", metavar="COMMAND")

    gen = commands.add_parser(
        "generate", help="write labelled machining-feature parts",
        description="Write N labelled parts (a stock block with machining features) as DIR/part_<i>.step, whose "
                    "face names are class indices, and DIR/part_<i>.json in MFInstSeg format, plus "
                    "DIR/classes.json. Part i depends only on (seed, i). Parts that cannot be made are counted "
                    "on stderr and listed in DIR/rejects.csv.")
    gen.add_argument("--n", type=positive_int, required=True, help="number of parts (a positive integer)")
    gen.add_argument("--out", type=Path, required=True, help="output folder (created)")
    gen.add_argument("--seed", type=non_negative_int, default=0, help="stream seed (default 0)")
    gen.add_argument("--workers", type=positive_int, default=1, help="processes (default 1)")
    gen.add_argument("--min-features", type=non_negative_int, default=2,
                     help="features per part, at least (default 2)")
    gen.add_argument("--max-features", type=positive_int, default=8, help="features per part, at most (default 8)")
    gen.add_argument("--classes", type=feature_classes, default=None, metavar="NAME[,NAME...]",
                     help="feature classes to draw from (default all)")
    gen.add_argument("--quiet", action="store_true", help="no progress bar")
    gen.set_defaults(func=run_generate)

    show = commands.add_parser(
        "show", help="draw a part with faces coloured by class",
        description="Draw a STEP part from two sides into a PNG, faces coloured by class with a legend. Labels "
                    "come from --labels, else from a label file beside the STEP file (PART.json or PART.seg, "
                    "../labels/PART.json, ../seg/PART.seg), else from face names that are class indices "
                    "(MFCAD++ and generator files). Otherwise the faces are grey and a note says why; face ids "
                    "(MFCAD's face names) are never shown as classes.")
    show.add_argument("step", help="STEP file")
    show.add_argument("--labels", default=None, help="label file: MFInstSeg/MFCAD JSON or .seg")
    show.add_argument("--classes", default=None, help="classes.json with class names (default: one found near "
                                                      "the files)")
    show.add_argument("--png", type=_with_suffix(".png"), required=True, help="output .png")
    show.set_defaults(func=run_show)

    extract = commands.add_parser(
        "extract", help="STEP -> gAAG graphs",
        description="Read STEP files into gAAG graphs (faces as nodes, B-rep edges as edge pairs) and print a "
                    "summary per file. With --out the graphs are saved as a list of Data, each with its "
                    "source_file and model_id. Files that fail are counted on stderr (with their reasons, in "
                    "rejects.csv beside --out); the command exits 1 if some fail and 2 if all do.")
    extract.add_argument("steps", nargs="+", help="STEP files")
    extract.add_argument("--out", type=_with_suffix(".pt", ".pth"), default=None,
                         help="save the graphs (a list of Data) with torch.save to this .pt file")
    _add_extract_options(extract)
    extract.set_defaults(func=run_extract)

    for name, help_text, func in (
            ("dataset", "build a dataset cache and report rejected files", run_dataset),
            ("stats", "fit normalisation statistics on a dataset split", run_stats)):
        what = ("Build (or reuse) the graph cache of one split of a CAD dataset and print its size; files that "
                "fail are counted on stderr with their reasons") if name == "dataset" else (
                "Fit the mean and standard deviation of the continuous face and edge attributes on one split "
                "of a CAD dataset (only that split is extracted) and write them as JSON")
        sub = commands.add_parser(
            name, help=help_text,
            description=f"{what}. NAME is a registered CAD dataset; ROOT is its folder ({GENERATED} takes no "
                        f"ROOT: it generates --num-parts parts into the cache).")
        sub.add_argument("dataset", choices=list(CAD_DATASETS), metavar="NAME",
                         help=f"dataset: {', '.join(CAD_DATASETS)}")
        sub.add_argument("root", nargs="?", default=None, help="dataset folder (not for cad_generated)")
        sub.add_argument("--split", choices=SPLITS, default="train" if name == "stats" else "all",
                         help=f"split to load (default {'train' if name == 'stats' else 'all'})")
        sub.add_argument("--workers", type=positive_int, default=None, help="extraction processes (default: all "
                                                                            "cores)")
        sub.add_argument("--num-parts", type=positive_int, default=None,
                         help=f"{GENERATED} only: parts in the set (default 200)")
        sub.add_argument("--seed", type=non_negative_int, default=None,
                         help=f"{GENERATED} only: generator seed (default 0)")
        if name == "stats":
            sub.add_argument("--out", type=_with_suffix(".json"), required=True, help="statistics .json to write")
        _add_extract_options(sub)
        sub.set_defaults(func=func)

    predict = commands.add_parser(
        "predict", help="predict the machining-feature class of every face",
        description="Predict every face's machining-feature class with a per-face segmenter: its class name and "
                    "probability, keyed by the face's traversal index and STEP (ADVANCED_FACE) name; degenerate "
                    "faces are predicted too and flagged. Files are read with the model's extraction settings. "
                    "A file that fails gets one line naming it and the others are still predicted; the command "
                    "exits 1 if some fail and 2 if all do. JSON layout: docs/brepmae.md.")
    predict.add_argument("steps", nargs="+", help="STEP files")
    predict.add_argument("--model", default="mfcad-seg",
                         help="segmenter file (.pt, from scripts/brepmae_segment.py --export) or a shipped "
                              "segmenter's name (default mfcad-seg)")
    predict.add_argument("--json", type=_with_suffix(".json"), default=None, help="write the predictions here")
    predict.add_argument("--png", type=_with_suffix(".png"), default=None,
                         help="draw the part coloured by predicted class (several files: OUT_<part>.png)")
    predict.add_argument("--face-grid", type=grid_samples, nargs=2, default=None, metavar=("NU", "NV"),
                         help="UV samples per face (default: the model's; must equal it)")
    predict.add_argument("--edge-grid", type=grid_samples, default=None,
                         help="U samples per edge (default: the model's; must equal it)")
    predict.add_argument("--quiet", action="store_true", help="no progress bar")
    predict.set_defaults(func=run_predict)

    parser.set_defaults(func=lambda args: parser.print_help() or 2)
    return parser


def _add_extract_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--face-grid", type=grid_samples, nargs=2, default=(10, 10), metavar=("NU", "NV"),
                        help="UV samples per face, each >= 2 (default 10 10)")
    parser.add_argument("--edge-grid", type=grid_samples, default=10, help="U samples per edge, >= 2 (default 10)")
    parser.add_argument("--no-scale", action="store_true", help="keep model units (no unit-box scaling)")
    parser.add_argument("--no-check", action="store_true", help="skip BRepCheck_Analyzer")


def _options(args):
    from graphssl.cad.extract import ExtractOptions

    return ExtractOptions(face_grid_size=tuple(args.face_grid), edge_grid_size=args.edge_grid,
                          scale_to_unit_box=not args.no_scale, check=not args.no_check)


def run_generate(args) -> int:
    from graphssl.cad.generator import GeneratorConfig, generate
    from graphssl.cad.generator.run import part_name
    from graphssl.data.rejects import Reject, report_rejects
    from graphssl.errors import ConfigError

    if args.min_features > args.max_features:
        raise ConfigError(f"--min-features ({args.min_features}) must not exceed --max-features "
                          f"({args.max_features})")
    kwargs = {"min_features": args.min_features, "max_features": args.max_features}
    if args.classes:
        kwargs["classes"] = args.classes
    config = GeneratorConfig(**kwargs)
    written, failed = generate(args.n, args.out, seed=args.seed, config=config, num_workers=args.workers,
                               progress=not args.quiet)
    print(f"wrote {len(written)} parts to {args.out}")
    rejects = [Reject(str(args.out / f"{part_name(i)}.step"), f"part {i}", reason) for i, reason in failed]
    report_rejects(rejects, total=args.n, what="cad generate", out_dir=args.out)
    return (2 if not written else 1) if failed else 0


def run_show(args) -> int:
    from graphssl.cad.labels_io import read_class_names
    from graphssl.cad.step_reader import load_step
    from graphssl.cad.viewer import draw_part, part_labels

    classes = read_class_names(args.classes) if args.classes else None
    model = load_step(args.step)
    labels, names = part_labels(args.step, model.face_names, args.labels, classes)
    if labels.note:
        print(f"graphssl: note: {labels.note}", file=sys.stderr)
    png = draw_part(model, labels, args.png, names=names)
    source = labels.source or ("face names" if labels.classes is not None else "none")
    print(f"wrote {png} (labels: {source})")
    return 0


def run_extract(args) -> int:
    from graphssl.cad.extract import read_step
    from graphssl.data.rejects import Reject, report_rejects
    from graphssl.errors import GraphSSLError

    options = _options(args)
    graphs, rejects = [], []
    for path in args.steps:
        try:
            data = read_step(path, **options.settings())
        except GraphSSLError as exc:
            if len(args.steps) == 1:
                raise
            rejects.append(Reject(path, Path(path).stem, str(exc).splitlines()[0]))
            continue
        graphs.append(data)
        degenerate = int(data.edge_attr[:, 11].sum()) // 2
        print(f"{path}: {data.num_nodes} faces, {data.edge_index.shape[1] // 2} B-rep edges in the graph "
              f"({degenerate} degenerate), x {tuple(data.x.shape)}, face_grid {tuple(data.face_grid.shape)}")
    if args.out and graphs:
        import torch

        args.out.parent.mkdir(parents=True, exist_ok=True)
        torch.save(graphs, args.out)
        print(f"saved {len(graphs)} graphs to {args.out}")
    report_rejects(rejects, total=len(args.steps), what="cad extract",
                   out_dir=args.out.parent if args.out else None)
    return (2 if not graphs else 1) if rejects else 0


def _load_dataset(args):
    import graphssl.cad.datasets as datasets
    from graphssl.errors import ConfigError

    generated = args.dataset == GENERATED
    if generated and args.root is not None:
        raise ConfigError(f"ROOT: {GENERATED} generates its parts into the cache and takes no ROOT "
                          f"(got {args.root!r}); use --num-parts and --seed")
    if not generated and args.root is None:
        raise ConfigError(f"ROOT: {args.dataset} needs its dataset folder")
    for flag, value in (("--num-parts", args.num_parts), ("--seed", args.seed)):
        if not generated and value is not None:
            raise ConfigError(f"{flag}: applies only to {GENERATED}, not {args.dataset}")
    factory = getattr(datasets, CAD_DATASETS[args.dataset])
    splits = (*(datasets.MFInstSeg.splits if generated else factory.splits), "all")
    if args.split not in splits:
        raise ConfigError(f"--split: {args.dataset} has splits {', '.join(splits)}, not {args.split!r}")
    options = _options(args)
    with warnings.catch_warnings():
        # The dataset's extraction warning is replaced by the reject report of the command.
        warnings.filterwarnings("ignore", message=r".* files rejected ")
        if generated:
            return factory(num_parts=args.num_parts or 200, seed=args.seed or 0, split=args.split,
                           options=options.settings(), num_workers=args.workers)
        return factory(args.root, split=args.split, options=options, num_workers=args.workers)


def _report(dataset, args) -> None:
    from graphssl.data.rejects import report_rejects

    report_rejects(dataset.rejects, total=len(dataset) + len(dataset.rejects),
                   what=f"{args.dataset} {args.split}", out_dir=None)


def run_dataset(args) -> int:
    dataset = _load_dataset(args)
    faces = sum(int(d.num_nodes) for d in dataset)
    print(f"{dataset}: {faces} faces, {dataset.num_classes} classes, cache {dataset.processed_dir}")
    _report(dataset, args)
    if dataset.rejects:
        print(f"rejected files and reasons: {Path(dataset.processed_dir) / f'{args.split}.rejects.csv'}")
    return 0


def run_stats(args) -> int:
    from graphssl.cad.normalize import FeatureStats

    dataset = _load_dataset(args)
    _report(dataset, args)
    stats = FeatureStats.fit(dataset)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    stats.save(args.out)
    print(f"fitted on {stats.num_graphs} graphs ({stats.num_faces} faces); wrote {args.out}")
    return 0


def run_predict(args) -> int:
    import json
    from collections import Counter

    from graphssl.brepmae.prediction import extraction_options, predict, resolve_segmenter
    from graphssl.errors import ConfigError

    segmenter = resolve_segmenter(args.model)
    options = extraction_options(segmenter.card)
    flags = (("--face-grid", "face_grid_size", args.face_grid and tuple(args.face_grid)),
             ("--edge-grid", "edge_grid_size", args.edge_grid))
    for flag, key, value in flags:
        if value is not None and value != getattr(options, key):
            expected = getattr(options, key)
            raise ConfigError(f"{flag}: the model {args.model} was trained on {key}="
                              f"{list(expected) if isinstance(expected, tuple) else expected}, the extraction asks "
                              f"for {list(value) if isinstance(value, tuple) else value}")
    results = predict(args.steps, segmenter, png=args.png, progress=len(args.steps) > 1 and not args.quiet,
                      skip_errors=True)
    failed = [r for r in results if r.error is not None]
    for result in results:
        if result.error is not None:
            print(f"graphssl: error: {result.error}", file=sys.stderr)
            continue
        counts = Counter(face.class_name for face in result.faces)
        degenerate = sum(face.degenerate for face in result.faces)
        print(f"{result.file}: {len(result.faces)} faces ({degenerate} degenerate): "
              + ", ".join(f"{name} {n}" for name, n in counts.most_common()))
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        payload = {"model": segmenter.card.get("name"), "classes": segmenter.card["classes"],
                   "parts": [r.to_dict() for r in results]}
        args.json.write_text(json.dumps(payload, indent=2) + "\n")
        print(f"wrote {args.json}")
    if failed:
        print(f"graphssl: cad predict: {len(failed)} of {len(results)} files failed", file=sys.stderr)
    return (2 if len(failed) == len(results) else 1) if failed else 0
