"""The MoleculeNet table of GraSPNet as resumable records: fine-tuning, linear probes, scratch and ECFP4 rows.

GraSPNet: Wu et al., arXiv 2602.20344. Fine-tuning follows Hu et al.,
"Strategies for Pre-training Graph Neural Networks" (ICLR 2020) through
:func:`graphssl.eval.finetune`: AdamW, lr 1e-3, batch 32, dropout 0.5 in the
encoder, a linear head, the test score of the epoch with the best validation
score. Every ``(row, task, seed)`` result is one JSON file under
``OUT/records/``, written to a temporary file and renamed into place, so a
killed run loses at most the record it was computing and ``resume=True``
skips every record already there (after checking it was made with the same
settings and checkpoint). ``OUT/table.md`` and ``OUT/table.json`` summarise
the records, with the published anchors in a block of their own.

Each task file is featurized once per featurization a checkpoint needs (OGB
or Hu features, fragment kind), not once per row or seed; linear-probe
embeddings and fingerprints are computed once per (row, task).
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from graphssl.errors import CheckpointError, ConfigError, InputFileError
from graphssl.graspnet.moleculenet import METRIC, TASKS, TaskData, ecfp4, fit_forest, fit_probe, load_task

RECORD_FORMAT = "graphssl-moleculenet-record"
#: Row kinds, in table order; ``seeded`` kinds get one record per seed, the others (deterministic fits) one.
KINDS = ("finetune", "probe", "scratch", "ecfp4_linear", "ecfp4_rf")
SEEDED = {"finetune", "scratch", "ecfp4_rf"}
CLASSIFICATION = [task for task, kind in TASKS.items() if kind == "binary"]

#: Published scaffold-split ROC-AUC (x100), not run here: GraphMAE (Hou et al., KDD 2022), the GraSPNet paper
#: (Wu et al., arXiv 2602.20344) and attribute masking (Hu et al., ICLR 2020).
ANCHORS = {
    "GraphMAE (Hou et al. 2022)": {"bbbp": 72.0, "bace": 83.1, "tox21": 75.5},
    "GraSPNet (Wu et al., paper)": {"bbbp": 74.4, "bace": 82.9},
    "AttrMasking (Hu et al. 2020)": {"bbbp": 64.3, "bace": 79.3, "tox21": 76.7},
}


@dataclass
class HarnessConfig:
    """Settings of one harness run.

    Args:
        tasks: MoleculeNet tasks (default all six of :data:`TASKS`).
        seeds: seeds ``0 .. seeds-1`` of the seeded rows (default ``3``).
        epochs: fine-tuning epochs (default ``100``, Hu et al.; CPU runs use fewer).
        lr: fine-tuning learning rate (default ``1e-3``).
        batch_size: fine-tuning batch size (default ``32``).
        dropout: encoder dropout while fine-tuning (default ``0.5``).
        root: folder of ``NAME.csv`` (default ``../shared/data/moleculenet``).
        limit: first rows of each file only (default ``None``: all; for smoke runs).
        features: ``"ogb"`` or ``"hu"`` to insist on a feature set (a checkpoint
            trained on the other one is refused), or ``None`` (default): each
            checkpoint's own, OGB for rows without a checkpoint.
        device: ``"cpu"`` (default) or ``"cuda"``.
    """

    tasks: Sequence[str] = tuple(TASKS)
    seeds: int = 3
    epochs: int = 100
    lr: float = 1e-3
    batch_size: int = 32
    dropout: float = 0.5
    root: str | Path = "../shared/data/moleculenet"
    limit: int | None = None
    features: str | None = None
    device: str = "cpu"

    def __post_init__(self) -> None:
        unknown = [task for task in self.tasks if task not in TASKS]
        if unknown:
            raise ConfigError(f"--tasks: unknown {', '.join(unknown)} (known: {', '.join(TASKS)})")
        if self.features not in (None, "ogb", "hu"):
            raise ConfigError(f"--features: must be ogb or hu, got {self.features!r}")

    def settings(self, kind: str) -> dict:
        """What a record of ``kind`` depends on besides its checkpoint; resume refuses a record made otherwise."""
        base = {"limit": self.limit, "features": self.features}
        if kind in ("finetune", "scratch"):
            return {**base, "epochs": self.epochs, "lr": self.lr, "batch_size": self.batch_size,
                    "dropout": self.dropout, "head": "linear", "selection": "best valid epoch"}
        if kind == "probe":
            return {**base, "pooling": "both (mean without fragments)",
                    "model": "standard-scaled logistic/ridge, penalty chosen on valid"}
        if kind == "ecfp4_linear":
            return {**base, "model": "standard-scaled logistic/ridge, penalty chosen on valid"}
        return {**base, "model": "random forest, 100 trees"}


@dataclass
class Row:
    """One table row: ``kind`` of :data:`KINDS`, its label, and the checkpoint it uses (``None`` for ECFP4)."""

    kind: str
    label: str
    checkpoint: Path | None = None
    key: str = field(init=False)

    def __post_init__(self) -> None:
        self.key = f"{self.kind}-{slug(self.label)}"


def slug(text: str) -> str:
    """``text`` as a file-name part: letters, digits, ``.``, ``_`` and ``-``."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_") or "row"


def plan_rows(checkpoints: Sequence[str | Path], labels: Sequence[str] | None = None, *, finetune: bool = True,
              probe: bool = False, scratch: bool = False, ecfp: bool = False) -> list[Row]:
    """The rows of a run, in table order: fine-tunes, probes, scratch (from the first checkpoint), ECFP4.

    Args:
        checkpoints: exported files, run folders or shipped names.
        labels: one label per checkpoint (default: each checkpoint card's ``name``).
    """
    from graphssl.train.pretrained import checkpoint_file

    if labels is not None and len(labels) != len(checkpoints):
        raise ConfigError(f"--labels: {len(labels)} label(s) for {len(checkpoints)} checkpoint(s)")
    paths = [checkpoint_file(source) for source in checkpoints]
    names = list(labels) if labels is not None else [card_name(path) for path in paths]
    if len(set(names)) != len(names):
        raise ConfigError(f"--labels: row labels must differ, got {', '.join(names)}")
    rows: list[Row] = []
    if finetune:
        rows += [Row("finetune", name, path) for name, path in zip(names, paths)]
    if probe:
        rows += [Row("probe", name, path) for name, path in zip(names, paths)]
    if scratch:
        if not paths:
            raise ConfigError("--scratch: needs a --checkpoint whose encoder config it builds")
        rows.append(Row("scratch", "scratch", paths[0]))
    if ecfp:
        rows += [Row("ecfp4_linear", "ECFP4 + linear"), Row("ecfp4_rf", "ECFP4 + RF")]
    if not rows:
        raise ConfigError("nothing to run: give --checkpoint (fine-tuning), --linear-probe, --scratch or --ecfp")
    return rows


def card_name(path: Path) -> str:
    """The ``name`` in a checkpoint's model card (``path.json`` beside it, else inside it), else the file stem."""
    beside = path.with_suffix(".json")
    if beside.is_file():
        try:
            return str(json.loads(beside.read_text())["name"])
        except (ValueError, KeyError):
            pass
    from graphssl.train.checkpoint import ENCODER_FORMAT, FORMAT, load_checkpoint

    payload = load_checkpoint(path, map_location="cpu", formats=(FORMAT, ENCODER_FORMAT))
    return str((payload.get("card") or {}).get("name") or path.stem)


def write_json_atomic(path: Path, payload: dict) -> None:
    """Write ``payload`` to ``path`` through a temporary file and a rename: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    tmp.write_text(json.dumps(payload, indent=1, allow_nan=False, default=_json_default) + "\n")
    os.replace(tmp, path)


def _json_default(value):
    if isinstance(value, (np.integer, np.floating)):
        return value.item()
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def _finite(value):
    """NaN and inf as ``None`` (JSON has no NaN), recursively."""
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_finite(item) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


class Harness:
    """Runs the records of ``rows`` x ``config.tasks`` x seeds into ``out`` and writes the table.

    Args:
        out: the run folder (``records/``, ``table.md``, ``table.json``).
        rows: from :func:`plan_rows`.
        config: a :class:`HarnessConfig`.
        resume: skip records already in ``out`` (default ``False``: a folder
            holding records is refused, so no result is silently mixed in).
        log: called with one line per record (default: nothing).
    """

    def __init__(self, out: str | Path, rows: Sequence[Row], config: HarnessConfig, resume: bool = False,
                 log: Callable[[str], None] | None = None) -> None:
        self.out = Path(out)
        self.rows = list(rows)
        self.config = config
        self.resume = resume
        self.log = log or (lambda line: None)
        self._models: dict[Path, tuple] = {}
        self._data: dict[tuple, TaskData] = {}
        self._features: dict[tuple, np.ndarray] = {}

    # where records live -------------------------------------------------------------------------

    def seeds_of(self, row: Row) -> list[int]:
        return list(range(self.config.seeds)) if row.kind in SEEDED else [0]

    def record_path(self, row: Row, task: str, seed: int) -> Path:
        name = f"seed{seed}.json" if row.kind in SEEDED else "fit.json"
        return self.out / "records" / row.key / task / name

    def jobs(self) -> list[tuple[Row, str, int]]:
        """Every ``(row, task, seed)`` of the run, task by task (so each file's graphs are built once)."""
        return [(row, task, seed) for task in self.config.tasks for row in self.rows for seed in self.seeds_of(row)]

    # checkpoints and data -------------------------------------------------------------------------

    def model(self, path: Path):
        """``(PretrainedEncoder, sha256, features, fragments)`` of a checkpoint, loaded once."""
        if path not in self._models:
            import graphssl.graspnet  # noqa: F401  (registers the graspnet encoder for checkpoints that name it)
            from graphssl.graspnet.featurizer import checkpoint_featurization
            from graphssl.train.export import file_sha256
            from graphssl.train.pretrained import load_pretrained

            model = load_pretrained(path)
            features, fragments = checkpoint_featurization(model, path)
            wanted = self.config.features
            if wanted is not None and wanted != features:
                raise CheckpointError(f"{path}: trained on {features.upper()} molecule features, but --features "
                                      f"{wanted} featurizes the data with {wanted.upper()} features")
            self._models[path] = (model, file_sha256(path), features, fragments or None)
        return self._models[path]

    def data(self, task: str, row: Row) -> TaskData:
        """The task's graphs as ``row``'s checkpoint needs them; ECFP4 rows take the molecules and split of the
        graphs already built for the task (so every row scores the same molecules), else OGB without fragments."""
        if row.checkpoint is None:
            loaded = [key for key in self._data if key[0] == task]
            key = loaded[0] if loaded else (task, self.config.features or "ogb", None)
        else:
            _, _, features, fragments = self.model(row.checkpoint)
            key = (task, features, fragments)
        if key not in self._data:
            start = time.perf_counter()
            self._data[key] = load_task(task, self.config.root, features=key[1], fragments=key[2],
                                        limit=self.config.limit)
            data = self._data[key]
            self.log(f"{task}: {len(data.graphs)} molecules ({len(data.rejects)} rejected) featurized as "
                     f"{key[1]}/{key[2] or 'no fragments'} in {time.perf_counter() - start:.1f} s")
            for task_key in [k for k in self._data if k[0] != task]:
                del self._data[task_key]  # one task's graphs in memory at a time
        return self._data[key]

    def check_features(self, row: Row, data: TaskData) -> None:
        """Refuse graphs whose feature layout is not the one ``row``'s checkpoint was trained on."""
        model = self.model(row.checkpoint)[0]
        trained = (list(model.spec.node_categorical), list(model.spec.edge_categorical))
        given = (list(data.spec.node_categorical), list(data.spec.edge_categorical))
        if trained != given:
            raise CheckpointError(f"{row.checkpoint}: trained on {self.model(row.checkpoint)[2].upper()} molecule "
                                  f"features, but {data.path} was featurized with {data.features.upper()} features")

    # records ------------------------------------------------------------------------------------

    def expected(self, row: Row, task: str, seed: int) -> dict:
        """The identity a finished record must carry for ``resume`` to accept it."""
        sha = self.model(row.checkpoint)[1] if row.checkpoint is not None else None
        return {"row": row.key, "kind": row.kind, "task": task, "seed": seed, "checkpoint_sha256": sha,
                "settings": self.config.settings(row.kind)}

    def finished(self, row: Row, task: str, seed: int) -> dict | None:
        """The record already on disk, checked against this run's settings, or ``None``."""
        path = self.record_path(row, task, seed)
        if not path.is_file():
            return None
        try:
            record = json.loads(path.read_text())
        except ValueError as exc:
            raise InputFileError(f"{path}: unreadable record ({exc}); delete it to recompute") from None
        expected = self.expected(row, task, seed)
        stored = {**record, **{f"settings.{k}": v for k, v in (record.get("settings") or {}).items()}}
        wanted = {**expected, **{f"settings.{k}": v for k, v in expected["settings"].items()}}
        differing = [f"{key} {stored.get(key)!r} (this run: {value!r})" for key, value in wanted.items()
                     if key != "settings" and stored.get(key) != value]
        if differing or record.get("settings") != expected["settings"]:
            raise ConfigError(f"{path}: made with other {'; '.join(differing) or 'settings'}; use another --out "
                              "or delete the record")
        return record

    def run(self, compute: bool = True) -> dict:
        """Compute every missing record, then write and return the table (see :meth:`table`).

        ``compute=False`` (``--table-only``) computes nothing: the table holds the records already
        in ``out`` that match this run's rows and settings, and every cell says how many it has.
        """
        jobs = self.jobs()
        present = [job for job in jobs if self.record_path(*job).is_file()]
        if present and compute and not self.resume:
            raise ConfigError(f"{self.out}: holds {len(present)} record(s) of this run already; pass --resume to "
                              "continue it or use another --out")
        start = time.perf_counter()
        for index, (row, task, seed) in enumerate(jobs if compute else [], start=1):
            if self.finished(row, task, seed) is not None:
                continue
            record = self.compute_record(row, task, seed)
            write_json_atomic(self.record_path(row, task, seed), _finite(record))
            metric = record["metric"]
            which = f"seed {seed}" if row.kind in SEEDED else "fit"
            self.log(f"[{index}/{len(jobs)}] {row.label} {KIND_NAMES[row.kind] or ''} {task} {which}: test {metric} "
                     f"{record['test'].get(metric, float('nan')):.4f} ({record['budget']['wall_time_s']:.1f} s)")
        table = self.table(time.perf_counter() - start)
        write_table(self.out, table)
        return table

    def compute_record(self, row: Row, task: str, seed: int) -> dict:
        """One record: the row's fit on the task with ``seed``, its scores, settings and wall time."""
        data = self.data(task, row)
        start = time.perf_counter()
        if row.kind in ("finetune", "scratch"):
            result = self.finetune(row, data, seed)
        elif row.kind == "probe":
            result = fit_probe(self.embeddings(row, data), data.labels, data.split, data.kind)
        elif row.kind == "ecfp4_linear":
            result = fit_probe(self.fingerprints(data), data.labels, data.split, data.kind)
        else:
            result = fit_forest(self.fingerprints(data), data.labels, data.split, data.kind, seed)
        wall = time.perf_counter() - start
        budget = {"epochs": self.config.epochs if row.kind in ("finetune", "scratch") else None,
                  "seeds": len(self.seeds_of(row)), "wall_time_s": round(wall, 3), "threads": _threads()}
        return {"format": RECORD_FORMAT, "format_version": 1, **self.expected(row, task, seed), "label": row.label,
                "checkpoint": str(row.checkpoint) if row.checkpoint is not None else None,
                "metric": METRIC[data.kind], "valid": result.get("valid", {}), "test": result["test"],
                "details": {key: value for key, value in result.items() if key not in ("valid", "test")},
                "data": data.summary(), "budget": budget}

    def finetune(self, row: Row, data: TaskData, seed: int) -> dict:
        """Hu et al. fine-tuning of the checkpoint (or, for scratch, its architecture built from ``seed``)."""
        from graphssl.eval.finetune import FinetuneConfig, finetune

        self.check_features(row, data)
        model = self.model(row.checkpoint)[0]
        config = dataclasses.replace(model.encoder.config, dropout=self.config.dropout)
        if row.kind == "scratch":
            encoder = config
        else:
            from graphssl.nn import build_encoder

            # Dropout has no parameters: the pretrained weights load unchanged into the re-built encoder.
            encoder = build_encoder(config)
            encoder.load_state_dict(model.encoder.state_dict(), strict=True)
        graphs = self.prepared(row, data)
        # Evaluation batches of 64: the same scores (eval mode), faster on CPU than 256 (cache-sized activations).
        settings = FinetuneConfig(epochs=self.config.epochs, batch_size=self.config.batch_size, lr=self.config.lr,
                                  eval_batch_size=64, seed=seed, device=self.config.device)
        result = finetune(encoder, graphs, data.split, data.eval_task(), settings)
        result["history"] = _finite(result["history"])
        return result

    def prepared(self, row: Row, data: TaskData) -> list:
        """The task's graphs with the checkpoint's training transforms applied (most checkpoints have none)."""
        model = self.model(row.checkpoint)[0]
        if not model.transforms:
            return data.graphs
        key = ("prepared", row.checkpoint, data.name)
        if key not in self._features:
            from graphssl.data.prepare import apply_transforms

            self._features = {k: v for k, v in self._features.items() if k[-1] == data.name}
            self._features[key] = apply_transforms([g.clone() for g in data.graphs], model.transforms, model.spec)[0]
        return self._features[key]

    def embeddings(self, row: Row, data: TaskData) -> np.ndarray:
        """Frozen ``pooling="both"`` embeddings (``"mean"`` for an encoder without fragments) of the task's graphs."""
        from graphssl.graspnet.featurizer import MoleculeFeaturizer

        self.check_features(row, data)
        pooling = "both" if self.model(row.checkpoint)[3] else "mean"  # an encoder without fragments: atoms only
        return MoleculeFeaturizer(row.checkpoint, pooling=pooling).transform_graphs(data.graphs)

    def fingerprints(self, data: TaskData) -> np.ndarray:
        key = ("ecfp4", data.name)
        if key not in self._features:
            self._features = {k: v for k, v in self._features.items() if k[-1] == data.name}
            self._features[key] = ecfp4(data.smiles)
        return self._features[key]

    # the table ----------------------------------------------------------------------------------

    def records(self) -> list[dict]:
        return [record for job in self.jobs() if (record := self.finished(*job)) is not None]

    def table(self, wall_time_s: float | None = None) -> dict:
        """``{"budget", "tasks", "rows": [{label, kind, cells: {task: {mean, std, n, values}}, mean_roc_auc}],
        "anchors"}``: ROC-AUC x100, RMSE as is, mean ± population std over seeds."""
        records = self.records()
        rows = []
        for row in self.rows:
            cells = {}
            for task in self.config.tasks:
                values = [r["test"].get(METRIC[TASKS[task]]) for r in records if r["row"] == row.key and r["task"] == task]
                values = [v * 100.0 if TASKS[task] == "binary" else v for v in values if v is not None]
                cells[task] = {"mean": float(np.mean(values)) if values else None,
                               "std": float(np.std(values)) if values else None, "n": len(values), "values": values}
            classification = [task for task in self.config.tasks if TASKS[task] == "binary"]
            means = [cells[task]["mean"] for task in classification]
            mean_auc = float(np.mean(means)) if means and all(m is not None for m in means) else None
            walls = [r["budget"]["wall_time_s"] for r in records if r["row"] == row.key]
            rows.append({"label": row.label, "kind": row.kind, "checkpoint": str(row.checkpoint) if row.checkpoint else None,
                         "cells": cells, "mean_roc_auc": mean_auc,
                         "wall_time_s_per_record": float(np.mean(walls)) if walls else None})
        budget = {"epochs": self.config.epochs, "seeds": self.config.seeds, "lr": self.config.lr,
                  "batch_size": self.config.batch_size, "dropout": self.config.dropout, "limit": self.config.limit,
                  "records": len(records), "record_wall_time_s": round(sum(r["budget"]["wall_time_s"] for r in records), 1),
                  "threads": _threads()}
        if wall_time_s is not None:
            budget["this_run_wall_time_s"] = round(wall_time_s, 1)
        data = {}
        for record in records:
            data.setdefault(record["task"], {key: record["data"][key] for key in ("rows", "molecules", "rejected", "split")})
        return {"budget": budget, "tasks": list(self.config.tasks), "data": data, "rows": rows,
                "anchors": {name: {t: v for t, v in scores.items() if t in self.config.tasks}
                            for name, scores in ANCHORS.items()}}


def _threads() -> int:
    import torch

    return int(torch.get_num_threads())


DISPLAY = {"bbbp": "BBBP", "bace": "BACE", "tox21": "Tox21", "esol": "ESOL", "freesolv": "FreeSolv", "lipo": "Lipo"}
KIND_NAMES = {"finetune": "fine-tune", "probe": "linear probe", "scratch": "fine-tune", "ecfp4_linear": "", "ecfp4_rf": ""}


def markdown(table: dict) -> str:
    """The table as Markdown: the measured rows, then the published anchors in their own block."""
    tasks = table["tasks"]
    budget = table["budget"]
    heads = [f"{DISPLAY[task]} {'ROC-AUC' if TASKS[task] == 'binary' else 'RMSE'}" for task in tasks]
    settings = (f"fine-tuning {budget['epochs']} epochs, {budget['seeds']} seed(s), lr {budget['lr']}, "
                f"batch {budget['batch_size']}, dropout {budget['dropout']}"
                if any(row["kind"] in ("finetune", "scratch") for row in table["rows"])
                else f"no fine-tuning rows, {budget['seeds']} seed(s)")
    lines = [f"Budget: {settings}"
             + (f", first {budget['limit']} rows per file" if budget["limit"] else "")
             + f"; {budget['records']} records, {budget['record_wall_time_s']} s of record wall time "
             f"on {budget['threads']} thread(s). ROC-AUC x100, mean ± std over seeds (deterministic rows: one fit).",
             "", "Molecules (CSV rows read, rejected by RDKit; train/valid/test): " + "; ".join(
                 f"{task} {d['rows']} rows, {d['rejected']} rejected, {d['split']['train']}/{d['split']['valid']}/"
                 f"{d['split']['test']}" for task, d in table.get("data", {}).items()) + ".",
             "", "| row | " + " | ".join(heads) + " | mean ROC-AUC | s/record |",
             "|---|" + "---:|" * (len(tasks) + 2)]
    for row in table["rows"]:
        cells = []
        for task in tasks:
            cell = row["cells"][task]
            digits = 1 if TASKS[task] == "binary" else 3
            if cell["n"] == 0:
                cells.append("–")
            else:
                cells.append(f"{cell['mean']:.{digits}f} ± {cell['std']:.{digits}f}" +
                             (f" (n={cell['n']})" if row["kind"] in SEEDED and cell["n"] < budget["seeds"] else ""))
        label = f"{row['label']} {KIND_NAMES[row['kind']]}".strip()
        mean = "–" if row["mean_roc_auc"] is None else f"{row['mean_roc_auc']:.1f}"
        wall = "–" if row["wall_time_s_per_record"] is None else f"{row['wall_time_s_per_record']:.1f}"
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {mean} | {wall} |")
    anchors = {name: scores for name, scores in table["anchors"].items() if scores}
    if anchors:
        shown = [task for task in tasks if any(task in scores for scores in anchors.values())]
        lines += ["", "Published anchors (scaffold split, from the papers; not run here):", "",
                  "| published | " + " | ".join(f"{DISPLAY[task]} ROC-AUC" for task in shown) + " |",
                  "|---|" + "---:|" * len(shown)]
        for name, scores in anchors.items():
            lines.append(f"| {name} | " + " | ".join(f"{scores[t]:.1f}" if t in scores else "–" for t in shown) + " |")
    return "\n".join(lines) + "\n"


def write_table(out: Path, table: dict) -> None:
    """``OUT/table.json`` and ``OUT/table.md``, each written atomically."""
    write_json_atomic(out / "table.json", table)
    tmp = out / f".table.md.tmp{os.getpid()}"
    tmp.write_text(markdown(table))
    os.replace(tmp, out / "table.md")
