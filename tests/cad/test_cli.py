"""``graphssl cad`` commands, run in-process through the dispatcher."""

from __future__ import annotations

import csv
import json
import shutil

import pytest
import torch

from graphssl.cli import main
from tests.cad import shapes
from tests.conftest import shared_data


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
    (["cad", "show", "missing.step", "--png", "x.png"], "missing.step: no such file"),
    (["cad", "generate", "--n", "1", "--out", "x", "--min-features", "5", "--max-features", "2"],
     "--min-features (5) must not exceed --max-features (2)"),
    (["cad", "dataset", "fusion360_seg", ".", "--split", "val"], "--split: fusion360_seg has splits train, test, all"),
    (["cad", "dataset", "mfcad"], "ROOT: mfcad needs its dataset folder"),
    (["cad", "dataset", "cad_generated", "somewhere"], "ROOT: cad_generated generates its parts"),
    (["cad", "dataset", "mfcad", ".", "--num-parts", "3"], "--num-parts: applies only to cad_generated"),
])
def test_errors_are_one_line(argv, fragment, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("graphssl: error:") and fragment in err and "\n" not in err


@pytest.mark.parametrize("argv, flag", [
    (["generate", "--n", "-1", "--out", "x"], "--n"),
    (["generate", "--n", "0", "--out", "x"], "--n"),
    (["generate", "--n", "two", "--out", "x"], "--n"),
    (["generate", "--n", "1", "--out", "x", "--seed", "-3"], "--seed"),
    (["generate", "--n", "1", "--out", "x", "--workers", "0"], "--workers"),
    (["generate", "--n", "1", "--out", "x", "--min-features", "-1"], "--min-features"),
    (["generate", "--n", "1", "--out", "x", "--max-features", "0"], "--max-features"),
    (["generate", "--n", "1", "--out", "x", "--classes", "wormhole"], "--classes"),
    (["extract", "P.step", "--face-grid", "0", "0"], "--face-grid"),
    (["extract", "P.step", "--face-grid", "10", "1"], "--face-grid"),
    (["extract", "P.step", "--edge-grid", "1"], "--edge-grid"),
    (["extract", "P.step", "--edge-grid", "x"], "--edge-grid"),
    (["extract", "P.step", "--out", "graphs.csv"], "--out"),
    (["show", "P.step", "--png", "out.jpg"], "--png"),
    (["dataset", "fusion360seg", "root"], "NAME"),
    (["dataset", "mfcad", "root", "--split", "dev"], "--split"),
    (["dataset", "mfcad", "root", "--workers", "-2"], "--workers"),
    (["dataset", "cad_generated", "--num-parts", "0"], "--num-parts"),
    (["dataset", "cad_generated", "--seed", "-1"], "--seed"),
    (["stats", "mfcad", "root", "--out", "stats.txt"], "--out"),
    (["stats", "mfcad", "root", "--out", "s.json", "--edge-grid", "1"], "--edge-grid"),
])
def test_bad_flag_values_are_refused_when_read(argv, flag, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["cad", *argv])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    last = err.strip().splitlines()[-1]
    assert f"error: argument {flag}" in last and "Traceback" not in err


def test_extract_prints_summary(tmp_path, write_part, capsys):
    step = write_part(shapes.cone(), "cone")
    assert main(["cad", "extract", str(step)]) == 0
    assert "2 faces, 3 B-rep edges in the graph (1 degenerate)" in capsys.readouterr().out


def test_extract_reports_rejects_and_saved_graphs_name_their_files(tmp_path, write_part, capsys):
    good = write_part(shapes.box(), "box")
    other = write_part(shapes.cylinder(), "cyl")
    out = tmp_path / "out" / "graphs.pt"  # the folder is created
    assert main(["cad", "extract", str(tmp_path / "nope.step"), str(good), str(other), "--out", str(out)]) == 1
    captured = capsys.readouterr()
    assert "box.step: 6 faces" in captured.out
    assert f"graphssl: cad extract: 1 of 3 items rejected; reasons in {out.parent / 'rejects.csv'}" in captured.err
    rows = list(csv.reader(open(out.parent / "rejects.csv")))
    assert rows[0] == ["source", "item", "reason"] and rows[1][:2] == [str(tmp_path / "nope.step"), "nope"]
    assert "nope.step: no such file" in rows[1][2]
    saved = torch.load(out, weights_only=False)
    assert [(g.source_file, g.model_id) for g in saved] == [(str(good), "box"), (str(other), "cyl")]


def test_extract_exits_2_when_every_file_fails(tmp_path, capsys):
    assert main(["cad", "extract", str(tmp_path / "a.step"), str(tmp_path / "b.step")]) == 2
    assert "cad extract: 2 of 2 items rejected: " in capsys.readouterr().err


def test_stats_extracts_only_the_split_asked_for(tmp_path, write_part, monkeypatch, capsys):
    import graphssl.cad.extract as extract

    root = tmp_path / "pp"
    for split, count in (("train", 3), ("val", 1), ("test", 2)):
        (root / split).mkdir(parents=True)
        for i in range(count):
            path = write_part(shapes.box(), f"{split}{i}", ["1", "1", "24", "24", "3", "24"])
            shutil.move(path, root / split / path.name)
    read, real = [], extract.read_step
    monkeypatch.setattr(extract, "read_step", lambda path, **kw: read.append(path.name) or real(path, **kw))
    stats = tmp_path / "s.json"
    assert main(["cad", "stats", "mfcadpp", str(root), "--split", "val", "--workers", "1", "--out", str(stats)]) == 0
    assert read == ["val0.step"] and json.loads(stats.read_text())["num_graphs"] == 1
    assert main(["cad", "dataset", "mfcadpp", str(root), "--split", "test", "--workers", "1"]) == 0
    assert read == ["val0.step", "test0.step", "test1.step"]


def test_dataset_reports_rejects_through_the_shared_report(tmp_path, write_part, capsys):
    root = tmp_path / "pp"
    root.mkdir()
    for name, names in (("good", ["0"] * 6), ("unnamed", [""] * 6)):
        shutil.move(write_part(shapes.box(), name, names), root / f"{name}.step")
    assert main(["cad", "dataset", "mfcadpp", str(root), "--workers", "1"]) == 0
    captured = capsys.readouterr()
    assert "MFCADPP(1, split='all', 1 rejected" in captured.out
    line = captured.err.strip().splitlines()[-1]  # after the progress bar
    assert line.startswith("graphssl: mfcadpp all: 1 of 2 items rejected: ") and "\n" not in line
    assert f"{root / 'unnamed.step'}: face 0 is named '', not a class index" in line


def test_show_uses_the_label_file_beside_the_step_file(tmp_path, capsys):
    sample = shared_data("mfinstseg_sample", "step")
    assert main(["cad", "show", str(sample / "test.step"), "--png", str(tmp_path / "a.png")]) == 0
    captured = capsys.readouterr()
    assert f"labels: {sample / 'test.json'}" in captured.out and captured.err == ""


def test_show_says_when_face_names_are_ids_not_classes(tmp_path, capsys):
    source = shared_data("mfcad", "step")
    step = tmp_path / "part.step"
    shutil.copy(sorted(source.glob("*.step"))[0], step)
    assert main(["cad", "show", str(step), "--png", str(tmp_path / "b.png")]) == 0
    captured = capsys.readouterr()
    assert "(labels: none)" in captured.out
    note = captured.err.strip()
    assert note.startswith(f"graphssl: note: {step}: face names are face ids 0..") and "\n" not in note
    assert "faces drawn grey" in note


def test_dataset_names_are_the_registry_names():
    from graphssl.cli.cad import CAD_DATASETS
    from graphssl.data.registry import DATASETS

    assert set(CAD_DATASETS) == {"mfcad", "mfinstseg", "mfcadpp", "fusion360_seg", "cad_generated"}
    assert all(name in DATASETS for name in CAD_DATASETS)


def test_help_describes_every_command_in_plain_text(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["cad", "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "``" not in out
    for command in ("generate", "show", "extract", "dataset", "stats"):
        assert command in out
        with pytest.raises(SystemExit):
            main(["cad", command, "--help"])
        text = capsys.readouterr().out
        description = text.split("\n\n")[1]
        assert not description.startswith(("positional", "options")) and len(description) > 60, command
        assert "``" not in text


def test_dataset_cad_generated_takes_no_root(capsys):
    assert main(["cad", "dataset", "cad_generated", "--num-parts", "2", "--seed", "3", "--workers", "1",
                 "--face-grid", "3", "3", "--edge-grid", "3"]) == 0
    assert "MFInstSeg(2, split='all'" in capsys.readouterr().out


def test_generate_reports_parts_that_could_not_be_made(tmp_path, monkeypatch, capsys):
    import graphssl.cad.generator.run as run

    def fake_generate(n, out, **kwargs):
        return [out / "part_000000.step"], [(1, "no valid part after 5 attempts")]

    monkeypatch.setattr(run, "generate", fake_generate)
    out = tmp_path / "parts"
    assert main(["cad", "generate", "--n", "2", "--out", str(out), "--quiet"]) == 1
    assert f"graphssl: cad generate: 1 of 2 items rejected; reasons in {out / 'rejects.csv'}" in capsys.readouterr().err
    rows = list(csv.reader(open(out / "rejects.csv")))
    assert rows[1] == [str(out / "part_000001.step"), "part 1", "no valid part after 5 attempts"]
