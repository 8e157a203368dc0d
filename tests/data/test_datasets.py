import networkx as nx
import pytest
import torch
from torch_geometric.data import Data, InMemoryDataset
from torch_geometric.utils import to_networkx

from graphssl.data import GraphSpec, infer_spec
from graphssl.data.fingerprint import dataset_fingerprint
from graphssl.data.registry import build_dataset
from graphssl.data.saved import SavedGraphs, load_saved_graphs
from graphssl.data.synthetic import FAMILIES, SyntheticGraphs
from graphssl.data.tu import GINTUDataset, read_gin_tu
from graphssl.errors import ConfigError, InputFileError, InvalidGraphError
from tests.conftest import shared_data


def test_synthetic_is_deterministic_and_targets_match_networkx():
    a, b = SyntheticGraphs(30, seed=5), SyntheticGraphs(30, seed=5)
    assert dataset_fingerprint(a) == dataset_fingerprint(b)
    assert dataset_fingerprint(a) != dataset_fingerprint(SyntheticGraphs(30, seed=6))
    for graph in a:
        g = to_networkx(graph, to_undirected=True)
        clustering = nx.clustering(g)
        torch.testing.assert_close(graph.clustering.view(-1), torch.tensor([clustering[v] for v in range(graph.num_nodes)], dtype=torch.float32))
        assert graph.density.item() == pytest.approx(nx.density(g))
        degrees = torch.tensor([d for _, d in sorted(g.degree())])
        assert torch.equal(graph.x.view(-1), degrees.clamp(max=10))
    assert sorted({int(g.y) for g in a}) == list(range(len(FAMILIES)))
    assert infer_spec(a).node_categorical[0] <= SyntheticGraphs.spec.node_categorical[0]


# Counts from ../shared/data/tu/README.md (graphs, nodes, undirected edges, classes).
TU_COUNTS = {"MUTAG": (188, 3371, 3721, 2), "PTC": (344, 8792, 8931, 2), "PROTEINS": (1113, 43471, 81044, 2),
             "IMDBMULTI": (1500, 19502, 98903, 3)}


@pytest.mark.parametrize("name", list(TU_COUNTS))
def test_gin_tu_matches_readme_counts(name):
    dataset = GINTUDataset(shared_data("tu"), name)
    graphs, nodes, edges, classes = TU_COUNTS[name]
    assert len(dataset) == graphs and dataset.num_classes == classes
    assert sum(g.num_nodes for g in dataset) == nodes
    assert sum(g.edge_index.shape[1] for g in dataset) == 2 * edges
    fold = dataset.fold(1)
    assert set(fold.train.tolist()) | set(fold.test.tolist()) <= set(range(graphs))


def test_mutag_graph_128_matches_dgl_docstring():
    graph = GINTUDataset(shared_data("tu"), "MUTAG")[128]
    assert graph.num_nodes == 13 and graph.edge_index.shape[1] == 26 and int(graph.y) == 1


@pytest.mark.parametrize("text,line", [("2\n3 0\n", 3), ("1\n2 0\n0 1 5\n1 0\n", 3), ("1\nx 0\n", 2)])
def test_gin_tu_parse_errors_name_file_and_line(tmp_path, text, line):
    path = tmp_path / "BAD.txt"
    path.write_text(text)
    with pytest.raises(InputFileError, match=rf"BAD.txt:{line}:"):
        read_gin_tu(path)


def test_saved_graphs_round_trip(tmp_path):
    graphs = [Data(x=torch.randn(3, 2), edge_index=torch.tensor([[0, 1], [1, 2]])) for _ in range(3)]
    torch.save(graphs, tmp_path / "list.pt")
    InMemoryDataset.save(graphs, tmp_path / "inmemory.pt")
    for name in ("list.pt", "inmemory.pt"):
        loaded = SavedGraphs(tmp_path / name)
        assert len(loaded) == 3 and torch.equal(loaded[1].x, graphs[1].x)
        assert loaded.spec == GraphSpec(node_continuous=2)
    (tmp_path / "junk.pt").write_bytes(b"junk")
    with pytest.raises(InputFileError, match="junk.pt: not a torch-saved graph file"):
        load_saved_graphs(tmp_path / "junk.pt")


def test_infer_spec_rejects_mixed_feature_types():
    graphs = [Data(x=torch.zeros(2, 1, dtype=torch.long), edge_index=torch.empty(2, 0, dtype=torch.long)),
              Data(x=torch.zeros(2, 1), edge_index=torch.empty(2, 0, dtype=torch.long))]
    with pytest.raises(InvalidGraphError, match="graph 1"):
        infer_spec(graphs)


def test_registry_rejects_unknown_datasets_and_parameters():
    with pytest.raises(ConfigError, match="did you mean 'synthetic'"):
        build_dataset("synthetik")
    with pytest.raises(ConfigError, match="no parameter 'num_graph' \\(did you mean 'num_graphs'"):
        build_dataset("synthetic", {"num_graph": 3})


class TaggedData(Data):
    def __inc__(self, key, value, *args, **kwargs):
        return 7 if key == "tag_index" else super().__inc__(key, value, *args, **kwargs)


def test_saved_inmemory_file_keeps_its_data_class(tmp_path):
    graphs = [TaggedData(x=torch.randn(2, 1), edge_index=torch.tensor([[0], [1]]), tag_index=torch.tensor([i])) for i in range(3)]
    InMemoryDataset.save(graphs, tmp_path / "tagged.pt")
    loaded = load_saved_graphs(tmp_path / "tagged.pt")
    assert all(type(g) is TaggedData for g in loaded)
    assert [int(g.tag_index) for g in loaded] == [0, 1, 2]
