"""Attribute normalisation statistics, fitted on a training set and stored with a model.

As AAGNet does, the continuous face and edge attributes (area, centroid,
length) are standardised with the mean and standard deviation of the training
graphs; one-hot columns and flags are left as they are. The statistics are
plain JSON (``to_dict``/``from_dict``, ``save``/``load``), so a checkpoint can
carry them and apply exactly the same transform at inference.

Example:
    >>> stats = FeatureStats.fit(train_dataset)          # doctest: +SKIP
    >>> stats.save("stats.json")                         # doctest: +SKIP
    >>> transform = NormalizeCAD(FeatureStats.load("stats.json"))  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterable

import numpy as np

from graphssl.cad.edge_features import EDGE_ATTRIBUTES, EDGE_CONTINUOUS
from graphssl.cad.face_features import FACE_ATTRIBUTES, FACE_CONTINUOUS
from graphssl.errors import InputFileError

#: Bumped when the meaning of the stored statistics changes.
STATS_VERSION = 1
#: Standard deviations below this are treated as 1 (a constant column).
_MIN_STD = 1e-8


@dataclass(frozen=True)
class FeatureStats:
    """Per-column mean and standard deviation of ``data.x`` and ``data.edge_attr``.

    Attributes:
        face_mean, face_std: ``[len(FACE_ATTRIBUTES)]`` lists.
        edge_mean, edge_std: ``[len(EDGE_ATTRIBUTES)]`` lists.
        face_columns, edge_columns: The column names the statistics belong to.
        num_graphs, num_faces, num_edges: Size of the set they were fitted on.
    """

    face_mean: tuple[float, ...]
    face_std: tuple[float, ...]
    edge_mean: tuple[float, ...]
    edge_std: tuple[float, ...]
    face_columns: tuple[str, ...] = FACE_ATTRIBUTES
    edge_columns: tuple[str, ...] = EDGE_ATTRIBUTES
    num_graphs: int = 0
    num_faces: int = 0
    num_edges: int = 0
    version: int = STATS_VERSION

    @classmethod
    def fit(cls, graphs: Iterable) -> "FeatureStats":
        """Fit on graphs (a dataset or any iterable of gAAG ``Data``), in one streaming pass."""
        sums = {key: [0.0, 0.0, 0] for key in ("x", "edge_attr")}
        acc: dict[str, list] = {}
        num_graphs = 0
        for data in graphs:
            num_graphs += 1
            for key in sums:
                values = getattr(data, key).double().numpy()
                if key not in acc:
                    acc[key] = [np.zeros(values.shape[1]), np.zeros(values.shape[1]), 0]
                acc[key][0] += values.sum(axis=0)
                acc[key][1] += (values**2).sum(axis=0)
                acc[key][2] += values.shape[0]
        if num_graphs == 0:
            raise ValueError("cannot fit feature statistics on an empty set of graphs")
        moments = {}
        for key, (total, squares, count) in acc.items():
            mean = total / max(count, 1)
            std = np.sqrt(np.maximum(squares / max(count, 1) - mean**2, 0.0))
            moments[key] = (mean, std, count)
        return cls(face_mean=tuple(moments["x"][0].tolist()), face_std=tuple(moments["x"][1].tolist()),
                   edge_mean=tuple(moments["edge_attr"][0].tolist()), edge_std=tuple(moments["edge_attr"][1].tolist()),
                   num_graphs=num_graphs, num_faces=int(moments["x"][2]), num_edges=int(moments["edge_attr"][2]))

    def to_dict(self) -> dict:
        return {key: list(value) if isinstance(value, tuple) else value for key, value in asdict(self).items()}

    @classmethod
    def from_dict(cls, state: dict, *, source: str = "<dict>") -> "FeatureStats":
        if state.get("version") != STATS_VERSION:
            raise InputFileError(f"{source}: feature statistics version {state.get('version')!r}, "
                                 f"expected {STATS_VERSION}")
        if tuple(state.get("face_columns", ())) != FACE_ATTRIBUTES or \
                tuple(state.get("edge_columns", ())) != EDGE_ATTRIBUTES:
            raise InputFileError(f"{source}: feature statistics were fitted on other attribute columns")
        fields = {key: tuple(value) if isinstance(value, list) else value for key, value in state.items()}
        return cls(**fields)

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=1))

    @classmethod
    def load(cls, path: str | Path) -> "FeatureStats":
        path = Path(path)
        try:
            state = json.loads(path.read_text())
        except FileNotFoundError:
            raise InputFileError(f"{path}: no such file") from None
        except json.JSONDecodeError as exc:
            raise InputFileError(f"{path}: not a JSON file ({exc.msg}, line {exc.lineno})") from None
        return cls.from_dict(state, source=str(path))

    def digest(self) -> str:
        """Short hash of the statistics, for reprs and cache keys."""
        return hashlib.sha256(json.dumps(self.to_dict(), sort_keys=True).encode()).hexdigest()[:12]


class NormalizeCAD:
    """Standardise the continuous columns of ``data.x`` and ``data.edge_attr`` (a PyG transform).

    Args:
        stats: Fitted :class:`FeatureStats`.

    Shapes:
        input / output: the gAAG of :func:`~graphssl.cad.read_step`; only the
        columns :data:`FACE_CONTINUOUS` and :data:`EDGE_CONTINUOUS` change.
    """

    def __init__(self, stats: FeatureStats) -> None:
        import torch

        self.stats = stats
        face_cols = [FACE_ATTRIBUTES.index(c) for c in FACE_CONTINUOUS]
        edge_cols = [EDGE_ATTRIBUTES.index(c) for c in EDGE_CONTINUOUS]
        self._face = self._affine(stats.face_mean, stats.face_std, face_cols, torch)
        self._edge = self._affine(stats.edge_mean, stats.edge_std, edge_cols, torch)

    @staticmethod
    def _affine(mean, std, cols, torch):
        mean_t = torch.zeros(len(mean))
        scale_t = torch.ones(len(mean))
        for c in cols:
            mean_t[c] = mean[c]
            scale_t[c] = 1.0 / std[c] if std[c] > _MIN_STD else 1.0
        return mean_t, scale_t

    def __call__(self, data):
        data = data.clone()
        data.x = (data.x - self._face[0]) * self._face[1]
        data.edge_attr = (data.edge_attr - self._edge[0]) * self._edge[1]
        return data

    def __repr__(self) -> str:
        return f"{type(self).__name__}(stats={self.stats.digest()}, fitted_on={self.stats.num_graphs} graphs)"
