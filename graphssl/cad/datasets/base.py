"""Base class of the CAD datasets: STEP files + labels -> cached gAAG graphs.

A dataset lists its models (STEP file, label file, split), extracts those of
the split asked for in parallel (:mod:`~graphssl.cad.datasets.parallel`) and
stores them under ``graphssl.data.cache.cache_dir("cad", <name>, <key>)`` as
``<split>.pt``. The key hashes the raw files' identities, the extraction
settings, the label format, ``repr(pre_transform)`` and :data:`CACHE_FORMAT`,
so changing any of them re-extracts. Files that fail are kept in
``dataset.rejects`` as :class:`graphssl.data.rejects.Reject` rows ``(STEP
file, model id, reason)`` (and in ``<split>.rejects.csv`` in the cache), the
shared mechanism the trainer and the CLI report from; a warning gives their
count when they are extracted. The good files are all kept.
"""

from __future__ import annotations

import csv
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from torch_geometric.data import InMemoryDataset

from graphssl.cad.extract import ExtractOptions, extract_options
from graphssl.data.cache import cache_dir, cache_key, file_identity
from graphssl.data.rejects import Reject, write_rejects
from graphssl.errors import ConfigError, GraphSSLError, InputFileError

#: Version of the cached graphs' layout (2: per-split files, ``source_file``, ``instance_class``).
CACHE_FORMAT = 2
#: How many rejected files the extraction warning names.
_REJECTS_SHOWN = 3


@dataclass(frozen=True)
class ModelRef:
    """One model of a dataset: its id, STEP file, label file (``None`` for names) and split."""

    id: str
    step: Path
    labels: Path | None
    split: str


def _extract_job(job: tuple) -> Any:
    """Worker: read one STEP file and attach its labels (module level, so it pickles)."""
    from graphssl.cad.datasets.labels import ATTACH
    from graphssl.cad.extract import read_step

    model_id, step, labels, label_format, num_classes, options = job
    try:
        data = read_step(step, **options)
        data.model_id = model_id
        return ATTACH[label_format](data, labels, num_classes)
    except GraphSSLError:
        raise
    except Exception as exc:  # noqa: BLE001 - an OpenCascade failure or a malformed label value: name the file
        text = str(exc).splitlines()[0] if str(exc) else ""
        raise InputFileError(f"{step}: {type(exc).__name__}{': ' + text if text else ''}") from exc


def read_rejects(path: Path) -> list[Reject]:
    """The :class:`Reject` rows of a ``rejects.csv`` written by :func:`graphssl.data.rejects.write_rejects`."""
    with open(path, newline="") as handle:
        rows = list(csv.reader(handle))
    return [Reject(*row) for row in rows[1:]]


class CADGraphDataset(InMemoryDataset):
    """A split of a labelled CAD dataset as gAAG graphs (see :func:`~graphssl.cad.read_step`).

    Args:
        root: The dataset folder (read only; nothing is written there).
        split: Which split to load (default ``"train"``; ``"all"`` for every model).
        options: :class:`~graphssl.cad.ExtractOptions` or a dict of its fields.
        transform: Applied on access (e.g. :class:`~graphssl.cad.NormalizeCAD`).
        pre_transform: Applied once before caching.
        num_workers: Extraction processes (default: all cores).
        progress: Show a progress bar while extracting (default ``True``).
        force_reload: Re-extract even if a cache exists (default ``False``).

    Shapes:
        Each graph is a gAAG with ``y`` int64 ``[F]``, ``model_id`` and ``source_file``
        (str); :attr:`spec` declares every attribute.

    Attributes:
        rejects: the files of this split that could not be used, as
            :class:`~graphssl.data.rejects.Reject` ``(STEP file, model id, reason)``.
    """

    #: Cache folder name; subclasses set it.
    name = "cad"
    #: Label format, a key of :data:`graphssl.cad.datasets.labels.ATTACH`.
    label_format = "names"
    #: Splits this dataset can load, besides ``"all"``.
    splits: tuple[str, ...] = ("train", "val", "test")

    def __init__(self, root: str | Path, *, split: str = "train", options: ExtractOptions | dict | None = None,
                 transform: Callable | None = None, pre_transform: Callable | None = None,
                 num_workers: int | None = None, progress: bool = True, force_reload: bool = False) -> None:
        self.data_root = Path(root)
        if not self.data_root.is_dir():
            raise InputFileError(f"{self.data_root}: dataset folder not found")
        if split not in (*self.splits, "all"):
            raise ConfigError(f"{type(self).__name__}: split must be one of {', '.join((*self.splits, 'all'))}, "
                              f"got {split!r}")
        self.split = split
        self.options = extract_options(options)
        self.num_workers = num_workers
        self.progress = progress
        self.classes = self.class_names()
        self.models = self.list_models()
        key = cache_key(dataset=self.name, label_format=self.label_format, extraction=self.options.settings(),
                        pre_transform=repr(pre_transform), raw=self._raw_identity(), format=CACHE_FORMAT)
        self._cache = cache_dir("cad", self.name, key)
        super().__init__(str(self._cache), transform, pre_transform, force_reload=force_reload, log=False)
        rejects_path = Path(self.processed_dir) / f"{split}.rejects.csv"
        self.rejects: list[Reject] = read_rejects(rejects_path)
        path = Path(self.processed_dir) / f"{split}.pt"
        if path.stat().st_size == 0:
            if not self.rejects:
                raise InputFileError(f"{self.data_root}: split {split!r} holds no models")
            first = self.rejects[0]
            raise InputFileError(f"{self.data_root}: split {split!r} has no usable models ({len(self.rejects)} "
                                 f"files rejected, all listed in {rejects_path}; first {first.source}: {first.reason})")
        self.load(str(path))

    # Hooks for subclasses -------------------------------------------------------------------------
    def list_models(self) -> list[ModelRef]:
        """Every model of the dataset (all splits); a model in no split has ``split=""``."""
        raise NotImplementedError

    def class_names(self) -> list[str]:
        """Class names in index order."""
        raise NotImplementedError

    # PyG plumbing ----------------------------------------------------------------------------------
    @property
    def num_classes(self) -> int:
        return len(self.classes)

    @property
    def spec(self):
        """The :class:`~graphssl.cad.spec.CADGraphSpec` of this dataset's graphs."""
        from graphssl.cad.spec import cad_graph_spec

        return cad_graph_spec(self.options, label_format=self.label_format, num_classes=self.num_classes)

    def split_models(self) -> list[ModelRef]:
        """The models of the split this dataset loads."""
        return [m for m in self.models if self.split == "all" or m.split == self.split]

    @property
    def raw_dir(self) -> str:
        return str(self.data_root)

    @property
    def processed_dir(self) -> str:
        return str(self._cache)

    @property
    def raw_file_names(self) -> list[str]:
        return [str(m.step.relative_to(self.data_root)) for m in self.models if m.step.exists()][:1]

    @property
    def processed_file_names(self) -> list[str]:
        return [f"{self.split}.pt", f"{self.split}.rejects.csv"]

    def download(self) -> None:
        raise InputFileError(f"{self.data_root}: no STEP files found for {type(self).__name__}")

    def _raw_identity(self) -> str:
        def identity(path):
            return file_identity(path) if path is not None and path.exists() else None

        ids = [(m.id, m.split, identity(m.step), identity(m.labels)) for m in self.models]
        return cache_key(models=ids)

    def process(self) -> None:
        from graphssl.cad.datasets.parallel import run_jobs

        options = self.options.settings()
        models = self.split_models()
        jobs = [(m.id, m.step, m.labels, self.label_format, len(self.classes), options) for m in models]
        outcomes = run_jobs(_extract_job, jobs, num_workers=self.num_workers, progress=self.progress,
                            desc=f"{self.name} {self.split}: STEP -> gAAG")
        rejects = [Reject(str(m.step), m.id, reason) for m, (ok, reason) in zip(models, outcomes) if not ok]
        graphs = [data for ok, data in outcomes if ok]
        if self.pre_transform is not None:
            graphs = [self.pre_transform(data) for data in graphs]
        path = Path(self.processed_dir) / f"{self.split}.pt"
        if graphs:
            self.save(graphs, str(path))
        else:
            path.write_bytes(b"")
        rejects_path = write_rejects(rejects, Path(self.processed_dir) / f"{self.split}.rejects.csv")
        if rejects:
            shown = "; ".join(f"{Path(r.source).name}: {r.reason}" for r in rejects[:_REJECTS_SHOWN])
            more = f"; and {len(rejects) - _REJECTS_SHOWN} more" if len(rejects) > _REJECTS_SHOWN else ""
            warnings.warn(f"{self.name} {self.split}: {len(rejects)} of {len(models)} files rejected ({shown}{more}); "
                          f"all in dataset.rejects and {rejects_path}", stacklevel=2)

    def __repr__(self) -> str:
        rejected = f", {len(self.rejects)} rejected" if self.rejects else ""
        return f"{type(self).__name__}({len(self)}, split={self.split!r}{rejected}, root={str(self.data_root)!r})"
