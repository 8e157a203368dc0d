"""``MolData``: a PyG ``Data`` for molecules that batches its fragment hierarchy correctly.

Attributes (A atoms, E = 2 x bonds directed edges, F fragments, M memberships,
G fragment-graph edges):

- ``x`` int64 [A, C] and ``edge_attr`` int64 [E, Cb]: categorical features
  (:mod:`graphssl.chem.features`); ``edge_index`` int64 [2, E], both
  directions of every bond, bond ``k`` at columns ``2k`` (begin->end) and
  ``2k+1`` (end->begin), as ``ogb.utils.smiles2graph``.
- ``x_desc`` float32 [A, D]: optional continuous atom descriptors.
- ``frag_x`` int64 [F, 4]: fragment type, size, rings, aromatic flag
  (:mod:`graphssl.chem.fragments`).
- ``atom2frag`` int64 [2, M]: row 0 an atom, row 1 a fragment containing it.
- ``frag_edge_index`` int64 [2, G] and ``frag_edge_attr`` int64 [G, 1]:
  fragment graph, both directions; attr 0 = joined by a bond, 1 = sharing atoms.
- ``frag_batch`` int64 [F]: graph of each fragment (all zeros in a single
  graph; after batching, the graph index, like ``batch`` for atoms).

On batching, ``atom2frag`` rows are shifted by the atom and fragment counts
of the preceding graphs, ``frag_edge_index`` by their fragment counts and
``frag_batch`` by one per graph.
"""

from __future__ import annotations

from typing import Any

import torch
from torch_geometric.data import Data


class MolData(Data):
    """PyG ``Data`` with batching rules for the fragment attributes (see module docstring)."""

    def __inc__(self, key: str, value: Any, *args: Any, **kwargs: Any) -> Any:
        if key == "atom2frag":
            return torch.tensor([[self.num_nodes], [self.frag_x.size(0)]])
        if key == "frag_edge_index":
            return self.frag_x.size(0)
        if key == "frag_batch":
            return 1
        return super().__inc__(key, value, *args, **kwargs)

    def __cat_dim__(self, key: str, value: Any, *args: Any, **kwargs: Any) -> Any:
        if key in ("atom2frag", "frag_edge_index"):
            return 1
        return super().__cat_dim__(key, value, *args, **kwargs)

    @property
    def num_fragments(self) -> int:
        """Number of fragments (0 when no hierarchy was computed)."""
        frag_x = getattr(self, "frag_x", None)
        return 0 if frag_x is None else int(frag_x.size(0))
