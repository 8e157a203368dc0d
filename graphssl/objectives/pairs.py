"""Pair attributes of a batch: reading them, sampling pairs per graph, and symmetric pair features.

A pair attribute ``NAME`` is stored as ``NAME_pair_index`` int64 ``[2, P]``
(node indices within one graph; PyG offsets them on batching because the key
contains ``index``) and ``NAME_pair_value`` ``[P]`` or ``[P, d]``, as the PSE
engine writes shortest-path distances, effective resistance and random-walk
pair probabilities. Pair targets of this kind train GPSE-style structural
encoders (Cantürk et al., "Graph Positional and Structural Encoder",
ICML 2024, https://arxiv.org/abs/2307.07107).

:func:`sample_pairs` keeps every pair of a graph with fewer than
``all_pairs_below`` nodes and ``k`` uniformly drawn pairs (without
replacement) of every larger one, so big graphs do not dominate a batch.
"""

from __future__ import annotations

import torch
from torch import Tensor

from graphssl.errors import InvalidGraphError
from graphssl.objectives.masking import per_graph_counts, rank_within_graph


def read_pairs(batch, name: str) -> tuple[Tensor, Tensor]:
    """``(NAME_pair_index [2, P], NAME_pair_value [P, d])`` of ``batch``, shapes checked."""
    index, value = getattr(batch, f"{name}_pair_index", None), getattr(batch, f"{name}_pair_value", None)
    if index is None or value is None:
        raise InvalidGraphError(f"batch has no pair target {name!r} (needs {name}_pair_index and {name}_pair_value); "
                                f"compute it with pairs=True or remove it from the objective")
    if index.dim() != 2 or index.shape[0] != 2 or value.shape[0] != index.shape[1]:
        raise InvalidGraphError(f"pair target {name!r}: {name}_pair_index has shape {tuple(index.shape)} and "
                                f"{name}_pair_value {tuple(value.shape)}; expected [2, P] and [P] or [P, d]")
    return index, value.reshape(value.shape[0], -1)


def sample_pairs(pair_index: Tensor, batch_vector: Tensor, num_graphs: int, k: int, generator: torch.Generator,
                 all_pairs_below: int = 0, include_self: bool = False) -> Tensor:
    """Indices into the ``P`` pairs: all pairs of graphs with fewer than ``all_pairs_below`` nodes, else ``k`` per graph.

    Args:
        pair_index: ``[2, P]`` node indices of the stored pairs.
        batch_vector: graph index of every node, ``[N]``.
        num_graphs: number of graphs.
        k: pairs drawn per graph (all of them when it has fewer).
        generator: the random generator, on the batch's device.
        all_pairs_below: graphs with fewer nodes keep every pair (default ``0``: none).
        include_self: keep pairs ``(i, i)`` (default ``False``; their targets are trivial).

    Shapes:
        returns int64 ``[P']``, ascending.
    """
    candidates = torch.arange(pair_index.shape[1], device=pair_index.device)
    if not include_self:
        candidates = candidates[pair_index[0] != pair_index[1]]
    graph = batch_vector[pair_index[0, candidates]]
    rank = rank_within_graph(graph, num_graphs, generator)
    small = per_graph_counts(batch_vector, num_graphs) < all_pairs_below
    return candidates[(rank < k) | small[graph]]


def pair_features(node: Tensor, pair_index: Tensor) -> Tensor:
    """``[h_i * h_j, |h_i - h_j|]`` for every pair: symmetric in ``(i, j)``, ``[P, 2d]``."""
    h_i, h_j = node[pair_index[0]], node[pair_index[1]]
    return torch.cat([h_i * h_j, (h_i - h_j).abs()], dim=1)
