"""Base class of the CAD datasets: STEP files + labels -> cached gAAG graphs.

A dataset lists its models (STEP file, label file, split), extracts them in
parallel (:mod:`~graphssl.cad.datasets.parallel`) and stores the graphs of
each split under ``graphssl.data.cache.cache_dir("cad", <name>, <key>)``. The
key hashes the raw files' identities, the extraction settings, the label
format and ``repr(pre_transform)``, so changing any of them re-extracts. Files
that fail are listed with their reason in ``dataset.rejected`` (and
``rejected.json`` in the cache); the good ones are all kept.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from torch_geometric.data import InMemoryDataset

from graphssl.cad.extract import ExtractOptions
from graphssl.data.cache import cache_dir, cache_key, file_identity
from graphssl.errors import InputFileError

#: How many rejected files a warning names before "and N more".
_REJECTS_SHOWN = 5


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
    data = read_step(step, **options)
    ATTACH[label_format](data, labels, num_classes)
    data.model_id = model_id
    return data


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
        Each graph is a gAAG with ``y`` int64 ``[F]`` and ``model_id`` (str).
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
            raise ValueError(f"{type(self).__name__}: split must be one of {(*self.splits, 'all')}, got {split!r}")
        self.split = split
        self.options = options if isinstance(options, ExtractOptions) else ExtractOptions(**(options or {}))
        self.num_workers = num_workers
        self.progress = progress
        self.classes = self.class_names()
        self.models = self.list_models()
        key = cache_key(dataset=self.name, label_format=self.label_format, extraction=self.options.settings(),
                        pre_transform=repr(pre_transform), raw=self._raw_identity())
        self._cache = cache_dir("cad", self.name, key)
        super().__init__(str(self._cache), transform, pre_transform, force_reload=force_reload, log=False)
        self.rejected: list[dict] = json.loads((Path(self.processed_dir) / "rejected.json").read_text())
        path = Path(self.processed_dir) / f"{split}.pt"
        if path.stat().st_size == 0:
            raise InputFileError(f"{self.data_root}: split {split!r} has no usable models "
                                 f"({len(self.rejected)} files rejected, see dataset.rejected)")
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
        return [f"{s}.pt" for s in (*self.splits, "all")] + ["rejected.json"]

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
        jobs = [(m.id, m.step, m.labels, self.label_format, len(self.classes), options) for m in self.models]
        outcomes = run_jobs(_extract_job, jobs, num_workers=self.num_workers, progress=self.progress,
                            desc=f"{self.name}: STEP -> gAAG")
        rejected = [{"file": str(m.step), "reason": reason} for m, (ok, reason) in zip(self.models, outcomes)
                    if not ok]
        graphs = [(m, data) for m, (ok, data) in zip(self.models, outcomes) if ok]
        if self.pre_transform is not None:
            graphs = [(m, self.pre_transform(data)) for m, data in graphs]
        for split in (*self.splits, "all"):
            chosen = [data for m, data in graphs if split == "all" or m.split == split]
            path = Path(self.processed_dir) / f"{split}.pt"
            if chosen:
                self.save(chosen, str(path))
            else:
                path.write_bytes(b"")
        (Path(self.processed_dir) / "rejected.json").write_text(json.dumps(rejected, indent=1))
        if rejected:
            shown = "; ".join(f"{Path(r['file']).name}: {r['reason']}" for r in rejected[:_REJECTS_SHOWN])
            more = f"; and {len(rejected) - _REJECTS_SHOWN} more" if len(rejected) > _REJECTS_SHOWN else ""
            warnings.warn(f"{self.name}: rejected {len(rejected)} of {len(self.models)} files ({shown}{more}); "
                          f"full list in {Path(self.processed_dir) / 'rejected.json'}", stacklevel=2)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self)}, split={self.split!r}, root={str(self.data_root)!r})"
