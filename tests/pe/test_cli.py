import networkx as nx
import numpy as np
import pytest
import torch
from torch_geometric.data import Data, InMemoryDataset

from graphssl.cli import main
from graphssl.pe import AddPSE, parse_kinds
from tests.pe.helpers import to_data

KINDS = "rwse:6,lap:3,heat:2,spd:3,cycles:5,resistance,degree"


def expected(data: Data) -> dict:
    return AddPSE(parse_kinds(KINDS, spd={"pairs": True}, resistance={"pairs": True})).compute(data)


def run(args, capsys):
    code = main(["pe", *map(str, args)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_edge_list_rows_follow_first_appearance(tmp_path, capsys):
    path = tmp_path / "g.edgelist"
    path.write_text("# weighted\nb a 2.0\na c\nc b 0.5  # comment\nd\n")
    code, out, _ = run([path, "--kinds", KINDS, "--out", tmp_path / "o.npz"], capsys)
    assert code == 0 and "wrote" in out
    arrays = np.load(tmp_path / "o.npz")
    assert arrays["nodes"].tolist() == ["b", "a", "c", "d"]
    data = Data(
        edge_index=torch.tensor([[0, 1, 1, 2, 2, 0], [1, 0, 2, 1, 0, 2]]),
        edge_weight=torch.tensor([2.0, 2.0, 1.0, 1.0, 0.5, 0.5]),
        num_nodes=4,
    )
    reference = expected(data)
    for name in ("rwse", "lap", "lap_mask", "lap_eigvals", "heat", "spd", "cycles", "resistance", "degree"):
        np.testing.assert_allclose(arrays[name], reference[name].numpy(), atol=1e-6)
    assert arrays["spd_matrix"].shape == (4, 4) and arrays["spd_matrix"][0, 3] == -1
    assert arrays["resistance_matrix"].shape == (4, 4) and np.isinf(arrays["resistance_matrix"][0, 3])
    assert arrays["ptr"].tolist() == [0, 4] and arrays["rejected"].size == 0


WRITERS = [(nx.write_graphml, "graphml"), (nx.write_gml, "gml"), (nx.write_gexf, "gexf")]


@pytest.mark.parametrize("writer, suffix", WRITERS)
def test_networkx_formats(tmp_path, capsys, writer, suffix):
    graph = nx.relabel_nodes(nx.frucht_graph(), {i: f"n{(i * 5) % 12}" for i in range(12)})
    for i, (u, v) in enumerate(graph.edges):
        graph[u][v]["weight"] = 1.0 + i % 3
    path = tmp_path / f"g.{suffix}"
    writer(graph, path)
    code, _, _ = run([path, "--kinds", KINDS, "--out", tmp_path / "o.npz", "--quiet"], capsys)
    assert code == 0
    arrays = np.load(tmp_path / "o.npz")
    assert arrays["nodes"].tolist() == list(graph.nodes)
    reference = expected(to_data(graph, weight="weight"))
    np.testing.assert_allclose(arrays["rwse"], reference["rwse"].numpy(), atol=1e-6)
    np.testing.assert_allclose(arrays["lap"], reference["lap"].numpy(), atol=1e-6)


def dataset_graphs():
    bad = to_data(nx.path_graph(3), weight="weight")
    bad.edge_weight[0] = -1.0
    return [to_data(nx.cycle_graph(5), weight="weight"), bad, to_data(nx.petersen_graph(), weight="weight"),
            to_data(nx.path_graph(2), weight="weight")]


@pytest.mark.parametrize("saver", ["in_memory", "list"])
def test_pyg_dataset_one_output_per_graph_and_rejects(tmp_path, capsys, saver):
    graphs = dataset_graphs()
    path = tmp_path / "data.pt"
    if saver == "in_memory":
        InMemoryDataset.save(graphs, str(path))
    else:
        torch.save(graphs, path)
    code, _, err = run([path, "--kinds", KINDS, "--out", tmp_path / "o.npz", "--batch-size", "2"], capsys)
    assert code == 0
    assert "rejected graph 1: graph 1: edge weight 0 is negative" in err
    assert "graph" in err and "%" in err  # progress bar
    arrays = np.load(tmp_path / "o.npz")
    assert arrays["rejected"].tolist() == [1] and "negative" in arrays["reject_reasons"][0]
    ptr = arrays["ptr"]
    assert ptr.tolist() == [0, 5, 5, 15, 17]
    pair_ptr = arrays["pair_ptr"]
    for g in (0, 2, 3):
        reference = expected(graphs[g])
        np.testing.assert_allclose(arrays["rwse"][ptr[g] : ptr[g + 1]], reference["rwse"].numpy(), atol=1e-6)
        np.testing.assert_allclose(arrays["lap"][ptr[g] : ptr[g + 1]], reference["lap"].numpy(), atol=1e-6)
        pairs = arrays["spd_matrix"][pair_ptr[g] : pair_ptr[g + 1]]
        np.testing.assert_array_equal(pairs, reference["spd_pair_dist"].numpy())


def test_unparsable_edge_list_names_file_and_line(tmp_path, capsys):
    path = tmp_path / "bad.txt"
    path.write_text("a b\nb c 1.0\nc d heavy\n")
    code, _, err = run([path, "--out", tmp_path / "o.npz"], capsys)
    assert code == 2
    assert err.strip() == f"graphssl: error: {path}:3: weight 'heavy' is not a number"
    assert not (tmp_path / "o.npz").exists()


def test_unparsable_graphml_names_file_and_line(tmp_path, capsys):
    path = tmp_path / "bad.graphml"
    path.write_text('<?xml version="1.0"?>\n<graphml>\n<graph>\n<node id="a">\n</graphml>\n')
    code, _, err = run([path, "--out", tmp_path / "o.npz"], capsys)
    assert code == 2 and err.startswith(f"graphssl: error: {path}:5: invalid graphml") and err.count("\n") == 1


def test_directed_input_policy(tmp_path, capsys):
    path = tmp_path / "d.graphml"
    nx.write_graphml(nx.DiGraph([(0, 1), (1, 2)]), path)
    code, _, err = run([path, "--out", tmp_path / "o.npz"], capsys)
    assert code == 2 and "input is directed" in err and "symmetrize" in err
    code, _, _ = run([path, "--out", tmp_path / "o.npz", "--directed", "symmetrize", "--quiet"], capsys)
    assert code == 0 and np.load(tmp_path / "o.npz")["rwse"].shape == (3, 20)


def test_help_documents_array_names(capsys):
    with pytest.raises(SystemExit):
        main(["pe", "--help"])
    text = capsys.readouterr().out
    for name in ("rwse [N, K]", "lap_eigvals", "lap_mask", "spd_matrix", "ptr", "rejected", "reject_reasons"):
        assert name in text


def test_all_rejected_still_writes_every_array(tmp_path, capsys):
    graphs = [dataset_graphs()[1], dataset_graphs()[1]]
    path = tmp_path / "bad.pt"
    InMemoryDataset.save(graphs, str(path))
    code, _, _ = run([path, "--kinds", "rwse:4,spd", "--out", tmp_path / "o.npz", "--quiet"], capsys)
    arrays = np.load(tmp_path / "o.npz")
    assert code == 0 and arrays["rwse"].shape == (0, 4) and arrays["rejected"].tolist() == [0, 1]
    assert arrays["ptr"].tolist() == [0, 0, 0] and arrays["spd_matrix"].shape == (0,)


def test_non_numeric_weight_is_an_error(tmp_path, capsys):
    path = tmp_path / "w.graphml"
    graph = nx.path_graph(3)
    graph[0][1]["weight"] = "heavy"
    nx.write_graphml(graph, path)
    code, _, err = run([path, "--out", tmp_path / "o.npz"], capsys)
    assert code == 2 and err.strip() == f"graphssl: error: {path}: edge (0, 1): weight 'heavy' is not a number"
