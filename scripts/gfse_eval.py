"""GFSE downstream evaluation: TU graph classification (GIN) and Planetoid node classification (GCN) per PSE.

Issue 14's tables (Chen et al., "Towards A Universal Graph Structural
Encoder", WWW 2026). PSE is one of ``none``, ``lap`` (LapPE(8)), ``rwse``
(RWSE(16)), ``lap+rwse``, ``gfse`` (frozen: the ``gfse`` transform plus
``pse: {inputs: {gfse: d}}``) and ``gfse_ft`` (the ``gfse`` node input,
fine-tuned with the GNN).

- TU: GIN, 5 layers of 64, sum readout (Xu et al., ICLR 2019), on the shipped
  10-fold indices; mean ± std of test accuracy over folds at the epoch with
  the best mean accuracy (the GIN paper's protocol) and at the last epoch.
- Planetoid: 2-layer GCN on the public split, ``--seeds`` seeds, selected on validation.

Usage (full tables; not run yet, see docs/gfse.md)::

    python scripts/gfse_eval.py --checkpoint runs/gfse/model.pt --out runs/gfse_eval
    python scripts/gfse_eval.py --checkpoint X --tu MUTAG --pse none,gfse --folds 2 --epochs 2 --planetoid none
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

PSES = ("none", "lap", "rwse", "lap+rwse", "gfse", "gfse_ft")
TU = ("MUTAG", "PTC", "NCI1", "PROTEINS", "IMDBBINARY", "IMDBMULTI")
PSE_DIM = 16


def pse_setup(pse: str, checkpoint: str | None, gfse_width: int | None):
    """``(transforms, encoder keys)`` of one PSE choice."""
    from graphssl.pe import AddPSE, LapPE, RWSE

    if pse == "none":
        return [], {}
    if pse in ("gfse", "gfse_ft") and checkpoint is None:
        raise SystemExit(f"gfse_eval: error: --pse {pse} needs --checkpoint")
    if pse == "gfse":
        from graphssl.gfse import GFSETransform

        return [GFSETransform(checkpoint)], {"pse": {"inputs": {"gfse": gfse_width}, "dim": PSE_DIM}}
    if pse == "gfse_ft":
        return [], {"gfse_input": {"name": "gfse", "dim": PSE_DIM, "params": {"checkpoint": checkpoint}}}
    kinds = {"lap": [LapPE(k=8)], "rwse": [RWSE(k=16)], "lap+rwse": [LapPE(k=8), RWSE(k=16)]}[pse]
    inputs = {"lap": {"lap": 8}, "rwse": {"rwse": 16}, "lap+rwse": {"lap": 8, "rwse": 16}}[pse]
    return [AddPSE(kinds)], {"pse": {"inputs": inputs, "dim": PSE_DIM}}


def encoder_section(base: dict, extra: dict, feature_input: str) -> dict:
    """The encoder config: ``base`` plus the PSE; the fine-tuned GFSE goes into the node input slot."""
    section = dict(base)
    if "gfse_input" in extra:
        section["node_inputs"] = [{"name": feature_input}, extra["gfse_input"]]
    elif "pse" in extra:
        section["pse"] = extra["pse"]
    return section


def transformed(graphs, transforms):
    for transform in transforms:
        graphs = [transform(graph.clone()) for graph in graphs]
    return graphs


def run_tu(args, name: str, pse: str, width: int | None) -> dict:
    from graphssl.data.prepare import GraphList
    from graphssl.data.tu import GINTUDataset
    from graphssl.eval import EvalTask, FinetuneConfig, finetune, kfold_from_files

    dataset = GINTUDataset(args.tu_root, name)
    graphs = list(dataset.graphs)
    transforms, extra = pse_setup(pse, args.checkpoint, width)
    graphs = GraphList(transformed(graphs, transforms), dataset.spec)
    labels = sorted({int(g.y.view(-1)[0]) for g in graphs})
    section = encoder_section({"conv": "gin", "hidden_dim": 64, "num_layers": 5, "readout": "sum"}, extra, "categorical")
    task = EvalTask("multiclass", num_outputs=len(labels))
    curves = []
    for fold in range(1, args.folds + 1):
        split = kfold_from_files(Path(args.tu_root) / name / "10fold_idx", fold, len(graphs))
        config = FinetuneConfig(epochs=args.epochs, batch_size=32, lr=0.01, test_every_epoch=True, seed=fold)
        result = finetune(section, graphs, split, task, config)
        curves.append([entry["test"]["accuracy"] for entry in result["history"]])
    curves = np.array(curves)
    mean = curves.mean(axis=0)
    best = int(mean.argmax())
    return {"dataset": name, "pse": pse, "folds": args.folds, "epochs": args.epochs,
            "best_mean_epoch": {"epoch": best + 1, "mean": float(mean[best]), "std": float(curves[:, best].std())},
            "last_epoch": {"mean": float(mean[-1]), "std": float(curves[:, -1].std())}}


def run_planetoid(args, name: str, pse: str, width: int | None) -> dict:
    from graphssl.data.prepare import GraphList
    from graphssl.data.spec import GraphSpec
    from graphssl.eval import EvalTask, FinetuneConfig, finetune
    from graphssl.eval.splits import Split
    from graphssl.gfse.corpus.citation import load_planetoid
    from torch_geometric.data import Data

    graph = load_planetoid(args.planetoid_root, name)[0]
    data = Data(x=graph.x, edge_index=graph.edge_index, y=graph.y, num_nodes=graph.num_nodes)
    transforms, extra = pse_setup(pse, args.checkpoint, width)
    graphs = GraphList(transformed([data], transforms), GraphSpec(node_continuous=int(graph.x.shape[1])))
    split = Split(*(mask.nonzero().view(-1).numpy() for mask in (graph.train_mask, graph.val_mask, graph.test_mask)))
    section = encoder_section({"conv": "gcn", "hidden_dim": 64, "num_layers": 2, "dropout": 0.5, "norm": "none"},
                              extra, "continuous")
    task = EvalTask("multiclass", num_outputs=int(graph.y.max()) + 1, level="node")
    accuracies = [finetune(section, graphs, split, task, FinetuneConfig(epochs=args.epochs, lr=0.01, weight_decay=5e-4,
                                                                         seed=seed))["test"]["accuracy"]
                  for seed in range(args.seeds)]
    return {"dataset": name, "pse": pse, "seeds": args.seeds, "epochs": args.epochs,
            "mean": float(np.mean(accuracies)), "std": float(np.std(accuracies))}


def parse_args(argv=None) -> argparse.Namespace:
    from graphssl.cli._args import positive_int

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checkpoint", help="GFSE checkpoint (file, run folder or shipped name); needed for gfse, gfse_ft")
    parser.add_argument("--tu", default=",".join(TU), help="TU datasets, comma separated ('' for none)")
    parser.add_argument("--planetoid", default="Cora,CiteSeer", help="Planetoid datasets ('' or 'none' for none)")
    parser.add_argument("--pse", default=",".join(PSES), help=f"PSE choices from {', '.join(PSES)}")
    parser.add_argument("--tu-root", default="../shared/data/tu")
    parser.add_argument("--planetoid-root", default="../shared/data/planetoid")
    parser.add_argument("--folds", type=positive_int, default=10, help="TU folds, from 1 (default 10)")
    parser.add_argument("--epochs", type=positive_int, default=350, help="training epochs (default 350, as GIN)")
    parser.add_argument("--seeds", type=positive_int, default=10, help="Planetoid seeds (default 10)")
    parser.add_argument("--out", required=True, help="output folder: results.json")
    args = parser.parse_args(argv)
    args.pse = [p for p in args.pse.split(",") if p]
    unknown = [p for p in args.pse if p not in PSES]
    if unknown:
        parser.error(f"--pse: unknown choice {unknown[0]!r}; choose from {', '.join(PSES)}")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    width = None
    if args.checkpoint and any(p.startswith("gfse") for p in args.pse):
        import graphssl.gfse  # noqa: F401  (registers the gfse transform and input)
        from graphssl.gfse import load_gfse

        width = load_gfse(args.checkpoint).out_dim
    results = []
    for name in [n for n in args.tu.split(",") if n]:
        for pse in args.pse:
            results.append(run_tu(args, name, pse, width))
            print(json.dumps(results[-1]), file=sys.stderr)
    for name in [n for n in args.planetoid.split(",") if n and n != "none"]:
        for pse in args.pse:
            results.append(run_planetoid(args, name, pse, width))
            print(json.dumps(results[-1]), file=sys.stderr)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
