"""TU graph-classification datasets in the GIN text format, with their 10 folds.

The format of Xu et al., "How Powerful are Graph Neural Networks?", ICLR 2019
(also used by DGCNN and structure2vec): line 1 holds the number of graphs;
each graph starts with ``n label`` and has ``n`` lines
``tag degree neighbour...``. Node tags and graph labels are remapped to
``0..k-1`` in order of first appearance, as GIN does; folds come from
``10fold_idx/{train,test}_idx-{1..10}.txt``.
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch_geometric.data import Data

from graphssl.data.spec import GraphSpec
from graphssl.errors import InputFileError
from graphssl.eval.splits import Split, kfold_from_files


def _ints(path: Path, line_no: int, line: str) -> list[int]:
    try:
        return [int(token) for token in line.split()]
    except ValueError:
        raise InputFileError(f"{path}:{line_no}: expected integers, got {line.strip()!r}") from None


def read_gin_tu(path: str | Path) -> tuple[list[Data], dict[str, int], dict[str, int]]:
    """Parse a GIN-format file; returns graphs, the tag map and the label map (raw -> index)."""
    path = Path(path)
    if not path.is_file():
        raise InputFileError(f"{path}: file not found")
    lines = path.read_text().splitlines()
    tag_map: dict[str, int] = {}
    label_map: dict[str, int] = {}
    graphs: list[Data] = []
    cursor = 0

    def next_line() -> tuple[int, str]:
        nonlocal cursor
        if cursor >= len(lines):
            raise InputFileError(f"{path}:{cursor + 1}: unexpected end of file")
        cursor += 1
        return cursor, lines[cursor - 1]

    line_no, line = next_line()
    (num_graphs,) = _ints(path, line_no, line)[:1]
    for _ in range(num_graphs):
        line_no, line = next_line()
        header = line.split()
        if len(header) != 2:
            raise InputFileError(f"{path}:{line_no}: expected 'num_nodes label', got {line.strip()!r}")
        num_nodes = _ints(path, line_no, header[0])[0]
        label = label_map.setdefault(header[1], len(label_map))
        tags, sources, targets = [], [], []
        for node in range(num_nodes):
            line_no, line = next_line()
            tokens = line.split()
            values = _ints(path, line_no, " ".join(tokens[:2]))
            if len(values) < 2 or len(tokens) < 2 + values[1]:
                raise InputFileError(f"{path}:{line_no}: node line needs 'tag degree neighbours...', got {line.strip()!r}")
            tags.append(tag_map.setdefault(tokens[0], len(tag_map)))
            for neighbour in _ints(path, line_no, " ".join(tokens[2 : 2 + values[1]])):
                if not 0 <= neighbour < num_nodes:
                    raise InputFileError(f"{path}:{line_no}: neighbour {neighbour} out of range for {num_nodes} nodes")
                sources.append(node)
                targets.append(neighbour)
        graphs.append(Data(
            x=torch.tensor(tags, dtype=torch.long).view(-1, 1),
            edge_index=torch.tensor([sources, targets], dtype=torch.long).view(2, -1),
            y=torch.tensor([label]),
            num_nodes=num_nodes,
        ))
    return graphs, tag_map, label_map


class GINTUDataset(torch.utils.data.Dataset):
    """A TU dataset in the GIN format.

    Args:
        root: folder holding ``<name>/<name>.txt`` and ``<name>/10fold_idx``.
        name: dataset name, e.g. ``"MUTAG"``.

    Graphs carry ``x`` ``[N, 1]`` (node tag index) and ``y`` ``[1]``.
    """

    def __init__(self, root: str | Path, name: str) -> None:
        self.root, self.name = Path(root), name
        self.graphs, self.tag_map, self.label_map = read_gin_tu(self.root / name / f"{name}.txt")
        self.spec = GraphSpec(node_categorical=[max(len(self.tag_map), 1)])
        self.num_classes = len(self.label_map)

    def __len__(self) -> int:
        return len(self.graphs)

    def __getitem__(self, index: int) -> Data:
        return self.graphs[index]

    def fold(self, k: int) -> Split:
        """Fold ``k`` (1..10) of the standard 10-fold split."""
        return kfold_from_files(self.root / self.name / "10fold_idx", k, num_items=len(self))

    def __repr__(self) -> str:
        return f"GINTUDataset(root={str(self.root)!r}, name={self.name!r})"
