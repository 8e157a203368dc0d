"""Without DGL, the DGL adapter fails with a message naming the extra."""

from __future__ import annotations

import sys

import pytest
import torch
from torch_geometric.data import Data

from graphssl.errors import MissingDependencyError
from graphssl.interop import from_dgl, to_dgl


def test_missing_dgl_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "dgl", None)  # makes `import dgl` raise ImportError
    data = Data(edge_index=torch.tensor([[0], [1]]), num_nodes=2)
    with pytest.raises(MissingDependencyError, match=r"pip install 'graphssl\[dgl\]'"):
        to_dgl(data)
    with pytest.raises(MissingDependencyError, match="dgl"):
        from_dgl(object())
