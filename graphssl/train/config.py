"""The pretraining configuration: plugins, data, encoder, objectives, optimizer, loop.

Example (``examples/configs/demo.yaml``)::

    imports: [my_package.models]     # optional: modules whose classes register themselves
    data: {name: synthetic, params: {num_graphs: 600}}
    encoder: {name: gnn, conv: gine, hidden_dim: 64, num_layers: 3}
    objectives:
      - {name: graphmae, weight: 1.0}
      - {name: structure, weight: 0.5, params: {node_targets: {clustering: 1}}}
    loss_weighting: fixed            # or uncertainty (Kendall, Gal & Cipolla, CVPR 2018)
    optimizer: {lr: 0.001, warmup_steps: 20}
    train: {epochs: 3, batch_size: 64, seed: 0}

Every value is checked when the config is built; errors are
:class:`~graphssl.errors.ConfigError` naming the dotted key (``optimizer.lr:
must be in (0, inf), got -1.0``) and, from :func:`load_config`, the file.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Sequence

from graphssl.config import check_positive, check_range, from_dict, load_yaml, plain
from graphssl.data.config import DataConfig, TransformConfig
from graphssl.errors import ConfigError
from graphssl.nn.registry import encoder_config_from_dict, encoder_config_to_dict
from graphssl.registry import import_plugins

__all__ = ["DataConfig", "LoopConfig", "ObjectiveConfig", "OptimizerConfig", "PretrainConfig", "TransformConfig",
           "config_from_dict", "load_config"]


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

    def __post_init__(self) -> None:
        if not math.isfinite(self.lr):
            raise ConfigError(f"optimizer.lr: must be a finite number, got {self.lr!r}")
        check_range("optimizer.lr", self.lr, low=0.0, low_inclusive=False)
        check_range("optimizer.weight_decay", self.weight_decay, low=0.0)
        if len(self.betas) != 2:
            raise ConfigError(f"optimizer.betas: expected two numbers, got {self.betas!r}")
        for index, beta in enumerate(self.betas):
            check_range(f"optimizer.betas[{index}]", beta, low=0.0, high=1.0, high_inclusive=False)
        check_range("optimizer.warmup_steps", self.warmup_steps, low=0)
        check_range("optimizer.min_lr", self.min_lr, low=0.0, high=self.lr)
        check_range("optimizer.grad_clip", self.grad_clip, low=0.0)


DEVICES = ("auto", "cpu", "cuda")


@dataclass
class LoopConfig:
    """How long and where to train.

    Args:
        epochs: passes over the data (default ``None``); set this or ``steps``.
        steps: optimizer steps (default ``None``); wins over ``epochs`` when both are set.
        batch_size: graphs per step and process (default ``256``).
        seed: random seed (default ``0``).
        device: ``"auto"`` (cuda when available), ``"cpu"``, ``"cuda"`` or
            ``"cuda:N"`` (default ``"auto"``); checked against the machine
            when training starts, before any data is read.
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
            raise ConfigError("train: set epochs or steps")
        for name in ("epochs", "steps"):
            if getattr(self, name) is not None:
                check_positive(f"train.{name}", getattr(self, name))
        for name in ("batch_size", "log_every", "checkpoint_every"):
            check_positive(f"train.{name}", getattr(self, name))
        check_range("train.num_workers", self.num_workers, low=0)
        index = self.device[len("cuda:"):] if self.device.startswith("cuda:") else None
        if self.device not in DEVICES and not (index and index.isdigit()):
            raise ConfigError(f"train.device: expected auto, cpu, cuda or cuda:N, got {self.device!r}")


LOSS_WEIGHTINGS = ("fixed", "uncertainty")


@dataclass
class PretrainConfig:
    """The whole pretraining configuration (one YAML file).

    Args:
        imports: modules imported first, so the encoders, objectives, datasets
            and transforms they define register themselves (default ``[]``).
        data: one dataset, or a list of them pretrained on as a mixture.
        encoder: the encoder's config dataclass, built by name from YAML's
            ``encoder: {name: ..., ...}`` (default: ``name: gnn``, the
            :class:`~graphssl.nn.GraphEncoder`).
        objectives: the loss terms (at least one).
        loss_weighting: ``"fixed"`` weights (default) or learned ``"uncertainty"`` weighting.
        optimizer: AdamW and its schedule.
        train: length, batch size, seed and device.
    """

    imports: list[str] = field(default_factory=list)
    data: DataConfig | list[DataConfig] = field(default_factory=DataConfig)
    encoder: Any = field(default_factory=lambda: encoder_config_from_dict({}))
    objectives: list[ObjectiveConfig] = field(default_factory=list)
    loss_weighting: str = "fixed"
    optimizer: OptimizerConfig = field(default_factory=OptimizerConfig)
    train: LoopConfig = field(default_factory=lambda: LoopConfig(epochs=1))

    def __post_init__(self) -> None:
        import_plugins(self.imports)
        if isinstance(self.encoder, dict):
            self.encoder = encoder_config_from_dict(self.encoder, where="encoder")
        if isinstance(self.data, list) and not self.data:
            raise ConfigError("data: an empty list; name at least one dataset")
        if not self.objectives:
            raise ConfigError("objectives: add at least one objective, e.g. [{name: graphmae}]")
        for index, objective in enumerate(self.objectives):
            check_range(f"objectives[{index}].weight", objective.weight, low=0.0)
        if self.loss_weighting not in LOSS_WEIGHTINGS:
            raise ConfigError(f"loss_weighting: expected {' or '.join(LOSS_WEIGHTINGS)}, got {self.loss_weighting!r}")

    @property
    def datasets(self) -> list[DataConfig]:
        """The data section as a list (one entry unless it is a mixture)."""
        return list(self.data) if isinstance(self.data, list) else [self.data]

    def to_dict(self) -> dict[str, Any]:
        """Plain nested dict; the encoder section records its registered ``name``."""
        return plain({**asdict(self), "encoder": encoder_config_to_dict(self.encoder)})


def config_from_dict(data: dict[str, Any]) -> PretrainConfig:
    """Build a :class:`PretrainConfig` from a plain dict (a YAML file's, or a checkpoint's ``config``).

    The modules under ``imports:`` are imported before any other section is
    read, so names they register resolve.
    """
    imports = data.get("imports", [])
    if not isinstance(imports, list):
        raise ConfigError(f"imports: expected a list of module names, got {imports!r}")
    import_plugins(imports)
    return from_dict(PretrainConfig, data)


def _package_datasets_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "datasets"


def data_file_candidates(reference: str, config_path: Path) -> list[Path]:
    """Where a ``data: FILE.yaml`` reference is looked for, in order, each place once.

    The config file's folder, then the working directory, then the
    repository's ``datasets/`` folder (``datasets/x.yaml`` and ``x.yaml`` both
    find ``datasets/x.yaml`` there).
    """
    reference_path = Path(reference)
    if reference_path.is_absolute():
        return [reference_path]
    shipped = _package_datasets_dir()
    in_shipped = shipped.parent / reference_path if reference_path.parts[0] == "datasets" else shipped / reference_path
    candidates, seen = [], set()
    for candidate in (config_path.parent / reference_path, Path.cwd() / reference_path, in_shipped):
        key = candidate.resolve()
        if key not in seen:
            seen.add(key)
            candidates.append(candidate)
    return candidates


def _resolve_data_reference(reference: str, config_path: Path, where: str) -> dict[str, Any]:
    candidates = data_file_candidates(reference, config_path)
    found = next((c for c in candidates if c.is_file()), None)
    if found is None:
        raise ConfigError(f"{where}: file {reference!r} not found (looked in {', '.join(str(c) for c in candidates)})")
    return load_yaml(found)


def apply_override(config: dict, assignment: str, where: str = "--set") -> None:
    """Set one value in a config dict from ``"train.steps=600"`` (VALUE read as YAML; list items by index).

    Every key on the path but the last must exist, so a typo is refused naming it
    rather than silently adding a section; the last key is checked by the config
    dataclasses like any key of the file.
    """
    import yaml

    key, equals, raw = assignment.partition("=")
    if not equals or not key or any(not part for part in key.split(".")):
        raise ConfigError(f"{where} {assignment!r}: expected KEY.PATH=VALUE, e.g. train.steps=600")
    try:
        value = yaml.safe_load(raw) if raw.strip() else raw
    except yaml.YAMLError as exc:
        raise ConfigError(f"{where} {key}: VALUE is not valid YAML ({exc.problem})") from None
    *parents, last = key.split(".")
    node, walked = config, []
    for part in parents:
        walked.append(part)
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            raise ConfigError(f"{where} {key}: the config has no {'.'.join(walked)!r}")
    if isinstance(node, list):
        if not (last.isdigit() and int(last) < len(node)):
            raise ConfigError(f"{where} {key}: {'.'.join(parents)!r} is a list of {len(node)} items")
        node[int(last)] = value
    elif isinstance(node, dict):
        node[last] = value
    else:
        raise ConfigError(f"{where} {key}: {'.'.join(parents)!r} is a value, not a section")


def load_config(path: str | Path, overrides: Sequence[str] = ()) -> PretrainConfig:
    """Read and validate a pretraining YAML file; errors name the file and the key.

    ``data:`` (or an entry of a ``data:`` list) may be a path to a YAML file
    holding that section, e.g. ``data: datasets/tu_mutag.yaml``; see
    :func:`data_file_candidates` for where it is looked for. ``overrides``
    (``graphssl pretrain --set``) are ``KEY.PATH=VALUE`` assignments applied
    to the file's contents first (:func:`apply_override`).
    """
    path = Path(path)
    data = load_yaml(path)
    for assignment in overrides:
        apply_override(data, assignment)
    try:
        section = data.get("data")
        if isinstance(section, str):
            data["data"] = _resolve_data_reference(section, path, "data")
        elif isinstance(section, list):
            data["data"] = [_resolve_data_reference(item, path, f"data[{index}]") if isinstance(item, str) else item
                            for index, item in enumerate(section)]
        return config_from_dict(data)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None
