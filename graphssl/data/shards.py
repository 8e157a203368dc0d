"""The storage format of disk-backed datasets: flat binary shards, read one graph at a time.

Each attribute of a shard is one raw array in the ``InMemoryDataset``
layout (values concatenated over the shard's graphs plus a pointer of where
each graph starts), integers in the smallest dtype that holds the shard's
values. A graph is read with one ``os.pread`` per attribute at its offset:
nothing is memory-mapped, so resident memory does not grow with the pages an
epoch touches, and forked DataLoader workers share the open files safely.

Why not PyG's ``OnDiskDataset``: it stores each graph as a pickled row of an
SQLite table, so every read deserialises a Python object and a processed
MOSES split is a 10^6-row database; flat arrays are read with a few system
calls and need no database.

Layout of a cache folder (``meta.json`` is written last)::

    meta.json                     format, graph count, attribute table, spec, data class, fingerprint
    rejects.csv                   items left out (graphssl.data.rejects)
    shard-00000/ATTR.bin          values, rows of ATTR's per-graph tensors concatenated
    shard-00000/ATTR.ptr          int64 [graphs + 1] row offsets
    shard-00000/ATTR.json         per-graph Python values (str, int, float) when not tensors

Tensors concatenated along their last dimension (``edge_index`` [2, E]) are
stored transposed, one row per column. Python values equal for every graph
are kept once in ``meta.json``. Graphs read back equal the graphs written:
same class, keys, dtypes and values.
"""

from __future__ import annotations

import csv
import dataclasses
import importlib
import json
import os
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import torch
from torch import Tensor

from graphssl.data.fingerprint import GraphDigest
from graphssl.data.rejects import REJECTS_FILE, Reject, write_rejects
from graphssl.data.spec import GraphSpec, spec_from_dict
from graphssl.errors import InputFileError, InvalidGraphError

FORMAT = 1
#: Graphs per shard: bounds the memory used while writing one.
SHARD_GRAPHS = 32768
META_FILE = "meta.json"
COMPACT_DTYPES = (np.uint8, np.int16, np.int32, np.int64)
ROWS, COLUMNS, SCALAR, PYTHON = "rows", "columns", "scalar", "python"


def smallest_dtype(values: np.ndarray, candidates=COMPACT_DTYPES) -> np.dtype:
    """The first of ``candidates`` (smallest first) holding every value of an integer array (else its own dtype)."""
    if values.dtype.kind not in "iu":
        return values.dtype
    if values.size == 0:
        return np.dtype(np.uint8)
    low, high = int(values.min()), int(values.max())
    for dtype in candidates:
        info = np.iinfo(dtype)
        if info.min <= low and high <= info.max:
            return np.dtype(dtype)
    return values.dtype


def _layout(graph, key: str, value: Any) -> str:
    if isinstance(value, Tensor):
        if value.dim() == 0:
            return SCALAR
        dim = graph.__cat_dim__(key, value)
        dim = dim + value.dim() if dim < 0 else dim
        if dim == 0:
            return ROWS
        if value.dim() == 2 and dim == 1:
            return COLUMNS
        raise InvalidGraphError(f"attribute {key!r}: tensors concatenated along dimension {dim} of {value.dim()} "
                                "cannot be stored on disk")
    if isinstance(value, (str, int, float, bool)) or value is None:
        return PYTHON
    raise InvalidGraphError(f"attribute {key!r}: values of type {type(value).__name__} cannot be stored on disk")


class ShardWriter:
    """Writes graphs, chunk by chunk, into the shard layout of the module docstring.

    Args:
        folder: the (temporary) cache folder.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.schema: dict[str, dict[str, Any]] | None = None
        self.pending: list = []
        self.shards: list[int] = []
        self.data_class: type | None = None
        self.digest = GraphDigest()

    def add(self, graphs: Sequence) -> None:
        for graph in graphs:
            if self.schema is None:
                self._set_schema(graph)
            keys = set(graph.keys())
            if keys != self.schema.keys():
                raise InvalidGraphError(f"graph {sum(self.shards) + len(self.pending)}: attributes "
                                        f"{sorted(keys ^ self.schema.keys())} differ from the first graph's; "
                                        "every graph of a disk-backed dataset needs the same attributes")
            self.pending.append(graph)
            self.digest.add(graph)
            if len(self.pending) == SHARD_GRAPHS:
                self._flush()

    def _set_schema(self, graph) -> None:
        self.data_class = type(graph)
        self.schema = {}
        for key in graph.keys():
            value = graph[key]
            layout = _layout(graph, key, value)
            entry: dict[str, Any] = {"layout": layout}
            if isinstance(value, Tensor):
                entry["dtype"] = str(value.dtype).removeprefix("torch.")
                trailing = value.shape[1:] if layout == ROWS else value.shape[:1] if layout == COLUMNS else ()
                entry["trailing"] = list(trailing)
            self.schema[key] = entry

    def _flush(self) -> None:
        graphs, self.pending = self.pending, []
        if not graphs:
            return
        shard = self.folder / f"shard-{len(self.shards):05d}"
        shard.mkdir(parents=True)
        for key, entry in self.schema.items():
            if entry["layout"] == PYTHON:
                values = [g[key] for g in graphs]
                (shard / f"{key}.json").write_text(json.dumps(values))
                continue
            parts = []
            for position, g in enumerate(graphs):
                value = g[key]
                if not isinstance(value, Tensor):
                    raise InvalidGraphError(f"graph {sum(self.shards) + position}: attribute {key!r} is not a tensor, "
                                            "unlike the first graph's")
                parts.append(value.reshape(1) if entry["layout"] == SCALAR else value.t() if entry["layout"] == COLUMNS else value)
            counts = np.array([p.shape[0] for p in parts], dtype=np.int64)
            stored = torch.cat(parts).numpy()
            stored = stored.astype(smallest_dtype(stored), copy=False)
            stored.tofile(shard / f"{key}.bin")
            np.concatenate([[0], np.cumsum(counts)]).astype(np.int64).tofile(shard / f"{key}.ptr")
            entry.setdefault("stored", {})[shard.name] = str(stored.dtype)
        self.shards.append(len(graphs))

    def finish(self, spec: GraphSpec, rejects: Sequence[Reject], identity: dict[str, Any]) -> None:
        """Flush the last shard and write ``rejects.csv`` and ``meta.json``."""
        self._flush()
        if self.schema is None:
            raise InputFileError(f"{identity.get('name', 'dataset')}: no graph to store (every item was rejected)")
        constants = {}
        for key, entry in list(self.schema.items()):
            if entry["layout"] != PYTHON:
                continue
            values = {json.dumps(v) for s in range(len(self.shards))
                      for v in json.loads((self.folder / f"shard-{s:05d}" / f"{key}.json").read_text())}
            if len(values) == 1:
                constants[key] = json.loads(values.pop())
                entry["layout"] = "constant"
        write_rejects(rejects, self.folder / REJECTS_FILE)
        meta = {"format": FORMAT, "shards": self.shards, "schema": self.schema, "constants": constants,
                "data_class": f"{self.data_class.__module__}:{self.data_class.__qualname__}",
                "spec": dataclasses.asdict(spec), "identity": identity, "fingerprint": self.digest.hexdigest()}
        (self.folder / META_FILE).write_text(json.dumps(meta, indent=1, default=str))


class OnDiskGraphs(torch.utils.data.Dataset):
    """A dataset stored by :class:`ShardWriter`, read one graph at a time (see the module docstring).

    Args:
        folder: a complete cache folder.

    Attributes ``spec`` (:class:`GraphSpec`) and ``rejects`` come from the cache.
    """

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        meta_path = self.folder / META_FILE
        if not meta_path.is_file():
            raise InputFileError(f"{self.folder}: not a complete graphssl disk cache (no {META_FILE})")
        meta = json.loads(meta_path.read_text())
        if meta.get("format") != FORMAT:
            raise InputFileError(f"{self.folder}: cache format {meta.get('format')}, expected {FORMAT}")
        self.shard_sizes: list[int] = meta["shards"]
        self.schema: dict[str, dict[str, Any]] = meta["schema"]
        self.constants: dict[str, Any] = meta["constants"]
        module, _, name = meta["data_class"].partition(":")
        self.data_class = getattr(importlib.import_module(module), name)
        self.spec = spec_from_dict(meta["spec"])
        self.identity = meta["identity"]
        #: :func:`graphssl.data.fingerprint.dataset_fingerprint` of the graphs, computed while writing.
        self.fingerprint: str | None = meta.get("fingerprint")
        self.starts = np.concatenate([[0], np.cumsum(self.shard_sizes)]).astype(np.int64)
        with open(self.folder / REJECTS_FILE, newline="") as handle:
            self.rejects = [Reject(*row) for row in list(csv.reader(handle))[1:]]
        self._open: dict[int, dict[str, Any]] = {}

    def __len__(self) -> int:
        return int(self.starts[-1])

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_open"] = {}  # file handles are per process
        return state

    def _shard(self, shard: int) -> dict[str, Any]:
        """Open files and row pointers of one shard, loaded on first use."""
        opened = self._open.get(shard)
        if opened is None:
            folder = self.folder / f"shard-{shard:05d}"
            opened = {}
            for key, entry in self.schema.items():
                if entry["layout"] == "constant":
                    continue
                if entry["layout"] == PYTHON:
                    opened[key] = json.loads((folder / f"{key}.json").read_text())
                    continue
                dtype = np.dtype(entry["stored"][folder.name])
                opened[key] = (os.open(folder / f"{key}.bin", os.O_RDONLY), np.fromfile(folder / f"{key}.ptr", np.int64),
                               dtype, int(np.prod(entry["trailing"], dtype=np.int64)))
            self._open[shard] = opened
        return opened

    def __getitem__(self, index: int):
        index = int(index)
        if not 0 <= index < len(self):
            raise IndexError(f"index {index} out of range for {len(self)} graphs")
        shard = int(np.searchsorted(self.starts, index, side="right")) - 1
        local = index - int(self.starts[shard])
        opened = self._shard(shard)
        graph = self.data_class()
        for key, entry in self.schema.items():
            layout = entry["layout"]
            if layout == "constant":
                graph[key] = self.constants[key]
            elif layout == PYTHON:
                graph[key] = opened[key][local]
            else:
                graph[key] = self._read(opened[key], local, entry)
        return graph

    @staticmethod
    def _read(opened, local: int, entry: dict[str, Any]) -> Tensor:
        fd, ptr, dtype, width = opened
        lo, hi = int(ptr[local]), int(ptr[local + 1])
        row_bytes = dtype.itemsize * width
        raw = os.pread(fd, (hi - lo) * row_bytes, lo * row_bytes)
        values = np.frombuffer(raw, dtype=dtype).astype(getattr(np, entry["dtype"]) if entry["dtype"] != "bool" else np.bool_)
        tensor = torch.from_numpy(values.reshape(hi - lo, *entry["trailing"]))
        if entry["layout"] == COLUMNS:
            return tensor.t().contiguous()
        if entry["layout"] == SCALAR:
            return tensor.reshape(())
        return tensor

    def __repr__(self) -> str:
        return f"OnDiskGraphs({self.folder}, {len(self)} graphs)"
