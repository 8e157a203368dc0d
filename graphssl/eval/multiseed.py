"""Multi-seed runs reported as mean ± standard deviation, in Markdown and JSON.

SSL benchmarks report downstream metrics over several fine-tuning seeds
(10 seeds in Hu et al., "Strategies for Pre-training Graph Neural Networks",
ICLR 2020). :func:`run_seeds` calls a function once per seed and keeps every
numeric metric it returns; :func:`markdown_table` and :func:`json_table` turn
one or more such results into a table with one row per result and one column
per metric, and :func:`write_table` writes both files.

Example::

    rows = [run_seeds(lambda s: finetune(enc, data, split, task, FinetuneConfig(seed=s)), range(10), name="GINE")]
    markdown, payload = write_table(rows, "runs/bbbp", metrics=["test/roc_auc"])
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping, Sequence

import numpy as np


def flatten_metrics(result: Mapping, prefix: str = "") -> dict[str, float]:
    """Numeric leaves of a nested dict, keyed by ``/``-joined paths.

    ``{"test": {"roc_auc": 0.7}, "best_epoch": 12, "history": [...]}`` gives
    ``{"test/roc_auc": 0.7, "best_epoch": 12.0}``; lists, strings, booleans
    and other non-numbers are left out.
    """
    flat: dict[str, float] = {}
    for key, value in result.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(flatten_metrics(value, prefix=f"{name}/"))
        elif isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_)):
            flat[name] = float(value)
        elif hasattr(value, "numel") and value.numel() == 1 and not value.dtype.is_complex:
            flat[name] = float(value)
    return flat


@dataclass
class SeedResults:
    """Metrics of one configuration over several seeds.

    Attributes:
        name: row label in tables.
        seeds: the seeds, in run order.
        runs: flattened metrics of each seed (see :func:`flatten_metrics`).
    """

    name: str
    seeds: list[int] = field(default_factory=list)
    runs: list[dict[str, float]] = field(default_factory=list)

    def metric_names(self) -> list[str]:
        names: dict[str, None] = {}
        for run in self.runs:
            names.update(dict.fromkeys(run))
        return list(names)

    def values(self, metric: str) -> list[float]:
        """The metric for each seed (NaN where a run lacks it)."""
        return [run.get(metric, float("nan")) for run in self.runs]

    def summary(self, metric: str, ddof: int = 0) -> dict:
        """``{"mean", "std", "n", "values"}`` over the finite values of ``metric``.

        ``std`` uses ``ddof`` (default ``0``, numpy's population deviation as in
        Hu et al.; ``1`` gives the sample deviation). Mean and std are NaN
        without finite values; std is NaN when ``n <= ddof``.
        """
        values = self.values(metric)
        finite = np.array([v for v in values if math.isfinite(v)], dtype=np.float64)
        mean = float(finite.mean()) if finite.size else float("nan")
        std = float(finite.std(ddof=ddof)) if finite.size > ddof else float("nan")
        return {"mean": mean, "std": std, "n": int(finite.size), "values": values}


def run_seeds(fn: Callable[[int], Mapping], seeds: Sequence[int], name: str = "run") -> SeedResults:
    """Call ``fn(seed)`` for every seed and collect its numeric metrics.

    Args:
        fn: returns a (possibly nested) dict of metrics for one seed, e.g.
            the dict of :func:`~graphssl.eval.finetune` or :func:`~graphssl.eval.linear_probe`.
        seeds: the seeds to run, in order.
        name: row label in tables (default ``"run"``).
    """
    results = SeedResults(name=name)
    for seed in seeds:
        results.seeds.append(int(seed))
        results.runs.append(flatten_metrics(fn(int(seed))))
    return results


def _columns(rows: Sequence[SeedResults], metrics: Sequence[str] | None) -> list[str]:
    if metrics is not None:
        return list(metrics)
    names: dict[str, None] = {}
    for row in rows:
        names.update(dict.fromkeys(row.metric_names()))
    return list(names)


def _cell(summary: dict, digits: int) -> str:
    if summary["n"] == 0:
        return "–"
    if math.isnan(summary["std"]):
        return f"{summary['mean']:.{digits}f}"
    return f"{summary['mean']:.{digits}f} ± {summary['std']:.{digits}f}"


def markdown_table(rows: Sequence[SeedResults], metrics: Sequence[str] | None = None, digits: int = 4,
                   ddof: int = 0) -> str:
    """A Markdown table: one row per :class:`SeedResults`, cells ``mean ± std``.

    Args:
        rows: the results to tabulate.
        metrics: columns to show (default: every metric seen, in first-seen order).
        digits: decimals (default ``4``).
        ddof: degrees of freedom of the std (default ``0``).

    A ``seeds`` column gives the number of runs; a cell whose metric has fewer
    finite values than runs says so, e.g. ``0.7012 ± 0.0100 (n=8)``.
    """
    columns = _columns(rows, metrics)
    lines = ["| " + " | ".join(["name", "seeds", *columns]) + " |", "|---|---:|" + "---:|" * len(columns)]
    for row in rows:
        cells = []
        for metric in columns:
            summary = row.summary(metric, ddof)
            cell = _cell(summary, digits)
            if 0 < summary["n"] < len(row.runs):
                cell += f" (n={summary['n']})"
            cells.append(cell)
        lines.append("| " + " | ".join([row.name, str(len(row.runs)), *cells]) + " |")
    return "\n".join(lines) + "\n"


def _json_number(value: float) -> float | None:
    return value if math.isfinite(value) else None


def json_table(rows: Sequence[SeedResults], metrics: Sequence[str] | None = None, ddof: int = 0) -> dict:
    """The same table as a JSON-ready dict; NaN and inf become ``null``.

    Layout: ``{"ddof": int, "metrics": [...], "rows": [{"name", "seeds",
    "metrics": {metric: {"mean", "std", "n", "values"}}}]}``.
    """
    columns = _columns(rows, metrics)
    out_rows = []
    for row in rows:
        summaries = {}
        for metric in columns:
            summary = row.summary(metric, ddof)
            summaries[metric] = {"mean": _json_number(summary["mean"]), "std": _json_number(summary["std"]),
                                 "n": summary["n"], "values": [_json_number(v) for v in summary["values"]]}
        out_rows.append({"name": row.name, "seeds": list(row.seeds), "metrics": summaries})
    return {"ddof": ddof, "metrics": columns, "rows": out_rows}


def write_table(rows: Sequence[SeedResults], path_stem: str | Path, metrics: Sequence[str] | None = None,
                digits: int = 4, ddof: int = 0) -> tuple[str, dict]:
    """Write ``<path_stem>.md`` and ``<path_stem>.json``; return the Markdown and the dict.

    Parent folders are created; existing files are replaced.
    """
    path_stem = Path(path_stem)
    path_stem.parent.mkdir(parents=True, exist_ok=True)
    markdown = markdown_table(rows, metrics, digits, ddof)
    payload = json_table(rows, metrics, ddof)
    path_stem.with_name(path_stem.name + ".md").write_text(markdown)
    path_stem.with_name(path_stem.name + ".json").write_text(json.dumps(payload, indent=2, allow_nan=False) + "\n")
    return markdown, payload
