"""Graph data: feature specs, validation, built-in datasets, caching, registry."""

from graphssl.data.spec import GraphSpec, infer_spec
from graphssl.data.validate import validate_graph

__all__ = ["GraphSpec", "infer_spec", "validate_graph"]
