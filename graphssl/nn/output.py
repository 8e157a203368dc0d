"""What an encoder returns: node and graph embeddings, plus named extras.

Objectives read the fields by attribute (``out.node``, ``out.graph``, and an
extra such as ``out.fragment``); ``node, graph = encoder(batch)`` still works.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

from torch import Tensor


@dataclass
class EncoderOutput:
    """An encoder's output.

    Args:
        node: node embeddings ``[N, out_dim]``.
        graph: graph embeddings ``[num_graphs, out_dim]``.
        extras: further embeddings by level name, e.g. ``{"fragment": [F, d]}``
            (default ``{}``); each is also readable as an attribute.
    """

    node: Tensor
    graph: Tensor
    extras: dict[str, Tensor] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Tensor:
        # Only called when normal lookup fails, i.e. for extras.
        extras = self.__dict__.get("extras", {})
        if name in extras:
            return extras[name]
        known = ", ".join(sorted(extras)) or "none"
        raise AttributeError(f"EncoderOutput has no field or extra {name!r}; extras: {known}")

    def __iter__(self) -> Iterator[Tensor]:
        """``(node, graph)``, so ``node, graph = encoder(batch)`` keeps working."""
        return iter((self.node, self.graph))
