r"""Dense per-graph attention with an optional learned pair bias, for graphs up to a size limit.

Pair bias as in Graphormer (Ying et al., "Do Transformers Really Perform Bad
for Graph Representation?", NeurIPS 2021, https://arxiv.org/abs/2106.05234)
and GRIT (Ma et al., "Graph Inductive Biases in Transformers without Message
Passing", ICML 2023, https://arxiv.org/abs/2305.17589): a learned per-head
bias :math:`b_h(v_{ij})` from a pair attribute's value is added to the
attention logits of the pairs that carry one,

.. math::
    \alpha^h_{ij} = \mathrm{softmax}_j\Big(\frac{q^h_i \cdot k^h_j}{\sqrt{d_h}} + b_h(v_{ij})\Big).

Attention is dense within each graph (a padded ``[graphs, n_max, n_max]``
layout), so its memory grows with :math:`n^2`. Graphs with more than
:data:`ATTENTION_MAX_NODES` nodes are left out of it: their nodes get no
attention output (their GPS block is its local layer and FFN alone), and no
tensor of their size squared is ever built.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from graphssl.data.validate import first_graph_of, locate
from graphssl.errors import InvalidGraphError
from graphssl.nn.context import BatchContext

#: Graphs with more nodes than this get no dense attention (local message passing only).
ATTENTION_MAX_NODES = 1024


@dataclass
class DenseLayout:
    """Where each attended node sits in the padded ``[graphs, n_max]`` layout.

    Args:
        nodes: indices of the attended nodes, ``[M]``.
        slots: their flat positions in ``[graphs * n_max]``, ``[M]``.
        real: True at slots that hold a node, ``[graphs, n_max]``.
        graph_rank: each graph's row in the layout, ``-1`` when left out, ``[num_graphs]``.
        position: each node's index within its graph, ``[N]``.
    """

    nodes: Tensor
    slots: Tensor
    real: Tensor
    graph_rank: Tensor
    position: Tensor
    _key_masks: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def shape(self) -> tuple[int, int]:
        return tuple(self.real.shape)

    def key_mask(self, dtype: torch.dtype) -> Tensor:
        """Additive attention mask, ``-inf`` at padding keys, ``[graphs, 1, 1, n_max]``; built once per dtype."""
        if dtype not in self._key_masks:
            graphs, n_max = self.shape
            self._key_masks[dtype] = torch.zeros(graphs, 1, 1, n_max, dtype=dtype, device=self.real.device).masked_fill(
                ~self.real.view(graphs, 1, 1, n_max), float("-inf"))
        return self._key_masks[dtype]


def dense_layout(context: BatchContext, max_nodes: int) -> DenseLayout | None:
    """The dense layout of the graphs with 1 to ``max_nodes`` nodes (``None`` if there are none); cached per forward."""
    key = ("dense_layout", max_nodes)
    if key not in context.cache:
        counts = context.counts()
        attended = (counts > 0) & (counts <= max_nodes)
        layout = None
        if bool(attended.any()):
            batch = context.batch
            ptr = torch.cat([counts.new_zeros(1), counts.cumsum(0)])
            position = torch.arange(batch.numel(), device=batch.device) - ptr[batch]
            graph_rank = attended.long().cumsum(0) - 1
            graph_rank = graph_rank.masked_fill(~attended, -1)
            n_max = int(counts[attended].max())
            nodes = attended[batch].nonzero().view(-1)
            slots = graph_rank[batch[nodes]] * n_max + position[nodes]
            real = torch.zeros(int(attended.sum()) * n_max, dtype=torch.bool, device=batch.device)
            real[slots] = True
            layout = DenseLayout(nodes, slots, real.view(-1, n_max), graph_rank, position)
        context.cache[key] = layout
    return context.cache[key]


class PairBias(nn.Module):
    """A learned per-head bias from a pair attribute's values.

    Args:
        heads: attention heads.
        categories: integer values: one bias per value in ``[0, categories)``, larger
            values share the last, negative values (``-1``: unreachable) one more (default ``0``).
        continuous: float values of this width: a linear map; non-finite values
            (``inf``: unreachable) get a learned bias of their own (default ``0``).

    Shapes:
        value ``[P]`` or ``[P, continuous]`` -> ``[P, heads]``.
    """

    def __init__(self, heads: int, *, categories: int = 0, continuous: int = 0) -> None:
        super().__init__()
        self.heads, self.categories, self.continuous = heads, categories, continuous
        if categories:
            self.embedding = nn.Embedding(categories + 1, heads)
        else:
            self.linear = nn.Linear(continuous, heads)
            self.unreachable = nn.Parameter(torch.empty(heads))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        # Small, as in Graphormer: the bias starts as a gentle nudge on the logits.
        if self.categories:
            nn.init.normal_(self.embedding.weight, std=0.02)
        else:
            nn.init.normal_(self.linear.weight, std=0.02)
            nn.init.zeros_(self.linear.bias)
            nn.init.normal_(self.unreachable, std=0.02)

    def forward(self, value: Tensor) -> Tensor:
        if self.categories:
            index = value.view(-1).long().clamp(max=self.categories - 1)
            return self.embedding(index.masked_fill(index < 0, self.categories))
        value = value.view(value.shape[0], -1).to(self.linear.weight.dtype)
        finite = torch.isfinite(value).all(dim=1, keepdim=True)
        out = self.linear(torch.where(finite, value, torch.zeros_like(value)))
        return torch.where(finite, out, self.unreachable.to(out.dtype))

    def __repr__(self) -> str:
        kind = f"categories={self.categories}" if self.categories else f"continuous={self.continuous}"
        return f"PairBias(heads={self.heads}, {kind})"


@dataclass
class PairLayout:
    """The pairs of a pair attribute that fall inside the dense layout: their values and where they go.

    Args:
        values: the attribute's values at those pairs, ``[Q]`` or ``[Q, d]``.
        flat: their flat positions in ``[graphs, n_max, n_max]``, ``[Q]``.
    """

    values: Tensor
    flat: Tensor


def pair_layout(context: BatchContext, layout: DenseLayout, name: str) -> PairLayout:
    """The pairs of attribute ``name`` inside ``layout``; cached per forward, so every layer shares one gather."""
    key = ("pair_layout", name, layout.shape)
    data = context.data
    index = getattr(data, f"{name}_pair_index", None)
    value = getattr(data, f"{name}_pair_value", None)
    if index is None or value is None:
        missing = f"{name}_pair_index" if index is None else f"{name}_pair_value"
        raise InvalidGraphError(f"graph {first_graph_of(data)}: has no {missing}, which encoder.attention_bias reads; "
                                f"add the pair attribute (a graphssl.pe transform with pairs) or drop attention_bias")
    if key not in context.cache:
        if index.dim() != 2 or index.shape[0] != 2 or index.shape[1] != value.shape[0]:
            raise InvalidGraphError(f"graph {first_graph_of(data)}: {name}_pair_index {tuple(index.shape)} and "
                                    f"{name}_pair_value {tuple(value.shape)} do not match; expected [2, P] and [P, ...]")
        num_nodes = context.batch.numel()
        if index.numel() and (int(index.min()) < 0 or int(index.max()) >= num_nodes):
            position = int(((index < 0) | (index >= num_nodes)).any(dim=0).nonzero()[0, 0])
            graph, _ = locate(data, "node", int(index[0, position].clamp(0, num_nodes - 1)))
            raise InvalidGraphError(f"graph {graph}: {name}_pair_index holds a node index out of range for the batch")
        graph = context.batch[index]
        if bool((graph[0] != graph[1]).any()):
            position = int((graph[0] != graph[1]).nonzero()[0, 0])
            raise InvalidGraphError(f"graph {int(graph[0, position])}: {name}_pair_index pairs nodes of different graphs")
        rank = layout.graph_rank[graph[0]]
        inside = (rank >= 0).nonzero().view(-1)
        n_max = layout.shape[1]
        i, j = layout.position[index[0, inside]], layout.position[index[1, inside]]
        context.cache[key] = PairLayout(value[inside], (rank[inside] * n_max + i) * n_max + j)
    return context.cache[key]


def dense_attention(x: Tensor, attention: nn.MultiheadAttention, layout: DenseLayout, *, dropout: float = 0.0,
                    bias: Tensor | None = None, bias_at: Tensor | None = None) -> Tensor:
    """Multi-head self-attention within each graph of ``layout``, with ``nn.MultiheadAttention``'s weights.

    Args:
        x: node states ``[N, dim]``.
        attention: supplies ``in_proj_weight``/``in_proj_bias``/``out_proj`` and ``num_heads``.
        layout: from :func:`dense_layout`.
        dropout: attention-weight dropout (default ``0.0``).
        bias: per-pair, per-head logit bias ``[Q, heads]`` (default ``None``).
        bias_at: flat positions of those pairs in ``[graphs, n_max, n_max]`` (default ``None``).

    Shapes:
        -> ``[N, dim]``, zero at nodes outside the layout.
    """
    graphs, n_max = layout.shape
    dim, heads = x.shape[1], attention.num_heads
    dense = x.new_zeros(graphs * n_max, dim).index_copy(0, layout.slots, x.index_select(0, layout.nodes))
    q, k, v = F.linear(dense, attention.in_proj_weight, attention.in_proj_bias).chunk(3, dim=1)
    q, k, v = (t.view(graphs, n_max, heads, dim // heads).transpose(1, 2) for t in (q, k, v))
    mask = layout.key_mask(q.dtype)
    if bias is not None:
        pair_bias = q.new_zeros(graphs * n_max * n_max, heads).index_copy(0, bias_at, bias.to(q.dtype))
        mask = mask + pair_bias.view(graphs, n_max, n_max, heads).permute(0, 3, 1, 2)
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=dropout)
    out = attention.out_proj(out.transpose(1, 2).reshape(graphs * n_max, dim))
    return x.new_zeros(x.shape).index_copy(0, layout.nodes, out.index_select(0, layout.slots).to(x.dtype))
