"""Reading molecule files: CSV (optionally gzipped), SMILES lists and SDF, without RDKit.

Files are only split into per-molecule inputs here (SMILES strings, or SDF
record text as :class:`MolBlock`); parsing happens in the featurizer, so it
runs in the worker processes and failures become per-row rejects. A row that
cannot even give an input (a CSV row too short to hold its SMILES cell) keeps
its place as a :class:`NoInput` carrying the reason, so row ``i`` of a file is
always input ``i`` and its reject names the row.

Every reader returns a :class:`MoleculeTable`; ``items[i]`` names input ``i``
in rejects: ``"row N"`` (CSV data row N, counting from 0), ``"line L"`` (SMILES
file line L, counting from 1) or ``"record N"`` (SDF record N, from 0).
"""

from __future__ import annotations

import csv
import gzip
import io
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Sequence

import numpy as np

from graphssl.errors import InputFileError

FORMATS = ("csv", "smi", "sdf")
#: Header names taken for a SMILES column when a text file's first line is checked for a header.
_SMILES_HEADER = re.compile(r"^(.*smiles.*|smi|mol|molecule|structure)$", re.IGNORECASE)


class MolBlock(str):
    """Text of one SDF record; ``name`` says where it came from (used in errors and rejects)."""

    name: str

    def __new__(cls, text: str, name: str) -> "MolBlock":
        block = super().__new__(cls, text)
        block.name = name
        return block

    def __reduce__(self):
        return (MolBlock, (str(self), self.name))


class NoInput(str):
    """Placeholder for a row that holds no molecule; ``reason`` becomes its reject reason."""

    reason: str

    def __new__(cls, reason: str) -> "NoInput":
        placeholder = super().__new__(cls, "")
        placeholder.reason = reason
        return placeholder

    def __reduce__(self):
        return (NoInput, (self.reason,))


@dataclass
class MoleculeTable:
    """Per-row molecule inputs of one file, with the label and id columns asked for.

    Args:
        source: the file, as named in rejects.
        inputs: one input per row (SMILES, :class:`MolBlock` or :class:`NoInput`).
        items: how each row is named in rejects (``"row 3"``, ``"line 4"``, ``"record 2"``).
        labels: float32 [rows, T], NaN where a cell is empty or missing (``None`` without label columns).
        label_columns: names of the label columns (default ``[]``).
        ids: the id column's cell of each row (``None`` without an id column).
    """

    source: str
    inputs: list[Any]
    items: list[str]
    labels: np.ndarray | None = None
    label_columns: Sequence[str] = ()
    ids: list[str] | None = None

    def __len__(self) -> int:
        return len(self.inputs)


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


def find_column(header: Sequence[str], name: str, path: Path | str) -> int:
    """Index of column ``name``: exact match, else the one case-insensitive match."""
    if name in header:
        return list(header).index(name)
    folded = [i for i, h in enumerate(header) if h.strip().lower() == name.lower()]
    if len(folded) == 1:
        return folded[0]
    raise InputFileError(f"{path}: no column {name!r} (columns: {', '.join(header)})")


def read_csv_table(path: str | Path, smiles_column: str = "smiles", label_columns: Sequence[str] | None = None,
                   limit: int | None = None, *, id_column: str | None = None, delimiter: str = ",") -> MoleculeTable:
    """SMILES, float labels and ids of a CSV file (``.csv`` or ``.csv.gz``), one input per data row.

    Args:
        path: the file; the first line is the header.
        smiles_column: SMILES column name (default ``"smiles"``; MOSES uses ``"SMILES"``).
        label_columns: label columns; ``None`` (default) reads no labels.
        limit: read at most this many data rows (default: all).
        id_column: column kept as each row's id (default ``None``).
        delimiter: field separator (default ``","``).

    A row too short to hold its SMILES cell becomes a :class:`NoInput`
    (rejected later, with its line); a missing or empty label cell is NaN and
    a missing id cell ``""``. Blank lines are skipped and are not rows.

    Raises:
        InputFileError: naming the file (and line) for missing columns and
            labels that are not numbers.
    """
    path = Path(path)
    inputs: list[Any] = []
    labels: list[list[float]] = []
    ids: list[str] = []
    with _open_text(path) as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        header = next(reader, None)
        if header is None:
            raise InputFileError(f"{path}: empty file")
        s_col = find_column(header, smiles_column, path)
        t_cols = [find_column(header, c, path) for c in (label_columns or [])]
        i_col = None if id_column is None else find_column(header, id_column, path)
        for record in reader:
            if limit is not None and len(inputs) >= limit:
                break
            if not record:
                continue
            line_no = reader.line_num
            if len(record) <= s_col:
                inputs.append(NoInput(f"no SMILES cell (line {line_no} has {len(record)} of {len(header)} fields)"))
            else:
                inputs.append(record[s_col])
            if t_cols:
                labels.append([_number(record[c], path, line_no, header[c]) if c < len(record) else math.nan
                               for c in t_cols])
            if i_col is not None:
                ids.append(record[i_col] if i_col < len(record) else "")
    table = MoleculeTable(str(path), inputs, [f"row {r}" for r in range(len(inputs))],
                          label_columns=[header[c] for c in t_cols], ids=ids if i_col is not None else None)
    if label_columns is not None:
        table.labels = np.array(labels, dtype=np.float32).reshape(len(inputs), len(t_cols))
    return table


def _number(text: str, path: Path, line_no: int, column: str) -> float:
    text = text.strip()
    if not text:
        return math.nan
    try:
        return float(text)
    except ValueError:
        raise InputFileError(f"{path}:{line_no}: column {column!r}: {text!r} is not a number") from None


def read_sdf_blocks(path: str | Path) -> MoleculeTable:
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
    return MoleculeTable(str(path), blocks, [f"record {r}" for r in range(len(blocks))])


def smiles_header(line: str) -> tuple[str, list[str]] | None:
    """``(delimiter, fields)`` when ``line`` is a header naming a SMILES-like column, else ``None``.

    SMILES contain no commas, tabs or spaces, and no header word such as
    ``smiles`` or ``mol`` is a valid SMILES, so a first line whose fields
    include such a name is a header, never a molecule.
    """
    text = line.strip()
    for delimiter in (",", "\t", ";", None):
        if delimiter is not None and delimiter not in text:
            continue
        fields = [f.strip().strip('"') for f in (text.split(delimiter) if delimiter else text.split())]
        # With spaces only the first field is in the SMILES position; later ones are free-text names.
        if any(_SMILES_HEADER.match(f) for f in (fields if delimiter else fields[:1])):
            return (delimiter or " "), fields
    return None


def read_smi(path: str | Path, smiles_column: str = "smiles", detect_header: bool = True, *,
             label_columns: Sequence[str] | None = None, id_column: str | None = None) -> MoleculeTable:
    """SMILES of a text file: the first whitespace-separated token of every non-empty line.

    Args:
        path: the file.
        smiles_column: column to read when the file turns out to be a CSV (default ``"smiles"``).
        detect_header: recognise a header first line (default ``True``, see
            :func:`smiles_header`): with commas, tabs or semicolons the file is
            read as CSV (column ``smiles_column``, else the header's
            SMILES-like column); with spaces the header line is skipped.
        label_columns, id_column: as :func:`read_csv_table`, for a file read as CSV.
    """
    path = Path(path)
    with _open_text(path) as handle:
        first = handle.readline()
    header = smiles_header(first) if first and detect_header else None
    if header is not None and header[0] != " ":
        delimiter, fields = header
        folded = [f.lower() for f in fields]
        column = smiles_column if smiles_column.lower() in folded else \
            next(f for f in fields if _SMILES_HEADER.match(f))
        return read_csv_table(path, column, label_columns, delimiter=delimiter, id_column=id_column)
    if label_columns or id_column:
        raise InputFileError(f"{path}: label and id columns need a CSV file with a header (this is read as a "
                             "SMILES list; name the format with --format csv)")
    inputs, items = [], []
    with _open_text(path) as handle:
        for line_no, line in enumerate(handle, start=1):
            if line.strip() and not (line_no == 1 and header is not None):
                inputs.append(line.split()[0])
                items.append(f"line {line_no}")
    return MoleculeTable(str(path), inputs, items)


def detect_format(path: Path) -> str:
    """``"csv"``, ``"smi"`` or ``"sdf"`` from the suffix (``.gz`` ignored)."""
    kind = _base_suffix(path)
    if kind in (".csv",):
        return "csv"
    if kind in (".smi", ".smiles", ".txt"):
        return "smi"
    if kind in (".sdf", ".sd"):
        return "sdf"
    raise InputFileError(f"{path}: unknown molecule file type {kind!r} (expected .csv, .smi, .txt or .sdf, "
                         "optionally .gz; or name the format)")


def read_table(path: str | Path, smiles_column: str = "smiles", file_format: str | None = None, *,
               label_columns: Sequence[str] | None = None, id_column: str | None = None) -> MoleculeTable:
    """Per-row molecule inputs of a ``.csv``, ``.smi``/``.txt`` or ``.sdf`` file (each optionally ``.gz``).

    Args:
        path: the file.
        smiles_column: SMILES column of a CSV (default ``"smiles"``).
        file_format: ``"csv"``, ``"smi"`` or ``"sdf"`` (default ``None``: from the suffix).
        label_columns, id_column: CSV columns kept as labels / ids (CSV only).
    """
    path = Path(path)
    if file_format is not None and file_format not in FORMATS:
        raise InputFileError(f"{path}: unknown format {file_format!r} (expected one of {', '.join(FORMATS)})")
    kind = file_format or detect_format(path)
    if kind == "csv":
        return read_csv_table(path, smiles_column, label_columns, id_column=id_column)
    if kind == "smi":
        # A format named by the user is taken as said: no header guessing.
        return read_smi(path, smiles_column, detect_header=file_format is None, label_columns=label_columns,
                        id_column=id_column)
    if label_columns or id_column:
        raise InputFileError(f"{path}: label and id columns need a CSV file (this is read as SDF)")
    return read_sdf_blocks(path)
