"""Converters between PyG ``Data`` and other graph libraries (networkx, DGL).

DGL is optional: :mod:`graphssl.interop.dgl` imports it only when called.
"""

from graphssl.interop.dgl import from_dgl, to_dgl
from graphssl.interop.networkx import from_networkx, graphs_from_networkx, to_networkx

__all__ = ["from_dgl", "from_networkx", "graphs_from_networkx", "to_dgl", "to_networkx"]
