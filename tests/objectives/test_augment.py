"""Batched augmentations: validity, per-graph guarantees, index maps, determinism."""

import pytest
import torch
from torch_geometric.data import Batch, Data

from graphssl.data import validate_graph
from graphssl.objectives.augment import (DropEdges, DropNodes, MaskFeatures, Subgraph, augment, drop_nodes, subgraph)
from graphssl.objectives.masking import sample_node_mask
from tests.conftest import requires
from tests.graphs import CATEGORICAL_SPEC, make_graph, zoo

MOLECULES = ["c1ccccc1CC(=O)Nc1ccc2ccccc2c1", "CCO", "C1CC1C1CCCCC1", "O=C(O)c1ccncc1", "CC(C)(C)OC(=O)N1CCC(CC1)C#N"]


def batch():
    graphs = zoo(CATEGORICAL_SPEC) + [make_graph(12, [(i, i + 1) for i in range(11)], CATEGORICAL_SPEC, seed=9)]
    return Batch.from_data_list(graphs)


def generator(seed=0):
    return torch.Generator().manual_seed(seed)


@pytest.mark.parametrize("transform", [DropNodes(0.5), Subgraph(0.5), DropEdges(0.5), MaskFeatures(0.5)], ids=repr)
def test_views_are_valid_and_keep_every_nonempty_graph(transform):
    original = batch()
    view = transform(original)
    validate_graph(view, CATEGORICAL_SPEC.node_categorical, CATEGORICAL_SPEC.edge_categorical)
    assert view.num_graphs == original.num_graphs
    before = torch.bincount(original.batch, minlength=original.num_graphs)
    after = torch.bincount(view.batch, minlength=view.num_graphs)
    assert bool(((after >= 1) | (before == 0)).all())
    assert view.x.shape[0] == view.num_nodes == view.batch.numel() == view.clustering.shape[0]
    assert view.edge_attr.shape[0] == view.edge_index.shape[1]
    assert bool((view.batch[view.edge_index[0]] == view.batch[view.edge_index[1]]).all())


def test_drop_edges_drops_both_directions_together():
    view = DropEdges(0.5, generator=generator(1))(batch())
    pairs = set(map(tuple, view.edge_index.t().tolist()))
    assert all((v, u) in pairs for u, v in pairs)
    assert len(pairs) < batch().edge_index.shape[1]


def test_subgraph_is_connected_and_large_enough():
    graph = Batch.from_data_list([make_graph(12, [(i, i + 1) for i in range(11)], CATEGORICAL_SPEC)])
    view = subgraph(graph, 0.5, generator(2))
    assert 6 <= view.num_nodes < 12
    # A path's connected subgraph of k nodes has exactly k - 1 undirected edges.
    assert view.edge_index.shape[1] == 2 * (view.num_nodes - 1)


def test_drop_nodes_relabels_edges_consistently():
    graph = make_graph(5, [(0, 1), (1, 2), (2, 3), (3, 4)], CATEGORICAL_SPEC)
    graph.node_id = torch.arange(5)
    view = drop_nodes(Batch.from_data_list([graph]), 0.4, generator(3))
    assert view.num_nodes < 5
    original_edges = {(u, v) for u, v in graph.edge_index.t().tolist()}
    kept = set(view.node_id.tolist())
    assert view.edge_index.shape[1] == sum(u in kept and v in kept for u, v in original_edges)
    for u, v in view.edge_index.t().tolist():
        assert (int(view.node_id[u]), int(view.node_id[v])) in original_edges


def test_same_generator_seed_same_view_and_global_rng_untouched():
    state = torch.get_rng_state()
    a = drop_nodes(batch(), 0.5, generator(7))
    b = DropNodes(0.5, generator=generator(7))(batch())
    assert torch.equal(a.edge_index, b.edge_index) and torch.equal(a.x, b.x)
    assert torch.equal(DropNodes(0.5, seed=4)(batch()).x, DropNodes(0.5, seed=4)(batch()).x)
    assert torch.equal(torch.get_rng_state(), state)
    with pytest.raises(TypeError, match="explicit torch.Generator"):
        drop_nodes(batch(), 0.5, None)


def test_augment_by_name_matches_the_class():
    a = augment("subgraph", batch(), 0.4, generator(5))
    b = Subgraph(keep_ratio=0.6, generator=generator(5))(batch())
    assert torch.equal(a.edge_index, b.edge_index)
    with pytest.raises(ValueError, match="unknown augmentation"):
        augment("dropnodes", batch(), 0.4, generator(5))


def test_pair_attributes_follow_the_kept_nodes():
    graph = make_graph(5, [(0, 1), (1, 2), (2, 3), (3, 4)], CATEGORICAL_SPEC)
    pairs = torch.tensor([[u, v] for u in range(5) for v in range(5)]).t()
    graph.spd_pair_index, graph.spd_pair_value = pairs, (pairs[0] - pairs[1]).abs().float()
    graph.node_id = torch.arange(5)
    view = drop_nodes(Batch.from_data_list([graph, graph]), 0.5, generator(11))
    ids = view.node_id
    assert view.spd_pair_index.shape[1] == sum(int(c) ** 2 for c in torch.bincount(view.batch))
    # Renumbered pairs still carry the distance of the original nodes they point at.
    assert torch.equal(view.spd_pair_value, (ids[view.spd_pair_index[0]] - ids[view.spd_pair_index[1]]).abs().float())
    assert bool((view.batch[view.spd_pair_index[0]] == view.batch[view.spd_pair_index[1]]).all())


def reference_select(graph, keep):
    """Brute force, one molecule: keep atoms, their memberships, fragments with a surviving atom."""
    atoms = [a for a in range(graph.num_nodes) if keep[a]]
    new_atom = {a: i for i, a in enumerate(atoms)}
    members = [(a, f) for a, f in graph.atom2frag.t().tolist() if a in new_atom]
    frags = sorted({f for _, f in members})
    new_frag = {f: i for i, f in enumerate(frags)}
    edges = [k for k, (u, v) in enumerate(graph.edge_index.t().tolist()) if u in new_atom and v in new_atom]
    frag_edges = [k for k, (u, v) in enumerate(graph.frag_edge_index.t().tolist()) if u in new_frag and v in new_frag]
    out = type(graph)(
        x=graph.x[atoms], edge_attr=graph.edge_attr[edges],
        edge_index=torch.tensor([[new_atom[u], new_atom[v]] for u, v in graph.edge_index.t()[edges].tolist()]).view(-1, 2).t(),
        atom2frag=torch.tensor([[new_atom[a], new_frag[f]] for a, f in members]).view(-1, 2).t(),
        frag_x=graph.frag_x[frags], frag_batch=graph.frag_batch[frags],
        frag_edge_index=torch.tensor([[new_frag[u], new_frag[v]] for u, v in graph.frag_edge_index.t()[frag_edges].tolist()]).view(-1, 2).t(),
        frag_edge_attr=graph.frag_edge_attr[frag_edges], num_nodes=len(atoms))
    return out


FRAGMENT_KEYS = ["x", "edge_index", "edge_attr", "atom2frag", "frag_x", "frag_batch", "frag_edge_index", "frag_edge_attr"]


@requires("rdkit")
@pytest.mark.parametrize("method", ["ring_systems", "brics"])
@pytest.mark.parametrize("augmentation", [drop_nodes, subgraph], ids=["drop_nodes", "subgraph"])
def test_node_removal_keeps_fragment_maps_consistent_on_molecules(method, augmentation):
    from graphssl.chem import mol_to_graph

    graphs = [mol_to_graph(s, fragments=method) for s in MOLECULES]
    graphs = [g for g in graphs for _ in range(2)]
    original = Batch.from_data_list(graphs)
    original.node_id = torch.arange(original.num_nodes)
    view = augmentation(original, 0.5, generator(13))
    kept = torch.zeros(original.num_nodes, dtype=torch.bool)
    kept[view.node_id] = True
    assert 0 < int(kept.sum()) < original.num_nodes
    references = [reference_select(g, kept[lo:hi]) for g, lo, hi in zip(graphs, original.ptr[:-1], original.ptr[1:])]
    expected = Batch.from_data_list(references)
    for key in FRAGMENT_KEYS:
        assert torch.equal(view[key], expected[key]), key
    assert int(view.frag_x.shape[0]) < int(original.frag_x.shape[0])  # some fragment lost all its atoms
    # The view splits back into exactly the per-graph references.
    for part, reference in zip(view.to_data_list(), references):
        for key in FRAGMENT_KEYS:
            assert torch.equal(part[key], reference[key]), key


@requires("rdkit")
def test_drop_nodes_on_one_molecule_matches_reference():
    from graphssl.chem import mol_to_graph

    graph = mol_to_graph(MOLECULES[0], fragments=True)
    graph.node_id = torch.arange(graph.num_nodes)
    view = DropNodes(0.6, generator=generator(3))(graph)
    keep = torch.zeros(graph.num_nodes, dtype=torch.bool)
    keep[view.node_id] = True
    reference = reference_select(graph, keep)
    for key in FRAGMENT_KEYS:
        assert torch.equal(view[key], reference[key]), key
    assert view.num_fragments == reference.frag_x.shape[0]


def test_declared_group_levels_are_followed():
    from graphssl.data.spec import AttributeSpec, GraphSpec

    # A face graph with instance groups: faces 0-1 form instance 0, faces 2-3 instance 1.
    graph = Data(x=torch.arange(4).view(-1, 1), edge_index=torch.tensor([[0, 1, 2], [1, 2, 3]]),
                 inst_x=torch.tensor([[10.0], [20.0]]), face2inst=torch.tensor([[0, 1, 2, 3], [0, 0, 1, 1]]))
    spec = GraphSpec(attributes={"inst_x": AttributeSpec("instance", shape=[1]),
                                 "face2inst": AttributeSpec("membership", dtype="long", index_of=["node", "instance"], cat_dim=-1)},
                     groups={"instance": "inst_x"})
    from graphssl.data.select import select_nodes

    view = select_nodes(graph, torch.tensor([False, False, True, True]), spec)
    assert torch.equal(view.inst_x, torch.tensor([[20.0]]))
    assert torch.equal(view.face2inst, torch.tensor([[0, 1], [0, 0]]))
    assert torch.equal(view.edge_index, torch.tensor([[0], [1]]))


@pytest.mark.parametrize("ratio", [0.01, 0.3, 0.99])
def test_sample_node_mask_counts_per_graph(ratio):
    sizes = torch.tensor([0, 1, 2, 5, 40])
    vector = torch.repeat_interleave(torch.arange(5), sizes)
    mask = sample_node_mask(vector, 5, ratio, torch.Generator().manual_seed(0))
    counts = torch.bincount(vector[mask], minlength=5)
    expected = torch.minimum(torch.round(sizes * ratio).long().clamp(min=1), (sizes - 1).clamp(min=1))
    expected[0] = 0
    assert torch.equal(counts, expected)


def test_drop_edges_view_splits_back_into_its_graphs():
    graphs = [make_graph(6, [(i, (i + 1) % 6) for i in range(6)], CATEGORICAL_SPEC, seed=s) for s in range(3)]
    for g in graphs:
        g.edge_id = torch.arange(g.edge_index.shape[1])
    view = DropEdges(0.5, generator=generator(4))(Batch.from_data_list(graphs))
    parts = view.to_data_list()
    assert sum(p.edge_index.shape[1] for p in parts) == view.edge_index.shape[1] < 36
    for part, graph in zip(parts, graphs):
        # Each part keeps exactly the edges (and their features) it was given, in its own numbering.
        assert torch.equal(part.edge_index, graph.edge_index[:, part.edge_id])
        assert torch.equal(part.edge_attr, graph.edge_attr[part.edge_id])
        assert torch.equal(part.x, graph.x)
