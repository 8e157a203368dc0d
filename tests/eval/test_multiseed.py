"""Multi-seed aggregation and its Markdown/JSON tables."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch

from graphssl.eval import SeedResults, flatten_metrics, json_table, markdown_table, run_seeds, write_table


def fake_run(seed: int) -> dict:
    return {"selection": "valid", "best_epoch": seed, "test": {"acc": 0.5 + 0.1 * seed, "auc": torch.tensor(0.9)},
            "valid": {"acc": float("nan") if seed == 2 else 0.6}, "history": [{"loss": 1.0}], "flag": True}


def test_flatten_keeps_numeric_leaves_only():
    assert flatten_metrics(fake_run(1)) == pytest.approx({"best_epoch": 1.0, "test/acc": 0.6, "test/auc": 0.9, "valid/acc": 0.6})


@pytest.mark.parametrize("ddof", [0, 1])
def test_summary_matches_numpy(ddof):
    results = run_seeds(fake_run, [0, 1, 2], name="gine")
    assert results.seeds == [0, 1, 2]
    summary = results.summary("test/acc", ddof=ddof)
    values = np.array([0.5, 0.6, 0.7])
    assert summary["mean"] == pytest.approx(values.mean()) and summary["std"] == pytest.approx(values.std(ddof=ddof))
    assert summary["n"] == 3
    nan_aware = results.summary("valid/acc", ddof=ddof)
    assert nan_aware["n"] == 2 and nan_aware["mean"] == pytest.approx(0.6)


def test_single_seed_with_sample_std_is_nan():
    summary = run_seeds(fake_run, [0]).summary("test/acc", ddof=1)
    assert math.isnan(summary["std"]) and summary["mean"] == pytest.approx(0.5)


def test_markdown_table_layout():
    rows = [run_seeds(fake_run, [0, 1, 2], name="gine"), run_seeds(lambda s: {"test": {"acc": 0.25}}, [0, 1], name="gin")]
    table = markdown_table(rows, metrics=["test/acc", "valid/acc"], digits=3)
    lines = table.strip().splitlines()
    assert lines[0] == "| name | seeds | test/acc | valid/acc |"
    assert lines[2] == "| gine | 3 | 0.600 ± 0.082 | 0.600 ± 0.000 (n=2) |"
    assert lines[3] == "| gin | 2 | 0.250 ± 0.000 | – |"


def test_write_table_files_round_trip(tmp_path):
    rows = [run_seeds(fake_run, [0, 1, 2], name="gine")]
    markdown, payload = write_table(rows, tmp_path / "sub" / "bbbp")
    assert (tmp_path / "sub" / "bbbp.md").read_text() == markdown
    loaded = json.loads((tmp_path / "sub" / "bbbp.json").read_text())
    assert loaded == payload == json_table(rows)
    cell = loaded["rows"][0]["metrics"]["valid/acc"]
    assert cell["values"] == [0.6, 0.6, None] and cell["n"] == 2
    assert loaded["metrics"] == ["best_epoch", "test/acc", "test/auc", "valid/acc"]


def test_empty_results_table():
    assert markdown_table([SeedResults(name="none")]).splitlines() == ["| name | seeds |", "|---|---:|", "| none | 0 |"]
