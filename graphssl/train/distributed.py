"""Process-group set-up for ``torchrun`` (PyTorch DDP), and single-process defaults.

``torchrun --nproc_per_node=K -m graphssl pretrain CONFIG`` sets ``RANK``,
``WORLD_SIZE`` and ``LOCAL_RANK``; the same config then runs on one CPU, K
CPU processes (gloo) or K GPUs per node over many nodes (nccl), unchanged.
"""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass

import torch
import torch.distributed as dist
from torch import nn

from graphssl.errors import ConfigError


@dataclass(frozen=True)
class DistributedContext:
    """Rank, world size and device of this process."""

    rank: int = 0
    world_size: int = 1
    local_rank: int = 0
    device: torch.device = torch.device("cpu")

    @property
    def enabled(self) -> bool:
        return self.world_size > 1

    @property
    def is_main(self) -> bool:
        return self.rank == 0


def resolve_device(requested: str, local_rank: int = 0) -> torch.device:
    """``"auto"`` -> cuda (this process's GPU) when available, else cpu.

    Asking for CUDA on a machine without it (or for a GPU index it lacks)
    raises :class:`ConfigError` naming ``train.device``, before any data is read.
    """
    if requested == "cpu" or (requested == "auto" and not torch.cuda.is_available()):
        return torch.device("cpu")
    if not torch.cuda.is_available():
        raise ConfigError(f"train.device: {requested!r} but CUDA is not available; use cpu or auto")
    device = torch.device(requested) if requested.startswith("cuda:") else torch.device("cuda", local_rank)
    if device.index is not None and device.index >= torch.cuda.device_count():
        raise ConfigError(f"train.device: {requested!r} but this machine has {torch.cuda.device_count()} CUDA device(s)")
    return device


def init_distributed(requested_device: str) -> DistributedContext:
    """Join the process group when launched by torchrun; otherwise a single-process context."""
    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    if world_size <= 1:
        return DistributedContext(device=resolve_device(requested_device))
    rank, local_rank = int(os.environ["RANK"]), int(os.environ.get("LOCAL_RANK", "0"))
    device = resolve_device(requested_device, local_rank)
    if device.type == "cuda":
        torch.cuda.set_device(device)
    if not dist.is_initialized():
        dist.init_process_group(backend="nccl" if device.type == "cuda" else "gloo")
    return DistributedContext(rank=rank, world_size=world_size, local_rank=local_rank, device=device)


def shutdown_distributed() -> None:
    if dist.is_available() and dist.is_initialized():
        dist.destroy_process_group()


def parameters_without_grad(model: nn.Module, batch, device: torch.device) -> list[str]:
    """Names of trainable parameters that one forward and backward pass on ``batch`` leaves without a gradient.

    Runs on a copy of ``model`` with the RNG state forked, so the run itself
    (weights, BatchNorm statistics, random draws) is unaffected. DDP needs
    ``find_unused_parameters=True`` exactly when this is non-empty.
    """
    probe = copy.deepcopy(model)
    with torch.random.fork_rng(devices=[device] if device.type == "cuda" else []):
        out = probe(batch, torch.Generator(device=device).manual_seed(0))
        out["loss"].backward()
    return [name for name, p in probe.named_parameters() if p.requires_grad and p.grad is None]


def any_rank(flag: bool, ctx: DistributedContext) -> bool:
    """True when ``flag`` holds on at least one process."""
    if not ctx.enabled:
        return flag
    value = torch.tensor([int(flag)], device=ctx.device)
    dist.all_reduce(value, op=dist.ReduceOp.MAX)
    return bool(value.item())
