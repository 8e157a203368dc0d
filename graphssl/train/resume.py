"""Resuming a run exactly, or refusing to.

A checkpoint is resumed only when the run would continue exactly as if it had
never stopped: same data (fingerprint), same config, same number of
processes, and not finished yet. Random state is per process: the global torch
RNG (dropout), the CUDA RNG and the run's own :class:`torch.Generator`
(objectives' masks and augmentations).

A changed world size changes the batch each process sees and, for runs sized
in epochs, the step count; resume refuses it unless asked with
``allow_world_size_change`` (``--allow-world-size-change``), and then keeps the
checkpoint's schedule (its ``total_steps``) and says the run is no longer exact.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import torch
import torch.distributed as dist

from graphssl.errors import CheckpointError
from graphssl.train.distributed import DistributedContext


def rng_state(device: torch.device, generator: torch.Generator) -> dict[str, torch.Tensor]:
    """This process's random state: global CPU (and CUDA) RNG plus the run's generator."""
    state = {"cpu": torch.get_rng_state(), "generator": generator.get_state()}
    if device.type == "cuda":
        state["cuda"] = torch.cuda.get_rng_state(device)
    return state


def set_rng_state(state: dict[str, torch.Tensor], device: torch.device, generator: torch.Generator) -> None:
    torch.set_rng_state(state["cpu"].cpu())
    generator.set_state(state["generator"].cpu())
    if device.type == "cuda" and "cuda" in state:
        torch.cuda.set_rng_state(state["cuda"].cpu(), device)


def gather_rng(ctx: DistributedContext, generator: torch.Generator) -> list[dict[str, torch.Tensor]]:
    """Every process's :func:`rng_state`, in rank order (for the checkpoint rank 0 writes)."""
    state = {key: value.cpu() for key, value in rng_state(ctx.device, generator).items()}
    if not ctx.enabled:
        return [state]
    states: list = [None] * ctx.world_size
    dist.all_gather_object(states, state)
    return states


def config_changes(saved: dict, current: dict, prefix: str = "") -> list[str]:
    """``key: old -> new`` for every leaf that differs between two nested config dicts."""
    changes = []
    for key in sorted(set(saved) | set(current)):
        a, b = saved.get(key), current.get(key)
        if isinstance(a, dict) and isinstance(b, dict):
            changes += config_changes(a, b, f"{prefix}{key}.")
        elif a != b:
            changes.append(f"{prefix}{key}: {a!r} -> {b!r}")
    return changes


def check_resumable(payload: dict[str, Any], path: Path, *, fingerprint: str, config: dict, world_size: int,
                    allow_world_size_change: bool = False) -> bool:
    """Raise :class:`CheckpointError` naming ``path`` unless ``payload`` may be continued.

    Returns whether the world size changed (allowed explicitly).
    """
    if payload["data_fingerprint"] != fingerprint:
        raise CheckpointError(f"{path}: the data changed since this checkpoint "
                              f"({payload['data_fingerprint'][:19]}... vs {fingerprint[:19]}...)")
    changes = config_changes(payload["config"], config)
    if changes:
        raise CheckpointError(f"{path}: the config changed since this checkpoint: {'; '.join(changes[:3])}")
    if payload.get("finished") or payload["step"] >= payload["total_steps"]:
        raise CheckpointError(f"{path}: this run already finished ({payload['step']} of {payload['total_steps']} steps); "
                              "its checkpoint is kept as it is")
    saved = int(payload.get("world_size", 1))
    if saved == world_size:
        return False
    if not allow_world_size_change:
        raise CheckpointError(f"{path}: this run was trained on {saved} process(es) and is being resumed on {world_size}; "
                              "the batches and schedule would change, so resume refuses. Launch it on "
                              f"{saved} process(es), or pass --allow-world-size-change to continue inexactly")
    return True


def warn_world_size_change(path: Path, saved: int, now: int, total_steps: int, stream=None) -> None:
    print(f"graphssl: warning: {path}: resuming a {saved}-process run on {now} process(es) "
          f"(--allow-world-size-change); the run is no longer exact: batches differ from here on, "
          f"the schedule keeps its {total_steps} steps", file=stream or sys.stderr)
