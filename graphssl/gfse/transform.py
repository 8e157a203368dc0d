"""The ``gfse`` transform and PSE kind: a pretrained GFSE encoder's node outputs attached as ``gfse`` ``[N, d]``.

Frozen use of GFSE (Chen et al., WWW 2026, https://arxiv.org/abs/2504.10917)
as a positional/structural encoding: the encoder runs in eval mode under
``no_grad``, graphs go through it in batches, and the output depends only on
the structure, so it is deterministic and equivariant to node relabelling. A
graph of any size works (large graphs take the edge-only path of
:mod:`graphssl.gfse.inputs`); a graph without nodes gets zero rows.

YAML (data section of a downstream run)::

    transforms: [{name: gfse, params: {checkpoint: runs/gfse/model.pt}}]
    encoder: {pse: {inputs: {gfse: 64}, dim: 32}}
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch import Tensor, nn
from torch_geometric.data import Batch, Data

from graphssl.data.registry import register_transform
from graphssl.errors import CheckpointError, ConfigError
from graphssl.nn import ATTENTION_MAX_NODES
from graphssl.pe import PSETransform, register_kind
from graphssl.pe.graphs import GraphSet

#: The checkpoint used when none is named (a shipped name; see docs/gfse.md for its status).
DEFAULT_CHECKPOINT = "gfse-small"


def load_gfse(checkpoint: str | Path, width: int | None = None) -> nn.Module:
    """The GFSE encoder of ``checkpoint`` (a file, run folder or shipped name), in eval mode.

    ``width`` (default ``None``) is the width the caller's config expects; a
    different checkpoint width raises :class:`ConfigError` naming both.
    """
    from graphssl.gfse.encoder import GFSEEncoder
    from graphssl.train.pretrained import load_encoder

    encoder = load_encoder(checkpoint)
    if not isinstance(encoder, GFSEEncoder):
        raise CheckpointError(f"{checkpoint}: holds a {type(encoder).__name__}, not a GFSE encoder (encoder: {{name: gfse}})")
    if width is not None and int(width) != encoder.out_dim:
        raise ConfigError(f"gfse width: the config expects {int(width)} columns but checkpoint {checkpoint} "
                          f"gives {encoder.out_dim}; set the PSE input to gfse: {encoder.out_dim}")
    return encoder.eval()


#: Padded attention slots (graphs x n_max^2) one chunk of :func:`encode_nodes` may hold.
PAIR_SLOT_BUDGET = 2**20
#: A chunk's largest graph has at most this many times the nodes of its smallest (plus :data:`SIZE_SLACK`).
SIZE_RATIO = 2.0
SIZE_SLACK = 8


def size_chunks(sizes: list[int], batch_size: int, max_attention_nodes: int) -> list[list[int]]:
    """Graph indices in chunks of similar size: at most ``batch_size`` graphs and :data:`PAIR_SLOT_BUDGET` slots.

    Dense attention pads every graph of a batch to its largest; sorting by size
    first and keeping each chunk's sizes within :data:`SIZE_RATIO` of each
    other keeps one large graph from padding many small ones (the outputs are
    per graph, so the grouping does not change them). Graphs above
    ``max_attention_nodes`` have no attention and go one per chunk.
    """
    chunks: list[list[int]] = []
    current: list[int] = []
    for index in sorted(range(len(sizes)), key=lambda i: sizes[i]):
        n = sizes[index]
        if n > max_attention_nodes:
            chunks += [current] if current else []
            chunks.append([index])
            current = []
            continue
        if current and (len(current) == batch_size or (len(current) + 1) * n * n > PAIR_SLOT_BUDGET
                        or n > SIZE_RATIO * sizes[current[0]] + SIZE_SLACK):
            chunks.append(current)
            current = []
        current.append(index)
    return chunks + ([current] if current else [])


def encode_nodes(encoder: nn.Module, batch, batch_size: int) -> Tensor:
    """``encoder``'s node outputs ``[N, d]`` of every graph of ``batch`` (or a list), in their order.

    Graphs go through in chunks of similar size (:func:`size_chunks`), at most ``batch_size`` at a time.
    """
    graphs = list(batch) if isinstance(batch, (list, tuple)) else (
        batch.to_data_list() if isinstance(batch, Batch) else [batch])
    structures = [Data(edge_index=g.edge_index, num_nodes=g.num_nodes) for g in graphs]
    sizes = [int(g.num_nodes) for g in structures]
    if sum(sizes) == 0:
        return torch.zeros(0, encoder.out_dim)
    limit = getattr(getattr(encoder, "config", None), "max_attention_nodes", ATTENTION_MAX_NODES)
    outputs: list[Tensor | None] = [None] * len(structures)
    with torch.no_grad():
        for chunk in size_chunks(sizes, batch_size, limit):
            members = [i for i in chunk if sizes[i]]
            for i in chunk:
                outputs[i] = torch.zeros(0, encoder.out_dim)
            if not members:
                continue
            node = encoder(Batch.from_data_list([structures[i] for i in members])).node.float()
            for i, part in zip(members, torch.split(node, [sizes[i] for i in members])):
                outputs[i] = part
    return torch.cat(outputs)


@register_transform("gfse")
class GFSETransform:
    """Attach a pretrained GFSE encoder's node outputs as ``gfse`` ``[N, d]``.

    Args:
        checkpoint: file, run folder or shipped name (default :data:`DEFAULT_CHECKPOINT`).
        width: the width the downstream config expects (default ``None``: not checked).
        attr_name: output attribute (default ``"gfse"``).
        batch_size: graphs encoded together (default ``256``).
    """

    def __init__(self, checkpoint: str = DEFAULT_CHECKPOINT, width: int | None = None, attr_name: str = "gfse",
                 batch_size: int = 256) -> None:
        self.checkpoint, self.attr_name, self.batch_size = str(checkpoint), attr_name, int(batch_size)
        self.encoder = load_gfse(checkpoint, width)

    def compute(self, graphs) -> dict[str, Tensor]:
        """Batched form: ``{attr_name: [N, d]}`` for a ``Data``, ``Batch`` or list of graphs."""
        return {self.attr_name: encode_nodes(self.encoder, graphs, self.batch_size)}

    def __call__(self, data):
        data[self.attr_name] = self.compute(data)[self.attr_name]
        return data

    def __repr__(self) -> str:
        return f"GFSETransform(checkpoint={self.checkpoint!r}, attr_name={self.attr_name!r})"


@register_kind("gfse")
class GFSEKind(PSETransform):
    """GFSE as a :mod:`graphssl.pe` kind (``graphssl pe INPUT --kinds gfse``): ``gfse`` ``[N, d]`` float32.

    Args:
        checkpoint: file, run folder or shipped name (default :data:`DEFAULT_CHECKPOINT`).
        batch_size: graphs encoded together (default ``256``).
        attr_name, directed: as every kind.
    """

    kind = "gfse"

    def __init__(self, checkpoint: str = DEFAULT_CHECKPOINT, batch_size: int = 256, *, attr_name: str | None = None,
                 directed: str = "raise") -> None:
        super().__init__(attr_name=attr_name, directed=directed)
        self.checkpoint, self.batch_size = str(checkpoint), int(batch_size)
        self.encoder = load_gfse(checkpoint)

    def params(self):
        return {"checkpoint": self.checkpoint, **super().params()}

    def _compute(self, graphs: GraphSet) -> dict[str, Tensor]:
        node_graph = torch.repeat_interleave(torch.arange(graphs.num_graphs), graphs.sizes)
        structures = [Data(edge_index=graphs.edge_index[:, node_graph[graphs.edge_index[0]] == g] - graphs.ptr[g],
                           num_nodes=int(graphs.sizes[g])) for g in range(graphs.num_graphs)]
        return {"": encode_nodes(self.encoder, structures, self.batch_size)}
