"""MoleculeNet data and scores of the GraSPNet harness: scaffold-split tasks, masked metrics, probes and ECFP4.

GraSPNet: Wu et al., arXiv 2602.20344; protocol of Hu et al., "Strategies for
Pre-training Graph Neural Networks", ICLR 2020: the deterministic scaffold
split 80/10/10 (:func:`graphssl.chem.scaffold_split_smiles`), ROC-AUC averaged
over tasks with missing labels left out (BBBP, BACE, Tox21), RMSE (ESOL,
FreeSolv, Lipo). Each file is featurized once (:class:`TaskData`); the
fingerprint baseline is ECFP4 (Rogers and Hahn 2010: Morgan radius 2, 2,048
bits) with a linear model or a random forest (scikit-learn), and a linear
probe standard-scales its features and picks its regularisation on the
validation split only. The runner that turns these into records and a table
is :mod:`graphssl.graspnet.harness`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from graphssl.errors import InputFileError

#: Task kind of each MoleculeNet file; its SMILES and label columns are ``graphssl.chem.datasets.KNOWN_COLUMNS``.
TASKS = {"bbbp": "binary", "bace": "binary", "tox21": "binary",
         "esol": "regression", "freesolv": "regression", "lipo": "regression"}
#: The metric reported per kind (ROC-AUC higher is better, RMSE lower).
METRIC = {"binary": "roc_auc", "regression": "rmse"}
#: Inverse regularisation of the logistic probe and ridge penalties tried; the best on validation wins.
LOGISTIC_C = (0.01, 0.1, 1.0, 10.0)
RIDGE_ALPHA = (0.1, 1.0, 10.0, 100.0, 1000.0)
ECFP_BITS = 2048
FOREST_TREES = 100


@dataclass
class TaskData:
    """One MoleculeNet file featurized once, with its scaffold split.

    Attributes:
        name: the task (``"bbbp"`` ...); ``kind``: ``"binary"`` or ``"regression"``.
        path: the CSV file.
        graphs: featurized molecules (``MolData``, ``y`` float32 ``[1, T]`` with NaN for missing).
        smiles: the SMILES of each graph; ``labels``: float ``[n, T]`` with NaN.
        split: the Hu et al. scaffold split of ``smiles``.
        rows: the 0-based CSV data row of each graph.
        rejects: ``(source, item, reason)`` of each CSV row that gave no molecule.
        spec: the graphs' ``GraphSpec``; ``features``, ``fragments``: how they were featurized.
    """

    name: str
    kind: str
    path: Path
    graphs: list
    smiles: list[str]
    labels: np.ndarray
    split: object
    rows: list[int]
    rejects: list
    spec: object
    features: str
    fragments: str | None

    @property
    def num_tasks(self) -> int:
        return int(self.labels.shape[1])

    def eval_task(self):
        """The :class:`~graphssl.eval.EvalTask` fine-tuning trains with (masked BCE, or MSE selected by RMSE)."""
        from graphssl.eval.tasks import EvalTask

        return EvalTask(self.kind, self.num_tasks, metric=METRIC[self.kind])

    def summary(self) -> dict:
        return {"path": str(self.path), "rows": len(self.rows) + len(self.rejects), "molecules": len(self.graphs),
                "rejected": len(self.rejects), "features": self.features, "fragments": self.fragments,
                "split": {part: int(len(getattr(self.split, part))) for part in ("train", "valid", "test")}}


def task_file(name: str, root: str | Path) -> Path:
    """``ROOT/NAME.csv``; a missing file names the root and the task."""
    path = Path(root) / f"{name}.csv"
    if not path.is_file():
        raise InputFileError(f"{path}: MoleculeNet file of task {name!r} not found (--root {root})")
    return path


def load_task(name: str, root: str | Path, *, features: str = "ogb", fragments: str | None = None,
              limit: int | None = None) -> TaskData:
    """Featurize ``ROOT/NAME.csv`` (through the chem layer's cached dataset) and split it by scaffold.

    Rows RDKit cannot read are left out of the graphs and listed in ``rejects``
    with their CSV row and reason, never shifting the labels of other rows.
    A missing column raises ``InputFileError`` naming the columns there are.
    """
    from graphssl.chem.datasets import KNOWN_COLUMNS, MoleculeCSVDataset

    smiles_column, label_columns = KNOWN_COLUMNS[name]
    dataset = MoleculeCSVDataset(task_file(name, root), smiles_column, label_columns, features=features,
                                 fragments=fragments or False, limit=limit)
    # Materialized once: InMemoryDataset slices a graph out of its storage on every access.
    graphs = [dataset[i] for i in range(len(dataset))]
    labels = np.concatenate([graph.y.numpy() for graph in graphs]).astype(np.float64)
    return TaskData(name=name, kind=TASKS[name], path=dataset.path, graphs=graphs, smiles=list(dataset.smiles),
                    labels=labels, split=dataset.scaffold_split(), rows=list(dataset.rows), rejects=list(dataset.rejects),
                    spec=dataset.spec, features=features, fragments=dataset.options.fragments)


def ecfp4(smiles: Sequence[str], bits: int = ECFP_BITS) -> np.ndarray:
    """Morgan fingerprints of radius 2 (ECFP4) with ``bits`` bits, ``uint8 [n, bits]``.

    ``smiles`` are molecules the chem layer already read, parsed the same way
    (:func:`graphssl.chem._rdkit.parse_smiles`).
    """
    from rdkit.Chem import rdFingerprintGenerator

    from graphssl.chem._rdkit import parse_smiles

    generator = rdFingerprintGenerator.GetMorganGenerator(radius=2, fpSize=bits)
    out = np.zeros((len(smiles), bits), dtype=np.uint8)
    for i, text in enumerate(smiles):
        out[i] = generator.GetFingerprintAsNumPy(parse_smiles(text))
    return out


def score_predictions(pred: np.ndarray, labels: np.ndarray, kind: str) -> dict[str, float]:
    """``roc_auc`` (mean over tasks with both classes labelled; missing labels left out) and
    ``roc_auc_skipped``, or ``rmse`` and ``mae`` over the labelled entries.

    Shapes:
        pred: scores or values ``[n, T]``; labels: ``[n, T]`` with NaN for missing.
    """
    from graphssl.eval.metrics import mae, multitask_roc_auc, rmse

    if kind == "binary":
        result = multitask_roc_auc(labels, pred)
        return {"roc_auc": result.mean, "roc_auc_skipped": float(len(result.skipped))}
    labelled = ~np.isnan(labels)
    return {"rmse": rmse(labels[labelled], pred[labelled]), "mae": mae(labels[labelled], pred[labelled])}


def _fit_columns(make, features: np.ndarray, labels: np.ndarray, train: np.ndarray, kind: str,
                 predict_rows: Sequence[np.ndarray]) -> list[np.ndarray]:
    """One estimator per label column on its labelled training rows; predictions ``[rows, T]`` for each index set."""
    outs = [np.zeros((len(rows), labels.shape[1])) for rows in predict_rows]
    for column in range(labels.shape[1]):
        y = labels[train, column]
        fit_rows = train[~np.isnan(y)]
        y = labels[fit_rows, column]
        if kind == "binary" and len(np.unique(y)) < 2:
            # One class in training: a constant score (ROC-AUC 0.5 where the column is scored).
            for out in outs:
                out[:, column] = float(y[0]) if y.size else 0.5
            continue
        estimator = make()
        estimator.fit(features[fit_rows], y.astype(int) if kind == "binary" else y)
        for out, rows in zip(outs, predict_rows):
            if len(rows):
                out[:, column] = estimator.predict_proba(features[rows])[:, 1] if kind == "binary" \
                    else estimator.predict(features[rows])
    return outs


def fit_probe(features: np.ndarray, labels: np.ndarray, split, kind: str,
              grid: Sequence[float] | None = None) -> dict:
    """Standard-scaled logistic (binary) or ridge (regression) regression; the penalty picked on validation.

    Args:
        features: ``[n, d]``; labels: ``[n, T]`` with NaN for missing; split: a
            :class:`~graphssl.eval.Split` with a non-empty valid part.
        grid: ``C`` values (binary, default :data:`LOGISTIC_C`) or ``alpha``
            values (regression, default :data:`RIDGE_ALPHA`).

    Returns:
        ``{"param": chosen value, "valid": metrics, "test": metrics, "grid": {value: valid metric},
        "fit_warnings": {value: count}}`` (scikit-learn warnings, e.g. ill-conditioned ridge solves);
        one penalty serves every label column, chosen by the validation metric alone.
    """
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    train, valid, test = (np.asarray(part, dtype=np.int64) for part in split)
    if valid.size == 0:
        raise ValueError("fit_probe: the split has no validation part to choose the penalty on")
    grid = tuple(grid or (LOGISTIC_C if kind == "binary" else RIDGE_ALPHA))
    metric = METRIC[kind]
    best, scores, fit_warnings = None, {}, {}
    for value in grid:
        if kind == "binary":
            def make(value=value):
                return make_pipeline(StandardScaler(), LogisticRegression(C=value, max_iter=2000))
        else:
            def make(value=value):
                return make_pipeline(StandardScaler(), Ridge(alpha=value))
        with warnings.catch_warnings(record=True) as caught:
            # Ill-conditioned ridge solves at small alpha and unconverged logistic fits are counted, not printed:
            # the validation score already judges them.
            warnings.simplefilter("always")
            valid_pred, test_pred = _fit_columns(make, features, labels, train, kind, [valid, test])
        fit_warnings[str(value)] = len(caught)
        valid_metrics = score_predictions(valid_pred, labels[valid], kind)
        scores[str(value)] = valid_metrics[metric]
        chosen = valid_metrics[metric]
        better = best is None or (chosen == chosen and (best["valid"][metric] != best["valid"][metric] or
                                                        (chosen > best["valid"][metric] if kind == "binary"
                                                         else chosen < best["valid"][metric])))
        if better:
            best = {"param": value, "valid": valid_metrics, "test": score_predictions(test_pred, labels[test], kind)}
    return {**best, "grid": scores, "fit_warnings": fit_warnings}


def fit_forest(features: np.ndarray, labels: np.ndarray, split, kind: str, seed: int,
               trees: int = FOREST_TREES) -> dict:
    """A random forest per label column (``trees`` trees, ``random_state=seed``); ``{"valid", "test"}`` metrics.

    Regression forests draw a third of the 2,048 bits at each split (Breiman's p/3) rather than
    scikit-learn's default of all of them, which made Lipo's forest take minutes per seed on one core.
    """
    from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor

    train, valid, test = (np.asarray(part, dtype=np.int64) for part in split)
    forest = RandomForestClassifier if kind == "binary" else RandomForestRegressor

    max_features = "sqrt" if kind == "binary" else 1 / 3

    def make():
        return forest(n_estimators=trees, max_features=max_features, random_state=seed, n_jobs=1)

    valid_pred, test_pred = _fit_columns(make, features, labels, train, kind, [valid, test])
    return {"valid": score_predictions(valid_pred, labels[valid], kind) if valid.size else {},
            "test": score_predictions(test_pred, labels[test], kind)}
