"""MoleculeCSVDataset: labels with NaN, rejects, caching keyed by file and options, MOSES gz."""

from __future__ import annotations

import csv
import math

import pytest
import torch

from graphssl.data.rejects import Reject
from graphssl.errors import ConfigError, InputFileError
from tests.conftest import requires, shared_data

pytestmark = requires("rdkit")

TOX21_TASKS = ["NR-AR", "NR-AR-LBD", "NR-AhR", "NR-Aromatase", "NR-ER", "NR-ER-LBD", "NR-PPAR-gamma", "SR-ARE",
               "SR-ATAD5", "SR-HSE", "SR-MMP", "SR-p53"]


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHSSL_CACHE", str(tmp_path / "cache"))


def test_tox21_labels_rejects_and_spec():
    from graphssl.chem.datasets import KNOWN_COLUMNS, MoleculeCSVDataset
    from graphssl.chem.features import feature_dims

    path = shared_data("moleculenet", "tox21.csv")
    dataset = MoleculeCSVDataset(path, target_columns=KNOWN_COLUMNS["tox21"][1])
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(dataset) == 7823 and len(dataset.rejects) == 8 and dataset.num_tasks == 12
    assert all(isinstance(r, Reject) and r.source == str(path) for r in dataset.rejects)
    assert all("valence" in r.reason for r in dataset.rejects)
    rejected = {int(r.item.removeprefix("row ")) for r in dataset.rejects}
    assert all(rows[r]["smiles"][:40] in dataset.rejects[i].reason for i, r in enumerate(sorted(rejected)))
    assert dataset.rows == [r for r in range(len(rows)) if r not in rejected]
    for index in (0, 1, 500, len(dataset) - 1):
        graph, row = dataset[index], rows[dataset.rows[index]]
        assert graph.y.shape == (1, 12) and graph.y.dtype == torch.float32
        expected = [float(row[t]) if row[t] != "" else math.nan for t in TOX21_TASKS]
        assert torch.allclose(graph.y[0], torch.tensor(expected), equal_nan=True)
        assert dataset.smiles[index] == row["smiles"]
    kept = set(dataset.rows)
    missing = sum(row[t] == "" for r, row in enumerate(rows) if r in kept for t in TOX21_TASKS)
    assert int(torch.isnan(dataset.y).sum()) == missing
    assert dataset.spec.node_categorical == feature_dims("ogb")[0]
    assert dataset.spec.edge_categorical == feature_dims("ogb")[1]


def test_cache_is_reused_and_keyed_by_options():
    from graphssl.chem.datasets import MoleculeCSVDataset

    path = shared_data("moleculenet", "bbbp.csv")
    first = MoleculeCSVDataset(path, target_columns=["p_np"], limit=300)
    assert first.cache_path.is_file()
    again = MoleculeCSVDataset(path, target_columns=["p_np"], limit=300, n_jobs=2)
    assert again.cache_path == first.cache_path
    assert torch.equal(again.x, first.x) and again.rejects == first.rejects
    other = [MoleculeCSVDataset(path, target_columns=["p_np"], limit=300, fragments=True),
             MoleculeCSVDataset(path, target_columns=["p_np"], limit=300, features="hu"),
             MoleculeCSVDataset(path, target_columns=["p_np"], limit=200)]
    assert len({d.cache_path for d in other} | {first.cache_path}) == 4
    assert other[0][3].num_fragments > 0 and other[1][3].x.shape[1] == 2 and len(other[2]) < len(first)


def test_cached_dataset_loads_without_featurizing(monkeypatch):
    from graphssl.chem import featurize
    from graphssl.chem.datasets import MoleculeCSVDataset

    path = shared_data("moleculenet", "esol.csv")
    built = MoleculeCSVDataset(path, target_columns=["measured log solubility in mols per litre"], limit=100)

    def fail(*args, **kwargs):
        raise AssertionError("featurized again despite a cache")

    monkeypatch.setattr(featurize, "mols_to_graphs", fail)
    loaded = MoleculeCSVDataset(path, target_columns=["measured log solubility in mols per litre"], limit=100)
    assert len(loaded) == len(built) == 100 and torch.equal(loaded.y, built.y)


def test_corrupt_cache_is_rebuilt():
    from graphssl.chem.datasets import MoleculeCSVDataset

    path = shared_data("moleculenet", "freesolv.csv")
    first = MoleculeCSVDataset(path, target_columns=["expt"], limit=50)
    first.cache_path.write_bytes(b"not a torch file")
    again = MoleculeCSVDataset(path, target_columns=["expt"], limit=50)
    assert len(again) == 50 and torch.equal(again.y, first.y)


def test_moses_gz_with_limit_and_fragments():
    from torch_geometric.loader import DataLoader

    from graphssl.chem.datasets import MoleculeCSVDataset

    dataset = MoleculeCSVDataset(shared_data("moses", "train.csv.gz"), limit=250, fragments=True)
    assert len(dataset) == 250 and not dataset.rejects and "y" not in dataset[0]
    batch = next(iter(DataLoader(dataset, batch_size=64)))
    assert torch.equal(batch.batch[batch.atom2frag[0]], batch.frag_batch[batch.atom2frag[1]])


def test_scaffold_split_of_dataset_refers_to_graphs():
    from graphssl.chem.datasets import MoleculeCSVDataset

    dataset = MoleculeCSVDataset(shared_data("moleculenet", "bbbp.csv"), target_columns=["p_np"])
    split = dataset.scaffold_split()
    assert (len(split.train), len(split.valid), len(split.test)) == (1631, 204, 204)
    assert max(split.test) < len(dataset)


def test_bad_files_and_columns(tmp_path):
    from graphssl.chem.datasets import MoleculeCSVDataset

    with pytest.raises(InputFileError, match="no column 'smile'"):
        MoleculeCSVDataset(shared_data("moleculenet", "bbbp.csv"), smiles_column="smile")
    bad = tmp_path / "bad.csv"
    bad.write_text("smiles,label\nCCO,1\nCCN,high\n")
    with pytest.raises(InputFileError, match=r"bad.csv:3: column 'label': 'high' is not a number"):
        MoleculeCSVDataset(bad, target_columns=["label"])
    junk = tmp_path / "junk.csv"
    junk.write_text("smiles\nC1CC\nxyz\n")
    with pytest.raises(InputFileError, match="no molecule could be read"):
        MoleculeCSVDataset(junk)
    with pytest.raises(InputFileError, match="file not found"):
        MoleculeCSVDataset(tmp_path / "missing.csv")
    with pytest.raises(ConfigError):
        MoleculeCSVDataset(bad, fragments="motifs")


def test_short_rows_and_unreadable_rows_are_rejects_that_survive_the_cache(tmp_path, monkeypatch, capsys):
    from graphssl.chem import featurize
    from graphssl.chem.datasets import MoleculeCSVDataset
    from graphssl.data.rejects import rejects_of, report_rejects

    path = tmp_path / "m.csv"
    path.write_text("smiles,y1,y2\nCCO,1,0\nC1CC,1,1\nCN,2\nc1ccccc1,3,1\n,4,4\nCC\n\nxyz,5,5\nCCCl,6,6\nOCC,7,7\n")
    expected = [Reject(str(path), "row 1", "invalid SMILES 'C1CC': SMILES Parse Error: unclosed ring for input: 'C1CC'"),
                Reject(str(path), "row 4", "invalid SMILES '': empty string"),
                Reject(str(path), "row 6", "invalid SMILES 'xyz': SMILES Parse Error: syntax error while parsing: xyz "
                                           "(around position 1)")]
    built = MoleculeCSVDataset(path, target_columns=["y1", "y2"])
    assert built.rejects == expected and built.rows == [0, 2, 3, 5, 7, 8]
    assert built.y[:, 0].tolist()[:3] == [1.0, 2.0, 3.0] and built.y[4:, 0].tolist() == [6.0, 7.0]
    assert built.y[1, 0] == 2 and math.isnan(built.y[1, 1]) and math.isnan(built.y[3, 0]) and math.isnan(built.y[3, 1])

    monkeypatch.setattr(featurize, "featurize_chunk", None)  # a cached load must not featurize
    cached = MoleculeCSVDataset(path, target_columns=["y1", "y2"])
    assert cached.rejects == expected and rejects_of(cached) == expected
    report_rejects(rejects_of(cached), total=len(cached) + len(cached.rejects), what="molecule_csv", out_dir=tmp_path)
    assert capsys.readouterr().err.strip() == (f"graphssl: molecule_csv: 3 of 9 items rejected; reasons in "
                                               f"{tmp_path / 'rejects.csv'}")
    assert len((tmp_path / "rejects.csv").read_text().splitlines()) == 4


def test_row_without_smiles_cell_is_a_reject_naming_its_line(tmp_path):
    from graphssl.chem.datasets import MoleculeCSVDataset

    path = tmp_path / "m.csv"
    path.write_text("id,label,smiles\na,1,CCO\nb,0\nc,1,CN\n")
    dataset = MoleculeCSVDataset(path, target_columns=["label"], use_cache=False)
    assert len(dataset) == 2 and dataset.rows == [0, 2]
    assert dataset.rejects == [Reject(str(path), "row 1", "no SMILES cell (line 3 has 2 of 3 fields)")]


def test_prepared_data_carries_the_rejects(tmp_path, monkeypatch):
    from graphssl.data.config import DataConfig
    from graphssl.data.prepare import prepare_data

    path = tmp_path / "m.csv"
    path.write_text("smiles\nCCO\nC1CC\nCN\n")
    prepared = prepare_data(DataConfig(name="molecule_csv", params={"path": str(path), "use_cache": False}))
    assert len(prepared) == 2 and [(r.source, r.item) for r in prepared.rejects] == [(str(path), "row 1")]


def test_one_target_column_by_name_and_bad_limit(tmp_path):
    from graphssl.chem.datasets import MoleculeCSVDataset

    path = tmp_path / "m.csv"
    path.write_text("smiles,p_np\nCCO,1\nCN,0\n")
    dataset = MoleculeCSVDataset(path, target_columns="p_np", use_cache=False)
    assert dataset.num_tasks == 1 and dataset.y.view(-1).tolist() == [1.0, 0.0]
    for limit in (0, -3, 2.5):
        with pytest.raises(ConfigError, match=r"^limit: must be a positive number of rows"):
            MoleculeCSVDataset(path, limit=limit)


def test_pretraining_on_molecule_csv_reports_its_rejects(tmp_path, capsys):
    from graphssl.cli import main

    path = tmp_path / "m.csv"
    path.write_text("smiles\nCCO\nC1CC\nCN\nc1ccccc1\nxyz\nCCCl\nOCC\nN(C)(C)(C)(C)C\nCC=O\nCCC\n")
    config = tmp_path / "c.yaml"
    config.write_text(f"data: {{name: molecule_csv, params: {{path: '{path}', use_cache: false}}}}\n"
                      "encoder: {conv: gin, hidden_dim: 8, num_layers: 1}\n"
                      "objectives: [{name: attr_mask, weight: 1.0}]\n"
                      "train: {epochs: 1, batch_size: 4, seed: 0}\n")
    assert main(["pretrain", str(config), "--out", str(tmp_path / "run"), "--no-progress"]) == 0
    line = f"graphssl: molecule_csv: 3 of 10 items rejected; reasons in {tmp_path / 'run' / 'rejects.csv'}"
    assert line in capsys.readouterr().err.splitlines()
    with open(tmp_path / "run" / "rejects.csv", newline="") as handle:
        assert [r["item"] for r in csv.DictReader(handle)] == ["row 1", "row 4", "row 7"]
