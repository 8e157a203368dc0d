"""``gfse_inputs``: the GFSE encoder's structural inputs computed once per graph, at data preparation.

GFSE (Chen et al., WWW 2026, https://arxiv.org/abs/2504.10917) reads RWSE on
nodes and RRWP on pairs and edges. Computing them inside every forward (clean
pass, both contrast views) dominated pretraining time; with this transform in
the data section the clean pass reads them from the batch
(:func:`graphssl.gfse.inputs.precomputed_inputs`), and the encoder computes
them only for views whose structure an augmentation changed. The encoder's
output is the same either way (tested).

YAML (each part of the corpus, with the encoder's ``rwse_k`` / ``rrwp_k``)::

    transforms: [{name: gfse_inputs, params: {rwse_k: 16, rrwp_k: 8}}]
"""

from __future__ import annotations

from torch import Tensor
from torch_geometric.data import Batch, Data

from graphssl.config import check_positive
from graphssl.data.registry import register_transform
from graphssl.gfse.inputs import EDGE_RRWP, NODE_DEGREE, NODE_RWSE, PAIR_NAME, node_degree, structural_inputs
from graphssl.nn import ATTENTION_MAX_NODES


@register_transform("gfse_inputs")
class GFSEInputs:
    """Attach RWSE, edge RRWP, pair RRWP and degrees, as the ``gfse`` encoder with these settings computes them.

    Args:
        rwse_k: RWSE steps, the encoder's ``rwse_k`` (default ``16``).
        rrwp_k: RRWP powers, the encoder's ``rrwp_k`` (default ``8``).
        max_dense_nodes: the encoder's ``max_attention_nodes`` (default :data:`ATTENTION_MAX_NODES`).

    Shapes:
        ``gfse_node_rwse`` ``[N, rwse_k]``, ``gfse_edge_rrwp`` ``[E, rrwp_k]``, ``gfse_node_degree`` ``[N]``
        int64, ``gfse_rrwp_pair_index`` ``[2, P]`` / ``gfse_rrwp_pair_value`` ``[P, rrwp_k]`` (every ordered
        pair of a graph of at most ``max_dense_nodes`` nodes), all float32 but the indices.
    """

    def __init__(self, rwse_k: int = 16, rrwp_k: int = 8, max_dense_nodes: int = ATTENTION_MAX_NODES) -> None:
        for key, value in (("rwse_k", rwse_k), ("rrwp_k", rrwp_k), ("max_dense_nodes", max_dense_nodes)):
            check_positive(f"gfse_inputs.{key}", value)
        self.rwse_k, self.rrwp_k, self.max_dense_nodes = int(rwse_k), int(rrwp_k), int(max_dense_nodes)

    def compute(self, graphs) -> dict[str, Tensor]:
        """Batched (a ``Data``, ``Batch`` or list of graphs): the outputs of every graph, concatenated."""
        if isinstance(graphs, (list, tuple)):
            graphs = Batch.from_data_list([Data(edge_index=g.edge_index, num_nodes=g.num_nodes) for g in graphs])
        inputs = structural_inputs(graphs, self.rwse_k, self.rrwp_k, self.max_dense_nodes)
        return {NODE_RWSE: inputs.node, EDGE_RRWP: inputs.edge,
                NODE_DEGREE: node_degree(graphs.edge_index, int(graphs.num_nodes)),
                f"{PAIR_NAME}_pair_index": inputs.pair_index, f"{PAIR_NAME}_pair_value": inputs.pair_value}

    def __call__(self, data):
        for key, value in self.compute(data).items():
            data[key] = value
        return data

    def __repr__(self) -> str:
        return f"GFSEInputs(rwse_k={self.rwse_k}, rrwp_k={self.rrwp_k}, max_dense_nodes={self.max_dense_nodes})"
