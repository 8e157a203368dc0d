"""The ``data:`` section of a pretraining config: which dataset, its transforms, how it is stored.

``data:`` holds one :class:`DataConfig`, or a list of them for a mixture
(multi-domain pretraining), each drawn with probability proportional to its
``weight`` (see :mod:`graphssl.data.mixture`)::

    data:
      - {name: molecule_csv, params: {path: ../shared/data/moses/train.csv.gz}, weight: 3.0, storage: disk,
         transforms: [{name: rwse, params: {k: 16}}]}
      - {name: tu, params: {root: ../shared/data/tu, name: PROTEINS}}

Values are checked when the config is built; errors name the key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphssl.config import check_positive
from graphssl.errors import ConfigError

#: ``memory``: graphs held in RAM after preparation; ``disk``: processed once into memory-mapped shards.
STORAGES = ("memory", "disk")


@dataclass
class TransformConfig:
    """A registered transform applied once to every graph before training.

    Args:
        name: a registered transform (``graphssl.data.registry.TRANSFORMS``).
        params: its keyword arguments (default ``{}``).
    """

    name: str
    params: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise ConfigError(f"data.transforms.name: expected a transform name, got {self.name!r}")


@dataclass
class DataConfig:
    """Which dataset to pretrain on, and how.

    Args:
        name: a registered dataset (default ``"synthetic"``).
        params: keyword arguments of the dataset (default ``{}``).
        transforms: transforms applied once per graph (default ``[]``).
        weight: sampling weight in a mixture, above 0 (default ``1.0``).
        storage: ``"memory"`` (default) or ``"disk"``: process once into a
            memory-mapped cache (:mod:`graphssl.data.ondisk`) for datasets
            larger than memory.
    """

    name: str = "synthetic"
    params: dict[str, Any] = field(default_factory=dict)
    transforms: list[TransformConfig] = field(default_factory=list)
    weight: float = 1.0
    storage: str = "memory"

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise ConfigError(f"data.name: expected a dataset name, got {self.name!r}")
        check_positive("data.weight", float(self.weight))
        if self.storage not in STORAGES:
            raise ConfigError(f"data.storage: must be one of {', '.join(STORAGES)}, got {self.storage!r}")
