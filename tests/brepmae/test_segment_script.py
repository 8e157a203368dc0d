"""scripts/brepmae_segment.py on a four-part MFCAD copy and on a few generated parts (train/val from seed 0, test from
another seed): subset files, per-run records, the table, --resume, --export, --val-every."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from tests.conftest import load_script, shared_data



def _script():
    return load_script("brepmae_segment")


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


def test_estimate_projects_the_table_without_writing_it(tiny_mfcad, tmp_path, capsys):
    root, _ = tiny_mfcad
    config = tmp_path / "encoder.yaml"
    config.write_text(yaml.safe_dump({"encoder": {"hidden_dim": 8, "num_layers": 1,
                                                  "node_inputs": [{"name": "brep_face", "params": {"channels": 2}}],
                                                  "edge_inputs": [{"name": "brep_edge", "params": {"channels": 2}}]}}))
    out = tmp_path / "out"
    assert _script().main(["--root", str(root), "--encoder-config", str(config), "--seeds", "0,1", "--epochs", "15",
                           "--out", str(out), "--workers", "1", "--estimate", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("one epoch on 2 parts: ")
    assert lines[1] == "projected table: 4 fractions (1, 1, 1, 2 parts) x 2 seeds x 1 variants, --val-every 1"
    assert [line.split()[0] for line in lines[2:]] == ["10", "15", "20", "30"]
    assert not out.exists()


def test_validation_passes_count_every_kth_epoch_and_the_last():
    validations = _script().validations
    for epochs in range(1, 12):
        for every in range(1, 6):
            brute = sum(1 for epoch in range(1, epochs + 1) if epoch % every == 0 or epoch == epochs)
            assert validations(epochs, every) == brute


def test_bad_flags_are_refused(tiny_mfcad, tmp_path):
    with pytest.raises(SystemExit):
        _script().parse_args(["--out", str(tmp_path), "--encoder-config", "x.yaml", "--fractions", "0,1"])
    with pytest.raises(SystemExit):
        _script().parse_args(["--out", str(tmp_path)])


def test_generated_task_trains_on_one_seed_and_tests_on_another(tmp_path, monkeypatch):
    from graphssl.brepmae import load_segmenter
    from graphssl.brepmae.subsets import read_subset
    from graphssl.cad.generator.classes import FEATURE_CLASSES
    from graphssl.cad.generator.run import ensure_parts
    from graphssl.errors import ConfigError

    monkeypatch.setenv("GRAPHSSL_CACHE", str(tmp_path / "cache"))
    config = tmp_path / "encoder.yaml"
    config.write_text(yaml.safe_dump({"encoder": {"hidden_dim": 8, "num_layers": 1,
                                                  "node_inputs": [{"name": "brep_face", "params": {"channels": 2}}],
                                                  "edge_inputs": [{"name": "brep_edge", "params": {"channels": 2}}]}}))
    out = tmp_path / "out"
    argv = ["--dataset", "generated", "--num-parts", "10", "--test-parts", "1", "--test-seed", "3",
            "--encoder-config", str(config), "--fractions", "0.5,1.0", "--seeds", "0", "--epochs", "2",
            "--val-every", "2", "--out", str(out), "--workers", "1", "--export", str(tmp_path / "seg.pt")]
    script = _script()
    splits, _, data = script.load_splits(script.parse_args(argv))
    train_val, test = ensure_parts(10, seed=0, progress=False), ensure_parts(1, seed=3, progress=False)
    assert [len(splits[s]) for s in ("train", "val", "test")] == [8, 1, 1]
    assert all(Path(g.source_file).parent == train_val for g in splits["train"] + splits["val"])
    assert all(Path(g.source_file).parent == test for g in splits["test"])
    assert data == {"dataset": "generated", "train_val": {"num_parts": 10, "seed": 0},
                    "test": {"num_parts": 1, "seed": 3}}
    assert script.main(argv) == 0
    full = read_subset(out / "subsets" / "train_100pct_seed0.txt")
    assert sorted(full) == [f"part_{i:06d}" for i in range(8)]
    assert read_subset(out / "subsets" / "train_50pct_seed0.txt") == full[:4]
    record = json.loads((out / "runs" / "scratch_50pct_seed0.json").read_text())
    assert record["data"] == data and record["train_parts"] == 4
    # Validated after epoch 2 only (every 2nd epoch and the last).
    assert ["val_accuracy" in row for row in record["history"]] == [False, True]
    segmenter = load_segmenter(tmp_path / "seg.pt")
    assert segmenter.card["classes"] == list(FEATURE_CLASSES) and segmenter.num_classes == 25
    assert segmenter.card["training"]["data_source"] == data
    # A record of other data is not resumed from.
    record_path = out / "runs" / "scratch_50pct_seed0.json"
    record_path.write_text(json.dumps({**record, "data": {"dataset": "mfcad"}}))
    with pytest.raises(ConfigError, match="scratch_50pct_seed0.json: was run on \\{'dataset': 'mfcad'\\}"):
        script.main([a for a in argv if a not in ("--export", str(tmp_path / "seg.pt"))] + ["--resume"])


def test_generated_flags_are_checked(tmp_path):
    script = _script()
    common = ["--out", str(tmp_path), "--encoder-config", "x.yaml"]
    assert script.parse_args(common + ["--dataset", "generated"]).num_parts == 4000
    for bad in (["--dataset", "generated", "--test-seed", "0"], ["--dataset", "generated", "--root", "x"],
                ["--num-parts", "10"]):
        with pytest.raises(SystemExit):
            script.parse_args(common + bad)
