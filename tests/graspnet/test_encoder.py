"""GraspNetEncoder against brute-force per-fragment loops; masking hides what it should; bad inputs."""

from __future__ import annotations

import pytest
import torch

from graphssl.errors import ConfigError, InvalidGraphError
from tests.conftest import requires

pytestmark = requires("rdkit")


def members(batch) -> dict[int, list[int]]:
    """Fragment -> its atoms, read column by column from atom2frag."""
    out: dict[int, list[int]] = {}
    for atom, fragment in batch.atom2frag.t().tolist():
        out.setdefault(fragment, []).append(atom)
    return out


def test_outputs_match_a_loop_over_fragments(encoder, batch):
    encoder.eval()
    with torch.no_grad():
        out = encoder(batch)
        atom = encoder.atoms(batch).node
        frag_of = members(batch)
        pooled = torch.stack([atom[frag_of[f]].mean(0) for f in range(batch.frag_x.shape[0])])
        z = pooled + encoder.fragment_inputs(batch.frag_x, None)
        edges = encoder.fragment_edge_embedding(batch.frag_edge_attr)
        for i, (layer, norm) in enumerate(zip(encoder.fragment_layers, encoder.fragment_norms)):
            update = norm(layer(z, batch.frag_edge_index, edges))
            z = z + (update.relu() if i < len(encoder.fragment_layers) - 1 else update)
        node = atom.clone()
        for a in range(batch.num_nodes):
            mine = [f for f, atoms in frag_of.items() if a in atoms]
            node[a] = atom[a] + encoder.feedback(z[mine].mean(0))
        graph = torch.stack([node[batch.batch == g].mean(0) + z[batch.frag_batch == g].mean(0)
                             for g in range(batch.num_graphs)])
    assert out.node.shape == (batch.num_nodes, 16) and out.fragment.shape == (batch.frag_x.shape[0], 16)
    torch.testing.assert_close(out.fragment, z)
    torch.testing.assert_close(out.node, node)
    torch.testing.assert_close(out.graph, graph)


def test_fragment_embedding_hides_content_of_masked_fragments_only(encoder, batch):
    frag_x = batch.frag_x
    mask = torch.zeros(frag_x.shape[0], dtype=torch.bool)
    mask[[1, 4]] = True
    changed = frag_x.clone()
    changed[:, [0, 2, 3]] = torch.tensor([3, 7, 1])  # type, rings, aromatic of every fragment
    masked, masked_changed = encoder.fragment_inputs(frag_x, mask), encoder.fragment_inputs(changed, mask)
    torch.testing.assert_close(masked[mask], masked_changed[mask])
    assert not torch.allclose(masked[~mask], masked_changed[~mask])
    # The size column stays visible under the mask.
    resized = frag_x.clone()
    resized[:, 1] = 20
    assert not torch.allclose(encoder.fragment_inputs(resized, mask)[mask], masked[mask])


def test_masked_atoms_and_fragments_are_hidden_from_the_encoder(encoder, batch):
    encoder.eval()
    fragment_mask = torch.zeros(batch.frag_x.shape[0], dtype=torch.bool)
    fragment_mask[4] = True  # aspirin's benzene ring
    node_mask = torch.zeros(batch.num_nodes, dtype=torch.bool)
    node_mask[batch.atom2frag[0][batch.atom2frag[1] == 4]] = True
    node_mask[batch.num_nodes - 1] = True
    changed = batch.clone()
    changed.x = batch.x.clone()
    changed.x[node_mask] = torch.tensor([5, 1, 3, 4, 2, 1, 2, 1, 0])
    changed.frag_x = batch.frag_x.clone()
    changed.frag_x[4, [0, 2, 3]] = torch.tensor([1, 0, 0])
    inside = node_mask[batch.edge_index[0]] & node_mask[batch.edge_index[1]]
    assert int(inside.sum()) == 12  # the ring's 6 bonds, both directions
    changed.edge_attr = batch.edge_attr.clone()
    changed.edge_attr[inside] = torch.tensor([1, 2, 0])  # aromatic ring bonds made double, stereo, not conjugated
    with torch.no_grad():
        seen = encoder(batch, node_mask=node_mask, group_masks={"fragment": fragment_mask})
        seen_changed = encoder(changed, node_mask=node_mask, group_masks={"fragment": fragment_mask})
        unmasked_changed = encoder(changed)
    for field in ("node", "graph", "fragment"):
        torch.testing.assert_close(getattr(seen, field), getattr(seen_changed, field))
    assert not torch.allclose(encoder(batch).node, unmasked_changed.node)


def test_built_by_name_and_config_round_trips(spec):
    import graphssl.graspnet  # noqa: F401
    from graphssl.graspnet import GraspNetConfig, GraspNetEncoder
    from graphssl.nn import build_encoder, encoder_config_from_dict, encoder_config_to_dict

    config = encoder_config_from_dict({"name": "graspnet", "hidden_dim": 8, "num_layers": 1, "fragment_layers": 3})
    assert isinstance(config, GraspNetConfig)
    assert encoder_config_from_dict(encoder_config_to_dict(config)) == config
    encoder = build_encoder(config, spec)
    assert isinstance(encoder, GraspNetEncoder) and encoder.out_dim == 8 and len(encoder.fragment_layers) == 3
    assert encoder.config.fragment_categorical == [4, 33, 8, 2] and encoder.config.fragment_edge_categorical == [2]


def test_config_errors_name_the_key(spec):
    import graphssl.graspnet  # noqa: F401
    from graphssl.chem.featurize import FeaturizerOptions
    from graphssl.chem.spec import molecule_spec
    from graphssl.nn import build_encoder, encoder_config_from_dict

    with pytest.raises(ConfigError, match="encoder.fragment_layers"):
        encoder_config_from_dict({"name": "graspnet", "fragment_layers": 0})
    with pytest.raises(ConfigError, match="encoder.fragment_conv: .*'gine'"):
        encoder_config_from_dict({"name": "graspnet", "fragment_conv": "gnie"})
    with pytest.raises(ConfigError, match="fragment hierarchy"):
        build_encoder({"name": "graspnet"}, molecule_spec(FeaturizerOptions()))


def test_molecules_without_fragments_are_refused(encoder):
    from graphssl.chem import mol_to_graph
    from torch_geometric.data import Batch

    with pytest.raises(InvalidGraphError, match="frag_x, atom2frag"):
        encoder(Batch.from_data_list([mol_to_graph("CCO")]))
    with pytest.raises(ValueError, match=r"fragment_mask must be a bool tensor of shape \[1\]"):
        encoder(Batch.from_data_list([mol_to_graph("CCO", fragments=True)]),
                group_masks={"fragment": torch.zeros(2, dtype=torch.bool)})
    with pytest.raises(ValueError, match=r"masks only 'fragment' groups, got \['ring'\]"):
        encoder(Batch.from_data_list([mol_to_graph("CCO", fragments=True)]),
                group_masks={"ring": torch.zeros(1, dtype=torch.bool)})


def test_masked_bond_input_hides_bonds_between_masked_atoms_only(encoder, batch):
    bonds = encoder.atoms.edge_input
    node_mask = torch.zeros(batch.num_nodes, dtype=torch.bool)
    node_mask[[0, 1, 2]] = True  # aspirin's C-C(=O): bonds 0-1 and 1-2 inside, 1-3 leaves the region
    plain, masked = bonds(batch), bonds(batch, node_mask)
    inside = node_mask[batch.edge_index[0]] & node_mask[batch.edge_index[1]]
    assert int(inside.sum()) == 4
    assert torch.equal(masked[~inside], plain[~inside])
    assert torch.equal(masked[inside], bonds.inputs[0].bond_mask_token.expand(4, -1))
