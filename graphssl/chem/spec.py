"""The :class:`~graphssl.data.spec.GraphSpec` of featurized molecules: every attribute, its level and vocabulary.

What :func:`molecule_spec` declares follows from the featurizer options alone
(see :class:`~graphssl.chem.data.MolData` for the attributes): the atom and
bond vocabularies of the feature set, and with fragments the ``"fragment"``
group (rows of ``frag_x``, vocabulary :data:`~graphssl.chem.fragments.FRAGMENT_FEATURE_DIMS`),
the atom-fragment memberships (``"fragment_membership"``) and the fragment
graph's edges (``"fragment_edge"``), the levels
:data:`graphssl.data.levels.FRAGMENT_ATTRIBUTES` uses. As there, the
``shape`` of an index map ``[R, n]`` (``cat_dim=-1``) is ``[]``: one index per
level in ``index_of`` and item.
"""

from __future__ import annotations

from typing import Any, Sequence

from graphssl.data.spec import AttributeSpec, GraphSpec

#: Attributes every graph has that the spec's node/edge fields describe, not ``attributes``.
CORE_ATTRIBUTES = ("x", "edge_index", "edge_attr")


def molecule_spec(options: Any, num_labels: int = 0, extra: dict[str, AttributeSpec] | None = None) -> GraphSpec:
    """Spec of the graphs :func:`~graphssl.chem.featurize.mols_to_graphs` makes with ``options``.

    Args:
        options: a :class:`~graphssl.chem.featurize.FeaturizerOptions`.
        num_labels: width of the graph-level ``y`` [1, T] (default ``0``: no ``y``).
        extra: further attributes the caller attaches (default ``None``).
    """
    from graphssl.chem.descriptors import DESCRIPTOR_NAMES
    from graphssl.chem.features import feature_dims
    from graphssl.chem.fragments import FRAGMENT_FEATURE_DIMS

    atom_dims, bond_dims = feature_dims(options.features)
    attributes = {"salts": AttributeSpec("graph", dtype="str")}
    if options.salts != "keep":
        attributes["num_removed_components"] = AttributeSpec("graph", dtype="long")
    if options.descriptors:
        attributes["x_desc"] = AttributeSpec("node", shape=[len(DESCRIPTOR_NAMES)], dtype="float")
    groups: dict[str, str] = {}
    if options.fragments is not None:
        attributes.update(
            frag_x=AttributeSpec("fragment", shape=[len(FRAGMENT_FEATURE_DIMS)], dtype="long",
                                 categories=list(FRAGMENT_FEATURE_DIMS)),
            atom2frag=AttributeSpec("fragment_membership", dtype="long", index_of=["node", "fragment"], cat_dim=-1),
            frag_edge_index=AttributeSpec("fragment_edge", dtype="long", index_of=["fragment", "fragment"],
                                          cat_dim=-1),
            frag_edge_attr=AttributeSpec("fragment_edge", shape=[1], dtype="long", categories=[2]),
            frag_batch=AttributeSpec("fragment", dtype="long", index_of=["graph"]),
        )
        groups = {"fragment": "frag_x"}
    if num_labels:
        attributes["y"] = AttributeSpec("graph", shape=[num_labels], dtype="float")
    attributes.update(extra or {})
    return GraphSpec(node_categorical=list(atom_dims), edge_categorical=list(bond_dims),
                     attributes=attributes, groups=groups)


def undeclared_attributes(graph: Any, spec: GraphSpec) -> Sequence[str]:
    """Attributes of ``graph`` that ``spec`` does not declare (for checks and tests)."""
    return [key for key in graph.keys() if key not in CORE_ATTRIBUTES and key not in spec.attributes]
