"""MoleculeNet harness of GraSPNet (skeleton): linear probes on frozen embeddings and ECFP4 baselines.

GraSPNet: Wu et al., arXiv 2602.20344; protocol of Hu et al., "Strategies for
Pre-training Graph Neural Networks", ICLR 2020: the deterministic scaffold
split 80/10/10 (``graphssl.chem.scaffold_split_smiles``), ROC-AUC averaged over
tasks with missing labels left out (BBBP, BACE, Tox21), RMSE (ESOL, FreeSolv,
Lipo). Rows: each ``--checkpoints`` file through
:class:`~graphssl.graspnet.featurizer.MoleculeFeaturizer` + logistic/ridge
regression, and ECFP4 (Morgan radius 2, 2,048 bits) + logistic/ridge and + a
random forest (scikit-learn), on the same splits; ``--seeds`` seeds the
forest. Fine-tuning rows are not in this skeleton (docs/graspnet.md).

Example::

    python scripts/graspnet_moleculenet.py --checkpoints runs/graspnet/graspnet_moses.pt --tasks bbbp,esol --out table.json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / ".." / "shared" / "data" / "moleculenet"

#: Task kind; the SMILES and label columns of ``NAME.csv`` are the core's ``graphssl.chem.datasets.KNOWN_COLUMNS``.
TASKS = {"bbbp": "binary", "bace": "binary", "tox21": "binary",
         "esol": "regression", "freesolv": "regression", "lipo": "regression"}


def load_task(name: str, data_dir: Path = DATA, limit: int | None = None):
    """``(smiles, labels [n, T] float with NaN, kind, split)`` of the molecules RDKit reads, scaffold-split."""
    from graphssl.chem.datasets import KNOWN_COLUMNS
    from graphssl.chem.io import read_csv_table
    from graphssl.chem.scaffolds import scaffold_split_smiles
    from rdkit import Chem

    smiles_column, label_columns = KNOWN_COLUMNS[name]
    kind = TASKS[name]
    table = read_csv_table(data_dir / f"{name}.csv", smiles_column, label_columns, limit)
    keep = [i for i, s in enumerate(table.inputs) if isinstance(s, str) and Chem.MolFromSmiles(s) is not None]
    smiles = [table.inputs[i].strip() for i in keep]
    return smiles, table.labels[keep], kind, scaffold_split_smiles(smiles)


def ecfp4(smiles: list[str], bits: int = 2048) -> np.ndarray:
    """Morgan fingerprints, radius 2, ``bits`` bits, ``uint8 [n, bits]``."""
    from rdkit import Chem
    from rdkit.Chem import rdFingerprintGenerator

    generator = rdFingerprintGenerator.GetMorganGenerator(radius=2, fpSize=bits)
    return np.stack([generator.GetFingerprintAsNumPy(Chem.MolFromSmiles(s)) for s in smiles]).astype(np.uint8)


def score(features: np.ndarray, labels: np.ndarray, kind: str, split, model: str, seed: int = 0) -> float | None:
    """Test ROC-AUC (mean over tasks with both classes in train and test) or RMSE, after fitting on train."""
    from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.metrics import roc_auc_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    train, test = np.asarray(split.train), np.asarray(split.test)
    values = []
    for column in range(labels.shape[1]):
        y = labels[:, column]
        fit_rows, test_rows = train[~np.isnan(y[train])], test[~np.isnan(y[test])]
        if kind == "binary":
            if len(np.unique(y[fit_rows])) < 2 or len(np.unique(y[test_rows])) < 2:
                continue
            estimator = (RandomForestClassifier(n_estimators=100, random_state=seed) if model == "rf"
                         else make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)))
            estimator.fit(features[fit_rows], y[fit_rows].astype(int))
            values.append(roc_auc_score(y[test_rows].astype(int), estimator.predict_proba(features[test_rows])[:, 1]))
        else:
            estimator = (RandomForestRegressor(n_estimators=100, random_state=seed) if model == "rf"
                         else make_pipeline(StandardScaler(), Ridge(alpha=1.0)))
            estimator.fit(features[fit_rows], y[fit_rows])
            values.append(float(np.sqrt(np.mean((estimator.predict(features[test_rows]) - y[test_rows]) ** 2))))
    return float(np.mean(values)) if values else None


def run(tasks: list[str], checkpoints: list[str], seeds: int, limit: int | None, data_dir: Path = DATA) -> dict:
    """``{task: {row name: [score per seed]}}``; deterministic rows (linear models) have one score."""
    from graphssl.graspnet.featurizer import MoleculeFeaturizer

    results: dict = {}
    for task in tasks:
        smiles, labels, kind, split = load_task(task, data_dir, limit)
        fingerprints = ecfp4(smiles)
        rows = {"ECFP4 + linear": [score(fingerprints, labels, kind, split, "linear")],
                "ECFP4 + RF": [score(fingerprints, labels, kind, split, "rf", seed) for seed in range(seeds)]}
        for checkpoint in checkpoints:
            features = MoleculeFeaturizer(checkpoint, pooling="both").transform(smiles)
            rows[f"{Path(checkpoint).stem} linear probe"] = [score(features, labels, kind, split, "linear")]
        results[task] = {"kind": kind, "molecules": len(smiles), "rows": rows}
    return results


def main(argv: list[str] | None = None) -> int:
    from graphssl.cli._args import positive_int

    parser = argparse.ArgumentParser(prog="graspnet_moleculenet", description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", default=",".join(TASKS), help=f"comma-separated, of {', '.join(TASKS)}")
    parser.add_argument("--checkpoints", default="", help="comma-separated exported files (default: none, ECFP4 only)")
    parser.add_argument("--seeds", type=positive_int, default=3)
    parser.add_argument("--limit", type=positive_int, default=None, help="first rows of each file only (smoke tests)")
    parser.add_argument("--data-dir", type=Path, default=DATA)
    parser.add_argument("--out", type=Path, required=True, help="results JSON")
    args = parser.parse_args(argv)
    tasks = args.tasks.split(",")
    unknown = [task for task in tasks if task not in TASKS]
    if unknown:
        parser.error(f"argument --tasks: unknown {', '.join(unknown)} (known: {', '.join(TASKS)})")
    results = run(tasks, [c for c in args.checkpoints.split(",") if c], args.seeds, args.limit, args.data_dir)
    args.out.write_text(json.dumps(results, indent=1) + "\n")
    for task, entry in results.items():
        for row, values in entry["rows"].items():
            shown = [v for v in values if v is not None]
            text = f"{np.mean(shown):.3f} ± {np.std(shown):.3f}" if shown else "n/a"
            print(f"{task:9s} {row:40s} {text}", file=sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
