"""What level an attribute lives at: the one rule augmentations, data preparation and interop share.

A level names what the rows of an attribute are: ``"node"``, ``"edge"``,
``"graph"``, ``"pair"`` or a named group (``"fragment"``,
``"face_instance"``). :func:`attribute_level` answers, in this order:

1. the dataset's :class:`~graphssl.data.spec.GraphSpec` ``attributes``, when
   it declares the key;
2. graph structure: ``edge_index`` is edge-level, ``batch`` node-level,
   ``ptr`` and ``num_nodes`` graph-level;
3. the pair convention: ``NAME_pair_index`` ``[2, P]`` and every
   ``NAME_pair_*`` beside it (``NAME_pair_value``, e.g. ``spd_pair_value``) are
   pair-level;
4. the fragment hierarchy that :func:`graphssl.chem.mol_to_graph` writes
   (:data:`FRAGMENT_ATTRIBUTES`: ``frag_x``, ``frag_batch``, ``atom2frag``,
   ``frag_edge_index``, ``frag_edge_attr``);
5. the size rule: an attribute with one entry per node (its size along the
   graph's ``__cat_dim__``) is node-level, one with one entry per edge
   edge-level, anything else graph-level. When the graph has as many nodes as
   edges, names containing ``"edge"`` are edge-level and ``x``, ``pos``, ``y``
   and names containing ``"node"`` node-level; any other such attribute is
   ambiguous and raises :class:`AmbiguousLevelError` (an
   :class:`~graphssl.errors.InvalidGraphError`) asking for a declaration,
   rather than guessing.

:func:`attribute_specs` gives the full :class:`AttributeSpec` (level, index
map, concatenation dimension) of every attribute, for code that filters or
renumbers items (:mod:`graphssl.data.select`).
"""

from __future__ import annotations

from typing import Any

import torch

from graphssl.data.spec import AttributeSpec, GraphSpec
from graphssl.errors import InvalidGraphError

PAIR_INDEX_SUFFIX = "_pair_index"
PAIR_INFIX = "_pair_"
#: Graph structure, always known.
STRUCTURE_ATTRIBUTES = {
    "edge_index": AttributeSpec("edge", shape=[], dtype="long", index_of=["node", "node"], cat_dim=-1),
    "batch": AttributeSpec("node", dtype="long", index_of=["graph"]),
    "ptr": AttributeSpec("graph", dtype="long"),
    "num_nodes": AttributeSpec("graph", dtype="long"),
}
#: The fragment hierarchy of :class:`graphssl.chem.data.MolData` (see its module docstring).
FRAGMENT_ATTRIBUTES = {
    "frag_x": AttributeSpec("fragment", shape=[4], dtype="long"),
    "frag_batch": AttributeSpec("fragment", dtype="long", index_of=["graph"]),
    "atom2frag": AttributeSpec("fragment_membership", dtype="long", index_of=["node", "fragment"], cat_dim=-1),
    "frag_edge_index": AttributeSpec("fragment_edge", dtype="long", index_of=["fragment", "fragment"], cat_dim=-1),
    "frag_edge_attr": AttributeSpec("fragment_edge", shape=[1], dtype="long"),
}
FRAGMENT_GROUPS = {"fragment": "frag_x"}
NODE_NAMES = frozenset({"x", "pos", "y"})


class AmbiguousLevelError(InvalidGraphError):
    """The size rule cannot tell whether an attribute is node- or edge-level."""


def pair_name(key: str, keys) -> str | None:
    """``NAME`` when ``key`` is ``NAME_pair_index`` or a ``NAME_pair_*`` beside one in ``keys``, else ``None``."""
    if key.endswith(PAIR_INDEX_SUFFIX):
        return key[: -len(PAIR_INDEX_SUFFIX)]
    head, infix, _ = key.rpartition(PAIR_INFIX)
    if infix and head + PAIR_INDEX_SUFFIX in keys:
        return head
    return None


def _size(data, key: str, value: Any) -> int | None:
    """Entries of ``value`` along the dimension batches concatenate it on, or ``None`` for scalars."""
    if isinstance(value, torch.Tensor):
        if value.dim() == 0:
            return None
        return int(value.shape[data.__cat_dim__(key, value)])
    if isinstance(value, (list, tuple)):
        return len(value)
    return None


def _by_size(data, key: str, value: Any) -> AttributeSpec:
    num_nodes = data.num_nodes or 0
    edge_index = getattr(data, "edge_index", None)
    num_edges = int(edge_index.shape[1]) if edge_index is not None else None
    size = _size(data, key, value)
    cat_dim = data.__cat_dim__(key, value) if isinstance(value, torch.Tensor) and value.dim() else 0
    is_node, is_edge = size is not None and size == num_nodes, size is not None and size == num_edges
    if is_node and is_edge:
        if "edge" in key:
            is_node = False
        elif key in NODE_NAMES or "node" in key:
            is_edge = False
        else:
            raise AmbiguousLevelError(f"attribute {key!r} could be node- or edge-level (the graph has {num_nodes} "
                                    f"nodes and as many edges); declare it in GraphSpec.attributes")
    level = "node" if is_node else "edge" if is_edge else "graph"
    return AttributeSpec(level, cat_dim=cat_dim if level != "graph" else 0)


def attribute_spec(data, key: str, spec: GraphSpec | None = None) -> AttributeSpec:
    """The :class:`AttributeSpec` of ``data[key]`` by the rule of the module docstring."""
    if spec is not None and key in spec.attributes:
        return spec.attributes[key]
    if key in STRUCTURE_ATTRIBUTES:
        return STRUCTURE_ATTRIBUTES[key]
    keys = data.keys()
    name = pair_name(key, keys)
    if name is not None:
        if key.endswith(PAIR_INDEX_SUFFIX):
            return AttributeSpec("pair", dtype="long", index_of=["node", "node"], cat_dim=-1)
        return AttributeSpec("pair")
    if key in FRAGMENT_ATTRIBUTES and "frag_x" in keys:
        return FRAGMENT_ATTRIBUTES[key]
    return _by_size(data, key, data[key])


def attribute_level(data, key: str, spec: GraphSpec | None = None) -> str:
    """The level of ``data[key]``: ``"node"``, ``"edge"``, ``"graph"``, ``"pair"`` or a group name.

    Args:
        data: a PyG ``Data`` or ``Batch``.
        key: the attribute.
        spec: the dataset's spec; its ``attributes`` win over the fallback
            rule (default ``None``: fallback rule only, see the module docstring).

    Raises:
        AmbiguousLevelError: the size rule cannot tell node- from edge-level.
    """
    return attribute_spec(data, key, spec).level


def item_set(data, key: str, attribute: AttributeSpec) -> str:
    """Which items the rows of ``key`` are: its level, except that each ``NAME_pair_*`` family is its own set."""
    if attribute.level == "pair":
        name = pair_name(key, data.keys())
        return f"pair:{name}" if name is not None else "pair"
    return attribute.level


def attribute_specs(data, spec: GraphSpec | None = None) -> dict[str, AttributeSpec]:
    """:func:`attribute_spec` of every attribute of ``data``."""
    return {key: attribute_spec(data, key, spec) for key in data.keys()}


def group_counts_attribute(data, level: str, spec: GraphSpec | None = None) -> str | None:
    """The attribute whose rows count the items of group ``level`` (``spec.groups``, then the fragment default)."""
    groups = dict(FRAGMENT_GROUPS)
    if spec is not None:
        groups.update(spec.groups)
    key = groups.get(level)
    return key if key is not None and key in data.keys() else None
