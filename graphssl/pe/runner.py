"""Encode every graph of an input in batches, keeping rejects, and lay the results out as arrays.

Graphs are encoded ``batch_size`` at a time through :class:`~graphssl.pe.base.AddPSE`.
When a batch raises :class:`~graphssl.errors.InvalidGraphError`, its graphs
are encoded one by one so that only the bad ones are rejected: every input
graph ends up with output rows or with a reject entry and its reason, never
silently dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np
import torch
from torch import Tensor

from graphssl.errors import InvalidGraphError
from graphssl.pe.base import AddPSE, PSETransform
from graphssl.pe.graphs import GraphSet

PAIR_INDEX, PAIR_VALUE = "_pair_index", "_pair_value"


@dataclass
class EncodeResult:
    """Outputs of accepted graphs (in input order) and rejects.

    Attributes:
        parts: per encoded group, its outputs keyed by attribute name.
        sizes: ``[G]`` node count of every input graph, 0 for rejected ones.
        rejects: ``(graph index, error)`` pairs.
    """

    parts: list[dict[str, Tensor]] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    rejects: list[tuple[int, InvalidGraphError]] = field(default_factory=list)


def encode_all(
    source, encodings: Sequence[PSETransform], *, batch_size: int = 1024, progress: bool = False
) -> EncodeResult:
    """Encode every graph of ``source`` (a :class:`~graphssl.pe.io.GraphInput`)."""
    from tqdm import tqdm

    transform = AddPSE(encodings)
    result = EncodeResult()
    with tqdm(total=len(source), unit="graph", disable=not progress) as bar:
        for start, graphs in source.batches(max(1, batch_size)):
            try:
                group = GraphSet.from_data_list(graphs, directed=transform.directed, index_base=start)
                result.parts.append(transform.compute(group))
                result.sizes += group.sizes.tolist()
            except InvalidGraphError:
                for offset, data in enumerate(graphs):
                    _encode_one(transform, data, start + offset, result)
            bar.update(len(graphs))
    if not result.parts:
        # Every graph was rejected: still write every array, with zero rows.
        no_edges, no_graphs = torch.zeros(2, 0, dtype=torch.long), torch.zeros(1, dtype=torch.long)
        empty = GraphSet(no_edges, no_graphs, directed=transform.directed)
        result.parts.append(transform.compute(empty))
    return result


def _encode_one(transform: AddPSE, data, index: int, result: EncodeResult) -> None:
    try:
        one = GraphSet.from_data_list([data], directed=transform.directed, index_base=index)
        result.parts.append(transform.compute(one))
        result.sizes.append(one.num_nodes)
    except InvalidGraphError as error:
        result.rejects.append((index, error))
        result.sizes.append(0)


def to_arrays(
    result: EncodeResult, node_names: list[str] | None = None, reason: Callable[[Exception], str] = str
) -> dict[str, np.ndarray]:
    """The ``.npz`` layout documented in ``graphssl pe --help`` and docs/pe.md.

    Per-pair values ``NAME_pair_value`` become ``NAME_matrix``: ``[n, n, *d]``
    for a single graph, else every graph's matrix flattened row-major and
    concatenated (``pair_ptr`` gives the offsets); ``NAME_pair_index`` is
    implied by that layout and not written. ``reason`` spells each reject's
    error (default ``str``).
    """
    sizes = np.asarray(result.sizes, dtype=np.int64)
    arrays: dict[str, np.ndarray] = {}
    names = [n for n in (result.parts[0] if result.parts else {}) if not n.endswith(PAIR_INDEX)]
    has_pairs = False
    for name in names:
        value = torch.cat([part[name] for part in result.parts]).numpy()
        if name.endswith(PAIR_VALUE):
            has_pairs = True
            name = name[: -len(PAIR_VALUE)] + "_matrix"
            if sizes.size == 1:
                value = value.reshape(int(sizes[0]), int(sizes[0]), *value.shape[1:])
        arrays[name] = value
    arrays["ptr"] = np.concatenate([[0], np.cumsum(sizes)])
    if has_pairs and sizes.size > 1:
        arrays["pair_ptr"] = np.concatenate([[0], np.cumsum(sizes**2)])
    arrays["rejected"] = np.asarray([index for index, _ in result.rejects], dtype=np.int64)
    arrays["reject_reasons"] = np.asarray([reason(error) for _, error in result.rejects], dtype=str)
    if node_names is not None:
        arrays["nodes"] = np.asarray(node_names, dtype=str)
    return arrays
