"""GFSE downstream evaluation: TU graph classification (GIN) and Planetoid node classification (GCN) per PSE.

Issue 14's tables for GFSE (Chen et al., "Towards A Universal Graph
Structural Encoder", WWW 2026, https://arxiv.org/abs/2504.10917). PSE is one
of ``none``, ``lap`` (LapPE(8)), ``rwse`` (RWSE(16)), ``lap+rwse``, ``gfse``
(frozen: the ``gfse`` transform plus ``pse: {inputs: {gfse: d}}``) and
``gfse_ft`` (the ``gfse`` node input, fine-tuned with the GNN); each PSE is
mapped to 16 input columns.

- TU (MUTAG, PTC, NCI1, PROTEINS, IMDB-B, IMDB-M): GIN, 5 layers of 64, sum
  readout (Xu et al., ICLR 2019), Adam lr 0.01, batch 32, on the shipped
  10-fold indices; mean ± std of test accuracy over folds at the epoch with
  the best mean accuracy (the GIN paper's protocol) and at the last epoch,
  beside GIN-0's published accuracies.
- Planetoid (Cora, CiteSeer, public split): 2-layer GCN 64 wide, dropout 0.5,
  weight decay 5e-4, one run per seed, test accuracy at the epoch selected on
  validation, beside Kipf & Welling's GCN.

Every (dataset, PSE, fold or seed) is one record appended to
``OUT/records.jsonl`` as soon as it is done; ``--resume`` skips the records
already there (same epochs and checkpoint), so the tables can be run in
pieces. ``OUT/results.md`` and ``OUT/results.json`` are rewritten from all
records after each one. Precomputed PSEs (LapPE, RWSE, frozen GFSE) and the
fine-tuned GFSE's structural inputs are computed once per dataset and PSE,
not per fold or epoch.

Usage::

    OMP_NUM_THREADS=1 python scripts/gfse_eval.py --checkpoint gfse-small --out runs/gfse_eval --epochs 100
    python scripts/gfse_eval.py --checkpoint X --datasets MUTAG --pse none,gfse --folds 1,2 --epochs 5 --out O --resume
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

PSES = ("none", "lap", "rwse", "lap+rwse", "gfse", "gfse_ft")
#: Table name -> folder under ``--tu-root``.
TU = {"MUTAG": "MUTAG", "PTC": "PTC", "NCI1": "NCI1", "PROTEINS": "PROTEINS", "IMDB-B": "IMDBBINARY",
      "IMDB-M": "IMDBMULTI"}
PLANETOID = ("Cora", "CiteSeer")
#: GIN-0 test accuracy (%), Xu et al. 2019, Table 2.
TU_ANCHORS = {"MUTAG": 89.4, "PTC": 64.6, "NCI1": 82.7, "PROTEINS": 76.2, "IMDB-B": 75.1, "IMDB-M": 52.3}
#: GCN test accuracy (%), Kipf & Welling 2017, Table 2.
PLANETOID_ANCHORS = {"Cora": 81.5, "CiteSeer": 70.3}
PSE_DIM = 16
ALIASES = {"IMDBBINARY": "IMDB-B", "IMDBMULTI": "IMDB-M", "CORA": "Cora", "CITESEER": "CiteSeer"}


def dataset_name(text: str) -> str:
    """The table name of ``text`` (``imdb-b``, ``IMDBBINARY`` and ``IMDB-B`` are one dataset)."""
    upper = text.strip().upper()
    for name in (*TU, *PLANETOID):
        if upper == name.upper():
            return name
    if upper in ALIASES:
        return ALIASES[upper]
    raise argparse.ArgumentTypeError(f"unknown dataset {text!r}; choose from {', '.join((*TU, *PLANETOID))}")


def apply_batched(transform, graphs: list) -> list:
    """``graphs`` with ``transform``'s batched outputs attached (one call for the whole dataset)."""
    from graphssl.data.prepare import attach_outputs

    graphs = [graph.clone() for graph in graphs]
    attach_outputs(transform, graphs, transform.compute(graphs))
    return graphs


def pse_setup(pse: str, checkpoint: str | None):
    """``(transforms, encoder extras)`` of one PSE choice; the transforms run once per dataset."""
    from graphssl.pe import AddPSE, LapPE, RWSE

    if pse == "none":
        return [], {}
    if pse in ("gfse", "gfse_ft"):
        from graphssl.gfse import GFSETransform, load_gfse
        from graphssl.gfse.precompute import GFSEInputs

        if checkpoint is None:
            raise SystemExit(f"gfse_eval: error: --pse {pse} needs --checkpoint")
        gfse = load_gfse(checkpoint)
        if pse == "gfse":
            return [GFSETransform(checkpoint)], {"pse": {"inputs": {"gfse": gfse.out_dim}, "dim": PSE_DIM}}
        # The structure never changes downstream: the live encoder reads its inputs precomputed once.
        inputs = GFSEInputs(gfse.config.rwse_k, gfse.config.rrwp_k, gfse.config.max_attention_nodes)
        return [inputs], {"gfse_input": {"name": "gfse", "dim": PSE_DIM,
                                         "params": {"checkpoint": checkpoint, "width": gfse.out_dim}}}
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


class Records:
    """``OUT/records.jsonl``: one JSON line per finished (dataset, PSE, fold or seed)."""

    def __init__(self, out: Path, resume: bool) -> None:
        self.path = out / "records.jsonl"
        if self.path.exists() and not resume:
            raise SystemExit(f"gfse_eval: error: {self.path} already holds records; pass --resume to continue or "
                             "choose another --out")
        self.rows = []
        if self.path.exists():
            for number, line in enumerate(self.path.read_text().splitlines(), 1):
                try:
                    self.rows.append(json.loads(line))
                except json.JSONDecodeError:
                    raise SystemExit(f"gfse_eval: error: {self.path}:{number}: not a JSON record") from None

    @staticmethod
    def key(row: dict) -> tuple:
        return row["dataset"], row["pse"], row.get("fold", row.get("seed")), row["epochs"], row.get("checkpoint")

    def has(self, row: dict) -> bool:
        return any(self.key(r) == self.key(row) for r in self.rows)

    def add(self, row: dict) -> None:
        self.rows.append(row)
        with open(self.path, "a") as handle:
            handle.write(json.dumps(row) + "\n")


def tu_graphs(root: str, name: str):
    from graphssl.data.tu import GINTUDataset

    dataset = GINTUDataset(root, TU[name])
    return list(dataset.graphs), dataset.spec


def run_tu_fold(args, name: str, pse: str, graphs, spec, extra: dict, fold: int) -> dict:
    """Test accuracy after every epoch of one fold."""
    from graphssl.data.prepare import GraphList
    from graphssl.eval import EvalTask, FinetuneConfig, finetune, kfold_from_files

    labels = sorted({int(g.y.view(-1)[0]) for g in graphs})
    section = encoder_section({"conv": "gin", "hidden_dim": 64, "num_layers": 5, "readout": "sum"}, extra, "categorical")
    split = kfold_from_files(Path(args.tu_root) / TU[name] / "10fold_idx", fold, len(graphs))
    config = FinetuneConfig(epochs=args.epochs, batch_size=32, lr=0.01, test_every_epoch=True, seed=fold)
    result = finetune(section, GraphList(graphs, spec), split, EvalTask("multiclass", num_outputs=len(labels)), config)
    return {"curve": [entry["test"]["accuracy"] for entry in result["history"]]}


def planetoid_graph(root: str, name: str):
    from torch_geometric.data import Data

    from graphssl.gfse.corpus.citation import load_planetoid

    graph = load_planetoid(root, name)[0]
    return graph, Data(x=graph.x, edge_index=graph.edge_index, y=graph.y, num_nodes=graph.num_nodes)


def run_planetoid_seed(args, graph, data, extra: dict, seed: int) -> dict:
    """Test accuracy at the epoch selected on validation, for one seed."""
    from graphssl.data.prepare import GraphList
    from graphssl.data.spec import GraphSpec
    from graphssl.eval import EvalTask, FinetuneConfig, finetune
    from graphssl.eval.splits import Split

    split = Split(*(mask.nonzero().view(-1).numpy() for mask in (graph.train_mask, graph.val_mask, graph.test_mask)))
    section = encoder_section({"conv": "gcn", "hidden_dim": 64, "num_layers": 2, "dropout": 0.5, "norm": "none"},
                              extra, "continuous")
    task = EvalTask("multiclass", num_outputs=int(graph.y.max()) + 1, level="node")
    config = FinetuneConfig(epochs=args.planetoid_epochs, lr=0.01, weight_decay=5e-4, seed=seed)
    result = finetune(section, GraphList(data, GraphSpec(node_continuous=int(graph.x.shape[1]))), split, task, config)
    return {"test": result["test"]["accuracy"], "best_epoch": result["best_epoch"]}


def _mean_std(values) -> dict:
    return {"mean": 100 * float(np.mean(values)), "std": 100 * float(np.std(values)), "n": len(values)}


def summarise(rows: list[dict], args) -> dict:
    """Per (dataset, PSE): TU at the best-mean and the last epoch over the folds present; Planetoid over seeds."""
    tu, planetoid = {}, {}
    for name in TU:
        for pse in PSES:
            curves = [r["curve"] for r in rows if r["dataset"] == name and r["pse"] == pse and r["epochs"] == args.epochs
                      and r.get("checkpoint") in (None, args.checkpoint)]
            if curves:
                curves = np.array(curves)
                best = int(curves.mean(axis=0).argmax())
                tu.setdefault(name, {})[pse] = {"best_mean_epoch": {"epoch": best + 1, **_mean_std(curves[:, best])},
                                                "last_epoch": _mean_std(curves[:, -1])}
    for name in PLANETOID:
        for pse in PSES:
            tests = [r["test"] for r in rows if r["dataset"] == name and r["pse"] == pse
                     and r["epochs"] == args.planetoid_epochs and r.get("checkpoint") in (None, args.checkpoint)]
            if tests:
                planetoid.setdefault(name, {})[pse] = _mean_std(tests)
    return {"tu": tu, "planetoid": planetoid, "tu_epochs": args.epochs, "planetoid_epochs": args.planetoid_epochs,
            "checkpoint": args.checkpoint}


def cell(entry: dict | None, total: int) -> str:
    if entry is None:
        return "–"
    partial = "" if entry["n"] == total else f" ({entry['n']}/{total})"
    return f"{entry['mean']:.1f} ± {entry['std']:.1f}{partial}"


def markdown(summary: dict) -> str:
    """The two TU tables and the Planetoid table; a cell with fewer folds or seeds than the protocol says so."""
    header = "| dataset | " + " | ".join(PSES) + " | anchor |\n|---|" + "---|" * (len(PSES) + 1) + "\n"
    lines = [f"GFSE checkpoint: {summary['checkpoint']}\n"]
    for protocol, title in (("best_mean_epoch", "best mean epoch over folds (GIN protocol)"),
                            ("last_epoch", "last epoch")):
        lines.append(f"### TU, GIN 5x64 sum readout, {summary['tu_epochs']} epochs, test accuracy (%) at the {title}\n")
        lines.append(header.replace("anchor", "GIN-0 (Xu et al.)"))
        for name in TU:
            cells = [cell(summary["tu"].get(name, {}).get(pse, {}).get(protocol), 10) for pse in PSES]
            lines.append(f"| {name} | " + " | ".join(cells) + f" | {TU_ANCHORS[name]} |\n")
        lines.append("\n")
    lines.append(f"### Planetoid, 2-layer GCN, {summary['planetoid_epochs']} epochs, test accuracy (%) "
                 "selected on validation, over seeds\n")
    lines.append(header.replace("anchor", "GCN (Kipf & Welling)"))
    for name in PLANETOID:
        cells = [cell(summary["planetoid"].get(name, {}).get(pse), 10) for pse in PSES]
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {PLANETOID_ANCHORS[name]} |\n")
    return "".join(lines)


def write_tables(records: Records, args, out: Path) -> None:
    summary = summarise(records.rows, args)
    (out / "results.json").write_text(json.dumps(summary, indent=2) + "\n")
    (out / "results.md").write_text(markdown(summary))


def int_list(text: str) -> list[int]:
    """``"3"`` -> ``[1, 2, 3]`` (the first three); ``"2,5"`` or ``"4-6"`` -> those (1-based)."""
    try:
        if "," not in text and "-" not in text:
            return list(range(1, int(text) + 1))
        values = []
        for part in text.split(","):
            low, _, high = part.partition("-")
            values += list(range(int(low), int(high or low) + 1))
        return values
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a count (3), a list (1,4) or a range (2-5), got {text!r}") from None


def parse_args(argv=None) -> argparse.Namespace:
    from graphssl.cli._args import positive_int

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checkpoint", help="GFSE checkpoint (file, run folder or shipped name); needed for gfse, gfse_ft")
    parser.add_argument("--datasets", default=",".join((*TU, *PLANETOID)),
                        help="comma separated, from the TU and Planetoid names (default: all eight)")
    parser.add_argument("--pse", default=",".join(PSES), help=f"PSE choices from {', '.join(PSES)} (default: all)")
    parser.add_argument("--tu-root", default="../shared/data/tu")
    parser.add_argument("--planetoid-root", default="../shared/data/planetoid")
    parser.add_argument("--folds", type=int_list, default=list(range(1, 11)),
                        help="TU folds: a count (3: folds 1-3), a list (1,4) or a range (2-5) (default 10)")
    parser.add_argument("--seeds", type=int_list, default=list(range(1, 11)),
                        help="Planetoid seeds, same forms as --folds (default 10: seeds 1-10)")
    parser.add_argument("--epochs", type=positive_int, default=350, help="TU training epochs (default 350, as GIN)")
    parser.add_argument("--planetoid-epochs", type=positive_int, default=200,
                        help="Planetoid training epochs (default 200, as Kipf & Welling)")
    parser.add_argument("--resume", action="store_true", help="keep OUT/records.jsonl and skip the records in it")
    parser.add_argument("--out", required=True, help="output folder: records.jsonl, results.md, results.json")
    args = parser.parse_args(argv)
    try:
        args.datasets = [dataset_name(d) for d in args.datasets.split(",") if d.strip()]
    except argparse.ArgumentTypeError as exc:
        parser.error(f"--datasets: {exc}")
    args.pse = [p for p in args.pse.split(",") if p]
    unknown = [p for p in args.pse if p not in PSES]
    if unknown:
        parser.error(f"--pse: unknown choice {unknown[0]!r}; choose from {', '.join(PSES)}")
    if any(p.startswith("gfse") for p in args.pse) and not args.checkpoint:
        parser.error("--pse gfse/gfse_ft needs --checkpoint")
    bad = [f for f in args.folds if not 1 <= f <= 10]
    if bad:
        parser.error(f"--folds: fold {bad[0]} is not in 1..10")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    if any(p.startswith("gfse") for p in args.pse):
        import graphssl.gfse  # noqa: F401  (registers the gfse transform and node input)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    records = Records(out, args.resume)
    for name in args.datasets:
        tu = name in TU
        if tu:
            source, spec = tu_graphs(args.tu_root, name)
        else:
            graph, data = planetoid_graph(args.planetoid_root, name)
        for pse in args.pse:
            pieces = args.folds if tu else args.seeds
            todo = [i for i in pieces if not records.has({"dataset": name, "pse": pse, ("fold" if tu else "seed"): i,
                                                          "epochs": args.epochs if tu else args.planetoid_epochs,
                                                          "checkpoint": args.checkpoint if pse.startswith("gfse") else None})]
            if not todo:
                continue
            start = time.perf_counter()
            transforms, extra = pse_setup(pse, args.checkpoint)
            prepared = source if tu else [data]
            for transform in transforms:
                prepared = apply_batched(transform, prepared)
            prepare_s = time.perf_counter() - start
            for index in todo:
                start = time.perf_counter()
                if tu:
                    row = {"dataset": name, "pse": pse, "fold": index, "epochs": args.epochs,
                           **run_tu_fold(args, name, pse, prepared, spec, extra, index)}
                else:
                    row = {"dataset": name, "pse": pse, "seed": index, "epochs": args.planetoid_epochs,
                           **run_planetoid_seed(args, graph, prepared, extra, index)}
                row.update(checkpoint=args.checkpoint if pse.startswith("gfse") else None,
                           seconds=round(time.perf_counter() - start, 2), prepare_seconds=round(prepare_s, 2))
                records.add(row)
                write_tables(records, args, out)
                print(json.dumps({k: v for k, v in row.items() if k != "curve"}), file=sys.stderr, flush=True)
    write_tables(records, args, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
