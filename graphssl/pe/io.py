"""Reading graphs for ``graphssl pe``: edge lists, networkx formats and saved PyG datasets.

Formats, chosen by extension unless given explicitly:

==========  ==============================================  =======================
format      extensions                                      reader
==========  ==============================================  =======================
edgelist    ``.edgelist .edges .txt .tsv .csv .el``         own parser (line numbers)
graphml     ``.graphml``                                    ``networkx.read_graphml``
gml         ``.gml``                                        ``networkx.read_gml``
gexf        ``.gexf``                                       ``networkx.read_gexf``
adjlist     ``.adjlist``                                    ``networkx.read_adjlist``
pajek       ``.net .pajek``                                 ``networkx.read_pajek``
pyg         ``.pt .pth``                                    saved PyG dataset
==========  ==============================================  =======================

An edge list has one ``u v`` or ``u v weight`` per line (whitespace or comma
separated), a lone ``u`` declares a node, and ``#`` or ``%`` starts a comment;
each line is one undirected edge. Nodes are numbered in order of first
appearance, which is the row order of every output. networkx files keep their
node order; undirected graphs get both edge directions, directed ones keep one
(the ``directed`` policy then applies), multigraphs keep every parallel edge,
and the ``weight`` edge attribute (a number) becomes the edge weight. A ``.pt``
file may hold what :meth:`torch_geometric.data.InMemoryDataset.save` writes
(also a dataset's ``processed/*.pt``), a list of ``Data``, or one ``Data``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import torch
from torch_geometric.data import Data

from graphssl.errors import ConfigError, InputFileError, InvalidGraphError
from graphssl.pe.hints import Param, param_error

EXTENSIONS = {
    "edgelist": (".edgelist", ".edges", ".txt", ".tsv", ".csv", ".el"),
    "graphml": (".graphml",),
    "gml": (".gml",),
    "gexf": (".gexf",),
    "adjlist": (".adjlist",),
    "pajek": (".net", ".pajek"),
    "pyg": (".pt", ".pth"),
}
FORMATS = tuple(EXTENSIONS)


@dataclass
class GraphInput:
    """The graphs of one input file.

    Attributes:
        graphs: indexable collection of PyG ``Data`` (a list or an ``InMemoryDataset``).
        node_names: node labels of a single-graph file, in row order (None for datasets).
    """

    path: Path
    graphs: object
    node_names: list[str] | None = field(default=None)

    def __len__(self) -> int:
        return len(self.graphs)

    def batches(self, size: int) -> Iterator[tuple[int, list[Data]]]:
        """``(index of the first graph, graphs)`` in input order."""
        for start in range(0, len(self.graphs), size):
            yield start, [self.graphs[i] for i in range(start, min(start + size, len(self.graphs)))]


def detect_format(path: Path) -> str:
    suffix = path.suffix.lower()
    for name, extensions in EXTENSIONS.items():
        if suffix in extensions:
            return name
    raise param_error(
        ConfigError,
        f"{path}: cannot tell the format from {suffix!r}; pass {{fmt}} (one of {', '.join(FORMATS)})",
        fmt=Param("fmt"),
    )


def read_input(path: str | Path, fmt: str = "auto", weight: str = "weight") -> GraphInput:
    """Read ``path`` as ``fmt`` (``"auto"``: by extension).

    A file without any graph (an empty or comment-only edge list, a graph
    with no nodes, a dataset of zero graphs) raises :class:`InputFileError`.
    """
    path = Path(path)
    if not path.is_file():
        raise InputFileError(f"{path}: no such file")
    fmt = detect_format(path) if fmt == "auto" else fmt
    if fmt == "pyg":
        graphs = read_pyg(path)
        if len(graphs) == 0:
            raise InputFileError(f"{path}: holds no graphs")
        return GraphInput(path, graphs)
    if fmt == "edgelist":
        data, names = read_edge_list(path)
        if not names:
            raise InputFileError(f"{path}: no nodes or edges (the file is empty or holds only comments)")
        return GraphInput(path, [data], names)
    if fmt not in FORMATS:
        raise param_error(ConfigError, f"unknown {{fmt}} {fmt!r}; one of {', '.join(FORMATS)}", fmt=Param("fmt"))
    graph = _read_networkx(path, fmt)
    if graph.number_of_nodes() == 0:
        raise InputFileError(f"{path}: the {fmt} graph has no nodes")
    try:
        data = from_networkx(graph, weight)
    except InvalidGraphError as exc:
        raise InputFileError(f"{path}: {exc}") from None
    return GraphInput(path, [data], [str(v) for v in graph.nodes])


def read_edge_list(path: Path) -> tuple[Data, list[str]]:
    """One graph from an edge-list file; errors name the file and line."""
    index: dict[str, int] = {}
    rows, cols, weights = [], [], []
    with open(path, encoding="utf-8") as handle:
        for lineno, line in enumerate(handle, 1):
            text = line.split("#", 1)[0].split("%", 1)[0].strip()
            if not text:
                continue
            tokens = text.replace(",", " ").split()
            if len(tokens) > 3:
                raise InputFileError(f"{path}:{lineno}: expected 'u v' or 'u v weight', got {line.strip()!r}")
            ids = [index.setdefault(token, len(index)) for token in tokens[:2]]
            if len(ids) == 1:
                continue
            try:
                weight = float(tokens[2]) if len(tokens) == 3 else 1.0
            except ValueError:
                raise InputFileError(f"{path}:{lineno}: weight {tokens[2]!r} is not a number") from None
            rows += [ids[0], ids[1]] if ids[0] != ids[1] else [ids[0]]
            cols += [ids[1], ids[0]] if ids[0] != ids[1] else [ids[0]]
            weights += [weight] * (2 if ids[0] != ids[1] else 1)
    edge_index = torch.tensor([rows, cols], dtype=torch.long).view(2, -1)
    data = Data(edge_index=edge_index, edge_weight=torch.tensor(weights, dtype=torch.float32), num_nodes=len(index))
    return data, list(index)


def _read_networkx(path: Path, fmt: str):
    import xml.etree.ElementTree as ElementTree

    import networkx as nx

    readers = {
        "graphml": nx.read_graphml,
        "gml": nx.read_gml,
        "gexf": nx.read_gexf,
        "adjlist": nx.read_adjlist,
        "pajek": nx.read_pajek,
    }
    try:
        return readers[fmt](str(path))
    except ElementTree.ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else "?"
        raise InputFileError(f"{path}:{line}: invalid {fmt} ({exc})") from None
    except (nx.NetworkXError, ValueError, KeyError, TypeError, IndexError, UnicodeDecodeError) as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputFileError(f"{path}: cannot parse as {fmt}: {message}") from None


def from_networkx(graph, weight: str = "weight") -> Data:
    """A networkx graph as PyG ``Data``; see the module docstring for the conventions."""
    index = {v: i for i, v in enumerate(graph.nodes)}
    rows, cols, weights = [], [], []
    for u, v, attrs in graph.edges(data=True):
        value = attrs.get(weight, 1.0)
        if not isinstance(value, (int, float)):
            raise InvalidGraphError(f"edge ({u}, {v}): {weight} {value!r} is not a number")
        w = float(value)
        i, j = index[u], index[v]
        both = not graph.is_directed() and i != j
        rows += [i, j] if both else [i]
        cols += [j, i] if both else [j]
        weights += [w, w] if both else [w]
    edge_index = torch.tensor([rows, cols], dtype=torch.long).view(2, -1)
    return Data(edge_index=edge_index, edge_weight=torch.tensor(weights, dtype=torch.float32), num_nodes=len(index))


def read_pyg(path: Path):
    """The graphs of a saved PyG dataset file (see :func:`graphssl.data.saved.load_saved_graphs`)."""
    from graphssl.data.saved import load_saved_graphs

    return load_saved_graphs(path)
