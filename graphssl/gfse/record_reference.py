"""Record a GFSE checkpoint's outputs on a fixed graph, so a shipped checkpoint can be checked offline later.

GFSE (Chen et al., WWW 2026, https://arxiv.org/abs/2504.10917). The issue's
"done" list asks that the shipped ``gfse-small`` loads offline and
reproduces its recorded outputs on a fixed graph; this writes those outputs
(``tests/gfse/test_shipped.py`` compares the shipped files against them)::

    python -m graphssl.gfse.record_reference graphssl/checkpoints/gfse-small.pt graphssl/checkpoints/gfse-small.reference.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import torch
from torch_geometric.data import Data

#: Tolerance a reproduction is held to (float32 CPU arithmetic, any thread count).
ATOL = 1e-4


def reference_graph() -> Data:
    """11 nodes: a triangle with a pendant path, a 4-cycle, and an isolated node (three components)."""
    edges = torch.tensor([[0, 1], [1, 2], [2, 0], [2, 3], [3, 4], [4, 5], [6, 7], [7, 8], [8, 9], [9, 6]]).t()
    return Data(edge_index=torch.cat([edges, edges.flip(0)], 1), num_nodes=11)


def reference_outputs(checkpoint: str | Path) -> dict:
    """``{"node": [N, d], "graph": [1, d]}`` of ``checkpoint``'s encoder (eval mode) on :func:`reference_graph`."""
    from graphssl.gfse.transform import load_gfse

    encoder = load_gfse(checkpoint)
    with torch.no_grad():
        out = encoder(reference_graph())
    return {"node": out.node, "graph": out.graph}


def record(checkpoint: str | Path, out: str | Path) -> dict:
    """Write the outputs of ``checkpoint`` on the reference graph, with the file's sha256, to ``out`` (JSON)."""
    from graphssl.train.pretrained import checkpoint_file

    path = checkpoint_file(checkpoint)
    outputs = reference_outputs(checkpoint)
    graph = reference_graph()
    entry = {"checkpoint": path.name, "sha256": hashlib.sha256(path.read_bytes()).hexdigest(), "atol": ATOL,
             "graph": {"edge_index": graph.edge_index.tolist(), "num_nodes": int(graph.num_nodes)},
             **{key: value.tolist() for key, value in outputs.items()}}
    Path(out).write_text(json.dumps(entry) + "\n")
    return entry


def max_deviation(checkpoint: str | Path, reference: str | Path) -> float:
    """Largest absolute difference between ``checkpoint``'s outputs now and those recorded in ``reference``."""
    recorded = json.loads(Path(reference).read_text())
    outputs = reference_outputs(checkpoint)
    return max(float((outputs[key] - torch.tensor(recorded[key])).abs().max()) for key in ("node", "graph"))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m graphssl.gfse.record_reference",
                                     description="Record a GFSE checkpoint's outputs on the fixed reference graph.")
    parser.add_argument("checkpoint", help="checkpoint file, run folder or shipped name")
    parser.add_argument("out", help="output JSON file")
    args = parser.parse_args(argv)
    from graphssl.errors import GraphSSLError

    try:
        entry = record(args.checkpoint, args.out)
    except GraphSSLError as exc:
        print(f"record_reference: error: {exc}", file=sys.stderr)
        return 2
    print(f"{args.out}: {len(entry['node'])} x {len(entry['node'][0])} node outputs of {entry['checkpoint']} "
          f"(sha256 {entry['sha256'][:12]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
