"""Reading molecule files: CSV (optionally gzipped), SMILES lists and SDF, without RDKit.

Files are only split into per-molecule inputs here (SMILES strings, or SDF
record text as :class:`MolBlock`); parsing happens in the featurizer, so it
runs in the worker processes and failures become per-row rejects.
"""

from __future__ import annotations

import csv
import gzip
import io
import math
from pathlib import Path
from typing import IO, Sequence

import numpy as np

from graphssl.errors import InputFileError


class MolBlock(str):
    """Text of one SDF record; ``name`` says where it came from (used in errors and rejects)."""

    name: str

    def __new__(cls, text: str, name: str) -> "MolBlock":
        block = super().__new__(cls, text)
        block.name = name
        return block

    def __reduce__(self):
        return (MolBlock, (str(self), self.name))


def _open_text(path: Path) -> IO[str]:
    if not path.is_file():
        raise InputFileError(f"{path}: file not found")
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", newline="")
    return open(path, encoding="utf-8", newline="")


def _base_suffix(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return suffixes[-1] if suffixes else ""


def find_column(header: Sequence[str], name: str, path: Path) -> int:
    """Index of column ``name``: exact match, else the one case-insensitive match."""
    if name in header:
        return list(header).index(name)
    folded = [i for i, h in enumerate(header) if h.strip().lower() == name.lower()]
    if len(folded) == 1:
        return folded[0]
    raise InputFileError(f"{path}: no column {name!r} (columns: {', '.join(header)})")


def read_csv_table(path: str | Path, smiles_column: str = "smiles", target_columns: Sequence[str] | None = None,
                   limit: int | None = None) -> tuple[list[str], np.ndarray | None]:
    """SMILES and float labels of a CSV file (``.csv`` or ``.csv.gz``).

    Args:
        path: the file; the first line is the header.
        smiles_column: SMILES column name (default ``"smiles"``; MOSES uses ``"SMILES"``).
        target_columns: label columns; ``None`` reads no labels.
        limit: read at most this many data rows (default: all).

    Returns:
        ``(smiles, labels)``: labels float32 [rows, len(target_columns)] with
        NaN for empty cells, or ``None`` without target columns.

    Raises:
        InputFileError: naming the file (and line) for missing columns,
            short rows or labels that are not numbers.
    """
    path = Path(path)
    smiles: list[str] = []
    labels: list[list[float]] = []
    with _open_text(path) as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            raise InputFileError(f"{path}: empty file")
        s_col = find_column(header, smiles_column, path)
        t_cols = [find_column(header, c, path) for c in (target_columns or [])]
        needed = max([s_col, *t_cols]) + 1
        for line_no, record in enumerate(reader, start=2):
            if limit is not None and len(smiles) >= limit:
                break
            if not record:
                continue
            if len(record) < needed:
                raise InputFileError(f"{path}:{line_no}: expected at least {needed} fields, got {len(record)}")
            smiles.append(record[s_col])
            if t_cols:
                labels.append([_number(record[c], path, line_no, header[c]) for c in t_cols])
    if target_columns is None:
        return smiles, None
    return smiles, np.array(labels, dtype=np.float32).reshape(len(smiles), len(t_cols))


def _number(text: str, path: Path, line_no: int, column: str) -> float:
    text = text.strip()
    if not text:
        return math.nan
    try:
        return float(text)
    except ValueError:
        raise InputFileError(f"{path}:{line_no}: column {column!r}: {text!r} is not a number") from None


def read_sdf_blocks(path: str | Path) -> list[MolBlock]:
    """Records of an SDF file (``.sdf``/``.sd``, optionally gzipped) as :class:`MolBlock` texts."""
    path = Path(path)
    blocks: list[MolBlock] = []
    lines: list[str] = []
    with _open_text(path) as handle:
        for line in handle:
            if line.startswith("$$$$"):
                title = lines[0].strip() if lines else ""
                name = f"{path} record {len(blocks)}" + (f" ({title})" if title else "")
                blocks.append(MolBlock("".join(lines), name))
                lines = []
            else:
                lines.append(line)
    if any(line.strip() for line in lines):
        blocks.append(MolBlock("".join(lines), f"{path} record {len(blocks)}"))
    return blocks


def read_smi(path: str | Path) -> list[str]:
    """First whitespace-separated token of every non-empty line of a SMILES file."""
    with _open_text(Path(path)) as handle:
        return [line.split()[0] for line in handle if line.strip()]


def read_inputs(path: Path, smiles_column: str = "smiles") -> list[str]:
    """Per-molecule inputs of a ``.csv``, ``.smi`` or ``.sdf`` file (each optionally ``.gz``)."""
    kind = _base_suffix(path)
    if kind == ".csv":
        return read_csv_table(path, smiles_column=smiles_column)[0]
    if kind in (".smi", ".smiles", ".txt"):
        return read_smi(path)
    if kind in (".sdf", ".sd"):
        return read_sdf_blocks(path)
    raise InputFileError(f"{path}: unknown molecule file type {kind!r} (expected .csv, .smi or .sdf, optionally .gz)")
