r"""Heat-kernel diagonal structural encoding.

The heat kernel signature (Sun, Ovsjanikov and Guibas, "A Concise and Provably
Informative Multi-Scale Signature Based on Heat Diffusion", SGP 2009), on the
normalized Laplacian ``L`` of :mod:`graphssl.pe.spectral`:

.. math::
    H_i(t) = \big(e^{-tL}\big)_{ii} = \sum_j U_{ij}^2 e^{-t\lambda_j}
           = e^{-t} \sum_{m \ge 0} \frac{t^m}{m!} (S^m)_{ii},

the heat left at node ``i`` after diffusing for time ``t`` from a unit source
at ``i``. Small graphs read the shared eigendecomposition; large graphs sum
the Taylor series over exact sparse walk diagonals (:mod:`graphssl.pe.moments`),
truncated where the tail bound ``e^{-t} sum_{m > M} t^m / m!`` drops below
:data:`TAYLOR_TOL` (every ``(S^m)_{ii}`` lies in ``[0, 1]``).
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import torch
from torch import Tensor

from graphssl.errors import ConfigError
from graphssl.pe.base import PSETransform
from graphssl.pe.dense import large_graphs, new_output, write_rows
from graphssl.pe.graphs import DirectedPolicy, GraphSet
from graphssl.pe.moments import sym_walk_sparse, walk_diagonals
from graphssl.pe.spectral import ChunkSpectrum, SpectralConsumer, diagonal_terms, spectral_pass

#: Truncation error allowed in the Taylor series of the sparse path.
TAYLOR_TOL = 1e-8


class HeatKernelDiag(PSETransform):
    """Heat-kernel diagonal ``(exp(-t L))_ii`` at ``k`` diffusion times.

    Args:
        k: number of times (default ``8``); the default times are ``1, 2, ..., k``.
        times: explicit positive diffusion times, overriding ``k``.
        attr_name: output attribute (default ``"heat"``).
        directed: ``"raise"`` (default) or ``"symmetrize"``.

    Shapes:
        output ``heat``: ``[N, len(times)]`` float32 in ``(0, 1]``.
    """

    kind = "heat"
    spectral = True

    def __init__(
        self,
        k: int = 8,
        *,
        times: Sequence[float] | None = None,
        attr_name: str | None = None,
        directed: DirectedPolicy = "raise",
    ) -> None:
        super().__init__(attr_name=attr_name, directed=directed)
        if times is None:
            if int(k) < 1:
                raise ConfigError(f"HeatKernelDiag k must be >= 1, got {k}")
            times = range(1, int(k) + 1)
        self.times = tuple(float(t) for t in times)
        if not self.times or min(self.times) <= 0:
            raise ConfigError(f"HeatKernelDiag times must be positive, got {self.times}")

    def params(self) -> dict[str, Any]:
        return {"times": self.times, **super().params()}

    def _compute(self, graphs: GraphSet) -> dict[str, Tensor]:
        result = HeatConsumer(graphs, self.times)
        spectral_pass(graphs, [result])
        return result.finish()

    def consumer(self, graphs: GraphSet) -> SpectralConsumer:
        return HeatConsumer(graphs, self.times)


class HeatConsumer(SpectralConsumer):
    """Heat-kernel diagonals in sorted row order; large graphs by the Taylor series."""

    def __init__(self, graphs: GraphSet, times: Sequence[float]) -> None:
        self.graphs = graphs
        self.times = tuple(times)
        self.out = new_output(graphs, len(self.times))

    def consume(self, part: ChunkSpectrum) -> None:
        t = torch.tensor(self.times, dtype=part.eigvals.dtype).view(1, -1, 1)
        write_rows(self.graphs, self.out, part.rows, diagonal_terms(part, torch.exp(-t * part.eigvals.unsqueeze(1))))

    def finish(self) -> dict[str, Tensor]:
        graphs, times, out = self.graphs, self.times, self.out
        large = large_graphs(graphs)
        if large:
            degree = taylor_degree(max(times))
            coef = torch.tensor(
                [[math.exp(-s + m * math.log(s) - math.lgamma(m + 1)) for s in times] for m in range(degree + 1)],
                dtype=torch.float64,
            )
            for g in large:
                walk = sym_walk_sparse(graphs.graph_adjacency(g))
                moments = torch.from_numpy(walk_diagonals(walk, degree))
                moments = torch.cat([torch.ones(moments.size(0), 1, dtype=moments.dtype), moments], 1)
                start = int(graphs.ptr[g])
                out[start : start + walk.shape[0]] = (moments @ coef).float()
        return {"": out.clamp_(0.0, 1.0)}


def taylor_degree(t: float, tol: float = TAYLOR_TOL) -> int:
    """Smallest ``M`` with ``e^{-t} sum_{m > M} t^m / m! < tol``."""
    term = math.exp(-t)
    total = term
    m = 0
    while 1.0 - total >= tol:
        m += 1
        term *= t / m
        total += term
    return max(m, 1)
