"""Molecule file readers: short CSV rows, header detection in text files, row naming (no RDKit needed)."""

from __future__ import annotations

import gzip
import math

import pytest

from graphssl.chem.io import NoInput, read_csv_table, read_table, smiles_header
from graphssl.errors import InputFileError


def test_short_rows_keep_their_place(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("id,smiles,a,b\nm0,CCO,1,2\nm1\nm2,CN,3\n\nm3,CC,,4\n")
    table = read_csv_table(path, "smiles", ["a", "b"], id_column="id")
    assert table.inputs == ["CCO", "", "CN", "CC"] and table.items == ["row 0", "row 1", "row 2", "row 3"]
    assert isinstance(table.inputs[1], NoInput) and table.inputs[1].reason == "no SMILES cell (line 3 has 1 of 4 fields)"
    assert table.ids == ["m0", "m1", "m2", "m3"] and table.label_columns == ["a", "b"]
    expected = [[1, 2], [math.nan, math.nan], [3, math.nan], [math.nan, 4]]
    assert all((math.isnan(x) and math.isnan(y)) or x == y
               for row, want in zip(table.labels.tolist(), expected) for x, y in zip(row, want))


def test_non_numeric_label_and_missing_column_name_the_file(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("smiles,a\nCCO,x\n")
    with pytest.raises(InputFileError, match=r"m.csv:2: column 'a': 'x' is not a number"):
        read_csv_table(path, "smiles", ["a"])
    with pytest.raises(InputFileError, match=r"m.csv: no column 'name' \(columns: smiles, a\)"):
        read_csv_table(path, "smiles", id_column="name")


@pytest.mark.parametrize("line, expected", [
    ("id,smiles,label\n", (",", ["id", "smiles", "label"])),
    ("Canonical_SMILES\tactivity\n", ("\t", ["Canonical_SMILES", "activity"])),
    ("SMILES name\n", (" ", ["SMILES", "name"])),
    ("CCO ethanol\n", None),
    ("c1ccccc1 mol\n", None),  # a name in the second position is not a header
    ("CCO,1\n", None),
])
def test_smiles_header(line, expected):
    assert smiles_header(line) == expected


def test_text_file_with_csv_header_is_read_as_csv(tmp_path):
    path = tmp_path / "m.txt"
    path.write_text("name,SMILES,y\na,CCO,1\nb,CN,0\n")
    table = read_table(path, label_columns=["y"], id_column="name")
    assert table.inputs == ["CCO", "CN"] and table.ids == ["a", "b"] and table.labels.tolist() == [[1.0], [0.0]]
    assert read_table(path, file_format="smi").inputs == ["name,SMILES,y", "a,CCO,1", "b,CN,0"]


def test_smiles_file_lines_and_space_header(tmp_path):
    path = tmp_path / "m.smi.gz"
    with gzip.open(path, "wt") as handle:
        handle.write("smiles name\nCCO ethanol\n\nCN methylamine\n")
    table = read_table(path)
    assert table.inputs == ["CCO", "CN"] and table.items == ["line 2", "line 4"]
    with pytest.raises(InputFileError, match="label and id columns need a CSV file with a header"):
        read_table(path, id_column="name")


def test_unknown_suffix_and_format(tmp_path):
    with pytest.raises(InputFileError, match="unknown molecule file type '.xyz'"):
        read_table(tmp_path / "m.xyz")
    with pytest.raises(InputFileError, match="unknown format 'xlsx'"):
        read_table(tmp_path / "m.csv", file_format="xlsx")
