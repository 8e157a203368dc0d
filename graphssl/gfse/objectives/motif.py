r"""``motif``: per-node counts of triangles and 4- to 8-cycles, regressed on a log scale.

GFSE (Chen et al., WWW 2026, https://arxiv.org/abs/2504.10917), objective 2.
The counts are ``graphssl.pe.CycleCounts(max_length=8)``'s ``cycles``
``[N, 6]`` (simple cycles of length 3..8 through each node); a linear-ReLU-linear
head predicts :math:`\log(1 + c)` of each, with mean squared error:

.. math::
    \mathcal{L} = \frac{1}{N L}\sum_i \big\|\mathrm{MLP}(h_i) - \log(1 + c_i)\big\|^2 .
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from graphssl.data.spec import GraphSpec
from graphssl.nn.mlp import mlp
from graphssl.objectives import Objective, StepContext, register_objective
from graphssl.objectives.targets import masked_loss, read_target


@register_objective("motif")
class MotifCounts(Objective):
    """Cycle-count regression: log(1 + number of 3..8-cycles through each node) from its embedding.

    Args:
        attribute: the per-node count attribute (default ``"cycles"``).
        width: its columns (default ``6``: lengths 3..8, ``cycles:8``).
        hidden_dim: head MLP hidden width (default ``128``).
    """

    def __init__(self, encoder: nn.Module, spec: GraphSpec, attribute: str = "cycles", width: int = 6,
                 hidden_dim: int = 128) -> None:
        super().__init__(encoder, spec)
        self.attribute = str(attribute)
        self.width = int(self.check_positive("width", int(width)))
        self.head = mlp(self.encoder_dim, int(self.check_positive("hidden_dim", int(hidden_dim))), self.width)

    def forward(self, step: StepContext) -> dict[str, Tensor]:
        node = step.clean().node
        counts, mask = read_target(step.batch, self.attribute, node.shape[0], self.width, step.batch_vector,
                                   step.num_graphs)
        # Counts span orders of magnitude (a clique has thousands of 8-cycles), so the regression is on log(1 + c).
        loss = masked_loss(F.mse_loss, self.head(node), torch.log1p(counts), mask)
        return {"loss": loss}
