"""Keep a subset of a graph's nodes or edges with every attribute and index map kept consistent.

Node dropping and subgraph sampling (GraphCL, You et al., NeurIPS 2020,
https://arxiv.org/abs/2010.13902) remove nodes; a graph may also carry edges,
pairs (``NAME_pair_index``) and groups such as the fragments of
:class:`~graphssl.chem.data.MolData`, tied to the nodes by index maps
(``atom2frag`` [2, M]: row 0 an atom, row 1 its fragment). The rule, applied
to each set of items in turn (levels from :mod:`graphssl.data.levels`):

- an item of an index map (an edge, a pair, a membership) survives when every
  item it points to survives; its indices are renumbered to the survivors;
- a group item (a fragment) survives when at least one of its members
  survives: a fragment whose atoms were all dropped is dropped, and
  ``frag_edge_index``, ``frag_batch`` and ``atom2frag`` row 1 are renumbered;
- every attribute of a level keeps the rows of its surviving items;
- graph-level attributes are untouched and no graph is ever removed.

On a ``Batch`` the per-graph bookkeeping (``ptr``, and the slice and
increment tables that ``Batch.get_example``/``to_data_list`` read) is
rewritten too, so a view splits back into exactly the graphs one would get by
selecting on each graph alone.
"""

from __future__ import annotations

import copy

import torch
from torch import Tensor

from graphssl.data.levels import attribute_specs, group_counts_attribute, item_set
from graphssl.data.spec import LEVELS, AttributeSpec, GraphSpec
from graphssl.errors import InvalidGraphError


def _rows(value: Tensor, attribute: AttributeSpec) -> Tensor:
    """An index map as ``[R, M]`` (one row per level it points into)."""
    if value.dim() == 1:
        return value.view(1, -1)
    return value.movedim(attribute.cat_dim, -1).reshape(len(attribute.index_of), value.shape[attribute.cat_dim])


def _count(data, items: str, attrs: dict[str, AttributeSpec], sets: dict[str, str], spec: GraphSpec | None) -> int:
    """Number of items in set ``items`` (nodes, or the rows of an attribute of that set)."""
    if items == "node":
        return int(data.num_nodes or 0)
    key = group_counts_attribute(data, items, spec)
    if key is None:
        key = next(k for k, s in sets.items() if s == items)
    value = data[key]
    return len(value) if not isinstance(value, Tensor) else int(value.shape[attrs[key].cat_dim]) if value.dim() else 1


def survivors(data, keep: dict[str, Tensor], spec: GraphSpec | None = None) -> dict[str, Tensor]:
    """Bool keep masks for every item set, derived from the given ones (e.g. ``{"node": mask}``).

    Returns masks for the given sets, for group sets whose members are
    given, and for every index map's items (edges, pairs, memberships).
    """
    attrs = attribute_specs(data, spec)
    return _survivors(data, keep, attrs, _item_sets(data, attrs), spec)


def _item_sets(data, attrs: dict[str, AttributeSpec]) -> dict[str, str]:
    """:func:`~graphssl.data.levels.item_set` of every attribute."""
    return {key: item_set(data, key, a) for key, a in attrs.items()}


def _survivors(data, keep: dict[str, Tensor], attrs: dict[str, AttributeSpec], sets: dict[str, str],
               spec: GraphSpec | None) -> dict[str, Tensor]:
    keep = dict(keep)
    maps = {key: a for key, a in attrs.items() if a.index_of and isinstance(data[key], Tensor)}
    # Groups: a group item survives while one of its memberships (member level given) does.
    for key, a in maps.items():
        if len(a.index_of) != 2:
            continue
        for member, group in (a.index_of, a.index_of[::-1]):
            if member in keep and group not in LEVELS and group not in keep:
                rows = _rows(data[key], a)
                member_row, group_row = a.index_of.index(member), a.index_of.index(group)
                alive = keep[member][rows[member_row]]
                count = _count(data, group, attrs, sets, spec)
                keep[group] = torch.bincount(rows[group_row][alive], minlength=count) > 0
    # Index maps in dependency order: one is resolved once every set it points into is resolved.
    pending = dict(maps)
    producers = {sets[key] for key in maps}
    while pending:
        ready = [key for key, a in pending.items()
                 if all(level in keep or level not in producers or level == sets[key] for level in a.index_of)]
        if not ready:
            raise InvalidGraphError(f"index maps {sorted(pending)} point into each other; declare their levels in "
                                    "GraphSpec.attributes")
        for key in ready:
            a = pending.pop(key)
            rows = _rows(data[key], a)
            alive = torch.ones(rows.shape[1], dtype=torch.bool, device=rows.device)
            for row, level in enumerate(a.index_of):
                if level in keep and level != sets[key]:
                    alive &= keep[level][rows[row]]
            own = sets[key]
            keep[own] = keep[own] & alive if own in keep else alive
    return keep


def _new_index(mask: Tensor) -> Tensor:
    """Old item index to new index (``-1`` for dropped items)."""
    index = torch.full((mask.numel(),), -1, dtype=torch.long, device=mask.device)
    index[mask] = torch.arange(int(mask.sum()), device=mask.device)
    return index


def _take(value, mask: Tensor, dim: int):
    if isinstance(value, Tensor):
        return value.index_select(dim, mask.nonzero().view(-1).to(value.device))
    return [item for item, kept in zip(value, mask.tolist()) if kept]


def select(data, keep: dict[str, Tensor], spec: GraphSpec | None = None):
    """A shallow copy of ``data`` holding only the surviving items (see the module docstring).

    Args:
        data: a PyG ``Data`` or ``Batch``.
        keep: bool masks of the items to keep, e.g. ``{"node": mask [N]}`` or
            ``{"edge": mask [E]}``.
        spec: the dataset's spec, for attributes it declares (default ``None``).
    """
    attrs = attribute_specs(data, spec)
    sets = _item_sets(data, attrs)
    masks = _survivors(data, keep, attrs, sets, spec)
    renumber = {level: _new_index(mask) for level, mask in masks.items()}
    out = copy.copy(data)
    for key, a in attrs.items():
        own = sets[key]
        if key in ("ptr", "num_nodes") or own not in masks:
            continue
        value = data[key]
        value = _take(value, masks[own], a.cat_dim if isinstance(value, Tensor) and value.dim() else 0)
        if a.index_of and isinstance(value, Tensor):
            rows = _rows(value, a).clone()
            for row, level in enumerate(a.index_of):
                if level in renumber:
                    rows[row] = renumber[level][rows[row]]
            value = rows.view(-1) if value.dim() == 1 else rows.reshape(value.movedim(a.cat_dim, -1).shape).movedim(-1, a.cat_dim)
        out[key] = value
    if "node" in masks:
        out.num_nodes = int(masks["node"].sum())
    if hasattr(data, "_slice_dict") and getattr(data, "batch", None) is not None:
        _rewrite_batch_tables(data, out, attrs, sets, masks)
    return out


def select_nodes(data, keep: Tensor, spec: GraphSpec | None = None):
    """Induced subgraph on the nodes where ``keep`` [N] is True; see :func:`select`."""
    return select(data, {"node": keep}, spec)


def _owners(slices: Tensor, device) -> Tensor:
    """Graph index of every item, from a slice table ``[B + 1]``."""
    counts = slices.diff().to(device)
    return torch.repeat_interleave(torch.arange(counts.numel(), device=device), counts)


def _rewrite_batch_tables(data, out, attrs, sets, masks) -> None:
    """New ``ptr``, ``_slice_dict`` and ``_inc_dict`` of a selected ``Batch`` (see the module docstring)."""
    num_graphs = int(data.num_graphs)
    device = data.batch.device
    per_graph: dict[str, Tensor] = {}
    slices = dict(data._slice_dict)
    for key, table in data._slice_dict.items():
        own = sets.get(key)
        if own not in masks:
            continue
        owner = _owners(table, device)
        counts = torch.bincount(owner[masks[own]], minlength=num_graphs)
        per_graph.setdefault(own, counts)
        slices[key] = torch.cat([counts.new_zeros(1), torch.cumsum(counts, 0)]).to(table.device)
    if "node" in masks:
        counts = torch.bincount(out.batch, minlength=num_graphs)
        per_graph["node"] = counts
        out.ptr = torch.cat([counts.new_zeros(1), torch.cumsum(counts, 0)])
    offsets = {level: torch.cumsum(c, 0) - c for level, c in per_graph.items()}
    incs = dict(data._inc_dict)
    for key, inc in data._inc_dict.items():
        a = attrs.get(key)
        if a is None or not a.index_of or not isinstance(inc, Tensor):
            continue
        new = inc.clone()
        for row, level in enumerate(a.index_of):
            if level not in offsets:
                continue
            if new.dim() == 1:
                new = offsets[level].to(inc.dtype).to(inc.device)
            else:
                new[:, row] = offsets[level].to(inc.dtype).to(inc.device).view(-1, *[1] * (new.dim() - 2))
        incs[key] = new
    out._slice_dict, out._inc_dict = slices, incs
