"""scripts/gfse_eval.py on a tiny subset: every PSE choice trains, records resume, tables match the records."""

import json

import numpy as np
import pytest

from tests.conftest import load_script, shared_data



def _script():
    return load_script("gfse_eval")


def test_records_resume_and_tables_follow_both_protocols(gfse_checkpoint, tmp_path):
    tu, planetoid = shared_data("tu", "MUTAG"), shared_data("planetoid")
    script = _script()
    common = ["--checkpoint", str(gfse_checkpoint), "--epochs", "3", "--planetoid-epochs", "2", "--seeds", "1",
              "--tu-root", str(tu.parent), "--planetoid-root", str(planetoid), "--out", str(tmp_path)]
    script.main(["--datasets", "MUTAG", "--folds", "1", "--pse", "none,lap+rwse,gfse,gfse_ft", *common])
    with pytest.raises(SystemExit, match="--resume"):
        script.main(["--datasets", "MUTAG", "--folds", "2", "--pse", "none", *common])
    script.main(["--datasets", "mutag,cora", "--folds", "1-2", "--pse", "none", "--resume", *common])
    rows = [json.loads(line) for line in (tmp_path / "records.jsonl").read_text().splitlines()]
    assert [(r["dataset"], r["pse"], r.get("fold", r.get("seed"))) for r in rows] == [
        *[("MUTAG", p, 1) for p in ("none", "lap+rwse", "gfse", "gfse_ft")],
        ("MUTAG", "none", 2), ("Cora", "none", 1)]
    summary = json.loads((tmp_path / "results.json").read_text())
    curves = np.array([r["curve"] for r in rows if r["dataset"] == "MUTAG" and r["pse"] == "none"])
    best = int(curves.mean(axis=0).argmax())
    cell = summary["tu"]["MUTAG"]["none"]
    assert cell["best_mean_epoch"]["epoch"] == best + 1 and cell["best_mean_epoch"]["n"] == 2
    assert np.isclose(cell["best_mean_epoch"]["mean"], 100 * curves[:, best].mean())
    assert np.isclose(cell["last_epoch"]["std"], 100 * curves[:, -1].std())
    cora = [r["test"] for r in rows if r["dataset"] == "Cora"]
    assert np.isclose(summary["planetoid"]["Cora"]["none"]["mean"], 100 * np.mean(cora))
    table = (tmp_path / "results.md").read_text()
    assert "| MUTAG |" in table and "89.4" in table and "81.5" in table and "(2/10)" in table


def test_folds_and_datasets_parse():
    script = _script()
    assert script.int_list("3") == [1, 2, 3] and script.int_list("2,5") == [2, 5] and script.int_list("4-6") == [4, 5, 6]
    assert script.dataset_name("imdbbinary") == "IMDB-B" and script.dataset_name("citeseer") == "CiteSeer"
