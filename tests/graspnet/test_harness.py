"""The MoleculeNet harness: masked metrics against scikit-learn, probes chosen on validation, records, resume, errors."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest
import torch

from tests.conftest import requires, shared_data

pytestmark = [requires("rdkit"), requires("sklearn")]

#: 24 small molecules of several scaffolds (benzene, pyridine, cyclohexane, naphthalene, acyclic), with labels.
MOLECULES = ["c1ccccc1O", "c1ccccc1N", "c1ccccc1C", "c1ccccc1CC", "c1ccccc1Cl", "c1ccncc1", "c1ccncc1C", "c1ccncc1O",
             "C1CCCCC1", "C1CCCCC1O", "C1CCCCC1N", "c1ccc2ccccc2c1", "c1ccc2ccccc2c1O", "CCO", "CCN", "CCCC", "CC(=O)O",
             "CCOC", "C1CCOC1", "C1CCOC1C", "C1CCNCC1", "C1CCNCC1C", "c1ccoc1", "c1ccsc1"]


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHSSL_CACHE", str(tmp_path / "cache"))


def write_task(root, name, header, rows):
    root.mkdir(parents=True, exist_ok=True)
    with open(root / f"{name}.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return root


def tiny_root(tmp_path, invalid_row: int | None = None):
    """``bbbp.csv`` (binary, alternating labels) and ``esol.csv`` (real labels) of :data:`MOLECULES`."""
    smiles = list(MOLECULES)
    if invalid_row is not None:
        smiles[invalid_row] = "C1CC"  # unclosed ring
    root = tmp_path / "moleculenet"
    write_task(root, "bbbp", ["num", "name", "p_np", "smiles"], [[i, f"m{i}", i % 2, s] for i, s in enumerate(smiles)])
    write_task(root, "esol", ["smiles", "measured log solubility in mols per litre"],
               [[s, round(0.25 * i - 2.0, 2)] for i, s in enumerate(smiles)])
    return root


# masked metrics ------------------------------------------------------------------------------------


def test_masked_bce_and_roc_auc_match_sklearn_on_labelled_entries():
    from sklearn.metrics import log_loss, roc_auc_score

    from graphssl.eval.tasks import EvalTask
    from graphssl.graspnet.moleculenet import score_predictions

    nan = np.nan
    labels = np.array([[1, 0, 1], [0, nan, 1], [1, 1, nan], [0, 0, 1], [nan, 1, 1], [1, nan, 1]], dtype=float)
    logits = np.array([[2.0, -1.0, 0.3], [-0.5, 4.0, 1.0], [0.1, 0.7, -2.0], [0.4, -0.2, 0.0], [3.0, 1.5, 0.2],
                       [-1.0, 9.0, 0.5]])
    scores = score_predictions(logits, labels, "binary")
    # Column 2 holds one class only: skipped. Columns 0 and 1 are scored on their labelled rows.
    expected = [roc_auc_score(labels[~np.isnan(labels[:, c]), c], logits[~np.isnan(labels[:, c]), c]) for c in (0, 1)]
    assert scores["roc_auc"] == pytest.approx(np.mean(expected)) and scores["roc_auc_skipped"] == 1.0
    labelled = ~np.isnan(labels)
    probabilities = 1.0 / (1.0 + np.exp(-logits[labelled]))
    loss = EvalTask("binary", 3).loss(torch.tensor(logits), torch.tensor(labels))
    assert float(loss) == pytest.approx(log_loss(labels[labelled], probabilities, labels=[0, 1]))
    regression = score_predictions(np.array([[1.0], [2.0], [5.0]]), np.array([[1.5], [nan], [3.0]]), "regression")
    assert regression["rmse"] == pytest.approx(np.sqrt((0.25 + 4.0) / 2))


def test_probe_penalty_is_chosen_on_validation_only():
    from sklearn.linear_model import Ridge
    from sklearn.preprocessing import StandardScaler

    from graphssl.eval.splits import Split
    from graphssl.graspnet.moleculenet import RIDGE_ALPHA, fit_probe

    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 8))
    y = (x @ rng.normal(size=8) + rng.normal(scale=2.0, size=60))[:, None]
    split = Split(np.arange(40), np.arange(40, 50), np.arange(50, 60))
    result = fit_probe(x, y, split, "regression")
    scaler = StandardScaler().fit(x[:40])

    def rmse(alpha, rows):
        model = Ridge(alpha=alpha).fit(scaler.transform(x[:40]), y[:40, 0])
        return float(np.sqrt(np.mean((model.predict(scaler.transform(x[rows])) - y[rows, 0]) ** 2)))

    brute = min(RIDGE_ALPHA, key=lambda alpha: rmse(alpha, split.valid))
    assert result["param"] == brute and result["test"]["rmse"] == pytest.approx(rmse(brute, split.test))
    shuffled = y.copy()
    shuffled[50:] = rng.normal(size=(10, 1)) * 100.0  # other test labels: the same penalty
    assert fit_probe(x, shuffled, split, "regression")["param"] == brute


# the harness ---------------------------------------------------------------------------------------


def harness(tmp_path, checkpoint, root, resume=False, **config):
    from graphssl.graspnet.harness import Harness, HarnessConfig, plan_rows

    rows = plan_rows([checkpoint], ["tiny"], probe=True, scratch=True, ecfp=config.pop("ecfp", False))
    settings = HarnessConfig(**{"tasks": ("bbbp", "esol"), "seeds": 2, "epochs": 1, "root": root, **config})
    return Harness(tmp_path / "out", rows, settings, resume=resume)


def test_invalid_smiles_are_counted_and_never_shift_labels(exported_checkpoint, tmp_path):
    from graphssl.graspnet.moleculenet import load_task

    root = tiny_root(tmp_path, invalid_row=5)
    data = load_task("esol", root, fragments="ring_systems")
    assert data.rows == [i for i in range(len(MOLECULES)) if i != 5]
    assert [r.item for r in data.rejects] == ["row 5"] and "unclosed ring" in data.rejects[0].reason
    np.testing.assert_allclose(data.labels[:, 0], [round(0.25 * i - 2.0, 2) for i in data.rows], rtol=1e-6)
    assert data.summary()["rejected"] == 1 and data.summary()["molecules"] == len(MOLECULES) - 1


def test_resume_after_a_killed_run_computes_only_missing_records(exported_checkpoint, tmp_path):
    from graphssl.errors import ConfigError

    root = tiny_root(tmp_path)
    first = harness(tmp_path, exported_checkpoint[0], root)
    total = len(first.jobs())
    assert total == 2 * (2 + 1 + 2)  # tasks x (fine-tune seeds + one probe fit + scratch seeds)
    calls = []
    compute = first.compute_record

    def killed_after_four(*job):
        if len(calls) == 4:
            raise KeyboardInterrupt  # what a kill leaves: records written so far, nothing else
        calls.append((job[0].key, *job[1:]))
        return compute(*job)

    first.compute_record = killed_after_four
    with pytest.raises(KeyboardInterrupt):
        first.run()
    records = sorted((tmp_path / "out" / "records").rglob("*.json"))
    assert len(records) == 4 and not list((tmp_path / "out").rglob(".*tmp*"))
    before = {path: path.read_text() for path in records}

    with pytest.raises(ConfigError, match="--resume"):
        harness(tmp_path, exported_checkpoint[0], root).run()
    table_only = harness(tmp_path, exported_checkpoint[0], root)
    table_only.compute_record = lambda *job: pytest.fail("--table-only computed a record")
    partial = table_only.run(compute=False)
    assert partial["budget"]["records"] == 4
    assert sum(cell["n"] for row in partial["rows"] for cell in row["cells"].values()) == 4
    assert (tmp_path / "out" / "table.md").is_file()
    resumed = harness(tmp_path, exported_checkpoint[0], root, resume=True)
    recomputed = []
    compute_again = resumed.compute_record
    resumed.compute_record = lambda *job: recomputed.append((job[0].key, *job[1:])) or compute_again(*job)
    table = resumed.run()
    assert len(recomputed) == total - 4 and set(recomputed).isdisjoint(calls)
    assert all(path.read_text() == text for path, text in before.items())  # finished records left untouched
    assert table["budget"]["records"] == total
    fine_tune = json.loads(resumed.record_path(resumed.rows[0], "bbbp", 1).read_text())
    assert fine_tune["seed"] == 1 and fine_tune["budget"]["epochs"] == 1 and fine_tune["budget"]["wall_time_s"] > 0

    with pytest.raises(ConfigError, match="epochs"):
        harness(tmp_path, exported_checkpoint[0], root, resume=True, epochs=2).run()


def test_a_checkpoint_on_other_features_than_the_data_is_refused(exported_checkpoint, tmp_path):
    from graphssl.errors import CheckpointError

    run = harness(tmp_path, exported_checkpoint[0], tiny_root(tmp_path), features="hu")
    with pytest.raises(CheckpointError, match=r"trained on OGB molecule features, but --features hu .* HU features"):
        run.run()


def test_a_missing_column_names_the_columns_there_are(tmp_path):
    from graphssl.errors import InputFileError
    from graphssl.graspnet.moleculenet import load_task

    root = write_task(tmp_path / "data", "bace", ["smiles", "label"], [["CCO", 1]])
    with pytest.raises(InputFileError, match=r"bace.csv: no column 'mol' \(columns: smiles, label\)"):
        load_task("bace", root)
    with pytest.raises(InputFileError, match=r"lipo.csv: MoleculeNet file of task 'lipo' not found"):
        load_task("lipo", root)


def test_tiny_run_on_the_first_rows_of_bbbp_and_esol(exported_checkpoint, tmp_path, capsys):
    from graphssl.cli import main
    from graphssl.graspnet.moleculenet import load_task

    root = shared_data("moleculenet")
    out = tmp_path / "run"
    # 150 rows: the first BBBP rows are almost all positive; 150 is the first cut whose test part has both classes.
    args = ["finetune", "moleculenet", "--checkpoint", str(exported_checkpoint[0]), "--tasks", "bbbp,esol",
            "--seeds", "2", "--epochs", "1", "--limit", "150", "--root", str(root), "--out", str(out),
            "--scratch", "--linear-probe", "--ecfp", "--quiet"]
    assert main(args) == 0
    table = json.loads((out / "table.json").read_text())
    labels = [(row["label"], row["kind"]) for row in table["rows"]]
    assert labels == [("tiny", "finetune"), ("tiny", "probe"), ("scratch", "scratch"),
                      ("ECFP4 + linear", "ecfp4_linear"), ("ECFP4 + RF", "ecfp4_rf")]
    data = load_task("bbbp", root, fragments="ring_systems", limit=150)
    for row in table["rows"]:
        auc, rmse = row["cells"]["bbbp"], row["cells"]["esol"]
        assert auc["n"] == (2 if row["kind"] in ("finetune", "scratch", "ecfp4_rf") else 1)
        assert all(0.0 <= v <= 100.0 for v in auc["values"]) and all(v > 0 for v in rmse["values"])
        assert row["mean_roc_auc"] == pytest.approx(auc["mean"])  # BBBP is the only classification task here
    record = json.loads((out / "records" / "finetune-tiny" / "bbbp" / "seed0.json").read_text())
    assert record["data"]["split"] == {part: len(getattr(data.split, part)) for part in ("train", "valid", "test")}
    assert record["data"]["rejected"] == len(data.rejects) and record["settings"]["dropout"] == 0.5
    markdown = (out / "table.md").read_text()
    assert "| tiny fine-tune |" in markdown and "Published anchors" in markdown and "| GraphMAE (Hou et al. 2022) | 72.0 |" in markdown
    assert "fine-tuning 1 epochs, 2 seed(s)" in capsys.readouterr().out


def test_table_means_stds_and_mean_roc_auc_by_hand(tmp_path):
    from graphssl.graspnet.harness import Harness, HarnessConfig, markdown, plan_rows, write_json_atomic

    run = Harness(tmp_path / "out", plan_rows([], ecfp=True), HarnessConfig(tasks=("bbbp", "bace", "esol"), seeds=3))
    scores = {"bbbp": [0.70, 0.74, 0.72], "bace": [0.80, 0.83, 0.86], "esol": [1.1, 1.3, 1.2]}
    for row, task, seed in run.jobs():
        metric = "rmse" if task == "esol" else "roc_auc"
        write_json_atomic(run.record_path(row, task, seed), {
            **run.expected(row, task, seed), "test": {metric: scores[task][seed]},
            "data": {"rows": 10, "molecules": 10, "rejected": 0, "split": {"train": 8, "valid": 1, "test": 1}},
            "budget": {"wall_time_s": 1.0}})
    table = run.table()
    forest = table["rows"][1]
    assert forest["label"] == "ECFP4 + RF" and forest["cells"]["bbbp"]["n"] == 3
    assert forest["cells"]["bbbp"]["mean"] == pytest.approx(72.0)
    assert forest["cells"]["bace"]["std"] == pytest.approx(np.std([80.0, 83.0, 86.0]))
    assert forest["cells"]["esol"]["mean"] == pytest.approx(1.2)
    assert forest["mean_roc_auc"] == pytest.approx((72.0 + 83.0) / 2)
    linear = table["rows"][0]  # deterministic: the seed-0 fit only
    assert linear["cells"]["bbbp"]["values"] == pytest.approx([70.0]) and linear["mean_roc_auc"] == pytest.approx(75.0)
    text = markdown(table)
    assert "| ECFP4 + RF | 72.0 ± 1.6 | 83.0 ± 2.4 | 1.200 ± 0.082 | 77.5 | 1.0 |" in text
    assert "| GraSPNet (Wu et al., paper) | 74.4 | 82.9 |" in text
    # Only ECFP4 rows: the header does not claim fine-tuning settings that nothing used.
    assert text.startswith("Budget: no fine-tuning rows, 3 seed(s);")
