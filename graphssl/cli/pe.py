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
  spd:D         spd [N, D+1]           nodes at distance 1..D, last column farther (default D=10)
                spd_matrix [N, N]      hop distance of every pair, -1 across components
  resistance    resistance [N, 3]      mean, max effective resistance; expected spanning-tree degree
                resistance_matrix [N, N]  effective resistance of every pair, inf across components
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

#: Output names rewritten for the file: pair values become per-graph matrices.
PAIR_ARRAYS = {"spd_pair_dist": "spd_matrix", "resistance_pair_value": "resistance_matrix"}


def add_parser(subparsers) -> argparse.ArgumentParser:
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
    parser.add_argument("--kinds", default="rwse:20,lap:8", help="encodings to compute (default: rwse:20,lap:8)")
    parser.add_argument("--out", required=True, metavar="OUT.npz", help="output file")
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
    parser.add_argument("--batch-size", type=int, default=1024, help="graphs encoded together (default: 1024)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    import sys

    from graphssl.pe.io import read_input
    from graphssl.pe.registry import parse_kinds
    from graphssl.pe.runner import encode_all, to_arrays

    encodings = parse_kinds(args.kinds, args.directed, spd={"pairs": True}, resistance={"pairs": True})
    source = read_input(args.input, args.format, args.weight)
    result = encode_all(source, encodings, batch_size=args.batch_size, progress=not args.quiet and len(source) > 1)
    if len(source) == 1 and result.rejects:
        raise result.rejects[0][1]
    arrays = to_arrays(result, PAIR_ARRAYS, node_names=source.node_names)
    _save(args.out, arrays)
    if not args.quiet:
        shapes = ", ".join(f"{k} {list(v.shape)}" for k, v in arrays.items() if k not in ("nodes", "reject_reasons"))
        print(f"wrote {args.out}: {len(source)} graph(s); {shapes}")
        for index, error in result.rejects:
            print(f"rejected graph {index}: {error}", file=sys.stderr)
    return 0


def _save(path: str, arrays: dict) -> None:
    import numpy as np

    from graphssl.errors import InputFileError

    try:
        with open(path, "wb") as handle:
            np.savez(handle, **arrays)
    except OSError as exc:
        raise InputFileError(f"{path}: cannot write ({exc.strerror})") from None
