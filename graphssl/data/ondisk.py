"""Datasets larger than memory: processed once into a disk cache, then read graph by graph.

``storage: disk`` in a :class:`~graphssl.data.config.DataConfig` streams the
dataset (:mod:`graphssl.data.streams`) through validation and its transforms
chunk by chunk, never holding all graphs, and writes them in the shard format
of :mod:`graphssl.data.shards` under
``graphssl.data.cache.cache_dir("ondisk")``, never next to the source data.
The folder name holds :func:`graphssl.data.cache.cache_key` of the dataset's
identity (name, parameters, the identity of every file or folder they name)
and the transforms' reprs, so a changed setting never reuses a stale cache;
a complete cache is reused without touching the source. A build writes into
a temporary folder renamed into place when complete, so a killed build never
looks like a cache.

With several processes rank 0 builds the cache and the others wait for it;
the dataset stays one index space, and each rank reads only the graphs its
:class:`~graphssl.train.sampling.ShardedBatchOrder` gives it.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any, Sequence

from graphssl.data.cache import cache_dir, cache_key, file_identity
from graphssl.data.config import DataConfig
from graphssl.data.rejects import Reject
from graphssl.data.shards import FORMAT, META_FILE, OnDiskGraphs, ShardWriter
from graphssl.data.spec import AttributeSpec
from graphssl.errors import InputFileError

#: How long a non-zero rank waits for rank 0 to finish building the cache.
WAIT_SECONDS = 24 * 3600


def _identity_of(value: Any) -> Any:
    """Parameters with the identity of every existing file or folder they name."""
    if isinstance(value, dict):
        return {k: _identity_of(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_identity_of(v) for v in value]
    if isinstance(value, str) and value and os.path.exists(value):
        return file_identity(value)
    return value


def cache_folder(config: DataConfig, transforms: Sequence) -> tuple[Path, dict[str, Any]]:
    """The cache folder of ``config`` with these transforms, and the identity it is keyed by."""
    identity = {"name": config.name, "params": _identity_of(config.params), "transforms": [repr(t) for t in transforms]}
    key = cache_key(format=FORMAT, **identity)
    return cache_dir("ondisk") / f"{config.name}-{key}", identity


def _wait_for(folder: Path, where: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not (folder / META_FILE).is_file():
        if time.monotonic() > deadline:
            raise InputFileError(f"{where}: rank 0 did not finish the disk cache {folder} in {WAIT_SECONDS} s")
        time.sleep(1.0)


def prepare_on_disk(config: DataConfig, *, validate: bool = True, rank: int = 0, world_size: int = 1,
                    where: str = "data") -> OnDiskGraphs:
    """Build the disk cache of ``config`` once (rank 0) and open it; later calls reuse it."""
    from graphssl.data.prepare import build_transforms

    transforms = build_transforms(config, where)
    folder, identity = cache_folder(config, transforms)
    if not (folder / META_FILE).is_file():
        if rank != 0:
            _wait_for(folder, where)
        else:
            _build(config, transforms, folder, identity, validate, where)
    return OnDiskGraphs(folder)


def _build(config: DataConfig, transforms: Sequence, folder: Path, identity: dict[str, Any], validate: bool,
           where: str) -> None:
    from graphssl.data.prepare import process_chunk, with_attributes
    from graphssl.data.streams import open_stream

    stream = open_stream(config, where)
    tmp = folder.with_name(f"{folder.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    writer = ShardWriter(tmp)
    declared: dict[str, AttributeSpec] = {}
    rejects: list[Reject] = []
    source = f"{where} ({config.name})"
    try:
        for first, indices, graphs in stream.chunks():
            graphs, bad, outputs = process_chunk(graphs, transforms, stream.spec, first=first, source=source,
                                                 indices=indices, validate=validate)
            rejects.extend(bad)
            declared.update(outputs)
            writer.add(graphs)
        writer.finish(with_attributes(stream.spec, declared), list(stream.rejects) + rejects, identity)
        if not (folder / META_FILE).is_file():  # another process may have finished the same cache first
            shutil.rmtree(folder, ignore_errors=True)
            os.replace(tmp, folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
