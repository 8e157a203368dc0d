"""Graphs of a configured dataset, chunk by chunk, for building a disk cache without holding them all.

:func:`open_stream` gives a :class:`GraphStream`: its ``spec``, the source's
``rejects`` (filled while reading) and ``chunks()``, yielding
``(first, items, graphs)``: the position of the chunk's first graph, each
graph's item number in the source, and fresh graphs that transforms may
change in place.

``molecule_csv`` streams straight from the CSV file: SMILES are featurized
with :func:`graphssl.chem.featurize.iter_chunks` (``n_jobs`` processes) one
window of :data:`FEATURIZE_WINDOW` molecules at a time and handed on in
chunks of :data:`CHUNK_GRAPHS`, giving the same graphs, labels and rejects as
:class:`graphssl.chem.datasets.MoleculeCSVDataset` with the same parameters,
without ever collating the whole file. Any other dataset is built with its
registered class and read graph by graph (its spec inferred with one pass
when it declares none).
"""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Callable, Iterator

import torch

from graphssl.data.config import DataConfig
from graphssl.data.prepare import CHUNK_GRAPHS, build_source, chunks_of, spec_of
from graphssl.data.registry import DATASETS
from graphssl.data.rejects import Reject, rejects_of
from graphssl.data.spec import GraphSpec
from graphssl.errors import ConfigError, InputFileError
from graphssl.registry import check_params

#: Molecules featurized per round of worker processes (bounds how far workers run ahead).
FEATURIZE_WINDOW = 65536


class GraphStream:
    """A dataset's spec, rejects and chunk iterator (see the module docstring)."""

    def __init__(self, spec: GraphSpec, chunks: Callable[[], Iterator[tuple[int, list[int], list]]],
                 rejects: list[Reject] | None = None) -> None:
        self.spec, self._chunks = spec, chunks
        self.rejects: list[Reject] = rejects if rejects is not None else []

    def chunks(self) -> Iterator[tuple[int, list[int], list]]:
        return self._chunks()


def _dataset_stream(config: DataConfig, where: str) -> GraphStream:
    dataset = build_source(config, where)
    spec = spec_of(dataset)

    def chunks():
        for first, graphs in chunks_of(dataset):
            yield first, list(range(first, first + len(graphs))), graphs

    return GraphStream(spec, chunks, rejects_of(dataset))


def _featurized(inputs: list, featurizer, n_jobs: int) -> Iterator:
    """Featurized chunks of ``inputs`` in order (rows index ``inputs``), :data:`FEATURIZE_WINDOW` molecules at a time.

    Forked workers featurize ahead of the consumer and hold their finished
    chunks until it takes them; running them over one window at a time
    bounds that backlog, so memory does not grow with the file.
    """
    from graphssl.chem.featurize import iter_chunks

    for start in range(0, len(inputs), FEATURIZE_WINDOW):
        for chunk in iter_chunks(inputs[start : start + FEATURIZE_WINDOW], featurizer, n_jobs):
            chunk.rows = [start + row for row in chunk.rows]
            chunk.rejects = [(start + row, item, reason) for row, item, reason in chunk.rejects]
            yield chunk


def _molecule_csv_stream(config: DataConfig, where: str) -> GraphStream:
    from graphssl.chem.chunk import to_data_list
    from graphssl.chem.featurize import FeaturizerOptions
    from graphssl.chem.io import read_csv_table
    from graphssl.chem.spec import molecule_spec

    factory = DATASETS.get("molecule_csv")
    try:
        check_params("dataset 'molecule_csv'", factory, config.params)
        bound = inspect.signature(factory).bind(**config.params)
    except (ConfigError, TypeError) as exc:
        raise ConfigError(f"{where}: {exc}") from None
    bound.apply_defaults()
    args = dict(bound.arguments)
    options = args.pop("options", {})
    for unused in ("transform", "use_cache"):
        if args.pop(unused, None) not in (None, True):
            raise ConfigError(f"{where}.params.{unused}: not available with storage: disk")
    path = Path(args["path"])
    if not path.is_file():
        raise InputFileError(f"{path}: file not found")
    try:
        featurizer = FeaturizerOptions.create(args["features"], fragments=args["fragments"], **options)
    except ConfigError as exc:
        raise ConfigError(f"{where}: {exc}") from None
    targets = args["target_columns"]
    spec = molecule_spec(featurizer, num_labels=len(targets or []))
    rejects: list[Reject] = []

    def chunks():
        table = read_csv_table(path, args["smiles_column"], targets, args["limit"])
        labels = None if table.labels is None else torch.from_numpy(table.labels)
        pending, rows, first = [], [], 0
        for chunk in _featurized(table.inputs, featurizer, args["n_jobs"]):
            rejects.extend(Reject(table.source, table.items[row], reason) for row, _, reason in chunk.rejects)
            graphs = to_data_list(chunk)
            if labels is not None:
                for graph, row in zip(graphs, chunk.rows):
                    graph.y = labels[row : row + 1]
            pending.extend(graphs)
            rows.extend(chunk.rows)
            if len(pending) >= CHUNK_GRAPHS:
                yield first, rows, pending
                first += len(pending)
                pending, rows = [], []
        if pending:
            yield first, rows, pending

    return GraphStream(spec, chunks, rejects)


#: Datasets with a streaming reader of their own; any other is read through its class.
STREAMS: dict[str, Callable[[DataConfig, str], GraphStream]] = {"molecule_csv": _molecule_csv_stream}


def open_stream(config: DataConfig, where: str = "data") -> GraphStream:
    """The :class:`GraphStream` of ``config``'s dataset."""
    return STREAMS.get(config.name, _dataset_stream)(config, where)
