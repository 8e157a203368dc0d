r"""``fragment_jepa``: predict the EMA target's embeddings of masked atoms and masked fragments.

GraSPNet (Wu et al., "Hierarchical Molecular Representation Learning via
Fragment-Based Self-Supervised Embedding Prediction", arXiv 2602.20344, 2026)
pretrains in latent space on two levels. Per step:

1. draw, per molecule, ``fragment_ratio`` of its fragments (all their atoms
   are masked) and ``atom_ratio`` of its atoms, with the core samplers
   (:func:`~graphssl.objectives.masking.sample_group_mask`,
   :func:`~graphssl.objectives.masking.sample_node_mask`) and the step's generator;
2. the online (context) encoder sees the molecule with those atoms' features
   and those fragments' type embeddings replaced by mask tokens;
3. the shared EMA target encodes the full molecule (``step.target_clean()``);
4. two :class:`~graphssl.graspnet.predictor.MaskedPredictor` networks turn
   the context states plus positioned mask tokens into predictions of the
   target's masked atom and masked fragment embeddings:

.. math::
    L = w_{\text{atom}}\, \ell(\hat h_{M_a}, \bar h_{M_a}) + w_{\text{frag}}\, \ell(\hat z_{M_f}, \bar z_{M_f}),
    \qquad \ell = 2 - 2\cos \ \text{(mean over items) or smooth-L1}.

The paper publishes no code: mask ratios, EMA momentum, predictor and loss
are this package's choices (docs/graspnet.md).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from graphssl.config import check_range
from graphssl.data.spec import GraphSpec
from graphssl.errors import ConfigError
from graphssl.graspnet.encoder import SIZE_COLUMN, fragment_tensors
from graphssl.graspnet.predictor import MAX_DEGREE, MaskedPredictor, degree_codes
from graphssl.objectives import Objective, register_objective
from graphssl.objectives.bgrl import cosine_loss
from graphssl.objectives.context import StepContext
from graphssl.objectives.masking import sample_group_mask, sample_node_mask

LOSSES = ("cosine", "smooth_l1")


def embedding_loss(prediction: Tensor, target: Tensor, kind: str) -> Tensor:
    """``2 - 2cos`` averaged over rows, or smooth-L1 averaged over entries; the target gets no gradient."""
    if kind == "cosine":
        return cosine_loss(prediction, target)
    return F.smooth_l1_loss(prediction, target.detach())


@register_objective("fragment_jepa")
class FragmentJEPA(Objective):
    """GraSPNet: predict the EMA target's embeddings of masked atoms and fragments (Wu et al., arXiv 2602.20344).

    Args:
        fragment_ratio: fraction of each molecule's fragments masked, in ``(0, 1)`` (default ``0.25``).
        atom_ratio: fraction of each molecule's atoms masked on top, in ``[0, 1)``; ``0`` masks
            fragments only (default ``0.15``).
        w_atom: weight of the masked-atom term, ``>= 0`` (default ``1.0``).
        w_frag: weight of the masked-fragment term, ``>= 0`` (default ``1.0``); ``w_atom=0`` or
            ``w_frag=0`` are the fragment-only and atom-only ablations.
        loss: ``"cosine"`` (``2 - 2cos``, default) or ``"smooth_l1"``.
        tau: initial EMA momentum of the shared target, in ``[0, 1]`` (default ``0.99``).
        predictor_hidden: predictor width (default ``128``).
        predictor_layers: conv layers of each predictor (default ``2``).

    Needs an encoder with a fragment level (``graspnet``): the context pass is
    ``step.masked(node_mask, group_masks={"fragment": fragment_mask})`` and
    its output has ``.fragment``.
    """

    needs_target = True

    def __init__(self, encoder: nn.Module, spec: GraphSpec, fragment_ratio: float = 0.25, atom_ratio: float = 0.15,
                 w_atom: float = 1.0, w_frag: float = 1.0, loss: str = "cosine", tau: float = 0.99,
                 predictor_hidden: int = 128, predictor_layers: int = 2) -> None:
        super().__init__(encoder, spec)
        if loss not in LOSSES:
            raise ConfigError(f"{self.key('loss')}: must be one of {', '.join(LOSSES)}, got {loss!r}")
        self.fragment_ratio = self.check_fraction("fragment_ratio", fragment_ratio)
        check_range(self.key("atom_ratio"), atom_ratio, low=0.0, high=1.0, high_inclusive=False)
        self.atom_ratio = float(atom_ratio)
        for name, value in (("w_atom", w_atom), ("w_frag", w_frag)):
            check_range(self.key(name), value, low=0.0)
        if w_atom == 0 and w_frag == 0:
            raise ConfigError(f"{self.key('w_atom')}, {self.key('w_frag')}: both 0 leaves nothing to learn")
        self.w_atom, self.w_frag, self.loss_kind = float(w_atom), float(w_frag), loss
        self.tau = self.check_tau(tau)
        check_range(self.key("predictor_hidden"), predictor_hidden, low=1)
        check_range(self.key("predictor_layers"), predictor_layers, low=1)
        size_categories = encoder.config.fragment_categorical[SIZE_COLUMN] if hasattr(encoder.config, "fragment_categorical") else None
        if not size_categories:
            raise ConfigError(f"{self.key()}: needs an encoder with a fragment level (encoder name: graspnet)")
        self.atom_predictor = MaskedPredictor(self.encoder_dim, predictor_hidden, (MAX_DEGREE + 1,), predictor_layers)
        self.fragment_predictor = MaskedPredictor(self.encoder_dim, predictor_hidden, (size_categories, MAX_DEGREE + 1),
                                                  predictor_layers)

    def draw_masks(self, step: StepContext) -> tuple[Tensor, Tensor]:
        """``(node_mask [N], fragment_mask [F])`` from the step's generator: whole fragments, then extra atoms."""
        frag_x, atom2frag = fragment_tensors(step.batch)[:2]
        fragment_mask, node_mask = sample_group_mask(atom2frag, step.batch_vector, step.num_graphs, self.fragment_ratio,
                                                     step.generator, num_groups=frag_x.shape[0])
        if self.atom_ratio > 0:
            node_mask = node_mask | sample_node_mask(step.batch_vector, step.num_graphs, self.atom_ratio, step.generator)
        return node_mask, fragment_mask

    def predict(self, step: StepContext, context, node_mask: Tensor, fragment_mask: Tensor) -> tuple[Tensor, Tensor]:
        """Predictions for the masked atoms ``[M_a, d]`` and masked fragments ``[M_f, d]`` from the context output."""
        batch = step.batch
        frag_x, _, frag_edge_index = fragment_tensors(batch)[:3]
        atom_codes = degree_codes(batch.edge_index, batch.num_nodes)[:, None]
        fragment_codes = torch.stack([frag_x[:, SIZE_COLUMN], degree_codes(frag_edge_index, frag_x.shape[0])], dim=1)
        atoms = self.atom_predictor(context.node, node_mask, atom_codes, batch.edge_index)
        fragments = self.fragment_predictor(context.fragment, fragment_mask, fragment_codes, frag_edge_index)
        return atoms[node_mask], fragments[fragment_mask]

    def forward(self, step: StepContext) -> dict[str, Tensor]:
        node_mask, fragment_mask = self.draw_masks(step)
        context = step.masked(node_mask, group_masks={"fragment": fragment_mask})
        target = step.target_clean()
        atoms, fragments = self.predict(step, context, node_mask, fragment_mask)
        # A batch without fragments masks no fragment: that term is a zero that keeps the predictor in the graph.
        atom_loss = embedding_loss(atoms, target.node[node_mask], self.loss_kind) if node_mask.any() else atoms.sum() * 0
        fragment_loss = (embedding_loss(fragments, target.fragment[fragment_mask], self.loss_kind)
                         if fragment_mask.any() else fragments.sum() * 0)
        loss = self.w_atom * atom_loss + self.w_frag * fragment_loss
        return {"loss": loss, "atom_loss": atom_loss.detach(), "fragment_loss": fragment_loss.detach(),
                "node_mask": node_mask, "fragment_mask": fragment_mask}

    def extra_repr(self) -> str:
        return (f"fragment_ratio={self.fragment_ratio}, atom_ratio={self.atom_ratio}, w_atom={self.w_atom}, "
                f"w_frag={self.w_frag}, loss={self.loss_kind!r}, tau={self.tau}")
