"""Fragment decompositions: hand-checked cases, invariants against brute force, BRICS bounds."""

from __future__ import annotations

import time

import pytest

from tests.chem.helpers import SPECIAL_VALID, moleculenet_smiles, moses_smiles, sugar_smiles
from tests.conftest import requires

pytestmark = requires("rdkit")

R, C, J = 0, 1, 2

CASES = [
    ("CCO", "ring_systems", [[0, 1, 2]], [C]),
    ("CC(C)C", "ring_systems", [[0], [1], [2], [3]], [C, J, C, C]),
    ("CC(=O)O", "rings", [[0], [1], [2], [3]], [C, J, C, C]),
    ("CCC(=O)Nc1ccccc1", "ring_systems", [[0, 1], [2], [3], [4], [5, 6, 7, 8, 9, 10]], [C, J, C, C, R]),
    ("c1ccccc1", "ring_systems", [[0, 1, 2, 3, 4, 5]], [R]),
    ("c1ccc2ccccc2c1", "ring_systems", [list(range(10))], [R]),
    ("c1ccc2ccccc2c1", "rings", [[0, 1, 2, 3, 8, 9], [3, 4, 5, 6, 7, 8]], [R, R]),
    ("C1CCC2(CC1)CCCC2", "ring_systems", [[0, 1, 2, 3, 4, 5], [3, 6, 7, 8, 9]], [R, R]),
    ("c1ccccc1-c1ccccc1", "rings", [[0, 1, 2, 3, 4, 5], [6, 7, 8, 9, 10, 11]], [R, R]),
    ("C1CC2CC1C2", "ring_systems", [[0, 1, 2, 3, 4, 5]], [R]),
    ("[Na+]", "ring_systems", [[0]], [C]),
    ("[Na+].[Cl-]", "rings", [[0], [1]], [C, C]),
    ("CCOC(=O)c1ccccc1", "brics", [[0, 1], [2], [3, 4], [5, 6, 7, 8, 9, 10]], [3, 3, 3, 3]),
]


def _fragments(graph):
    frags: dict[int, list[int]] = {}
    for atom, frag in graph.atom2frag.t().tolist():
        frags.setdefault(frag, []).append(atom)
    return [sorted(frags[f]) for f in range(graph.num_fragments)]


@pytest.mark.parametrize("smiles, method, fragments, types", CASES)
def test_hand_checked_decompositions(smiles, method, fragments, types):
    from graphssl.chem import mol_to_graph

    graph = mol_to_graph(smiles, fragments=method)
    assert _fragments(graph) == fragments
    assert graph.frag_x[:, 0].tolist() == types


def test_bridged_rings_each_a_fragment_in_rings_mode():
    from graphssl.chem import mol_to_graph

    graph = mol_to_graph("C1CC2CC1C2", fragments="rings")
    assert graph.num_fragments == 3 and graph.frag_edge_attr.eq(1).all()


def test_fragment_features():
    from graphssl.chem import mol_to_graph

    benzene = mol_to_graph("c1ccccc1", fragments=True)
    assert benzene.frag_x.tolist() == [[0, 6, 1, 1]]
    naphthalene = mol_to_graph("c1ccc2ccccc2c1", fragments=True)
    assert naphthalene.frag_x.tolist() == [[0, 10, 2, 1]]
    assert mol_to_graph("CCCC", fragments=True).frag_x.tolist() == [[1, 4, 0, 0]]
    long_chain = mol_to_graph("C" * 40, fragments=True)
    assert long_chain.frag_x.tolist() == [[1, 32, 0, 0]]


def _check_invariants(graph, method):
    num_atoms = graph.num_nodes
    frags = _fragments(graph)
    owners = [[f for f, atoms in enumerate(frags) if a in atoms] for a in range(num_atoms)]
    assert all(owners), "every atom belongs to a fragment"
    in_ring = graph.x[:, 8].tolist()
    bonds = graph.edge_index[:, 0::2].t().tolist()
    heavy = [z != 0 for z in graph.x[:, 0].tolist()]
    for f, atoms in enumerate(frags):
        kind = int(graph.frag_x[f, 0])
        if method == "brics":
            assert kind == 3
        elif kind == R:
            assert all(in_ring[a] for a in atoms if heavy[a])
        else:
            assert not any(in_ring[a] for a in atoms)
            if kind == J:
                assert sum(heavy[a] for a in atoms) == 1
    for a in range(num_atoms):
        if len(owners[a]) > 1:
            assert method != "brics" and in_ring[a]
    expected: dict[tuple[int, int], int] = {}
    for a in range(num_atoms):
        for f in owners[a]:
            for g in owners[a]:
                if f != g:
                    expected[(f, g)] = 1
    for u, v in bonds:
        for f in owners[u]:
            for g in owners[v]:
                if f != g:
                    expected.setdefault((f, g), 0)
                    expected.setdefault((g, f), 0)
    got = {tuple(e): k for e, k in zip(graph.frag_edge_index.t().tolist(), graph.frag_edge_attr[:, 0].tolist())}
    assert got == expected
    assert graph.frag_edge_index.shape[1] == len(expected)
    assert graph.frag_batch.eq(0).all() and graph.frag_batch.numel() == len(frags)


@pytest.mark.parametrize("method", ["ring_systems", "rings", "brics"])
def test_invariants_on_real_molecules(method):
    from graphssl.chem import mols_to_graphs

    smiles = list(moleculenet_smiles("tox21")[:300]) + list(moses_smiles(200)) + list(SPECIAL_VALID.values())
    graphs, _ = mols_to_graphs(smiles, fragments=method)
    assert len(graphs) > 490
    for graph in graphs:
        _check_invariants(graph, method)


def test_hydrogen_nodes_join_their_heavy_atom():
    from graphssl.chem import mol_to_graph

    graph = mol_to_graph("CC(C)O", explicit_hs=True, fragments=True)
    frags = _fragments(graph)
    assert len(frags) == 4
    assert [sum(1 for a in f if graph.x[a, 0] != 0) for f in frags] == [1, 1, 1, 1]
    assert sorted(a for f in frags for a in f) == list(range(graph.num_nodes))


def test_brics_bonds_match_rdkit():
    from rdkit import Chem
    from rdkit.Chem import BRICS

    from graphssl.chem.fragments import brics_bonds

    for smiles in list(moses_smiles(300)) + [sugar_smiles(8)]:
        mol = Chem.MolFromSmiles(smiles)
        reference = sorted({mol.GetBondBetweenAtoms(*pair).GetIdx() for pair, _ in BRICS.FindBRICSBonds(mol)})
        assert brics_bonds(mol) == reference, smiles


def test_brics_work_is_bounded_on_a_large_sugar():
    from graphssl.chem import mol_to_graph

    smiles = sugar_smiles(40)
    start = time.perf_counter()
    graph = mol_to_graph(smiles, fragments="brics")
    elapsed = time.perf_counter() - start
    assert graph.num_nodes > 600 and graph.num_fragments > 100
    assert elapsed < 5.0, f"BRICS fragmentation took {elapsed:.1f} s"
    _check_invariants(graph, "brics")


def test_ring_system_merging_is_repeated_until_stable():
    from graphssl.chem.fragments import _ring_groups

    # a spiro pair {0..4}, {4..8} joined later by a ring sharing two atoms with each
    rings = [[0, 1, 2, 3, 4], [4, 5, 6, 7, 8], [2, 3, 9, 6, 7]]
    assert _ring_groups(rings, "ring_systems") == [list(range(10))]
    assert _ring_groups(rings[:2], "ring_systems") == [[0, 1, 2, 3, 4], [4, 5, 6, 7, 8]]
    assert len(_ring_groups(rings, "rings")) == 3
