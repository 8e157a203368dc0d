"""The encoder a runner evaluates: a module as given, or a fresh one built by name from a config.

Runners accept any module that follows the encoder protocol of
:mod:`graphssl.nn`: ``encoder(batch)`` returns an ``EncoderOutput`` (or a
``(node, graph)`` pair) and the module has an integer ``out_dim``. Instead
of a module they also take an encoder config, a dataclass instance or a
``{"name": ..., ...}`` section, built through the encoder registry
(:func:`graphssl.nn.build_encoder`) with its initialisation seeded from the
runner's seed: the randomly initialised baseline of a pretrained encoder is
``linear_probe(encoder_config_to_dict(pretrained.config), ...)``.
"""

from __future__ import annotations

from typing import Any

from torch import Tensor, nn

from graphssl.errors import ConfigError
from graphssl.eval.seeding import seeded_rng
from graphssl.eval.tasks import EvalTask


def resolve_encoder(encoder: nn.Module | Any, *, seed: int, device: str = "cpu", spec=None) -> nn.Module:
    """``encoder`` itself if it is a module, else the encoder its config names, initialised from ``seed``.

    Args:
        encoder: a module following the encoder protocol, or an encoder config
            (dataclass instance or dict section with an optional ``name``).
        seed: seeds the initialisation of a built encoder (the caller's RNG state is kept).
        device: where a built encoder is placed; its generator is seeded too, for CUDA (default ``"cpu"``).
        spec: the dataset's :class:`~graphssl.data.GraphSpec`, filling a config's
            feature layout (default ``None``: the config's own).
    """
    if not isinstance(encoder, nn.Module):
        from graphssl.nn import build_encoder

        with seeded_rng(seed, device):
            encoder = build_encoder(encoder, spec).to(device)
    out_dim = getattr(encoder, "out_dim", None)
    if not isinstance(out_dim, int) or isinstance(out_dim, bool) or out_dim < 1:
        raise ConfigError(f"{type(encoder).__name__} does not follow the encoder protocol: it needs an integer "
                          f"out_dim >= 1, got {out_dim!r}")
    return encoder


def rows_of(output, task: EvalTask) -> Tensor:
    """The embeddings a task predicts from: the output's ``node`` or ``graph`` rows."""
    node, graph = (output.node, output.graph) if hasattr(output, "node") else tuple(output)[:2]
    return node if task.level == "node" else graph
