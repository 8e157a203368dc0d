"""scripts/gfse_ablation_table.py: one column per variant, the best mean in bold, wins and means per column."""

import json

import pytest

from tests.conftest import load_script


def write_results(folder, tu_means: dict, planetoid_means: dict):
    folder.mkdir()
    cell = lambda mean: {"mean": mean, "std": 1.0, "n": 10}  # noqa: E731
    summary = {"tu": {name: {"gfse": {"best_mean_epoch": {"epoch": 3, **cell(m)}, "last_epoch": cell(m - 1)}}
                      for name, m in tu_means.items()},
               "planetoid": {name: {"gfse": cell(m)} for name, m in planetoid_means.items()},
               "tu_epochs": 10, "planetoid_epochs": 100, "checkpoint": str(folder)}
    (folder / "results.json").write_text(json.dumps(summary))


def test_table_marks_the_best_variant_and_counts_wins(tmp_path, capsys):
    script = load_script("gfse_ablation_table")
    write_results(tmp_path / "all", {"MUTAG": 80.0, "PTC": 50.0}, {"Cora": 70.0})
    write_results(tmp_path / "spd", {"MUTAG": 75.0, "PTC": 55.0}, {"Cora": 71.0, "CiteSeer": 60.0})
    assert script.main([str(tmp_path / "all"), str(tmp_path / "spd"), "--out", str(tmp_path / "t.md")]) == 0
    text = (tmp_path / "t.md").read_text()
    assert text == capsys.readouterr().out
    best_mean = text.split("### ")[1]
    assert "| MUTAG | **80.0 ± 1.0** | 75.0 ± 1.0 | 89.4 |" in best_mean
    assert "| PTC | 50.0 ± 1.0 | **55.0 ± 1.0** | 64.6 |" in best_mean
    assert "| NCI1 | – | – | 82.7 |" in best_mean and "| best on | 1 | 1 | |" in best_mean
    assert "| MUTAG | **79.0 ± 1.0** | 74.0 ± 1.0 | 89.4 |" in text.split("### ")[2]
    planetoid = text.split("### ")[3]
    assert "| CiteSeer | – | **60.0 ± 1.0** | 70.3 |" in planetoid and "| best on | 0 | 2 | |" in planetoid
    assert "| mean | – | 65.5 | |" in planetoid


def test_mean_row_averages_complete_columns(tmp_path):
    script = load_script("gfse_ablation_table")
    means = {"all": {"Cora": 70.0, "CiteSeer": 61.0}, "spd": {"Cora": 71.5, "CiteSeer": 60.0}}
    for name, planetoid in means.items():
        write_results(tmp_path / name, {}, planetoid)
    variants = [script.load(tmp_path / name, "gfse") for name in means]
    planetoid = script.markdown(list(means), variants).split("### ")[3]
    assert "| mean | 65.5 | 65.8 | |" in planetoid
    assert "| mean | – | – | |" in script.markdown(list(means), variants).split("### ")[1]


def test_missing_results_name_the_folder(tmp_path):
    with pytest.raises(SystemExit, match=r"nothing/results.json: no results.json"):
        load_script("gfse_ablation_table").main([str(tmp_path / "nothing")])
