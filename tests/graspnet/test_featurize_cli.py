"""``graphssl featurize``: rows aligned with the input, rejects with reasons, shards, resume after kill -9."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from tests.conftest import REPO, requires

pytestmark = requires("rdkit")

ROWS = [("a", "CCO"), ("b", "C1CC"), ("c", "c1ccccc1O"), ("d", "CC(=O)Nc1ccc(O)cc1"), ("e", ""), ("f", "C1CCOC1"),
        ("g", "CC(C)Cc1ccc(cc1)C(C)C(=O)O")]


def write_csv(path, rows):
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "smiles"])
        writer.writerows(rows)
    return path


def featurize(*args):
    from graphssl.cli import main

    return main(["featurize", *map(str, args), "--no-progress"])


def test_rows_ids_and_rejects(exported_checkpoint, tmp_path, capsys):
    from graphssl.graspnet import MoleculeFeaturizer

    checkpoint = exported_checkpoint[0]
    source = write_csv(tmp_path / "mols.csv", ROWS)
    out = tmp_path / "emb.npy"
    assert featurize(source, "--id-col", "id", "--out", out, "--checkpoint", checkpoint, "--chunk-size", "3") == 0
    features = np.load(out)
    expected = MoleculeFeaturizer(checkpoint, on_error="nan").transform([smiles for _, smiles in ROWS])
    np.testing.assert_allclose(features, expected, rtol=1e-5, atol=1e-6)  # other batches: other rounding order
    with open(tmp_path / "emb.index.csv") as handle:
        assert [row["id"] for row in csv.DictReader(handle)] == [name for name, _ in ROWS]
    with open(tmp_path / "emb.rejects.csv") as handle:
        rejects = list(csv.DictReader(handle))
    assert [r["item"] for r in rejects] == ["row 1", "row 4"] and "unclosed ring" in rejects[0]["reason"]
    assert "2 of 7 items rejected" in capsys.readouterr().err
    assert not (tmp_path / "emb.npy.parts").exists()


def test_shards_concatenate_in_input_order(exported_checkpoint, tmp_path):
    checkpoint = exported_checkpoint[0]
    source = write_csv(tmp_path / "mols.csv", ROWS)
    assert featurize(source, "--out", tmp_path / "all.npy", "--checkpoint", checkpoint) == 0
    for index in range(3):
        assert featurize(source, "--out", tmp_path / f"s{index}.npy", "--checkpoint", checkpoint, "--shard", f"{index}/3") == 0
    shards = [np.load(tmp_path / f"s{index}.npy") for index in range(3)]
    assert [len(s) for s in shards] == [2, 2, 3]
    np.testing.assert_allclose(np.concatenate(shards), np.load(tmp_path / "all.npy"), rtol=1e-5, atol=1e-6)


def test_bad_input_is_one_line(exported_checkpoint, tmp_path, capsys):
    source = write_csv(tmp_path / "mols.csv", ROWS)
    assert featurize(source, "--smiles-col", "SMILE", "--out", tmp_path / "x.npy", "--checkpoint", exported_checkpoint[0]) == 2
    assert "no column 'SMILE' (columns: id, smiles)" in capsys.readouterr().err
    assert featurize(source, "--out", tmp_path / "x.csv", "--checkpoint", exported_checkpoint[0]) == 2
    assert "--out" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        featurize(source, "--out", tmp_path / "x.npy", "--shard", "3/3")


def test_resume_after_a_crash_skips_finished_chunks(exported_checkpoint, tmp_path, monkeypatch):
    from graphssl.graspnet.featurizer import MoleculeFeaturizer

    checkpoint = exported_checkpoint[0]
    source = write_csv(tmp_path / "mols.csv", ROWS)
    out = tmp_path / "emb.npy"
    calls = []
    transform = MoleculeFeaturizer.transform

    def crash_on_third_chunk(self, X):
        calls.append(list(X))
        if len(calls) == 3:
            raise RuntimeError("killed")
        return transform(self, X)

    monkeypatch.setattr(MoleculeFeaturizer, "transform", crash_on_third_chunk)
    args = (source, "--out", out, "--checkpoint", checkpoint, "--chunk-size", "2")
    with pytest.raises(RuntimeError, match="killed"):
        featurize(*args)
    parts = tmp_path / "emb.npy.parts"
    (parts / ".000000000004.npz.tmp-999").write_bytes(b"half a write")  # what kill -9 during a write leaves
    assert sorted(p.name for p in parts.glob("*.npz")) == ["000000000000.npz", "000000000002.npz"]
    assert featurize(*args) == 0
    # The rerun featurized only the rows of the chunks not written: rows 4-5 and 6.
    assert calls[3:] == [[ROWS[4][1], ROWS[5][1]], [ROWS[6][1]]]
    np.testing.assert_allclose(np.load(out), transform(MoleculeFeaturizer(checkpoint, on_error="nan"),
                                                       [smiles for _, smiles in ROWS]), rtol=1e-5, atol=1e-6)
    assert featurize(source, "--out", out, "--checkpoint", checkpoint, "--chunk-size", "3") == 0  # parts were removed
    (tmp_path / "emb.npy.parts").mkdir()
    (tmp_path / "emb.npy.parts" / "manifest.json").write_text('{"chunk_size": 5}')
    assert featurize(*args) == 2  # a folder left by other arguments is refused, not mixed in


@pytest.mark.slow
def test_resume_after_kill_9_loses_and_repeats_no_row(exported_checkpoint, tmp_path):
    checkpoint = exported_checkpoint[0]
    rows = [(f"m{i}", ROWS[i % len(ROWS)][1]) for i in range(80)]
    source = write_csv(tmp_path / "big.csv", rows)
    out = tmp_path / "big.npy"
    command = [sys.executable, "-m", "graphssl", "featurize", str(source), "--out", str(out), "--checkpoint", str(checkpoint),
               "--chunk-size", "2", "--id-col", "id", "--no-progress"]
    env = {**os.environ, "PYTHONPATH": str(REPO), "OMP_NUM_THREADS": "1"}
    process = subprocess.Popen(command, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    parts = tmp_path / "big.npy.parts"
    deadline = time.monotonic() + 120
    while len(list(parts.glob("*.npz"))) < 3 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()
    done = len(list(parts.glob("*.npz")))
    assert not out.exists() and 3 <= done < 40, "the run must have been killed mid-way"
    assert subprocess.run(command, env=env, cwd=REPO, capture_output=True).returncode == 0
    features = np.load(out)
    assert features.shape[0] == 80
    assert featurize(source, "--out", tmp_path / "whole.npy", "--checkpoint", checkpoint, "--chunk-size", "40") == 0
    np.testing.assert_allclose(features, np.load(tmp_path / "whole.npy"), rtol=1e-5, atol=1e-6)
    with open(tmp_path / "big.index.csv") as handle:
        assert [row["id"] for row in csv.DictReader(handle)] == [name for name, _ in rows]
