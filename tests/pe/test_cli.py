import networkx as nx
import numpy as np
import pytest
import torch
from torch_geometric.data import Data, InMemoryDataset

from graphssl.cli import main
from graphssl.pe import AddPSE, parse_kinds
from tests.pe.helpers import to_data

KINDS = "rwse:6,lap:3,heat:2,spd:3,cycles:5,resistance,degree,rrwp:3"
PAIRS = {"pairs": True}


def expected(data: Data) -> dict:
    return AddPSE(parse_kinds(KINDS, spd=PAIRS, resistance=PAIRS, rrwp=PAIRS)).compute(data)


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
    np.testing.assert_allclose(arrays["rrwp_matrix"], reference["rrwp_pair_value"].view(4, 4, 3).numpy())
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
    assert f"graphssl: {path}: 1 of 4 graphs rejected" in err and "first: graph 1: edge weight 0 is negative" in err
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
        np.testing.assert_array_equal(pairs, reference["spd_pair_value"].numpy())
        rrwp = arrays["rrwp_matrix"][pair_ptr[g] : pair_ptr[g + 1]]
        np.testing.assert_allclose(rrwp, reference["rrwp_pair_value"].numpy(), atol=1e-6)


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
    assert code == 2 and err.startswith(f"graphssl: error: {path}: graph 0: input is directed")
    assert "pass --directed symmetrize (uses max(A, A^T))" in err and "directed=" not in err
    code, _, _ = run([path, "--out", tmp_path / "o.npz", "--directed", "symmetrize", "--quiet"], capsys)
    assert code == 0 and np.load(tmp_path / "o.npz")["rwse"].shape == (3, 20)


def test_help_documents_array_names(capsys):
    with pytest.raises(SystemExit):
        main(["pe", "--help"])
    text = capsys.readouterr().out
    for name in ("rwse [N, K]", "lap_eigvals", "lap_mask", "spd_matrix", "ptr", "rejected", "reject_reasons"):
        assert name in text


def test_all_rejected_is_an_error(tmp_path, capsys):
    graphs = [dataset_graphs()[1], dataset_graphs()[1]]
    path = tmp_path / "bad.pt"
    InMemoryDataset.save(graphs, str(path))
    code, _, err = run([path, "--kinds", "rwse:4,spd", "--out", tmp_path / "o.npz", "--quiet"], capsys)
    assert code == 2 and err.count("\n") == 1
    assert err.startswith(f"graphssl: error: {path}: all 2 graphs rejected; first: graph 0: edge weight 0 is negative")
    assert not (tmp_path / "o.npz").exists()


def test_non_numeric_weight_is_an_error(tmp_path, capsys):
    path = tmp_path / "w.graphml"
    graph = nx.path_graph(3)
    graph[0][1]["weight"] = "heavy"
    nx.write_graphml(graph, path)
    code, _, err = run([path, "--out", tmp_path / "o.npz"], capsys)
    assert code == 2 and err.strip() == f"graphssl: error: {path}: edge (0, 1): weight 'heavy' is not a number"


@pytest.mark.parametrize("text", ["", "# only a comment\n% and another\n\n"])
def test_empty_edge_list_is_an_error(tmp_path, capsys, text):
    path = tmp_path / "empty.edgelist"
    path.write_text(text)
    code, _, err = run([path, "--out", tmp_path / "o.npz"], capsys)
    assert code == 2
    assert err == f"graphssl: error: {path}: no nodes or edges (the file is empty or holds only comments)\n"
    assert not (tmp_path / "o.npz").exists()


def test_graph_without_nodes_and_dataset_without_graphs_are_errors(tmp_path, capsys):
    graphml, dataset = tmp_path / "none.graphml", tmp_path / "none.pt"
    nx.write_graphml(nx.Graph(), graphml)
    torch.save([], dataset)
    code, _, err = run([graphml, "--out", tmp_path / "o.npz"], capsys)
    assert code == 2 and err == f"graphssl: error: {graphml}: the graphml graph has no nodes\n"
    code, _, err = run([dataset, "--out", tmp_path / "o.npz"], capsys)
    assert code == 2 and err == f"graphssl: error: {dataset}: holds no graphs\n"


@pytest.mark.parametrize("out", ["x.csv", "x.npy", "x"])
def test_out_suffix_other_than_npz_is_refused_naming_the_flag(tmp_path, capsys, out):
    path = tmp_path / "g.edgelist"
    path.write_text("a b\n")
    with pytest.raises(SystemExit) as exit_info:
        main(["pe", str(path), "--out", str(tmp_path / out)])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2 and "argument --out: must end in .npz" in err and out in err
    assert not (tmp_path / out).exists()


@pytest.mark.parametrize(
    "flags, message",
    [
        (["--batch-size", "0"], "argument --batch-size: must be a positive integer, got '0'"),
        (["--max-nodes", "-1"], "argument --max-nodes: must be a positive integer, got '-1'"),
        (["--max-paths", "many"], "argument --max-paths: must be a positive integer, got 'many'"),
        (["--kinds", "rwse:0"], "argument --kinds: 'rwse:0': the size of rwse must be an integer >= 1, got '0'"),
        (["--kinds", "cycles:2"], "argument --kinds: 'cycles:2': the size of cycles must be an integer >= 3"),
        (["--kinds", "rwse:x"], "argument --kinds: 'rwse:x': the size of rwse must be an integer >= 1, got 'x'"),
        (["--kinds", "degree:3"], "argument --kinds: PSE kind 'degree' takes no size (got 'degree:3')"),
        (["--kinds", "rwze"], "argument --kinds: unknown PSE kind 'rwze' (did you mean 'rwse'"),
        (["--kinds", "rwse:4,rwse:8"], "argument --kinds: PSE kind 'rwse' is listed twice in 'rwse:4,rwse:8'"),
        (["--kinds", ","], "argument --kinds: no PSE kinds in ','"),
        (["--format", "csv"], "argument --format: invalid choice: 'csv'"),
        (["--directed", "yes"], "argument --directed: invalid choice: 'yes'"),
    ],
)
def test_bad_flag_values_are_refused_naming_the_flag(tmp_path, capsys, flags, message):
    path = tmp_path / "g.edgelist"
    path.write_text("a b\n")
    with pytest.raises(SystemExit) as exit_info:
        main(["pe", str(path), "--out", str(tmp_path / "o.npz"), *flags])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2 and message in err and "Traceback" not in err


def test_size_limits_speak_in_flags_and_the_flags_work(tmp_path, capsys):
    path = tmp_path / "grid.edgelist"
    path.write_text("".join(f"{u} {v}\n" for u, v in nx.convert_node_labels_to_integers(nx.grid_2d_graph(5, 5)).edges))
    out = tmp_path / "o.npz"
    code, _, err = run([path, "--kinds", "spd", "--out", out, "--max-nodes", "20"], capsys)
    assert code == 2
    assert err == (f"graphssl: error: {path}: graph 0: has 25 nodes; SPD needs dense n x n matrices and is limited "
                   "to --max-nodes 20\n")
    assert run([path, "--kinds", "spd", "--out", out, "--max-nodes", "25", "--quiet"], capsys)[0] == 0

    dense = tmp_path / "k8.edgelist"
    dense.write_text("".join(f"{u} {v}\n" for u, v in nx.complete_graph(8).edges))
    code, _, err = run([dense, "--kinds", "cycles:8", "--out", out, "--max-paths", "100"], capsys)
    assert code == 2 and err.startswith(f"graphssl: error: {dense}: graph 0: counting cycles up to length 8")
    assert err.endswith("lower the L of cycles:L in --kinds or raise --max-paths (now 100)\n")
    assert "max_paths" not in err and "max_length" not in err
    code, _, _ = run([dense, "--kinds", "cycles:8", "--out", out, "--max-paths", "100000", "--quiet"], capsys)
    assert code == 0 and np.load(out)["cycles"].shape == (8, 6)


def test_unknown_extension_names_the_format_flag(tmp_path, capsys):
    path = tmp_path / "g.dat"
    path.write_text("a b\n")
    code, _, err = run([path, "--out", tmp_path / "o.npz"], capsys)
    assert code == 2 and err.startswith(f"graphssl: error: {path}: cannot tell the format from '.dat'; pass --format (")


def test_help_states_the_defaults_the_kinds_use(capsys):
    from graphssl.pe.cycles import MAX_PATHS
    from graphssl.pe.pairs import PAIRWISE_MAX_NODES

    with pytest.raises(SystemExit):
        main(["pe", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert f"rrwp) accept (default: {PAIRWISE_MAX_NODES})" in text
    assert f"counting cycles (default: {MAX_PATHS})" in text


def test_every_parameter_a_pe_message_names_has_a_flag():
    import re
    from pathlib import Path

    import graphssl.pe
    from graphssl.cli.pe import FLAGS

    sources = Path(graphssl.pe.__file__).parent.glob("*.py")
    named = {name for path in sources for name in re.findall(r'Param\("(\w+)"', path.read_text())}
    assert {"directed", "max_nodes", "max_paths", "max_length", "fmt"} <= named
    assert named <= set(FLAGS), f"no flag spelling for {sorted(named - set(FLAGS))}"


def test_kind_param_passes_a_constructor_argument(tmp_path, capsys):
    path = tmp_path / "g.edgelist"
    path.write_text("a b\nb c\nc a\nc d\n")
    out = tmp_path / "o.npz"
    code, _, _ = run([path, "--kinds", "heat,rwse:3", "--kind-param", "heat.times=[0.5, 2]", "--out", out, "--quiet"],
                     capsys)
    assert code == 0
    data = Data(edge_index=torch.tensor([[0, 1, 1, 2, 2, 0, 2, 3], [1, 0, 2, 1, 0, 2, 3, 2]]), num_nodes=4)
    reference = AddPSE(parse_kinds("heat", heat={"times": (0.5, 2.0)})).compute(data)["heat"]
    np.testing.assert_allclose(np.load(out)["heat"], reference.numpy(), atol=1e-6)
    assert np.load(out)["heat"].shape == (4, 2)


@pytest.mark.parametrize(
    "kinds, param, message",
    [
        ("rwse", "lap.k=3", "--kind-param lap.k: kind 'lap' is not in --kinds 'rwse'"),
        ("rwse:6", "rwse.k=3", "--kind-param rwse.k: already set by rwse:6 in --kinds"),
        ("louvain", "louvain.sed=1", "has no parameter 'sed' (did you mean 'seed'?)"),
    ],
)
def test_kind_param_refusals_name_the_flag(tmp_path, capsys, kinds, param, message):
    path = tmp_path / "g.edgelist"
    path.write_text("a b\n")
    code, _, err = run([path, "--kinds", kinds, "--kind-param", param, "--out", tmp_path / "o.npz"], capsys)
    assert code == 2 and message in err and err.count("\n") == 1


def test_kind_param_syntax_is_checked_when_the_line_is_read(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["pe", "g.edgelist", "--out", str(tmp_path / "o.npz"), "--kind-param", "gfse=model.pt"])
    assert exit_info.value.code == 2 and "expected KIND.KEY=VALUE" in capsys.readouterr().err
