"""Data preparation for pretraining: build the configured dataset(s), transform and validate every graph once.

:func:`prepare_data` takes the ``data:`` section (one
:class:`~graphssl.data.config.DataConfig`, or a list for a mixture) and
returns a dataset with ``len``, ``__getitem__``, ``spec`` and ``rejects``:

- graphs are processed in chunks of :data:`CHUNK_GRAPHS`: each graph is
  shallow-copied once (the source dataset is never modified);
- every graph is checked once with :func:`graphssl.data.validate.validate_graph`
  against the spec's feature layout, on the chunk collated once (the encoder
  no longer checks each batch); a graph that fails is left out, before any
  transform sees it, and listed in ``rejects`` with its index and the
  reason, after the rejects of the dataset itself
  (:func:`graphssl.data.rejects.rejects_of`);
- then every transform runs on the chunk, in place: a transform with a
  batched ``compute(graphs) -> {name: tensor}`` (the PSE kinds) once per
  chunk (the first one on the already collated chunk), any other PyG
  transform graph by graph;
- a batched transform's outputs are split back onto the graphs by their
  level (:func:`graphssl.data.levels.attribute_level` on the chunk): one row
  per node, per edge, per graph or per declared group, and pair outputs
  (``NAME_pair_index`` with its ``NAME_pair_*`` values) graph by graph, with
  node indices made local;
- ``storage: disk`` processes the dataset once into a memory-mapped cache
  (:mod:`graphssl.data.ondisk`) instead of holding it in memory;
- a list of configs gives a :class:`~graphssl.data.mixture.MixtureDataset`
  whose graphs carry ``source``.
"""

from __future__ import annotations

import copy
import dataclasses
from typing import Iterable, Iterator, Sequence

import torch
from torch import Tensor
from torch_geometric.data import Batch, Data

from graphssl.data.config import DataConfig
from graphssl.data.levels import PAIR_INDEX_SUFFIX, attribute_spec, group_counts_attribute, pair_name
from graphssl.data.registry import build_dataset, build_transform
from graphssl.data.rejects import Reject, rejects_of
from graphssl.data.spec import AttributeSpec, GraphSpec, infer_spec
from graphssl.data.validate import validate_graph
from graphssl.errors import ConfigError, InvalidGraphError

#: Graphs per chunk: large enough to amortise a batched transform, small enough for memory.
CHUNK_GRAPHS = 4096


class GraphList(torch.utils.data.Dataset):
    """Prepared graphs held in memory, with their feature layout and the items left out.

    Args:
        graphs: the graphs.
        spec: their :class:`GraphSpec`.
        rejects: items left out (default ``[]``).
    """

    def __init__(self, graphs: list, spec: GraphSpec, rejects: Sequence[Reject] = ()) -> None:
        self.graphs, self.spec, self.rejects = graphs, spec, list(rejects)

    def __len__(self) -> int:
        return len(self.graphs)

    def __getitem__(self, index: int):
        return self.graphs[index]


def _chunk_view(graphs: list, outputs: dict[str, Tensor]) -> Data:
    """A stand-in for the chunk collated (node and edge counts, the outputs), to ask levels of."""
    num_edges = sum(int(g.edge_index.shape[1]) for g in graphs)
    view = Data(edge_index=torch.zeros(2, 1, dtype=torch.long).expand(2, num_edges),
                num_nodes=sum(int(g.num_nodes) for g in graphs))
    for key, value in outputs.items():
        view[key] = value
    return view


def _split_pairs(graphs: list, outputs: dict[str, Tensor], name: str, keys: list[str]) -> None:
    """Give each graph its pairs of family ``name``, node indices made local to the graph."""
    index = outputs[name + PAIR_INDEX_SUFFIX]
    starts = torch.tensor([0] + [int(g.num_nodes) for g in graphs]).cumsum(0)
    owner = torch.bucketize(index[0], starts[1:], right=True)
    order = torch.argsort(owner, stable=True)
    counts = torch.bincount(owner, minlength=len(graphs)).tolist()
    for key in keys:
        value = (index - starts[owner])[:, order] if key == name + PAIR_INDEX_SUFFIX else outputs[key][order]
        for graph, part in zip(graphs, torch.split(value, counts, dim=-1 if key == name + PAIR_INDEX_SUFFIX else 0)):
            graph[key] = part


def _rows_per_graph(graphs: list, level: str, spec: GraphSpec | None) -> list[int] | None:
    """How many rows of a ``level`` attribute each graph owns (``None`` when the level has no count)."""
    if level == "node":
        return [int(g.num_nodes) for g in graphs]
    if level == "edge":
        return [int(g.edge_index.shape[1]) for g in graphs]
    if level == "graph":
        return [1] * len(graphs)
    key = group_counts_attribute(graphs[0], level, spec)
    return None if key is None else [int(g[key].shape[0]) for g in graphs]


def attach_outputs(transform, graphs: list, outputs: dict[str, Tensor], spec: GraphSpec | None = None) -> dict[str, AttributeSpec]:
    """Split a batched transform's ``outputs`` (rows in the order of ``graphs`` concatenated) onto the graphs.

    The level of each output is :func:`graphssl.data.spec.attribute_level`'s
    answer for the chunk as one graph. Returns the :class:`AttributeSpec` of
    every attached output; an output whose rows do not add up to its level's
    items raises :class:`ConfigError` naming the transform.
    """
    view = _chunk_view(graphs, outputs)
    declared: dict[str, AttributeSpec] = {}
    families: dict[str, list[str]] = {}
    for key, value in outputs.items():
        try:
            found = attribute_spec(view, key, spec)
        except InvalidGraphError as exc:
            raise ConfigError(f"data.transforms: {transform!r}: {exc}") from None
        dtype = "bool" if value.dtype == torch.bool else "float" if torch.is_floating_point(value) else "long"
        if found.level == "pair":
            families.setdefault(pair_name(key, outputs.keys()), []).append(key)
            declared[key] = dataclasses.replace(found, shape=list(value.shape[1:]) if not found.index_of else [], dtype=dtype)
            continue
        counts = _rows_per_graph(graphs, found.level, spec)
        rows = int(value.shape[0]) if value.dim() else -1
        if counts is None or rows != sum(counts):
            raise ConfigError(f"data.transforms: {transform!r} output {key!r} has {rows} rows for {len(graphs)} graphs "
                              f"with {view.num_nodes} nodes and {view.edge_index.shape[1]} edges: "
                              "not per node, edge, graph or pair")
        for graph, part in zip(graphs, torch.split(value, counts)):
            graph[key] = part
        declared[key] = AttributeSpec(found.level, shape=list(value.shape[1:]), dtype=dtype)
    for name, keys in families.items():
        _split_pairs(graphs, outputs, name, keys)
    return declared


def apply_transforms(graphs: list, transforms: Sequence, spec: GraphSpec | None = None,
                     batch: Batch | None = None) -> tuple[list, dict[str, AttributeSpec]]:
    """Run ``transforms`` on one chunk of freshly copied graphs, in place where they allow.

    ``batch`` (default ``None``) is the chunk already collated; the first
    transform, when batched, computes on it instead of collating again.
    Returns the graphs and the specs of the batched transforms' outputs.
    """
    declared: dict[str, AttributeSpec] = {}
    for transform in transforms:
        if callable(getattr(transform, "compute", None)):
            if graphs:
                outputs = transform.compute(batch if batch is not None else graphs)
                declared.update(attach_outputs(transform, graphs, outputs, spec))
        else:
            graphs = [transform(graph) for graph in graphs]
        batch = None  # later transforms see the graphs with this one's outputs
    return graphs, declared


def validate_chunk(graphs: list, spec: GraphSpec, first: int, source: str,
                   indices: Sequence[int] | None = None) -> tuple[list, list[Reject], Batch | None]:
    """The graphs that pass :func:`validate_graph`, a :class:`Reject` for each that does not,
    and the chunk collated (``None`` when some graph failed).

    ``first`` numbers the chunk's first graph in messages; ``indices`` (default:
    consecutive from ``first``) names each graph's item in the source.
    """
    layout = dict(node_categorical=spec.node_categorical, edge_categorical=spec.edge_categorical,
                  node_continuous=spec.node_continuous, edge_continuous=spec.edge_continuous)
    indices = list(range(first, first + len(graphs))) if indices is None else list(indices)
    if not graphs:
        return graphs, [], None
    try:
        batch = Batch.from_data_list(graphs)
        validate_graph(batch, **layout, first_graph=first)
        return graphs, [], batch
    except (InvalidGraphError, RuntimeError, ValueError, KeyError, IndexError):
        pass  # some graph is bad (or the chunk cannot even be collated): find which, one by one
    kept, rejects = [], []
    for graph, index in zip(graphs, indices):
        try:
            validate_graph(graph, **layout, first_graph=index)
        except InvalidGraphError as exc:
            rejects.append(Reject(source, f"graph {index}", str(exc)))
            continue
        kept.append(graph)
    return kept, rejects, None


def process_chunk(graphs: list, transforms: Sequence, spec: GraphSpec, *, first: int, source: str,
                  indices: Sequence[int] | None = None, validate: bool = True) -> tuple[list, list[Reject], dict[str, AttributeSpec]]:
    """Validate one chunk of fresh graphs (collated once), then transform the survivors.

    Validating first keeps a malformed graph from reaching a transform. Returns
    the graphs, the rejects and the specs of the transforms' outputs.
    """
    rejects: list[Reject] = []
    batch = None
    if validate:
        graphs, rejects, batch = validate_chunk(graphs, spec, first, source, indices)
    graphs, declared = apply_transforms(graphs, transforms, spec, batch)
    return graphs, rejects, declared


def chunks_of(dataset, size: int = CHUNK_GRAPHS) -> Iterator[tuple[int, list]]:
    """``(first index, shallow copies of the graphs)`` of ``dataset`` in chunks of ``size``."""
    for start in range(0, len(dataset), size):
        yield start, [copy.copy(dataset[index]) for index in range(start, min(start + size, len(dataset)))]


def spec_of(dataset) -> GraphSpec:
    """The dataset's declared ``spec``, else one inferred with a pass over its graphs."""
    return getattr(dataset, "spec", None) or infer_spec(dataset[i] for i in range(len(dataset)))


def with_attributes(spec: GraphSpec, attributes: dict[str, AttributeSpec]) -> GraphSpec:
    """A copy of ``spec`` that also declares ``attributes`` (its own declarations win)."""
    if not attributes:
        return spec
    return dataclasses.replace(spec, attributes={**attributes, **spec.attributes}, groups=dict(spec.groups))


def build_transforms(config: DataConfig, where: str = "data") -> list:
    """The transforms of ``config``; a bad name or parameter raises :class:`ConfigError` naming ``where``."""
    try:
        return [build_transform(t.name, t.params) for t in config.transforms]
    except ConfigError as exc:
        raise ConfigError(f"{where}.transforms: {exc}") from None


def build_source(config: DataConfig, where: str = "data"):
    """The dataset of ``config``; a bad name or parameter raises :class:`ConfigError` naming ``where``."""
    try:
        return build_dataset(config.name, config.params)
    except ConfigError as exc:
        raise ConfigError(f"{where}: {exc}") from None


def prepare_in_memory(config: DataConfig, *, validate: bool = True, where: str = "data") -> GraphList:
    """Prepare one dataset into a :class:`GraphList` (see the module docstring)."""
    transforms = build_transforms(config, where)
    dataset = build_source(config, where)
    spec = spec_of(dataset)
    source = f"{where} ({config.name})"
    graphs: list = []
    rejects = rejects_of(dataset)
    found = len(rejects)
    declared: dict[str, AttributeSpec] = {}
    for first, chunk in chunks_of(dataset):
        chunk, bad, outputs = process_chunk(chunk, transforms, spec, first=first, source=source, validate=validate)
        graphs.extend(chunk)
        rejects.extend(bad)
        declared.update(outputs)
    if len(dataset) and not graphs:
        raise InvalidGraphError(f"{source}: every graph failed validation; first: {rejects[found].reason}")
    return GraphList(graphs, with_attributes(spec, declared), rejects)


def prepare_one(config: DataConfig, *, validate: bool = True, rank: int = 0, world_size: int = 1, where: str = "data"):
    """One dataset, in memory or on disk as ``config.storage`` says."""
    if config.storage == "disk":
        from graphssl.data.ondisk import prepare_on_disk

        return prepare_on_disk(config, validate=validate, rank=rank, world_size=world_size, where=where)
    return prepare_in_memory(config, validate=validate, where=where)


def prepare_data(config: DataConfig | Iterable[DataConfig], *, validate: bool = True, rank: int = 0,
                 world_size: int = 1):
    """Build, transform and validate the configured dataset(s) once; see the module docstring.

    Args:
        config: the ``data:`` section: one :class:`DataConfig` or a list (a mixture).
        validate: check every graph against the spec (default ``True``).
        rank: this process's rank, for the disk cache (default ``0``: builds it).
        world_size: number of processes (default ``1``).

    Returns:
        A dataset with ``len``, ``__getitem__``, ``spec`` (:class:`GraphSpec`) and
        ``rejects`` (list of :class:`Reject`).
    """
    if isinstance(config, DataConfig):
        return prepare_one(config, validate=validate, rank=rank, world_size=world_size)
    configs = list(config)
    if not configs:
        raise ConfigError("data: the list of datasets is empty; give at least one")
    from graphssl.data.mixture import MixtureDataset

    parts = []
    for index, item in enumerate(configs):
        parts.append(prepare_one(item, validate=validate, rank=rank, world_size=world_size, where=f"data[{index}]"))
    return MixtureDataset(parts, [c.weight for c in configs], names=[c.name for c in configs])
