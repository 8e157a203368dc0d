"""mol_to_graph / mols_to_graphs: errors with RDKit's reason, order, rejects, options, inputs, workers."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from graphssl.errors import ConfigError, InputFileError, InvalidGraphError
from tests.chem.helpers import SPECIAL_INVALID, SPECIAL_VALID, huge_smiles, moleculenet_smiles, moses_smiles
from tests.conftest import requires

pytestmark = requires("rdkit")


@pytest.mark.parametrize("name", sorted(SPECIAL_INVALID))
def test_invalid_smiles_raise_with_input_and_rdkit_reason(name):
    from graphssl.chem import mol_to_graph

    smiles, reason = SPECIAL_INVALID[name]
    with pytest.raises(InvalidGraphError) as info:
        mol_to_graph(smiles)
    message = str(info.value)
    assert isinstance(info.value, ValueError)
    assert repr(smiles) in message and reason in message.lower(), message
    assert "\n" not in message


@pytest.mark.parametrize("item", [None, 42, 3.5, b"CCO"])
def test_non_molecule_inputs_raise(item):
    from graphssl.chem import mol_to_graph

    with pytest.raises(InvalidGraphError, match="expected a SMILES string or RDKit Mol"):
        mol_to_graph(item)


@pytest.mark.parametrize("name", sorted(SPECIAL_VALID))
def test_short_parse_is_byte_identical_to_molfromsmiles(name):
    from rdkit import Chem

    from graphssl.chem._rdkit import parse_smiles

    smiles = SPECIAL_VALID[name]
    assert parse_smiles(smiles).ToBinary() == Chem.MolFromSmiles(smiles).ToBinary()


def test_short_parse_is_byte_identical_on_datasets():
    from rdkit import Chem

    from graphssl.chem._rdkit import _NEEDS_FULL_PARSE, _short_parse_ok, parse_smiles

    assert _short_parse_ok()
    smiles = [s for s in moleculenet_smiles("tox21") + moleculenet_smiles("bbbp") + moses_smiles(500)
              if not _NEEDS_FULL_PARSE.search(s) and Chem.MolFromSmiles(s) is not None]
    assert len(smiles) > 5000
    for text in smiles:
        assert parse_smiles(text).ToBinary() == Chem.MolFromSmiles(text).ToBinary(), text


def test_rdkit_logging_is_left_on():
    from rdkit import Chem, rdBase

    from graphssl.chem import mols_to_graphs

    mols_to_graphs(["C1CC", "CC(", "N(C)(C)(C)(C)C"])
    with rdBase.CaptureErrorLog() as captured:
        assert Chem.MolFromSmiles("C1CC") is None
    assert "unclosed ring" in captured.messages


def test_reason_survives_a_disabled_rdkit_log():
    from rdkit import RDLogger

    from graphssl.chem import mol_to_graph

    RDLogger.DisableLog("rdApp.*")
    try:
        with pytest.raises(InvalidGraphError, match="valence"):
            mol_to_graph("N(C)(C)(C)(C)C")
    finally:
        RDLogger.EnableLog("rdApp.*")


def test_batch_keeps_order_and_reports_rejects():
    from graphssl.chem import mol_to_graph, mols_to_graphs

    inputs = ["CCO", "C1CC", "c1ccccc1", "", "[Na+].[Cl-]", "N(C)(C)(C)(C)C", "C"]
    graphs, rejects = mols_to_graphs(inputs, chunk_size=3)
    assert [r[:2] for r in rejects] == [(1, "C1CC"), (3, ""), (5, "N(C)(C)(C)(C)C")]
    assert "unclosed ring" in rejects[0][2] and "valence" in rejects[2][2]
    expected = [mol_to_graph(s) for s in ("CCO", "c1ccccc1", "[Na+].[Cl-]", "C")]
    assert len(graphs) == len(expected)
    for got, want in zip(graphs, expected):
        assert torch.equal(got.x, want.x) and torch.equal(got.edge_index, want.edge_index)


def test_on_error_none_keeps_alignment():
    from graphssl.chem import mols_to_graphs

    graphs, rejects = mols_to_graphs(["C1CC", "CCO", "", "CN"], on_error="none", chunk_size=2)
    assert [g is None for g in graphs] == [True, False, True, False]
    assert graphs[1].num_nodes == 3 and graphs[3].num_nodes == 2 and len(rejects) == 2


def test_on_error_raise_names_first_bad_row():
    from graphssl.chem import mols_to_graphs

    with pytest.raises(InvalidGraphError, match=r"input row 2: invalid SMILES 'C1CC'"):
        mols_to_graphs(["CCO", "CN", "C1CC", "CC("], on_error="raise", chunk_size=2)
    with pytest.raises(ConfigError):
        mols_to_graphs(["CCO"], on_error="skip")


def test_raise_with_workers_and_mixed_generator_input():
    from rdkit import Chem

    from graphssl.chem import mols_to_graphs

    inputs = (x for x in [Chem.MolFromSmiles("CCO"), "CN", *moses_smiles(60), "C1CC", "CC("])
    with pytest.raises(InvalidGraphError, match=r"input row 62: invalid SMILES 'C1CC'"):
        mols_to_graphs(inputs, n_jobs=2, on_error="raise", chunk_size=16)
    graphs, rejects = mols_to_graphs([Chem.MolFromSmiles("CCO"), "CN"], n_jobs=2, chunk_size=1)
    assert [g.num_nodes for g in graphs] == [3, 2] and not rejects


def test_two_workers_match_one_process():
    from graphssl.chem import mols_to_graphs

    inputs = list(moses_smiles(300)) + ["C1CC", "not a smiles"]
    serial, serial_rejects = mols_to_graphs(inputs, fragments=True)
    parallel, parallel_rejects = mols_to_graphs(inputs, n_jobs=2, fragments=True)
    assert serial_rejects == parallel_rejects and len(serial) == len(parallel) == 300
    for a, b in zip(serial, parallel):
        for key in ("x", "edge_index", "edge_attr", "frag_x", "atom2frag", "frag_edge_index"):
            assert torch.equal(a[key], b[key])


def test_graph_tensors_pickle_only_their_own_rows():
    import pickle

    from graphssl.chem import mols_to_graphs

    graphs, _ = mols_to_graphs(list(moses_smiles(400)))
    own = sum(graphs[7][key].numel() * 8 for key in ("x", "edge_index", "edge_attr"))
    assert len(pickle.dumps(graphs[7])) < own + 2000


def test_mol_input_used_as_is_or_sanitized_copy():
    from rdkit import Chem

    from graphssl.chem import mol_to_graph

    expected = mol_to_graph("c1ccccc1O")
    sanitized = Chem.MolFromSmiles("c1ccccc1O")
    assert torch.equal(mol_to_graph(sanitized).x, expected.x)
    raw = Chem.MolFromSmiles("c1ccccc1O", sanitize=False)
    assert torch.equal(mol_to_graph(raw).x, expected.x)
    assert raw.NeedsUpdatePropertyCache()  # the caller's molecule is untouched
    bad = Chem.MolFromSmiles("N(C)(C)(C)(C)C", sanitize=False)
    with pytest.raises(InvalidGraphError, match="valence"):
        mol_to_graph(bad)


def test_salts_largest_component_is_recorded():
    from graphssl.chem import mol_to_graph

    kept = mol_to_graph("CC(=O)[O-].[Na+]")
    assert kept.num_nodes == 5 and kept.salts == "keep" and "num_removed_components" not in kept
    largest = mol_to_graph("[Na+].CC(=O)[O-].[Cl-]", salts="largest")
    assert largest.num_nodes == 4 and largest.salts == "largest" and largest.num_removed_components == 2
    assert torch.equal(largest.x, mol_to_graph("CC(=O)[O-]").x)
    assert mol_to_graph("CCO", salts="largest").num_removed_components == 0


def test_explicit_hydrogens_become_nodes():
    from graphssl.chem import mol_to_graph

    graph = mol_to_graph("CCO", explicit_hs=True)
    assert graph.num_nodes == 9 and graph.edge_index.shape[1] == 16
    assert (graph.x[:, 0] == 0).sum() == 6  # hydrogen is atomic number index 0
    assert (graph.x[3:, 4] == 0).all()  # hydrogens carry no hydrogens
    assert mol_to_graph("CCO", explicit_hs=True, fragments=True).num_fragments == 1


def test_descriptors_are_finite_float_rows():
    from graphssl.chem import mol_to_graph

    graph = mol_to_graph("CC(=O)[O-].[Na+]", descriptors=True)
    assert graph.x_desc.dtype == torch.float32 and tuple(graph.x_desc.shape) == (5, 5)
    assert torch.isfinite(graph.x_desc).all()
    assert graph.x_desc[3, 4] < 0 < graph.x_desc[1, 4]  # Gasteiger: carboxylate O negative, carbonyl C positive


@pytest.mark.parametrize("options", [{"feature": "ogb"}, {"salts": "smallest"}, {"fragments": "magnet"}])
def test_bad_options_raise_config_error(options):
    from graphssl.chem import mol_to_graph

    with pytest.raises(ConfigError):
        mol_to_graph("CCO", **options)
    with pytest.raises(ConfigError, match="feature set"):
        mol_to_graph("CCO", features="morgan")


def test_huge_molecule_uses_fallback_and_matches_small_parts():
    from graphssl.chem import mol_to_graph

    graph = mol_to_graph(huge_smiles(100), fragments=True)
    assert graph.num_nodes == 600 and graph.edge_index.shape[1] == 2 * (600 + 99)
    assert graph.num_fragments == 100 and graph.frag_x[:, 0].eq(0).all()


def test_file_inputs_csv_smi_and_sdf(tmp_path):
    from rdkit import Chem

    from graphssl.chem import mols_to_graphs

    csv_path = tmp_path / "mols.csv"
    csv_path.write_text("name,SMILES\na,CCO\nb,C1CC\nc,c1ccccc1\n")
    graphs, rejects = mols_to_graphs(csv_path)
    assert len(graphs) == 2 and [r[0] for r in rejects] == [1]
    smi_path = tmp_path / "mols.smi"
    smi_path.write_text("CCO ethanol\n\nCN methylamine\n")
    assert len(mols_to_graphs(smi_path)[0]) == 2
    sdf_path = tmp_path / "mols.sdf"
    blocks = [Chem.MolToMolBlock(Chem.MolFromSmiles(s)) for s in ("CCO", "c1ccccc1")]
    broken = Chem.MolToMolBlock(Chem.MolFromSmiles("CN")).replace("  1  2  1", "  1  9  1")
    sdf_path.write_text("$$$$\n".join([blocks[0], broken, blocks[1]]) + "$$$$\n")
    graphs, rejects = mols_to_graphs(sdf_path)
    assert [g.num_nodes for g in graphs] == [3, 6]
    assert rejects[0][0] == 1 and "record 1" in rejects[0][1] and "record 1" in rejects[0][2]
    with pytest.raises(InputFileError, match="unknown molecule file type"):
        mols_to_graphs(tmp_path / "mols.xyz")


def test_single_call_and_batch_agree_on_fast_and_fallback_paths():
    from graphssl.chem import mol_to_graph, mols_to_graphs

    inputs = ["[CH3:1]C(=O)O", "*c1ccccc1", huge_smiles(50), "CCO", "C[C@H](N)C(=O)O"]
    graphs, rejects = mols_to_graphs(inputs)
    assert not rejects
    for graph, smiles in zip(graphs, inputs):
        single = mol_to_graph(smiles)
        assert np.array_equal(graph.x.numpy(), single.x.numpy())
        assert np.array_equal(graph.edge_attr.numpy(), single.edge_attr.numpy())


def test_dataframe_and_series_inputs():
    pandas = pytest.importorskip("pandas")
    from graphssl.chem import mols_to_graphs

    frame = pandas.DataFrame({"name": ["a", "b", "c", "d"], "SMILES": ["CCO", None, "C1CC", "c1ccccc1"]},
                             index=[10, 11, 12, 13])
    graphs, rejects = mols_to_graphs(frame, smiles_column="smiles")
    assert [g.num_nodes for g in graphs] == [3, 6]
    assert [r[0] for r in rejects] == [1, 2] and rejects[0][2] == "no SMILES (missing value)"
    series_graphs, series_rejects = mols_to_graphs(frame["SMILES"].iloc[::-1])
    assert [g.num_nodes for g in series_graphs] == [6, 3] and [r[0] for r in series_rejects] == [1, 2]
    with pytest.raises(InputFileError, match=r"inputs: DataFrame: no column 'smi' \(columns: name, SMILES\)"):
        mols_to_graphs(frame, smiles_column="smi")


@pytest.mark.parametrize("inputs", [{"CCO": 1}, "CCO", 42])
def test_inputs_that_are_not_a_collection_raise_type_error(inputs):
    from graphssl.chem import mols_to_graphs

    with pytest.raises(TypeError, match="^inputs: expected"):
        mols_to_graphs(inputs)


def test_raise_mode_names_the_file_and_row(tmp_path):
    from graphssl.chem import mols_to_graphs

    path = tmp_path / "m.csv"
    path.write_text("smiles\nCCO\nC1CC\n")
    with pytest.raises(InvalidGraphError, match=rf"^{path} row 1: invalid SMILES 'C1CC'"):
        mols_to_graphs(path, on_error="raise")
    with pytest.raises(TypeError, match="got the string 'CC.Cl'"):
        mols_to_graphs("CC.Cl")
