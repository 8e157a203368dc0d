"""Disk-backed datasets (ondisk, shards, streams): same graphs as in memory, processed once, cached outside the source, read lazily."""

import pickle

import pytest
import torch

import graphssl.data.ondisk as ondisk
import graphssl.data.shards as shards
import graphssl.data.streams as streams
from graphssl.data.config import DataConfig, TransformConfig
from graphssl.data.fingerprint import dataset_fingerprint
from graphssl.data.prepare import prepare_data
from graphssl.errors import InputFileError, InvalidGraphError
from tests.conftest import requires, shared_data

TRANSFORMS = [TransformConfig("rwse", {"k": 4}), TransformConfig("spd", {"pairs": True})]


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHSSL_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(shards, "SHARD_GRAPHS", 7)  # several shards even for tiny datasets
    return tmp_path / "cache"


def assert_same_graphs(a, b):
    assert len(a) == len(b)
    for index in range(len(a)):
        x, y = a[index], b[index]
        assert type(x) is type(y) and sorted(x.keys()) == sorted(y.keys()), index
        for key in x.keys():
            if isinstance(x[key], torch.Tensor):
                assert x[key].dtype == y[key].dtype, (index, key)
                torch.testing.assert_close(x[key], y[key], rtol=0, atol=0, equal_nan=True)
            else:
                assert x[key] == y[key], (index, key)


def test_disk_equals_memory_and_is_reused(monkeypatch, cache):
    memory = prepare_data(DataConfig(params={"num_graphs": 20}, transforms=TRANSFORMS))
    disk = prepare_data(DataConfig(params={"num_graphs": 20}, transforms=TRANSFORMS, storage="disk"))
    assert_same_graphs(memory, disk)
    assert dataset_fingerprint(memory) == dataset_fingerprint(disk)
    assert disk.spec == memory.spec and disk.folder.parent == cache / "ondisk"
    assert len(list(disk.folder.glob("shard-*"))) == 3  # 20 graphs in shards of 7

    def no_rebuild(*args, **kwargs):
        raise AssertionError("the cache should have been reused")

    monkeypatch.setattr(streams, "open_stream", no_rebuild)
    again = prepare_data(DataConfig(params={"num_graphs": 20}, transforms=TRANSFORMS, storage="disk"))
    assert again.folder == disk.folder
    other = [TransformConfig("rwse", {"k": 5})]
    with pytest.raises(AssertionError, match="reused"):  # a changed transform repr is a new cache
        prepare_data(DataConfig(params={"num_graphs": 20}, transforms=other, storage="disk"))


def test_reads_open_only_the_shard_they_index_and_survive_pickling():
    disk = prepare_data(DataConfig(params={"num_graphs": 20}, storage="disk"))
    graph = disk[15]
    assert sorted(disk._open) == [2]
    copy = pickle.loads(pickle.dumps(disk))
    assert copy._open == {} and torch.equal(copy[15].edge_index, graph.edge_index)
    with pytest.raises(IndexError):
        disk[20]


def test_an_unfinished_build_is_never_taken_for_a_cache(cache):
    config = DataConfig(params={"num_graphs": 5}, storage="disk")
    transforms = []
    folder, _ = ondisk.cache_folder(config, transforms)
    (folder / "shard-00000").mkdir(parents=True)  # what a killed build could leave behind
    disk = prepare_data(config)
    assert len(disk) == 5 and (folder / shards.META_FILE).is_file()
    assert not list(folder.parent.glob("*.tmp-*"))


def test_other_ranks_wait_for_rank_zero(monkeypatch):
    monkeypatch.setattr(ondisk, "WAIT_SECONDS", 0.0)
    config = DataConfig(params={"num_graphs": 5}, storage="disk")
    with pytest.raises(InputFileError, match="rank 0 did not finish the disk cache"):
        prepare_data(config, rank=1, world_size=2)
    prepare_data(config)
    assert len(prepare_data(config, rank=1, world_size=2)) == 5


def test_source_folder_stays_untouched(tmp_path):
    source = tmp_path / "graphs.pt"
    prepare_data(DataConfig(params={"num_graphs": 6}))  # warm imports
    from graphssl.data.synthetic import SyntheticGraphs

    torch.save(list(SyntheticGraphs(6)), source)
    disk = prepare_data(DataConfig(name="pyg_saved", params={"path": str(source)}, storage="disk"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "graphs.pt"]
    assert_same_graphs(prepare_data(DataConfig(name="pyg_saved", params={"path": str(source)})), disk)


@requires("rdkit")
@pytest.mark.parametrize("fragments", [False, True])
def test_molecule_stream_equals_the_in_memory_dataset(fragments):
    params = {"path": str(shared_data("moses", "test.csv.gz")), "smiles_column": "SMILES", "limit": 60,
              "fragments": fragments}
    memory = prepare_data(DataConfig(name="molecule_csv", params=params, transforms=TRANSFORMS[:1]))
    disk = prepare_data(DataConfig(name="molecule_csv", params=params, transforms=TRANSFORMS[:1], storage="disk"))
    assert_same_graphs(memory, disk)
    assert disk.spec == memory.spec


@requires("rdkit")
def test_molecule_stream_keeps_labels_and_rejects(tmp_path, monkeypatch):
    monkeypatch.setattr(streams, "FEATURIZE_WINDOW", 2)  # rows 2-3 are a second window: offsets must hold
    csv = tmp_path / "mols.csv"
    csv.write_text("smiles,p\nCCO,1\nCC(=O)O,0.5\nC1CC,0\nc1ccccc1,\n")
    params = {"path": str(csv), "target_columns": ["p"]}
    memory = prepare_data(DataConfig(name="molecule_csv", params=params))
    disk = prepare_data(DataConfig(name="molecule_csv", params=params, storage="disk"))
    assert_same_graphs(memory, disk)
    assert disk.rejects == memory.rejects and [r.item for r in disk.rejects] == ["row 2"]
    assert float(disk[1].y) == 0.5 and torch.isnan(disk[2].y).all() and disk[2].num_nodes == 6


def test_graphs_with_other_attributes_are_refused_not_dropped(tmp_path):
    from graphssl.data.synthetic import SyntheticGraphs

    graphs = list(SyntheticGraphs(4))
    graphs[2].extra = torch.zeros(1)
    torch.save(graphs, tmp_path / "graphs.pt")
    with pytest.raises(InvalidGraphError, match=r"graph 2: attributes \['extra'\] differ from the first graph's"):
        prepare_data(DataConfig(name="pyg_saved", params={"path": str(tmp_path / "graphs.pt")}, storage="disk"))


def test_a_mixture_may_hold_disk_and_memory_parts():
    mixture = prepare_data([DataConfig(params={"num_graphs": 9}, storage="disk"),
                            DataConfig(params={"num_graphs": 3, "seed": 2}, weight=3.0)])
    assert [mixture[i].source for i in (0, 8, 9, 11)] == [0, 0, 1, 1]
    assert torch.equal(mixture[8].x, mixture.parts[0][8].x) and not mixture.structure_only
    assert mixture.fingerprint.startswith("sha256:")
