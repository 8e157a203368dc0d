"""Per-graph random masks over nodes or over groups of nodes, never empty.

Drawing a fraction over the whole batch can leave small graphs with nothing
masked (no signal) or everything masked (no context). Here every graph with
``n >= 1`` items gets exactly ``max(1, round(ratio * n))`` masked items, and at
most ``n - 1`` when ``n >= 2``. Items are nodes (:func:`sample_node_mask`) or
groups such as fragments or face instances (:func:`sample_group_mask`), given
by a membership map ``[2, M]`` (row 0 a node, row 1 its group), as masked
autoencoders over fragments (GraSPNet) or face instances (BRepMAE) need.

Every draw comes from an explicit ``torch.Generator`` on the batch's device;
objectives take it from their :class:`~graphssl.objectives.context.StepContext`.
"""

from __future__ import annotations

import torch
from torch import Tensor

from graphssl.config import check_fraction


def per_graph_counts(batch_vector: Tensor, num_graphs: int) -> Tensor:
    """Items per graph, ``[num_graphs]``."""
    return torch.bincount(batch_vector, minlength=num_graphs)


def rank_within_graph(batch_vector: Tensor, num_graphs: int, generator: torch.Generator) -> Tensor:
    """A uniformly random rank ``0..n_g-1`` of every item among its graph's items."""
    num_items = batch_vector.numel()
    noise = torch.rand(num_items, generator=generator, device=batch_vector.device, dtype=torch.float64)
    order = torch.argsort(batch_vector.to(torch.float64) + noise)
    counts = per_graph_counts(batch_vector, num_graphs)
    starts = torch.cumsum(counts, 0) - counts
    ranks = torch.empty_like(batch_vector)
    ranks[order] = torch.arange(num_items, device=batch_vector.device) - starts[batch_vector[order]]
    return ranks


def sample_node_mask(batch_vector: Tensor, num_graphs: int, ratio: float, generator: torch.Generator) -> Tensor:
    """Bool ``[N]`` mask with ``clamp(round(ratio * n_g), 1, max(n_g - 1, 1))`` True items per graph.

    Args:
        batch_vector: graph index of every item, ``[N]``.
        num_graphs: number of graphs (empty ones included).
        ratio: fraction in ``(0, 1)``.
        generator: the random generator, on ``batch_vector``'s device.
    """
    check_fraction("mask ratio", ratio)
    counts = per_graph_counts(batch_vector, num_graphs)
    wanted = torch.round(counts.to(torch.float64) * ratio).long()
    wanted = torch.minimum(wanted.clamp(min=1), (counts - 1).clamp(min=1))
    return rank_within_graph(batch_vector, num_graphs, generator) < wanted[batch_vector]


def group_membership(group_id: Tensor, batch_vector: Tensor) -> tuple[Tensor, int]:
    """A membership map ``[2, M]`` and the group count from a per-node group id ``[N]``.

    Ids may be local to each graph (``0, 1, ...`` restarting per graph, as face
    instance labels are) or global; negative ids mean "in no group". Groups are
    numbered by (graph, id).
    """
    member = (group_id >= 0).nonzero().view(-1)
    keys = torch.stack([batch_vector[member], group_id[member].long()])
    unique, groups = torch.unique(keys, dim=1, return_inverse=True)
    return torch.stack([member, groups.view(-1)]), int(unique.shape[1])


def group_graph(membership: Tensor, batch_vector: Tensor, num_graphs: int, num_groups: int) -> Tensor:
    """Graph index of every group, ``[num_groups]``; a group with no member gets ``num_graphs``.

    A group's members share one graph, so any member's graph is the group's.
    """
    graph = torch.full((num_groups,), num_graphs, dtype=torch.long, device=batch_vector.device)
    return graph.scatter_reduce(0, membership[1], batch_vector[membership[0]], reduce="amin", include_self=False)


def sample_group_mask(membership: Tensor, batch_vector: Tensor, num_graphs: int, ratio: float,
                      generator: torch.Generator, num_groups: int | None = None) -> tuple[Tensor, Tensor]:
    """Mask whole groups, drawn per graph like :func:`sample_node_mask`; returns ``(group_mask, node_mask)``.

    A node is masked when any group it belongs to is masked; nodes in no group
    and groups with no member are never masked.

    Args:
        membership: ``[2, M]`` int64, row 0 a node, row 1 its group (e.g. ``atom2frag``).
        batch_vector: graph index of every node, ``[N]``.
        num_graphs: number of graphs.
        ratio: fraction of each graph's groups to mask, in ``(0, 1)``.
        generator: the random generator, on the batch's device.
        num_groups: number of groups (default: ``membership[1].max() + 1``);
            pass it when the last groups may have no member.

    Shapes:
        ``group_mask`` bool ``[num_groups]``, ``node_mask`` bool ``[N]``.
    """
    if num_groups is None:
        num_groups = int(membership[1].max()) + 1 if membership.numel() else 0
    graph = group_graph(membership, batch_vector, num_graphs, num_groups)
    # Groups with no member sit in an extra bucket past the last graph and are never masked.
    group_mask = sample_node_mask(graph, num_graphs + 1, ratio, generator) & (graph < num_graphs)
    node_mask = torch.zeros(batch_vector.numel(), dtype=torch.bool, device=batch_vector.device)
    node_mask[membership[0][group_mask[membership[1]]]] = True
    return group_mask, node_mask
