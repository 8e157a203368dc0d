r"""The GraSPNet encoder: atoms, then fragments, then fragments fed back to their atoms.

Wu et al., "Hierarchical Molecular Representation Learning via Fragment-Based
Self-Supervised Embedding Prediction", arXiv 2602.20344. With atom states
:math:`h_i` from the core :class:`~graphssl.nn.GraphEncoder` and ``atom2frag``
membership :math:`i \in f`:

.. math::
    z^{(0)}_f = \operatorname{mean}_{i \in f} h_i + E_{\text{size}}[s_f]
        + \begin{cases} m & f \text{ masked} \\ E_{\text{type}}[t_f] + E_{\text{rings}}[r_f] + E_{\text{arom}}[a_f] & \text{else} \end{cases}

    z^{(l+1)} = z^{(l)} + \sigma(\mathrm{norm}(\mathrm{conv}_l(z^{(l)}, A_{\text{frag}}, E_{\text{frag}}))),
    \qquad h'_i = h_i + W \operatorname{mean}_{f \ni i} z^{(L)}_f

    g = \mathrm{readout}_i(h'_i) + \operatorname{mean}_{f} z^{(L)}_f

The fragment layers are core convs (:data:`graphssl.nn.CONVS`), so no second
GNN is written here. Fragment states go back to the atoms once, after the
last layer of both levels (not per layer): the atom level stays the core
encoder unchanged, and atom-level objectives still see GINE's own states.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from torch_geometric.nn.resolver import activation_resolver
from torch_geometric.utils import scatter

from graphssl.errors import InvalidGraphError
from graphssl.graspnet.config import FRAGMENT_KEYS, GraspNetConfig
from graphssl.nn import EncoderOutput
from graphssl.nn.context import batch_vector_of, num_graphs_of
from graphssl.nn.conv import build_registered_conv
from graphssl.nn.embedding import CategoricalEmbedding
from graphssl.nn.encoder import GraphEncoder
from graphssl.nn.norm import build_norm
from graphssl.nn.registry import register_encoder

#: Column of ``frag_x`` that stays visible for a masked fragment (its heavy-atom size: structure, not content).
SIZE_COLUMN = 1


def fragment_tensors(batch) -> tuple[Tensor, Tensor, Tensor, Tensor, Tensor]:
    """``(frag_x, atom2frag, frag_edge_index, frag_edge_attr, frag_batch)`` of ``batch``; missing ones raise."""
    missing = [key for key in FRAGMENT_KEYS if getattr(batch, key, None) is None]
    if missing:
        raise InvalidGraphError(f"graph 0: no {', '.join(missing)}: the graspnet encoder needs molecules featurized "
                                "with fragments (fragments: ring_systems, rings or brics)")
    return tuple(getattr(batch, key) for key in FRAGMENT_KEYS)


@register_encoder("graspnet", GraspNetConfig)
class GraspNetEncoder(nn.Module):
    """Two-level molecular encoder: the core atom encoder, a fragment GNN and a fragment-to-atom feedback.

    Args:
        config: a :class:`GraspNetConfig` with its layout filled (``with_spec``).

    ``forward(batch, node_mask=None, group_masks=None)``: ``node_mask``
    (bool ``[N]``) puts the atom mask token on those atoms' features;
    ``group_masks={"fragment": bool [F]}`` (the core's group-mask seam,
    :meth:`graphssl.objectives.StepContext.masked`) replaces those fragments'
    type, ring and aromatic embeddings with a fragment mask token (their size
    stays, as structural inputs of masked atoms do). An objective that masks a
    fragment masks its atoms too (``node_mask``).

    Shapes:
        returns :class:`~graphssl.nn.EncoderOutput` with ``node`` ``[N, d]``,
        ``graph`` ``[B, d]`` and the extra ``fragment`` ``[F, d]``, ``d = out_dim``.
    """

    def __init__(self, config: GraspNetConfig) -> None:
        super().__init__()
        self.config = config
        self.atoms = GraphEncoder(config)
        dim = self.atoms.out_dim
        columns = list(config.fragment_categorical)
        self.size_embedding = nn.Embedding(columns[SIZE_COLUMN], dim)
        self.content_embedding = CategoricalEmbedding([c for i, c in enumerate(columns) if i != SIZE_COLUMN], dim)
        self.fragment_mask_token = nn.Parameter(torch.empty(dim))
        self.fragment_edge_embedding = CategoricalEmbedding(config.fragment_edge_categorical, dim)
        options = dict(edge_dim=dim, activation=config.activation, train_eps=config.train_eps, dropout=config.dropout,
                       norm=config.norm)
        self.fragment_layers = nn.ModuleList(build_registered_conv(config.fragment_conv, dim, dim, options)
                                             for _ in range(config.fragment_layers))
        self.fragment_norms = nn.ModuleList(build_norm(config.norm, dim) for _ in range(config.fragment_layers))
        self.feedback = nn.Linear(dim, dim)
        self.activation = activation_resolver(config.activation)
        self.reset_parameters()

    @property
    def out_dim(self) -> int:
        return self.atoms.out_dim

    def reset_parameters(self) -> None:
        self.atoms.reset_parameters()
        nn.init.xavier_uniform_(self.size_embedding.weight)
        self.content_embedding.reset_parameters()
        nn.init.normal_(self.fragment_mask_token, std=0.02)
        self.fragment_edge_embedding.reset_parameters()
        for module in (*self.fragment_layers, *self.fragment_norms, self.feedback):
            if hasattr(module, "reset_parameters"):
                module.reset_parameters()

    def fragment_inputs(self, frag_x: Tensor, fragment_mask: Tensor | None) -> Tensor:
        """The fragment embedding ``[F, d]``: size always, type/rings/aromatic or the mask token."""
        content_columns = [i for i in range(frag_x.shape[1]) if i != SIZE_COLUMN]
        content = self.content_embedding(frag_x[:, content_columns])
        if fragment_mask is not None:
            content = torch.where(fragment_mask[:, None], self.fragment_mask_token.expand_as(content), content)
        return self.size_embedding(frag_x[:, SIZE_COLUMN]) + content

    def forward(self, batch, node_mask: Tensor | None = None,
                group_masks: dict[str, Tensor] | None = None) -> EncoderOutput:
        frag_x, atom2frag, frag_edge_index, frag_edge_attr, frag_batch = fragment_tensors(batch)
        num_fragments = frag_x.shape[0]
        group_masks = dict(group_masks or {})
        fragment_mask = group_masks.pop("fragment", None)
        if group_masks:
            raise ValueError(f"group_masks: the graspnet encoder masks only 'fragment' groups, got {sorted(group_masks)}")
        if fragment_mask is not None and (fragment_mask.shape != (num_fragments,) or fragment_mask.dtype != torch.bool):
            raise ValueError(f"fragment_mask must be a bool tensor of shape [{num_fragments}], "
                             f"got {fragment_mask.dtype} {tuple(fragment_mask.shape)}")
        atom = self.atoms(batch, node_mask=node_mask).node
        num_atoms, num_graphs = atom.shape[0], num_graphs_of(batch)
        pooled = scatter(atom[atom2frag[0]], atom2frag[1], dim=0, dim_size=num_fragments, reduce="mean")
        z = pooled + self.fragment_inputs(frag_x, fragment_mask)
        edge_attr = self.fragment_edge_embedding(frag_edge_attr)
        last = len(self.fragment_layers) - 1
        for i, (layer, norm) in enumerate(zip(self.fragment_layers, self.fragment_norms)):
            update = norm(layer(z, frag_edge_index, edge_attr if getattr(layer, "uses_edges", False) else None))
            if i < last:
                update = self.activation(update)
            # Residual: the pooled atom states stay in every fragment state.
            z = z + F.dropout(update, self.config.dropout, self.training)
        back = scatter(z[atom2frag[1]], atom2frag[0], dim=0, dim_size=num_atoms, reduce="mean")
        node = atom + self.feedback(back)
        graph = self.atoms.readout(node, batch_vector_of(batch), num_graphs) + scatter(
            z, frag_batch, dim=0, dim_size=num_graphs, reduce="mean")
        return EncoderOutput(node=node, graph=graph, extras={"fragment": z})
