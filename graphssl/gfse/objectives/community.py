r"""``community``: a margin loss on the cosine similarity of node pairs, by Louvain community.

GFSE (Chen et al., WWW 2026, https://arxiv.org/abs/2504.10917), objective 3.
For sampled pairs ``(i, j)`` of one graph with Louvain labels ``c``
(``graphssl.pe.Louvain``'s ``louvain``) and ``s_ij = cos(h_i, h_j)``:

.. math::
    \ell_{ij} = \begin{cases} 1 - s_{ij} & c_i = c_j \\ \max(0,\ s_{ij} - \epsilon) & c_i \ne c_j \end{cases},
    \qquad \mathcal{L} = \operatorname{mean}_{(i,j)} \ell_{ij} .

Pairs of a community are pulled together; pairs across communities are
pushed until their similarity falls below the margin ``eps``.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from graphssl.config import check_range
from graphssl.data.spec import GraphSpec
from graphssl.errors import InvalidGraphError
from graphssl.objectives import Objective, StepContext, register_objective
from graphssl.objectives.masking import per_graph_counts
from graphssl.objectives.targets import graph_validity, zero_loss


def node_pairs(batch_vector: Tensor, num_graphs: int, k: int, generator: torch.Generator,
               all_pairs_below: int = 0) -> Tensor:
    """Ordered pairs ``(i, j)``, ``i != j``, of one graph: all of a graph below ``all_pairs_below`` nodes, else ``k``.

    The ``k`` pairs of a larger graph are drawn uniformly with replacement.

    Shapes:
        returns int64 ``[2, P]`` node indices.
    """
    device = batch_vector.device
    counts = per_graph_counts(batch_vector, num_graphs)
    ptr = torch.cat([counts.new_zeros(1), counts.cumsum(0)])
    small = (counts < all_pairs_below) & (counts >= 2)
    # Every pair of the small graphs: node i against each node of its graph.
    nodes = small[batch_vector].nonzero().view(-1)
    size = counts[batch_vector[nodes]]
    first = nodes.repeat_interleave(size)
    offset = torch.arange(int(size.sum()), device=device) - (size.cumsum(0) - size).repeat_interleave(size)
    second = ptr[batch_vector[first]] + offset
    keep = first != second
    # k drawn pairs of each larger graph with at least two nodes; j != i by construction.
    graph = ((~small) & (counts >= 2)).nonzero().view(-1).repeat_interleave(k)
    n = counts[graph]
    u = torch.rand(2, graph.numel(), generator=generator, device=device)
    i_local = (u[0] * n).long().clamp(max=(n - 1).clamp(min=0))
    j_local = (i_local + 1 + (u[1] * (n - 1)).long().clamp(max=(n - 2).clamp(min=0))) % n.clamp(min=1)
    drawn = torch.stack([ptr[graph] + i_local, ptr[graph] + j_local])
    return torch.cat([torch.stack([first[keep], second[keep]]), drawn], dim=1)


@register_objective("community")
class CommunityMargin(Objective):
    """Louvain community margin loss: same-community pairs pulled to cosine 1, others pushed below eps.

    Args:
        attribute: per-node community labels (default ``"louvain"``, ``[N, 1]`` int64).
        eps: the margin on cross-community cosine similarity, in ``[-1, 1)`` (default ``0.0``).
        pairs_per_graph: pairs drawn per graph and step (default ``64``).
        all_pairs_below: graphs with fewer nodes use every ordered pair (default ``0``).
    """

    def __init__(self, encoder: nn.Module, spec: GraphSpec, attribute: str = "louvain", eps: float = 0.0,
                 pairs_per_graph: int = 64, all_pairs_below: int = 0) -> None:
        super().__init__(encoder, spec)
        self.attribute = str(attribute)
        check_range(self.key("eps"), float(eps), low=-1.0, high=1.0, high_inclusive=False)
        self.eps = float(eps)
        self.pairs_per_graph = int(self.check_positive("pairs_per_graph", int(pairs_per_graph)))
        self.all_pairs_below = int(all_pairs_below)

    def forward(self, step: StepContext) -> dict[str, Tensor]:
        node = step.clean().node
        labels = getattr(step.batch, self.attribute, None)
        if labels is None:
            raise InvalidGraphError(f"batch has no community labels {self.attribute!r}; add the louvain transform "
                                    "or set objectives.community.attribute")
        labels = labels.view(-1)
        pairs = node_pairs(step.batch_vector, step.num_graphs, self.pairs_per_graph, step.generator, self.all_pairs_below)
        valid = graph_validity(step.batch, self.attribute, step.num_graphs)
        if valid is not None:
            pairs = pairs[:, valid[step.batch_vector[pairs[0]]]]
        if pairs.shape[1] == 0:
            return {"loss": zero_loss(node), "same_fraction": torch.tensor(0.0)}
        similarity = F.cosine_similarity(node[pairs[0]], node[pairs[1]], dim=1)
        same = labels[pairs[0]] == labels[pairs[1]]
        loss = torch.where(same, 1.0 - similarity, (similarity - self.eps).clamp(min=0.0)).mean()
        return {"loss": loss, "same_fraction": same.float().mean().detach()}
