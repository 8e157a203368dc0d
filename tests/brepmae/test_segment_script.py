"""scripts/brepmae_segment.py on a five-part MFCAD copy: subset files, per-run records, the table, --resume, --export."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import pytest
import yaml

from tests.conftest import shared_data

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "brepmae_segment.py"


def _script():
    spec = importlib.util.spec_from_file_location("brepmae_segment", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def tiny_mfcad(tmp_path, monkeypatch):
    """Two train parts, one val, one test, copied from ../shared/data/mfcad; a private cache."""
    monkeypatch.setenv("GRAPHSSL_CACHE", str(tmp_path / "cache"))
    source = shared_data("mfcad")
    root = tmp_path / "mfcad"
    (root / "step").mkdir(parents=True)
    shutil.copy(source / "classes.json", root)
    ids = {split: (source / f"{split}.txt").read_text().split()[:n] for split, n in (("train", 2), ("val", 1), ("test", 1))}
    for split, chosen in ids.items():
        (root / f"{split}.txt").write_text("".join(f"{i}\n" for i in chosen))
        for i in chosen:
            for suffix in (".step", ".json"):
                shutil.copy(source / "step" / f"{i}{suffix}", root / "step")
    return root, ids


def test_scratch_runs_write_subsets_records_table_and_a_segmenter_that_predicts(tiny_mfcad, tmp_path, capsys):
    from graphssl.brepmae import load_segmenter, predict
    from graphssl.brepmae.subsets import read_subset

    root, ids = tiny_mfcad
    config = tmp_path / "encoder.yaml"
    config.write_text(yaml.safe_dump({"encoder": {"hidden_dim": 16, "num_layers": 1,
                                                  "node_inputs": [{"name": "brep_face", "params": {"channels": 4}}],
                                                  "edge_inputs": [{"name": "brep_edge", "params": {"channels": 4}}]}}))
    out = tmp_path / "out"
    argv = ["--root", str(root), "--encoder-config", str(config), "--fractions", "0.5,1.0", "--seeds", "0",
            "--epochs", "1", "--out", str(out), "--workers", "1", "--export", str(tmp_path / "seg.pt")]
    assert _script().main(argv) == 0
    half = read_subset(out / "subsets" / "train_50pct_seed0.txt")
    full = read_subset(out / "subsets" / "train_100pct_seed0.txt")
    assert len(half) == 1 and sorted(full) == sorted(ids["train"]) and full[:1] == half
    record = json.loads((out / "runs" / "scratch_50pct_seed0.json").read_text())
    assert record["train_parts"] == 1 and 0 <= record["test"]["accuracy"] <= 1
    table = json.loads((out / "table.json").read_text())
    assert [row["name"] for row in table["rows"]] == ["scratch 50%", "scratch 100%"]
    assert "accuracy" in (out / "table.md").read_text()
    segmenter = load_segmenter(tmp_path / "seg.pt")
    assert segmenter.card["classes"][-1] == "stock" and segmenter.card["training"]["fraction"] == 1.0
    (result,) = predict(root / "step" / f"{ids['test'][0]}.step", segmenter)
    assert all(f.class_name in segmenter.card["classes"] for f in result.faces)
    # --resume reads the finished records instead of training again.
    capsys.readouterr()
    argv_resume = [a for a in argv if a not in ("--export", str(tmp_path / "seg.pt"))] + ["--resume"]
    assert _script().main(argv_resume) == 0
    assert f"{record['test']['accuracy']:.4f}" in capsys.readouterr().out


def test_bad_flags_are_refused(tiny_mfcad, tmp_path):
    with pytest.raises(SystemExit):
        _script().parse_args(["--out", str(tmp_path), "--encoder-config", "x.yaml", "--fractions", "0,1"])
    with pytest.raises(SystemExit):
        _script().parse_args(["--out", str(tmp_path)])
