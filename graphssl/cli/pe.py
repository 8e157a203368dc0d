"""``graphssl pe``: compute positional/structural encodings of graphs in a file."""

from __future__ import annotations

import argparse

DESCRIPTION = "Compute positional and structural encodings (PSE) of the graphs in INPUT into one .npz file."

EPILOG = """\
kinds (--kinds, comma separated; kind:N sets the size):
  rwse:K        rwse [N, K]            random-walk return probabilities, steps 1..K (default K=20)
  lap:K         lap [N, K]             Laplacian eigenvectors, smallest non-zero eigenvalues (default K=8)
                lap_mask [N, K]        False in padded columns (graph has fewer than K)
                lap_eigvals [N, K]     the graph's eigenvalues, repeated on every node
  heat:K        heat [N, K]            heat-kernel diagonal at times 1..K (default K=8)
  electrostatic electrostatic [N, 10]  electrostatic potential statistics
                electrostatic_matrix [N, N]  potential at i of a unit charge at j, 0 across components
  spd:D         spd [N, D+1]           nodes at distance 1..D, last column farther (default D=10)
                spd_matrix [N, N]      hop distance of every pair, -1 across components
  resistance    resistance [N, 3]      mean, max effective resistance; expected spanning-tree degree
                resistance_matrix [N, N]  effective resistance of every pair, inf across components
  rrwp:K        rrwp [N, K]            random-walk probabilities i -> i after 0..K-1 steps (default K=8)
                rrwp_matrix [N, N, K]  the same for every pair i -> j (GRIT's RRWP)
  degree        degree [N, 1]          weighted degree
  clustering    clustering [N, 1]      local clustering coefficient
  pagerank      pagerank [N, 1]        PageRank times the graph's node count
  cycles:L      cycles [N, L-2]        simple cycles of length 3..L through each node (default L=8)
  louvain       louvain [N, 1]         Louvain community label (int64, networkx, seed 0)

Rows follow the input's node order (edge lists: order of first appearance; the
`nodes` array holds the labels). Every file also holds `ptr` [G+1]: graph g owns
rows ptr[g]:ptr[g+1]. With several graphs (a PyG dataset) the node arrays are
concatenated graph by graph, pair matrices are flattened row-major per graph and
concatenated (`pair_ptr` [G+1] gives their offsets), and a graph that cannot be
encoded gets no rows and an entry in `rejected` [R] (graph index) with its
reason in `reject_reasons` [R]. Details: docs/pe.md.
"""

#: How the messages of graphssl.pe spell a parameter here (see :mod:`graphssl.pe.hints`).
FLAGS = {
    "directed": "--directed",
    "fmt": "--format",
    "max_nodes": "--max-nodes",
    "max_paths": "--max-paths",
    "max_length": "the L of cycles:L in --kinds",
}
#: The only output format: one file holding every array.
OUT_SUFFIX = ".npz"


def kinds_spec(text: str) -> str:
    """``--kinds``: checked when the command line is read (names, sizes, repeats)."""
    import argparse

    from graphssl.errors import ConfigError
    from graphssl.pe.registry import parse_spec

    try:
        parse_spec(text)
    except ConfigError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def kind_param(text: str) -> tuple[str, str, object]:
    """``--kind-param KIND.KEY=VALUE``: one constructor argument of one kind; VALUE is read as a YAML scalar."""
    import argparse

    import yaml

    name, equals, raw = text.partition("=")
    kind, dot, key = name.partition(".")
    if not equals or not dot or not kind or not key.isidentifier():
        raise argparse.ArgumentTypeError(f"expected KIND.KEY=VALUE (e.g. gfse.checkpoint=model.pt), got {text!r}")
    try:
        value = yaml.safe_load(raw) if raw.strip() else raw
    except yaml.YAMLError:
        value = raw
    return kind, key, value


def kind_params(items: list[tuple[str, str, object]], spec: str) -> dict[str, dict[str, object]]:
    """``--kind-param`` items grouped by kind; a kind missing from ``--kinds`` or given a key twice is refused."""
    from graphssl.errors import ConfigError
    from graphssl.pe.registry import parse_spec

    listed = dict(parse_spec(spec))
    params: dict[str, dict[str, object]] = {}
    for kind, key, value in items:
        if kind not in listed:
            raise ConfigError(f"--kind-param {kind}.{key}: kind {kind!r} is not in --kinds {spec!r}")
        if key in listed[kind]:
            raise ConfigError(f"--kind-param {kind}.{key}: already set by {kind}:{listed[kind][key]} in --kinds")
        if key in params.setdefault(kind, {}):
            raise ConfigError(f"--kind-param {kind}.{key}: given twice")
        params[kind][key] = value
    return params


def npz_path(text: str) -> str:
    """``--out``: a path ending in ``.npz``; other suffixes cannot be honoured (several arrays of different shapes)."""
    import argparse
    from pathlib import Path

    if Path(text).suffix.lower() != OUT_SUFFIX:
        raise argparse.ArgumentTypeError(
            f"must end in {OUT_SUFFIX} (the output is one NumPy archive holding every array; "
            f"no other format can hold them), got {text!r}"
        )
    return text


def add_parser(subparsers) -> argparse.ArgumentParser:
    from graphssl.cli._args import positive_int

    parser = subparsers.add_parser(
        "pe",
        help="compute positional/structural encodings into an .npz file",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "input", metavar="INPUT", help="edge list, GraphML/GML/GEXF/adjlist/Pajek file, or saved PyG dataset (.pt)"
    )
    parser.add_argument(
        "--kinds", type=kinds_spec, default="rwse:20,lap:8", help="encodings to compute (default: rwse:20,lap:8)"
    )
    parser.add_argument("--out", type=npz_path, required=True, metavar="OUT.npz", help="output file (.npz)")
    parser.add_argument(
        "--format",
        default="auto",
        choices=["auto", "edgelist", "graphml", "gml", "gexf", "adjlist", "pajek", "pyg"],
        help="input format (default: from the extension)",
    )
    parser.add_argument(
        "--directed",
        default="raise",
        choices=["raise", "symmetrize"],
        help="a graph with an edge lacking its reverse is rejected (raise, default) or symmetrized as max(A, A^T)",
    )
    parser.add_argument("--weight", default="weight", help="edge attribute used as weight in networkx files")
    # Defaults stay with the kinds (graphssl.pe), so `graphssl --help` need not import torch to show them.
    parser.add_argument(
        "--max-nodes",
        type=positive_int,
        metavar="N",
        help="largest graph the pairwise kinds (spd, resistance, electrostatic, rrwp) accept (default: 2048)",
    )
    parser.add_argument(
        "--max-paths",
        type=positive_int,
        metavar="N",
        help="cap on simultaneously open paths while counting cycles (default: 2000000)",
    )
    parser.add_argument(
        "--kind-param",
        type=kind_param,
        action="append",
        default=[],
        metavar="KIND.KEY=VALUE",
        help="a constructor argument of one kind in --kinds, e.g. gfse.checkpoint=model.pt (repeatable)",
    )
    parser.add_argument("--batch-size", type=positive_int, default=1024, help="graphs encoded together (default: 1024)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    import sys

    from graphssl.errors import GraphSSLError, InvalidGraphError
    from graphssl.pe.hints import spell
    from graphssl.pe.io import read_input
    from graphssl.pe.pairs import PairwisePSE
    from graphssl.pe.registry import KINDS, parse_kinds
    from graphssl.pe.runner import encode_all, to_arrays

    pairwise = {"pairs": True, **({"max_nodes": args.max_nodes} if args.max_nodes else {})}
    extra = {name: pairwise for name, cls in KINDS.items() if issubclass(cls, PairwisePSE)}
    extra["cycles"] = {"max_paths": args.max_paths} if args.max_paths else {}
    try:
        for kind, params in kind_params(args.kind_param, args.kinds).items():
            extra[kind] = {**extra.get(kind, {}), **params}
        encodings = parse_kinds(args.kinds, args.directed, **extra)
        source = read_input(args.input, args.format, args.weight)
    except GraphSSLError as exc:
        raise type(exc)(spell(exc, FLAGS)) from None
    result = encode_all(source, encodings, batch_size=args.batch_size, progress=not args.quiet and len(source) > 1)
    if len(result.rejects) == len(source):
        first = spell(result.rejects[0][1], FLAGS)
        many = f"all {len(source)} graphs rejected; first: " if len(source) > 1 else ""
        raise InvalidGraphError(f"{args.input}: {many}{first}")
    arrays = to_arrays(result, node_names=source.node_names, reason=lambda error: spell(error, FLAGS))
    _save(args.out, arrays)
    if not args.quiet:
        shapes = ", ".join(f"{k} {list(v.shape)}" for k, v in arrays.items() if k not in ("nodes", "reject_reasons"))
        print(f"wrote {args.out}: {len(source)} graph(s); {shapes}")
    if result.rejects:
        count = len(result.rejects)
        print(
            f"graphssl: {args.input}: {count} of {len(source)} graphs rejected (indices in `rejected`, reasons in "
            f"`reject_reasons` of {args.out}); first: {arrays['reject_reasons'][0]}",
            file=sys.stderr,
        )
    return 0
def _save(path: str, arrays: dict) -> None:
    import numpy as np

    from graphssl.errors import InputFileError

    try:
        with open(path, "wb") as handle:
            np.savez(handle, **arrays)
    except OSError as exc:
        raise InputFileError(f"{path}: cannot write ({exc.strerror})") from None
