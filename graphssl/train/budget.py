"""What a run spent: wall time, graphs seen, and the hardware it ran on.

The trainer keeps a :class:`TrainingBudget` in every checkpoint, summed over
resumes, and ``graphssl export`` copies it into the model card, so a shipped
encoder says how much compute made it.
"""

from __future__ import annotations

import os
import platform
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch


def cpu_model() -> str:
    """The CPU's model name (``/proc/cpuinfo`` on Linux, else what :mod:`platform` reports)."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text(errors="replace").splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine() or "unknown"


def hardware(device: torch.device, world_size: int = 1) -> dict[str, Any]:
    """A plain description of where training ran: CPU model and cores, GPU name, torch version, processes."""
    description = {"device": device.type, "cpu": cpu_model(), "cpu_cores": os.cpu_count() or 0,
                   "gpu": None, "world_size": world_size, "torch": str(torch.__version__)}
    if device.type == "cuda":
        description["gpu"] = torch.cuda.get_device_name(device)
    return description


@dataclass
class TrainingBudget:
    """Compute spent by a run so far.

    Args:
        wall_time_s: seconds spent in the training loop, over every invocation (default ``0.0``).
        graphs_seen: graphs fed to the model, over all processes (default ``0``).
        epochs: passes over the data completed, fractional (default ``0.0``).
        hardware: the machine of the latest invocation, see :func:`hardware` (default ``{}``).
    """

    wall_time_s: float = 0.0
    graphs_seen: int = 0
    epochs: float = 0.0
    hardware: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> "TrainingBudget":
        """The budget stored in a checkpoint (an empty one for checkpoints written before budgets were kept)."""
        data = data or {}
        return cls(wall_time_s=float(data.get("wall_time_s", 0.0)), graphs_seen=int(data.get("graphs_seen", 0)),
                   epochs=float(data.get("epochs", 0.0)), hardware=dict(data.get("hardware", {})))
