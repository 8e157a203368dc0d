"""The pretraining configuration: data, encoder, objectives, optimizer, loop.

Example (``examples/configs/demo.yaml``)::

    data: {name: synthetic, params: {num_graphs: 600}}
    encoder: {conv: gine, hidden_dim: 64, num_layers: 3}
    objectives:
      - {name: graphmae, weight: 1.0}
      - {name: structure, weight: 0.5, params: {node_targets: {clustering: 1}}}
    optimizer: {lr: 0.001, warmup_steps: 20}
    train: {epochs: 3, batch_size: 64, seed: 0}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graphssl.config import from_dict, load_yaml
from graphssl.errors import ConfigError
from graphssl.nn.config import EncoderConfig


@dataclass
class TransformConfig:
    """A registered transform applied once to every graph before training."""

    name: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class DataConfig:
    """Which dataset to pretrain on.

    Args:
        name: a registered dataset (default ``"synthetic"``).
        params: keyword arguments of the dataset (default ``{}``).
        transforms: transforms applied once per graph (default ``[]``).
    """

    name: str = "synthetic"
    params: dict[str, Any] = field(default_factory=dict)
    transforms: list[TransformConfig] = field(default_factory=list)


@dataclass
class ObjectiveConfig:
    """One term of the loss.

    Args:
        name: a registered objective (``graphssl objectives`` lists them).
        weight: its weight in the sum (default ``1.0``).
        label: prefix of its logged scalars (default: ``name``).
        params: keyword arguments of the objective (default ``{}``).
    """

    name: str
    weight: float = 1.0
    label: str | None = None
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class OptimizerConfig:
    """AdamW with linear warmup and cosine decay.

    Args:
        lr: peak learning rate (default ``1e-3``).
        weight_decay: AdamW weight decay (default ``0.0``).
        betas: Adam betas (default ``[0.9, 0.999]``).
        warmup_steps: linear warmup steps (default ``0``).
        min_lr: learning rate at the last step (default ``0.0``).
        grad_clip: max gradient norm, ``0`` disables clipping (default ``1.0``).
    """

    lr: float = 1e-3
    weight_decay: float = 0.0
    betas: list[float] = field(default_factory=lambda: [0.9, 0.999])
    warmup_steps: int = 0
    min_lr: float = 0.0
    grad_clip: float = 1.0


@dataclass
class LoopConfig:
    """How long and where to train.

    Args:
        epochs: passes over the data (default ``None``); set this or ``steps``.
        steps: optimizer steps (default ``None``); wins over ``epochs`` when both are set.
        batch_size: graphs per step and process (default ``256``).
        seed: random seed (default ``0``).
        device: ``"auto"`` (cuda when available), ``"cpu"`` or ``"cuda"`` (default ``"auto"``).
        amp: mixed precision on cuda (bf16 where supported, else fp16) (default ``True``).
        log_every: steps between metric lines (default ``10``).
        checkpoint_every: steps between checkpoints (default ``100``).
        num_workers: DataLoader worker processes (default ``0``).
    """

    epochs: int | None = None
    steps: int | None = None
    batch_size: int = 256
    seed: int = 0
    device: str = "auto"
    amp: bool = True
    log_every: int = 10
    checkpoint_every: int = 100
    num_workers: int = 0

    def __post_init__(self) -> None:
        if self.epochs is None and self.steps is None:
            raise ValueError("set train.epochs or train.steps")
        for name in ("batch_size", "log_every", "checkpoint_every"):
            if getattr(self, name) < 1:
                raise ValueError(f"train.{name} must be at least 1")
        if self.device not in ("auto", "cpu", "cuda") and not self.device.startswith("cuda:"):
            raise ValueError(f"train.device must be auto, cpu or cuda, got {self.device!r}")


@dataclass
class PretrainConfig:
    """The whole pretraining configuration (one YAML file)."""

    data: DataConfig = field(default_factory=DataConfig)
    encoder: EncoderConfig = field(default_factory=EncoderConfig)
    objectives: list[ObjectiveConfig] = field(default_factory=list)
    optimizer: OptimizerConfig = field(default_factory=OptimizerConfig)
    train: LoopConfig = field(default_factory=lambda: LoopConfig(epochs=1))

    def __post_init__(self) -> None:
        if not self.objectives:
            raise ValueError("objectives: add at least one objective, e.g. [{name: graphmae}]")


def load_config(path: str | Path) -> PretrainConfig:
    """Read and validate a pretraining YAML file; errors name the file and the key.

    ``data:`` may be a path to a YAML file holding the data section (e.g.
    ``data: datasets/tu_mutag.yaml``), resolved against the config's folder,
    then the working directory.
    """
    path = Path(path)
    data = load_yaml(path)
    if isinstance(data.get("data"), str):
        section = Path(data["data"])
        candidates = [section] if section.is_absolute() else [path.parent / section, section]
        found = next((c for c in candidates if c.is_file()), None)
        if found is None:
            raise ConfigError(f"{path}: data: file {data['data']!r} not found (looked in {', '.join(str(c) for c in candidates)})")
        data["data"] = load_yaml(found)
    try:
        return from_dict(PretrainConfig, data)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None
