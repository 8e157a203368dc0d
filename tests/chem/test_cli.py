"""``graphssl chem featurize`` and ``graphssl chem draw``."""

from __future__ import annotations

import torch

from graphssl.cli import main
from tests.conftest import requires

pytestmark = requires("rdkit")


def test_featurize_writes_graphs_and_rejects(tmp_path, capsys):
    source = tmp_path / "mols.csv"
    source.write_text("name,SMILES\na,CCO\nb,C1CC\nc,c1ccccc1\n")
    out = tmp_path / "graphs.pt"
    assert main(["chem", "featurize", str(source), "--out", str(out), "--fragments", "rings"]) == 0
    graphs = torch.load(out, weights_only=False)
    assert [g.num_nodes for g in graphs] == [3, 6] and graphs[1].num_fragments == 1
    rejects = (tmp_path / "graphs.rejects.csv").read_text().splitlines()
    assert rejects[0] == "row,input,reason" and rejects[1].startswith("1,C1CC,") and "unclosed ring" in rejects[1]
    assert "2 graphs" in capsys.readouterr().out


def test_errors_are_one_line(tmp_path, capsys):
    assert main(["chem", "draw", "C1CC", str(tmp_path / "m.png")]) == 2
    assert main(["chem", "featurize", str(tmp_path / "missing.csv"), "--out", str(tmp_path / "g.pt")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and "unclosed ring" in err[0] and "file not found" in err[1]


def test_draw(tmp_path):
    assert main(["chem", "draw", "c1ccccc1CC(=O)O", str(tmp_path / "m.png"), "--size", "300", "200"]) == 0
    assert (tmp_path / "m.png").read_bytes()[:4] == b"\x89PNG"
