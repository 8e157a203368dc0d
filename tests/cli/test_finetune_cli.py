"""``graphssl finetune moleculenet``: flags refused with one line naming them, and an ECFP4-only run."""

from __future__ import annotations

import csv
import json

import pytest

from graphssl.cli import main
from tests.conftest import requires


def moleculenet(*args):
    return main(["finetune", "moleculenet", *map(str, args)])


@pytest.mark.parametrize("args, message", [
    (["--out", "x", "--ecfp", "--tasks", "bbbp,hiv"], "--tasks: unknown hiv"),
    (["--out", "x"], "nothing to run"),
    (["--out", "x", "--scratch"], "--scratch: needs a --checkpoint"),
])
def test_bad_arguments_name_the_flag(args, message, capsys):
    assert moleculenet(*args) == 2
    assert message in capsys.readouterr().err


def test_bad_values_are_refused_when_the_line_is_read(capsys):
    with pytest.raises(SystemExit):
        moleculenet("--out", "x", "--dropout", "1.5")
    assert "argument --dropout: must be a number in [0, 1), got '1.5'" in capsys.readouterr().err


@requires("rdkit")
@requires("sklearn")
def test_ecfp_rows_alone_on_a_small_file(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GRAPHSSL_CACHE", str(tmp_path / "cache"))
    smiles = ["c1ccccc1O", "c1ccccc1N", "c1ccncc1", "c1ccncc1C", "C1CCCCC1", "C1CCCCC1O", "CCO", "CCN", "CCCC",
              "C1CCOC1", "C1CCNCC1", "c1ccoc1", "c1ccsc1", "c1ccc2ccccc2c1", "CC(=O)O", "CCOC"]
    root = tmp_path / "data"
    root.mkdir()
    with open(root / "freesolv.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["iupac", "smiles", "expt", "calc"])
        writer.writerows([[f"m{i}", s, 0.5 * i - 3.0, 0.0] for i, s in enumerate(smiles)])
    assert moleculenet("--ecfp", "--tasks", "freesolv", "--seeds", "2", "--root", root, "--out", tmp_path / "o",
                       "--quiet") == 0
    table = json.loads((tmp_path / "o" / "table.json").read_text())
    assert [row["label"] for row in table["rows"]] == ["ECFP4 + linear", "ECFP4 + RF"]
    assert [row["cells"]["freesolv"]["n"] for row in table["rows"]] == [1, 2]
    assert table["data"]["freesolv"]["molecules"] == len(smiles)
    assert "| ECFP4 + RF |" in capsys.readouterr().out
    assert moleculenet("--ecfp", "--tasks", "freesolv", "--seeds", "2", "--root", root, "--out", tmp_path / "o",
                       "--quiet") == 2
    assert "pass --resume" in capsys.readouterr().err
