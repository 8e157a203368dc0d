"""Seeded runs that leave the caller's random state alone.

An evaluation must give the same number twice for the same seed, and must
not change what the caller's code draws next. Shuffling, splits and samplers
take explicit generators seeded from the runner's seed; what cannot take a
generator (a module's default initialisation, dropout in training mode) runs
inside :func:`seeded_rng`, which forks torch's generators with
:func:`torch.random.fork_rng`, seeds the fork, and restores the caller's
state on exit.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import torch

#: Offset between the seeds of independent streams drawn from one runner seed.
STREAM_STRIDE = 1_000_003


def generator(seed: int) -> torch.Generator:
    """A CPU :class:`torch.Generator` seeded with ``seed``."""
    return torch.Generator().manual_seed(int(seed))


@contextmanager
def seeded_rng(seed: int, device: str | torch.device = "cpu") -> Iterator[None]:
    """Run the block with torch's default CPU generator (and ``device``'s, if CUDA) seeded with ``seed``.

    The caller's generator states are restored afterwards; other CUDA devices
    are neither seeded nor touched.
    """
    device = torch.device(device)
    cuda = device.type == "cuda"
    index = (device.index if device.index is not None else torch.cuda.current_device()) if cuda else None
    with torch.random.fork_rng(devices=[index] if cuda else [], device_type="cuda"):
        torch.default_generator.manual_seed(int(seed))
        if cuda:
            torch.cuda.default_generators[index].manual_seed(int(seed))
        yield
