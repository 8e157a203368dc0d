"""``MoleculeCSVDataset``: a cached PyG ``InMemoryDataset`` of the molecules of a CSV file.

Reads ``.csv`` or ``.csv.gz`` (MoleculeNet CSVs, MOSES with its ``SMILES``
column), featurizes with :func:`graphssl.chem.mols_to_graphs` and caches the
processed graphs under ``graphssl.data.cache.cache_dir("chem")``, keyed by the
file's identity (path, size, mtime) and every option that changes the output
(plus the graphssl and RDKit versions). Importing this module does not import
RDKit, and loading a cached dataset never needs it.

Each graph is a :class:`~graphssl.chem.data.MolData` with ``y`` float32 [1, T]
(NaN where a label is missing, also for a row too short to hold the cell) when
``target_columns`` are given. Rows that give no molecule (RDKit cannot read
the SMILES, or the row has no SMILES cell) are left out and listed in
``rejects`` as :class:`graphssl.data.rejects.Reject` ``(source=<csv path>,
item="row N", reason)``, N the 0-based CSV data row, so the trainer reports
them (a count on stderr, ``rejects.csv`` in the run folder); the cache keeps
them. ``rows[i]`` is the data row of graph ``i`` and ``smiles[i]`` its SMILES
(e.g. for :func:`graphssl.chem.scaffold_split_smiles`). ``spec``
(:func:`graphssl.chem.spec.molecule_spec`) declares the full vocabulary of
the feature set (not only the values seen) and every other attribute the
graphs carry, for the trainer's encoders. The cache stores integer tensors in
their smallest dtype (:mod:`graphssl.chem.storage`); loaded graphs are int64.
"""

from __future__ import annotations

import importlib.metadata
import os
from pathlib import Path
from typing import Any, Callable, Sequence

import torch
from torch_geometric.data import InMemoryDataset

from graphssl.chem.data import MolData
from graphssl.chem.spec import molecule_spec
from graphssl.chem.storage import widen
from graphssl.data.cache import cache_dir, cache_key, file_identity
from graphssl.data.rejects import Reject
from graphssl.errors import ConfigError, InputFileError
from graphssl.eval.splits import Split

CACHE_FORMAT = 2

#: SMILES column and label columns of the MoleculeNet / MOSES files in ``../shared/data``.
KNOWN_COLUMNS: dict[str, tuple[str, list[str] | None]] = {
    "bbbp": ("smiles", ["p_np"]),
    "bace": ("mol", ["Class"]),
    "tox21": ("smiles", ["NR-AR", "NR-AR-LBD", "NR-AhR", "NR-Aromatase", "NR-ER", "NR-ER-LBD", "NR-PPAR-gamma",
                         "SR-ARE", "SR-ATAD5", "SR-HSE", "SR-MMP", "SR-p53"]),
    "esol": ("smiles", ["measured log solubility in mols per litre"]),
    "freesolv": ("smiles", ["expt"]),
    "lipo": ("smiles", ["exp"]),
    "moses": ("SMILES", None),
}


def _rdkit_version() -> str:
    try:
        return importlib.metadata.version("rdkit")
    except importlib.metadata.PackageNotFoundError:
        import rdkit

        return rdkit.__version__


class MoleculeCSVDataset(InMemoryDataset):
    """Molecules and labels of one CSV file as PyG graphs (see module docstring).

    Args:
        path: ``.csv`` or ``.csv.gz`` file with a header line.
        smiles_column: SMILES column (default ``"smiles"``; case-insensitive
            fallback, so MOSES's ``SMILES`` also matches).
        target_columns: label columns read into ``y``, or one column name
            (default ``None``: no labels).
        features: ``"ogb"`` (default) or ``"hu"``.
        fragments: fragment hierarchy method, as the featurizer option
            (default ``False``).
        limit: use only the first ``limit`` data rows (default: all).
        n_jobs: featurization processes (default 1); not part of the cache key.
        transform: PyG transform applied on access (default ``None``).
        use_cache: read and write the processed cache (default ``True``).
        **options: further featurizer options (``explicit_hs``, ``salts``, ``descriptors``).
    """

    def __init__(self, path: str | os.PathLike, smiles_column: str = "smiles",
                 target_columns: Sequence[str] | None = None, features: str = "ogb", fragments: bool | str = False,
                 limit: int | None = None, n_jobs: int = 1, *, transform: Callable | None = None,
                 use_cache: bool = True, **options: Any) -> None:
        from graphssl.chem.featurize import FeaturizerOptions

        self.path = Path(path)
        if not self.path.is_file():
            raise InputFileError(f"{self.path}: file not found")
        self.smiles_column = smiles_column
        # One column may be named by itself (YAML ``target_columns: p_np``), not split into letters.
        self.target_columns = None if target_columns is None else \
            [target_columns] if isinstance(target_columns, str) else list(target_columns)
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
            raise ConfigError(f"limit: must be a positive number of rows, got {limit!r}")
        self.options = FeaturizerOptions.create(features, fragments=fragments, **options)
        self.limit = limit
        super().__init__(root=None, transform=transform)
        key = cache_key(format=CACHE_FORMAT, file=file_identity(self.path), smiles_column=smiles_column,
                        target_columns=self.target_columns, options=repr(self.options), limit=limit,
                        rdkit=_rdkit_version())
        name = self.path.name.split(".")[0]
        self.cache_path = cache_dir("chem") / f"{name}-{key}.pt"
        stored = self._load_cache() if use_cache else None
        if stored is None:
            stored = self._process(n_jobs)
            if use_cache:
                tmp = self.cache_path.with_suffix(f".tmp{os.getpid()}")
                torch.save(stored, tmp)
                os.replace(tmp, self.cache_path)
        self.data = MolData.from_dict(widen(stored["data"]))
        self.slices = stored["slices"]
        self.rows: list[int] = stored["rows"]
        self.smiles: list[str] = stored["smiles"]
        self.rejects: list[Reject] = [Reject(*r) for r in stored["rejects"]]
        self.spec = molecule_spec(self.options, num_labels=self.num_tasks)

    def _load_cache(self) -> dict[str, Any] | None:
        """The cached processed dataset, or ``None`` when absent or unreadable (then it is rebuilt)."""
        if not self.cache_path.is_file():
            return None
        try:
            stored = torch.load(self.cache_path, weights_only=True)
        except Exception:  # a truncated or foreign file is rebuilt, never trusted
            return None
        return stored if isinstance(stored, dict) and stored.get("format") == CACHE_FORMAT else None

    def _process(self, n_jobs: int) -> dict[str, Any]:
        from graphssl.chem.chunk import collate_chunks
        from graphssl.chem.featurize import iter_chunks
        from graphssl.chem.io import read_csv_table
        from graphssl.chem.storage import compact_chunk

        table = read_csv_table(self.path, self.smiles_column, self.target_columns, self.limit)
        chunks = [compact_chunk(chunk) for chunk in iter_chunks(table.inputs, self.options, n_jobs)]
        rows = [row for chunk in chunks for row in chunk.rows]
        rejects = [[table.source, table.items[row], reason] for chunk in chunks for row, _, reason in chunk.rejects]
        if not rows:
            first = f"; {rejects[0][1]}: {rejects[0][2]}" if rejects else ""
            raise InputFileError(f"{self.path}: no molecule could be read ({len(rejects)} rejected{first})")
        data, slices = collate_chunks(chunks)
        if table.labels is not None:
            data.y = torch.from_numpy(table.labels[rows])
            slices["y"] = torch.arange(len(rows) + 1)
        return {"data": data.to_dict(), "slices": slices, "rows": rows, "smiles": [table.inputs[r] for r in rows],
                "rejects": rejects, "format": CACHE_FORMAT}

    def scaffold_split(self, fractions: Sequence[float] = (0.8, 0.1, 0.1), seed: int | None = None) -> Split:
        """Scaffold split of this dataset's graphs (Hu et al.); random-scaffold with ``seed`` (needs RDKit)."""
        from graphssl.chem.scaffolds import random_scaffold_split_smiles, scaffold_split_smiles

        if seed is None:
            return scaffold_split_smiles(self.smiles, fractions)
        return random_scaffold_split_smiles(self.smiles, fractions, seed)

    @property
    def num_tasks(self) -> int:
        """Number of label columns (0 without labels)."""
        return len(self.target_columns or [])

    def __repr__(self) -> str:
        return (f"{type(self).__name__}({self.path.name}, {len(self)} molecules, {len(self.rejects)} rejected, "
                f"{self.options})")
