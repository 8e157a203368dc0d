"""``graphssl chem featurize`` and ``graphssl chem draw``: collated compact output, rejects, flags refused."""

from __future__ import annotations

import csv
import json
import math

import pytest
import torch

from graphssl.cli import main
from tests.conftest import requires

pytestmark = requires("rdkit")


def test_featurize_writes_collated_graphs_ids_labels_and_rejects(tmp_path, capsys):
    from graphssl.chem import mols_to_graphs
    from graphssl.data.saved import load_saved_graphs

    source = tmp_path / "mols.csv"
    source.write_text("name,SMILES,logp,active\na,CCO,1.5,1\nb,C1CC,2,0\nc\nd,c1ccccc1,,1\ne,CCN,3\n")
    out = tmp_path / "graphs.pt"
    assert main(["chem", "featurize", str(source), "--out", str(out), "--fragments", "rings",
                 "--id-column", "name", "--label-columns", "logp,active"]) == 0
    stored = torch.load(out, weights_only=False)
    assert isinstance(stored, tuple) and len(stored) == 3 and isinstance(stored[0], dict)
    assert stored[0]["x"].dtype == torch.uint8 and stored[0]["edge_index"].dtype == torch.uint8
    graphs = load_saved_graphs(out)
    reference, _ = mols_to_graphs(["CCO", "c1ccccc1", "CCN"], fragments="rings")
    assert [g.mol_id for g in graphs] == ["a", "d", "e"] and [int(g.input_row) for g in graphs] == [0, 3, 4]
    for graph, expected in zip(graphs, reference):
        for key in ("x", "edge_index", "edge_attr", "frag_x", "atom2frag", "frag_edge_index", "frag_batch"):
            assert graph[key].dtype == torch.int64 and torch.equal(graph[key], expected[key]), key
    labels = [g.y.tolist()[0] for g in graphs]
    assert labels[0] == [1.5, 1.0] and math.isnan(labels[1][0]) and labels[1][1] == 1.0
    assert labels[2][0] == 3.0 and math.isnan(labels[2][1])  # short row: missing label cell is NaN
    with open(tmp_path / "rejects.csv", newline="") as handle:
        rejects = list(csv.DictReader(handle))
    assert [(r["source"], r["item"]) for r in rejects] == [(str(source), "row 1"), (str(source), "row 2")]
    assert "unclosed ring" in rejects[0]["reason"] and rejects[1]["reason"].startswith("no SMILES cell (line 4")
    card = json.loads((tmp_path / "graphs.json").read_text())
    assert card["graphs"] == 3 and card["rejected"] == 2 and card["label_columns"] == ["logp", "active"]
    captured = capsys.readouterr()
    assert "3 graphs" in captured.out
    assert captured.err.strip() == (f"graphssl: chem featurize {source}: 2 of 5 items rejected; "
                                    f"reasons in {tmp_path / 'rejects.csv'}")


def test_featurized_file_batches_its_fragment_hierarchy(tmp_path):
    from torch_geometric.loader import DataLoader

    from graphssl.data.saved import SavedGraphs

    source = tmp_path / "mols.smi"
    source.write_text("c1ccc2ccccc2c1 n\nCC(=O)Oc1ccccc1C(=O)O a\nC1CC1CC2CCCC2 b\n")
    assert main(["chem", "featurize", str(source), "--out", str(tmp_path / "g.pt"), "--fragments", "ring_systems"]) == 0
    dataset = SavedGraphs(tmp_path / "g.pt")
    batch = next(iter(DataLoader(dataset, batch_size=3)))
    assert batch.x.dtype == torch.int64 and int(batch.frag_batch.max()) == 2
    assert torch.equal(batch.batch[batch.atom2frag[0]], batch.frag_batch[batch.atom2frag[1]])


def test_csv_saved_as_txt_is_read_as_csv(tmp_path, capsys):
    source = tmp_path / "mols.txt"
    source.write_text("id,smiles,label\n" + "".join(f"m{i},{'C' * (i + 1)}O,{i}\n" for i in range(10)))
    out = tmp_path / "g.pt"
    assert main(["chem", "featurize", str(source), "--out", str(out), "--label-columns", "label"]) == 0
    assert "10 graphs" in capsys.readouterr().out and not (tmp_path / "rejects.csv").exists()


def test_batch_with_every_row_rejected_fails_with_one_line(tmp_path, capsys):
    source = tmp_path / "mols.txt"
    source.write_text("structure_id;value\nxx;1\nyy;2\n")
    assert main(["chem", "featurize", str(source), "--out", str(tmp_path / "g.pt"), "--format", "smi"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"graphssl: error: {source}: none of the 3 molecules could be read")
    assert "--format" in err[0] and not (tmp_path / "g.pt").exists()
    assert len((tmp_path / "rejects.csv").read_text().splitlines()) == 4


@pytest.mark.parametrize("argv, flag", [
    (["chem", "draw", "CCO", "x.png", "--size", "-5", "100"], "--size"),
    (["chem", "draw", "CCO", "x.png", "--size", "300", "zero"], "--size"),
    (["chem", "featurize", "m.csv", "--out", "g.pt", "--n-jobs", "0"], "--n-jobs"),
    (["chem", "featurize", "m.csv", "--out", "g.pt", "--n-jobs", "-2"], "--n-jobs"),
    (["chem", "featurize", "m.csv", "--out", "g.pt", "--label-columns", "a,,b"], "--label-columns"),
    (["chem", "featurize", "m.csv", "--out", "g.pt", "--format", "xlsx"], "--format"),
])
def test_bad_flag_values_are_refused_naming_the_flag(argv, flag, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert f"argument {flag}" in capsys.readouterr().err.strip().splitlines()[-1]


def test_errors_are_one_line(tmp_path, capsys):
    smi = tmp_path / "m.smi"
    smi.write_text("CCO\n")
    assert main(["chem", "draw", "C1CC", str(tmp_path / "m.png")]) == 2
    assert main(["chem", "featurize", str(tmp_path / "missing.csv"), "--out", str(tmp_path / "g.pt")]) == 2
    assert main(["chem", "featurize", str(smi), "--out", str(tmp_path / "g.pt"), "--id-column", "name"]) == 2
    assert main(["chem", "featurize", str(smi), "--out", str(tmp_path / "g.npz")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 4 and "unclosed ring" in err[0] and "file not found" in err[1]
    assert str(smi) in err[2] and "--format csv" in err[2] and "--out" in err[3]


def test_draw(tmp_path):
    assert main(["chem", "draw", "c1ccccc1CC(=O)O", str(tmp_path / "m.png"), "--size", "300", "200"]) == 0
    assert (tmp_path / "m.png").read_bytes()[:4] == b"\x89PNG"
