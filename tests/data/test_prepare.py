"""prepare_data: transforms once per graph on copies, outputs attached by level, validation once, rejects kept."""

import pytest
import torch
from torch_geometric.data import Data

from graphssl.data.config import DataConfig, TransformConfig
from graphssl.data.prepare import attach_outputs, prepare_data
from graphssl.data.registry import DATASETS, register_dataset
from graphssl.data.rejects import Reject
from graphssl.errors import ConfigError, InvalidGraphError
from graphssl.pe.rwse import RWSE
from graphssl.pe.spd import SPD
from tests.conftest import requires
from tests.graphs import CATEGORICAL_SPEC, make_graph, zoo

HELD = {}


class HeldGraphs(torch.utils.data.Dataset):
    """The graphs in ``HELD[key]``, with the categorical spec and one listed reject."""

    spec = CATEGORICAL_SPEC

    def __init__(self, key: str) -> None:
        self.graphs = HELD[key]
        self.rejects = [Reject("held.csv", "row 7", "unreadable")]

    def __len__(self):
        return len(self.graphs)

    def __getitem__(self, index):
        return self.graphs[index]


@pytest.fixture(autouse=True)
def held_dataset():
    register_dataset("test_held", HeldGraphs)
    yield
    DATASETS._entries.pop("test_held")
    HELD.clear()


def graphs():
    return [g for g in zoo(CATEGORICAL_SPEC) if g.num_nodes > 0] + [make_graph(9, [(i, i + 1) for i in range(8)], CATEGORICAL_SPEC)]


def test_batched_transform_matches_per_graph_and_leaves_the_source_alone():
    HELD["a"] = graphs()
    config = DataConfig(name="test_held", params={"key": "a"},
                        transforms=[TransformConfig("rwse", {"k": 5}), TransformConfig("spd", {"pairs": True})])
    prepared = prepare_data(config)
    assert len(prepared) == len(HELD["a"])
    for graph, source in zip(prepared, HELD["a"]):
        assert "rwse" not in source and "spd_pair_index" not in source
        reference = SPD(pairs=True)(RWSE(k=5)(source.clone()))
        torch.testing.assert_close(graph.rwse, reference.rwse)
        # Pair outputs come back per graph with node indices local to it.
        assert torch.equal(graph.spd_pair_index, reference.spd_pair_index)
        assert torch.equal(graph.spd_pair_value, reference.spd_pair_value)
        assert graph.x is source.x  # copied once, shallowly: no per-transform clone of every tensor
    assert prepared.spec.attributes["spd_pair_index"].level == "pair"
    assert prepared.spec.attributes["rwse"].shape == [5]
    assert prepared.spec.node_categorical == CATEGORICAL_SPEC.node_categorical
    assert CATEGORICAL_SPEC.attributes == {}  # the dataset's own spec is not modified
    assert prepared.rejects == [Reject("held.csv", "row 7", "unreadable")]


def test_graph_and_edge_outputs_are_split_and_odd_outputs_refused():
    chunk = graphs()[:3]
    rows = sum(int(g.edge_index.shape[1]) for g in chunk)
    attached = attach_outputs("t", chunk, {"g": torch.arange(3.0).view(3, 1), "e": torch.arange(float(rows))})
    assert [float(g.g) for g in chunk] == [0.0, 1.0, 2.0]
    assert attached["g"].level == "graph" and attached["e"].level == "edge"
    assert torch.equal(torch.cat([g.e for g in chunk]), torch.arange(float(rows)))
    with pytest.raises(ConfigError, match="output 'odd' has 5 rows for 3 graphs"):
        attach_outputs("t", chunk, {"odd": torch.zeros(5)})


def test_invalid_graphs_are_rejected_once_with_their_index():
    held = graphs()
    held[2].x = held[2].x.clone()
    held[2].x[0, 0] = 99  # category 99 of a 6-category column
    HELD["b"] = held
    prepared = prepare_data(DataConfig(name="test_held", params={"key": "b"}))
    assert len(prepared) == len(held) - 1
    reasons = [r for r in prepared.rejects if r.item == "graph 2"]
    assert len(reasons) == 1 and "graph 2" in reasons[0].reason
    assert prepare_data(DataConfig(name="test_held", params={"key": "b"}), validate=False).__len__() == len(held)


def test_every_graph_invalid_is_an_error():
    bad = [Data(x=torch.full((2, 2), 50), edge_index=torch.tensor([[0], [1]]), edge_attr=torch.zeros(1, 2, dtype=torch.long))]
    HELD["c"] = bad
    with pytest.raises(InvalidGraphError, match="every graph failed validation"):
        prepare_data(DataConfig(name="test_held", params={"key": "c"}))


def test_config_errors_name_the_section():
    with pytest.raises(ConfigError, match=r"data: unknown dataset 'synthtic'"):
        prepare_data(DataConfig(name="synthtic"))
    with pytest.raises(ConfigError, match=r"data: num_graphs: must be in \[1, inf\)"):
        prepare_data(DataConfig(params={"num_graphs": 0}))
    with pytest.raises(ConfigError, match=r"data\[1\]: unknown dataset"):
        prepare_data([DataConfig(params={"num_graphs": 4}), DataConfig(name="nope")])
    with pytest.raises(ConfigError, match=r"data.transforms: unknown transform 'rwsee'"):
        prepare_data(DataConfig(transforms=[TransformConfig("rwsee")]))
    with pytest.raises(ConfigError, match="data.weight: must be in"):
        DataConfig(weight=0.0)
    with pytest.raises(ConfigError, match="data.storage: must be one of memory, disk"):
        DataConfig(storage="ssd")


@requires("rdkit")
def test_molecule_rejects_reach_the_prepared_dataset(tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHSSL_CACHE", str(tmp_path / "cache"))
    csv = tmp_path / "mols.csv"
    csv.write_text("smiles\nCCO\nC1CC\nc1ccccc1\n")
    prepared = prepare_data(DataConfig(name="molecule_csv", params={"path": str(csv)}))
    assert len(prepared) == 2
    assert [(r.item, r.source) for r in prepared.rejects] == [("row 1", str(csv))]
