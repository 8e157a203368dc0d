"""``graphssl cad`` commands, run in-process through the dispatcher."""

from __future__ import annotations

import json

import pytest
import torch

from graphssl.cli import main
from tests.cad import shapes


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHSSL_CACHE", str(tmp_path / "cache"))


def test_generate_show_extract_dataset_stats(tmp_path, capsys):
    out = tmp_path / "parts"
    assert main(["cad", "generate", "--n", "3", "--out", str(out), "--seed", "9", "--quiet"]) == 0
    assert sorted(p.name for p in out.glob("*.step")) == [f"part_{i:06d}.step" for i in range(3)]
    png = tmp_path / "p.png"
    assert main(["cad", "show", str(out / "part_000001.step"), "--labels", str(out / "part_000001.json"),
                 "--png", str(png)]) == 0
    assert png.stat().st_size > 10_000
    graphs = tmp_path / "g.pt"
    assert main(["cad", "extract", str(out / "part_000000.step"), "--edge-grid", "4", "--out", str(graphs)]) == 0
    saved = torch.load(graphs, weights_only=False)
    assert saved[0].edge_grid.shape[-1] == 4
    assert main(["cad", "dataset", "mfinstseg", str(out), "--workers", "1"]) == 0
    assert "MFInstSeg(3" in capsys.readouterr().out
    stats = tmp_path / "stats.json"
    assert main(["cad", "stats", "mfcadpp", str(out), "--split", "all", "--workers", "1", "--out", str(stats)]) == 0
    assert json.loads(stats.read_text())["num_graphs"] == 3


@pytest.mark.parametrize("argv, fragment", [
    (["cad", "extract", "missing.step"], "missing.step: no such file"),
    (["cad", "generate", "--n", "1", "--out", "x", "--classes", "wormhole"], "unknown feature classes"),
    (["cad", "show", "missing.step", "--png", "x.png"], "missing.step: no such file"),
])
def test_errors_are_one_line(argv, fragment, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("graphssl: error:") and fragment in err and "\n" not in err


def test_extract_prints_summary(tmp_path, write_part, capsys):
    step = write_part(shapes.cone(), "cone")
    assert main(["cad", "extract", str(step)]) == 0
    assert "2 faces, 3 B-rep edges in the graph (1 degenerate)" in capsys.readouterr().out


def test_extract_goes_on_after_a_bad_file(tmp_path, write_part, capsys):
    good = write_part(shapes.box(), "box")
    assert main(["cad", "extract", str(tmp_path / "nope.step"), str(good)]) == 2
    captured = capsys.readouterr()
    assert "nope.step: no such file" in captured.err and "box.step: 6 faces" in captured.out


def test_cli_help_lists_cad_commands(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["cad", "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for command in ("generate", "show", "extract", "dataset", "stats"):
        assert command in out
