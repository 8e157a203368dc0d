r"""The one exponential-moving-average (EMA) target encoder of a run.

Bootstrapped objectives regress the online encoder's predictions onto a slowly
moving copy of it: BGRL (Thakoor et al., "Large-Scale Representation Learning
on Graphs via Bootstrapping", ICLR 2022, https://arxiv.org/abs/2102.06514)
and JEPA (Assran et al., "Self-Supervised Learning from Images with a
Joint-Embedding Predictive Architecture", CVPR 2023,
https://arxiv.org/abs/2301.08243). Every objective of a run that sets
``needs_target = True`` shares one :class:`EMATarget`, held by
:class:`~graphssl.objectives.base.WeightedObjectives` as ``target`` (state-dict
keys ``objectives.target.*``, which an encoder export drops by prefix).

After every optimizer step the target follows the online encoder,

.. math::
    \theta_t \leftarrow \tau_k \theta_t + (1 - \tau_k)\,\theta_o, \qquad
    \tau_k = 1 - (1 - \tau)\,\frac{\cos(\pi k / K) + 1}{2},

so the momentum rises from ``tau`` at step 0 to 1 at the last step ``K``
(the BGRL schedule). Parameters are paired with the online encoder's by name;
buffers (batch-norm statistics) are copied.
"""

from __future__ import annotations

import copy
import math

import torch
from torch import nn

from graphssl.config import check_range
from graphssl.errors import GraphSSLError


class EMATarget(nn.Module):
    """A frozen copy of ``encoder`` updated by EMA after every optimizer step.

    Args:
        encoder: the online encoder to copy (any module of the encoder protocol).
        tau: initial momentum in ``[0, 1]``, annealed to 1 (default ``0.99``).

    ``forward(batch, node_mask=None)`` runs the copy; callers wrap it in
    ``torch.no_grad()`` (:class:`~graphssl.objectives.context.StepContext` does).
    """

    def __init__(self, encoder: nn.Module, tau: float = 0.99) -> None:
        super().__init__()
        check_range("EMA target tau", tau, low=0.0, high=1.0)
        self.tau = float(tau)
        self.encoder = copy.deepcopy(encoder)
        for parameter in self.encoder.parameters():
            parameter.requires_grad_(False)

    def forward(self, batch, node_mask=None):
        return self.encoder(batch, node_mask=node_mask)

    def momentum(self, step: int, total_steps: int) -> float:
        """:math:`\\tau_k` after optimizer step ``step`` of ``total_steps``."""
        progress = min(step / max(total_steps, 1), 1.0)
        return 1.0 - (1.0 - self.tau) * (math.cos(math.pi * progress) + 1.0) / 2.0

    @torch.no_grad()
    def update(self, online: nn.Module, step: int, total_steps: int) -> None:
        """Move every parameter toward the online parameter of the same name; copy buffers."""
        weight = 1.0 - self.momentum(step, total_steps)
        for target, source in _paired(self.encoder.named_parameters(), online.named_parameters(), "parameter"):
            target.lerp_(source.detach(), weight)
        for target, source in _paired(self.encoder.named_buffers(), online.named_buffers(), "buffer"):
            target.copy_(source)

    def extra_repr(self) -> str:
        return f"tau={self.tau}"


def _paired(target_items, online_items, what: str):
    """``(target, online)`` tensors matched by name; any mismatch of names or shapes raises."""
    target, online = dict(target_items), dict(online_items)
    if target.keys() != online.keys():
        missing, extra = sorted(online.keys() - target.keys()), sorted(target.keys() - online.keys())
        raise GraphSSLError(f"EMA target: {what} names differ from the online encoder's "
                            f"(only online: {missing[:3]}, only target: {extra[:3]}); rebuild the model after changing the encoder")
    for name, tensor in target.items():
        if tensor.shape != online[name].shape:
            raise GraphSSLError(f"EMA target: {what} {name!r} has shape {tuple(tensor.shape)}, "
                                f"the online encoder's {tuple(online[name].shape)}")
    return [(tensor, online[name]) for name, tensor in target.items()]
