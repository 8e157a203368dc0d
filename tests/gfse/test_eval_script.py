"""scripts/gfse_eval.py on a tiny subset: every PSE choice builds and trains; both TU protocols are reported."""

import importlib.util
import json
from pathlib import Path

from tests.conftest import shared_data

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "gfse_eval.py"


def _script():
    spec = importlib.util.spec_from_file_location("gfse_eval", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_tu_and_planetoid_rows_for_every_pse(gfse_checkpoint, tmp_path):
    tu, planetoid = shared_data("tu", "MUTAG"), shared_data("planetoid")
    script = _script()
    script.main(["--checkpoint", str(gfse_checkpoint), "--tu", "MUTAG", "--planetoid", "Cora", "--folds", "2",
                 "--epochs", "2", "--seeds", "1", "--pse", "none,lap+rwse,gfse,gfse_ft", "--tu-root", str(tu.parent),
                 "--planetoid-root", str(planetoid), "--out", str(tmp_path)])
    rows = json.loads((tmp_path / "results.json").read_text())
    assert [(r["dataset"], r["pse"]) for r in rows] == [(d, p) for d in ("MUTAG", "Cora") for p in ("none", "lap+rwse", "gfse", "gfse_ft")]
    for row in rows[:4]:
        assert 1 <= row["best_mean_epoch"]["epoch"] <= 2
        assert row["best_mean_epoch"]["mean"] >= row["last_epoch"]["mean"]
    assert all(0.0 <= r["mean"] <= 1.0 for r in rows[4:])
