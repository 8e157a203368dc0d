"""The GFSE same-budget objective ablation as one table: one column per pretraining variant.

Issue 14's ablation (GFSE, Chen et al., WWW 2026, https://arxiv.org/abs/2504.10917):
each variant (the four objectives together, GPSE-style PSE regression, each
objective alone) is pretrained for the same steps on the same corpus, then
evaluated as a frozen PSE by ``scripts/gfse_eval.py --pse gfse`` into its own
folder. This reads those folders' ``results.json`` and writes the TU (best
mean epoch and last epoch) and Planetoid rows side by side, with the number of
datasets on which each variant is the best column and its mean over the datasets.

    python scripts/gfse_ablation_table.py runs/gfse_ablation_eval/{all,gpse,spd,motif,community,graph_contrast} \
        --out runs/gfse_ablation_eval/table.md
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gfse_eval import PLANETOID, PLANETOID_ANCHORS, TU, TU_ANCHORS, cell  # noqa: E402


def load(folder: Path, pse: str) -> dict:
    """``{"tu": {dataset: {protocol: cell}}, "planetoid": {dataset: cell}, ...}`` of ``pse`` in ``folder``."""
    path = folder / "results.json"
    if not path.is_file():
        raise SystemExit(f"gfse_ablation_table: {path}: no results.json (run scripts/gfse_eval.py --out {folder} first)")
    summary = json.loads(path.read_text())
    return {"tu": {name: cells[pse] for name, cells in summary["tu"].items() if pse in cells},
            "planetoid": {name: cells[pse] for name, cells in summary["planetoid"].items() if pse in cells},
            "tu_epochs": summary["tu_epochs"], "planetoid_epochs": summary["planetoid_epochs"]}


def table(labels: list[str], variants: list[dict], rows: list[tuple[str, float]], pick, total: int) -> list[str]:
    """Markdown rows; the best mean of each row in bold; per column the count of rows it wins and the mean over rows.

    A column's mean is shown only when it has every row (a mean over fewer datasets would not compare)."""
    lines = ["| dataset | " + " | ".join(labels) + " | anchor |", "|---|" + "---|" * (len(labels) + 1)]
    wins = [0] * len(labels)
    column_means: list[list[float]] = [[] for _ in labels]
    for name, anchor in rows:
        entries = [pick(variant, name) for variant in variants]
        means = [e["mean"] if e else float("-inf") for e in entries]
        best = max(means)
        cells = []
        for i, entry in enumerate(entries):
            text = cell(entry, total)
            if entry is not None:
                column_means[i].append(entry["mean"])
            if entry is not None and means[i] == best:
                wins[i] += 1
                text = f"**{text}**"
            cells.append(text)
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {anchor} |")
    lines.append("| best on | " + " | ".join(str(w) for w in wins) + " | |")
    lines.append("| mean | " + " | ".join(f"{sum(m) / len(m):.1f}" if len(m) == len(rows) else "–"
                                        for m in column_means) + " | |")
    return lines


def markdown(labels: list[str], variants: list[dict]) -> str:
    tu_rows = [(name, TU_ANCHORS[name]) for name in TU]
    epochs = ["/".join(str(e) for e in sorted({v[key] for v in variants})) for key in ("tu_epochs", "planetoid_epochs")]
    out = []
    for protocol, title in (("best_mean_epoch", "best mean epoch over folds (GIN protocol)"), ("last_epoch", "last epoch")):
        out.append(f"### Ablation, frozen GFSE PSE, TU, GIN 5x64, {epochs[0]} epochs, test accuracy (%) at the {title}\n")
        out += table(labels, variants, tu_rows, lambda v, n, p=protocol: v["tu"].get(n, {}).get(p), 10)
        out.append("")
    out.append(f"### Ablation, frozen GFSE PSE, Planetoid, 2-layer GCN, {epochs[1]} epochs, test accuracy (%)\n")
    out += table(labels, variants, [(n, PLANETOID_ANCHORS[n]) for n in PLANETOID],
                 lambda v, n: v["planetoid"].get(n), 10)
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="gfse_ablation_table", description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path, help="gfse_eval output folders, one per variant")
    parser.add_argument("--labels", help="comma-separated column names (default: the folder names)")
    parser.add_argument("--pse", default="gfse", help="the PSE column read from each folder (default: gfse)")
    parser.add_argument("--out", type=Path, help="write the table here as well as to stdout")
    args = parser.parse_args(argv)
    labels = args.labels.split(",") if args.labels else [folder.name for folder in args.folders]
    if len(labels) != len(args.folders):
        parser.error(f"--labels: {len(labels)} labels for {len(args.folders)} folders")
    text = markdown(labels, [load(folder, args.pse) for folder in args.folders])
    if args.out:
        args.out.write_text(text)
    print(text, end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
