"""Graph data: feature specs and attribute levels, validation, built-in datasets, caching, registry."""

from graphssl.data.spec import AttributeSpec, GraphSpec, attribute_level, infer_spec
from graphssl.data.validate import validate_graph

__all__ = ["AttributeSpec", "GraphSpec", "attribute_level", "infer_spec", "validate_graph"]
