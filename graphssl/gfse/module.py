"""The ``gfse`` node input: a pretrained GFSE encoder held live inside another encoder, fine-tuned with it.

Fine-tuned use of GFSE (Chen et al., WWW 2026, https://arxiv.org/abs/2504.10917)::

    encoder:
      node_inputs:
        - {name: categorical}
        - {name: gfse, dim: 16, params: {checkpoint: runs/gfse/model.pt}}

The GFSE encoder computes its own structural inputs from ``edge_index``, so
the data needs no transform (the ``gfse_inputs`` transform, with the
checkpoint's ``rwse_k`` / ``rrwp_k``, saves recomputing them every step). A
batch goes through GFSE in chunks of graphs of similar size
(:func:`graphssl.gfse.transform.size_chunks`), so one large graph does not
pad the dense attention of every other; GFSE's outputs are per graph, so this
changes nothing but the cost (with ``norm: batch`` in training mode the
statistics become per chunk). ``reset_parameters`` resets only the projection:
the pretrained weights are what this input is for.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn
from torch_geometric.data import Batch

from graphssl.data.spec import GraphSpec
from graphssl.errors import ConfigError
from graphssl.gfse.transform import DEFAULT_CHECKPOINT, load_gfse, size_chunks
from graphssl.nn import register_input


@register_input("gfse")
class GFSEInput(nn.Module):
    """A pretrained GFSE encoder plus a linear map to ``dim``, trained with the model around it.

    Args:
        spec: unused (inputs share one signature).
        level: must be ``"node"``.
        dim: output width.
        checkpoint: file, run folder or shipped name (default :data:`DEFAULT_CHECKPOINT`).
        width: the GFSE width this config expects (default ``None``: not checked).
        freeze: keep the GFSE weights fixed (default ``False``).

    Shapes:
        -> ``[N, dim]``.
    """

    structural = True

    def __init__(self, spec: GraphSpec, level: str, dim: int, checkpoint: str = DEFAULT_CHECKPOINT,
                 width: int | None = None, freeze: bool = False) -> None:
        super().__init__()
        if level != "node":
            raise ConfigError(f"input 'gfse' gives node encodings; it cannot fill the {level} slot")
        self.checkpoint, self.freeze = str(checkpoint), bool(freeze)
        self.gfse = load_gfse(checkpoint, width).train()
        self.gfse.requires_grad_(not self.freeze)
        self.projection = nn.Linear(self.gfse.out_dim, dim)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        self.projection.reset_parameters()

    def forward(self, batch, node_mask: Tensor | None = None) -> Tensor:
        ptr = getattr(batch, "ptr", None)
        sizes = ptr.diff().tolist() if ptr is not None else [int(batch.num_nodes)]
        chunks = size_chunks(sizes, len(sizes), self.gfse.config.max_attention_nodes)
        if len(chunks) == 1:
            return self.projection(self.gfse(batch).node)
        graphs = batch.to_data_list()
        parts: list[Tensor] = [None] * len(sizes)
        for chunk in chunks:
            members = [i for i in chunk if sizes[i]]
            for i in chunk:
                parts[i] = self.projection.weight.new_zeros(0, self.gfse.out_dim)
            if members:
                node = self.gfse(Batch.from_data_list([graphs[i] for i in members])).node
                for i, part in zip(members, torch.split(node, [sizes[i] for i in members])):
                    parts[i] = part
        return self.projection(torch.cat(parts))

    def __repr__(self) -> str:
        return f"GFSEInput(checkpoint={self.checkpoint!r}, dim={self.projection.out_features}, freeze={self.freeze})"
