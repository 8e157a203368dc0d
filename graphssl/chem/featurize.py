"""Molecules to PyG graphs: :func:`mol_to_graph` for one, :func:`mols_to_graphs` for many.

The default ``features="ogb"`` gives exactly ``ogb.utils.smiles2graph``'s
``x``, ``edge_index`` and ``edge_attr`` (same values, atom order and edge
order) about twice as fast, by reading RDKit's binary pickle vectorized
(:mod:`graphssl.chem._pickle`) instead of calling RDKit once per atom and bond.

Invalid input never becomes an empty graph: a single call raises
:class:`~graphssl.errors.InvalidGraphError` (a ``ValueError``) quoting the
input and RDKit's reason; a batch call returns a reject record instead.

Example::

    >>> graph = mol_to_graph("CC(=O)O", fragments=True)
    >>> graph.x.shape, graph.edge_index.shape, graph.frag_x.shape
    (torch.Size([4, 9]), torch.Size([2, 6]), torch.Size([4, 4]))
"""

from __future__ import annotations

import contextlib
import gc
import math
import os
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

import numpy as np

from graphssl.chem._pickle import decoder
from graphssl.chem._rdkit import chem, parse_molblock, parse_smiles, ready_mol
from graphssl.chem.chunk import ROWS, GraphChunk, add_fragments, add_graph_structure, pointer, to_data_list
from graphssl.chem.data import MolData
from graphssl.chem.features import check_features, encoders, needs_degree
from graphssl.chem.fragments import brics_bonds, check_method
from graphssl.chem.io import MolBlock, NoInput, find_column, read_table
from graphssl.chem.parallel import run_ordered
from graphssl.errors import ConfigError, InvalidGraphError

SALT_MODES = ("keep", "largest")
ON_ERROR = ("reject", "none", "raise")
CHUNK_SIZE = 512
#: Suffixes that make a string input a file path (a SMILES such as ``"CC.Cl"`` has a "suffix" too).
FILE_SUFFIXES = (".csv", ".gz", ".smi", ".smiles", ".txt", ".sdf", ".sd")


@dataclass(frozen=True)
class FeaturizerOptions:
    """Everything that changes a featurized graph (its ``repr`` goes into cache keys).

    Args:
        features: ``"ogb"`` (default) or ``"hu"`` (:mod:`graphssl.chem.features`).
        explicit_hs: add hydrogens as nodes (``Chem.AddHs``) (default ``False``).
        salts: ``"keep"`` every component (default) or keep the ``"largest"``
            (most heavy atoms, then most atoms, then first). Recorded on each
            graph as ``salts`` (str) and ``num_removed_components`` (int).
        fragments: ``False`` (default), ``True`` (= ``"ring_systems"``),
            ``"rings"`` or ``"brics"`` (:mod:`graphssl.chem.fragments`).
        descriptors: add continuous ``x_desc`` [A, 5] (default ``False``).
    """

    features: str = "ogb"
    explicit_hs: bool = False
    salts: str = "keep"
    fragments: str | None = None
    descriptors: bool = False

    @classmethod
    def create(cls, features: str = "ogb", **options: Any) -> "FeaturizerOptions":
        valid = ("explicit_hs", "salts", "fragments", "descriptors")
        unknown = sorted(set(options) - set(valid))
        if unknown:
            raise ConfigError(f"unknown featurizer option(s) {unknown}; valid options: {list(valid)}")
        salts = options.get("salts", "keep")
        if salts not in SALT_MODES:
            raise ConfigError(f"salts must be one of {list(SALT_MODES)}, got {salts!r}")
        return cls(features=check_features(features), explicit_hs=bool(options.get("explicit_hs", False)),
                   salts=salts, fragments=check_method(options.get("fragments")),
                   descriptors=bool(options.get("descriptors", False)))


def _largest_component(mol: Any) -> tuple[Any, int]:
    parts = chem().GetMolFrags(mol, asMols=True)
    if len(parts) == 1:
        return mol, 0
    best = max(range(len(parts)), key=lambda i: (parts[i].GetNumHeavyAtoms(), parts[i].GetNumAtoms(), -i))
    return parts[best], len(parts) - 1


def prepare(item: Any, options: FeaturizerOptions) -> tuple[Any, int]:
    """Parse or check one input and apply the salt and hydrogen options.

    Returns ``(mol, num_removed_components)``; raises InvalidGraphError.
    """
    if isinstance(item, NoInput):
        raise InvalidGraphError(item.reason)
    if isinstance(item, MolBlock):
        mol = parse_molblock(item, item.name)
    elif isinstance(item, str):
        mol = parse_smiles(item)
    elif hasattr(item, "GetNumAtoms") and hasattr(item, "ToBinary"):
        mol = ready_mol(item)
    else:
        raise InvalidGraphError(f"expected a SMILES string or RDKit Mol, got {type(item).__name__}")
    removed = 0
    if options.salts == "largest":
        mol, removed = _largest_component(mol)
    if options.explicit_hs:
        mol = chem().AddHs(mol)
    return mol, removed


def featurize_chunk(items: Sequence[tuple[int, Any]], options: FeaturizerOptions) -> GraphChunk:
    """Featurize ``(row, input)`` pairs; failures become rejects ``(row, input, reason)``."""
    mols, rows, removed = [], [], []
    chunk = GraphChunk(rows=rows)
    for row, item in items:
        try:
            mol, n_removed = prepare(item, options)
        except (ValueError, RuntimeError) as exc:  # InvalidGraphError, or RDKit failing on a Mol input
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            chunk.rejects.append((row, item.name if isinstance(item, MolBlock) else item, reason))
            continue
        mols.append(mol)
        rows.append(row)
        removed.append(n_removed)
    raw = decoder().decode(mols)
    atom_encoder, bond_encoder = encoders(options.features)
    atom_values = raw.atoms
    if needs_degree(options.features):
        atom_values = np.concatenate([atom_values, raw.degree()[:, None]], axis=1)
    add_graph_structure(chunk, raw, atom_encoder(atom_values), bond_encoder(raw.bonds))
    if options.descriptors:
        from graphssl.chem.descriptors import atom_descriptors

        ptr = pointer(raw.num_atoms)
        atomic_num = raw.atom("atomic_num")
        desc = [atom_descriptors(m, atomic_num[ptr[i]:ptr[i + 1]]) for i, m in enumerate(mols)]
        chunk.arrays["x_desc"] = (np.concatenate(desc) if desc else np.zeros((0, 5), np.float32), ptr, ROWS)
    if options.fragments is not None:
        cuts = [brics_bonds(m) for m in mols] if options.fragments == "brics" else []
        add_fragments(chunk, raw, options.fragments, cuts)
    if options.salts != "keep":
        chunk.per_graph["num_removed_components"] = removed
    chunk.constants["salts"] = options.salts
    return chunk


def mol_to_graph(smiles_or_mol: Any, features: str = "ogb", **options: Any) -> MolData:
    """Featurize one molecule (SMILES string or RDKit ``Mol``).

    Args:
        smiles_or_mol: the molecule; a ``Mol`` is used as is when sanitized,
            else a sanitized copy is featurized (the caller's is not modified).
        features: ``"ogb"`` (default) or ``"hu"``.
        **options: ``explicit_hs``, ``salts``, ``fragments``, ``descriptors``
            (see :class:`FeaturizerOptions`).

    Raises:
        InvalidGraphError: (a ``ValueError``) quoting the input and RDKit's reason.
    """
    chunk = featurize_chunk([(0, smiles_or_mol)], FeaturizerOptions.create(features, **options))
    if chunk.rejects:
        raise InvalidGraphError(chunk.rejects[0][2])
    return to_data_list(chunk)[0]


def _chunks(inputs: Sequence[Any], size: int) -> list[list[tuple[int, Any]]]:
    return [list(zip(range(s, min(s + size, len(inputs))), inputs[s : s + size])) for s in range(0, len(inputs), size)]


def iter_chunks(items: Sequence[Any], options: FeaturizerOptions, n_jobs: int = 1,
                chunk_size: int | None = None, then: Callable[[GraphChunk], Any] | None = None) -> Iterator[Any]:
    """Featurized :class:`~graphssl.chem.chunk.GraphChunk` s of ``items``, in order (rows = indices into ``items``).

    Args:
        then: applied to each chunk in the process that featurized it, and its
            result yielded instead of the chunk (a model's forward, say, so the
            workers run it too and only its output travels between processes).
            With ``n_jobs > 1`` it must be picklable where processes cannot fork.
    """
    n_jobs = (os.cpu_count() or 1) if n_jobs == -1 else int(n_jobs)
    if n_jobs < 1:
        raise ConfigError(f"n_jobs must be a positive number of processes or -1, got {n_jobs}")
    if chunk_size is None:
        # With workers, about 32 chunks per process keep the wait for the last one short.
        chunk_size = max(64, min(CHUNK_SIZE, math.ceil(len(items) / (32 * n_jobs)))) if n_jobs > 1 else CHUNK_SIZE
    chunks = _chunks(items, chunk_size)
    work = partial(featurize_chunk, options=options) if then is None else partial(_featurized_then, options=options, then=then)
    if n_jobs == 1 or len(chunks) <= 1:
        return (work(chunk) for chunk in chunks)
    # Self-checks run once here, so workers inherit (fork) or need not repeat them.
    decoder()
    parse_smiles("C")
    return run_ordered(chunks, work, min(n_jobs, len(chunks)))


def _featurized_then(items: Sequence[tuple[int, Any]], options: FeaturizerOptions, then: Callable[[GraphChunk], Any]) -> Any:
    return then(featurize_chunk(items, options))


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while many small graph objects are built.

    Each graph holds a few GC-tracked containers, so building 10^4 of them
    triggers full collections that rescan every object of torch and RDKit
    (about 0.15 s each here). Graphs hold no reference cycles, so nothing
    accumulates while paused; the previous state is restored.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def molecule_inputs(inputs: Any, smiles_column: str = "smiles", file_format: str | None = None) -> list[Any]:
    """The per-molecule inputs of whatever :func:`mols_to_graphs` accepts, as a list (one per row).

    A pandas ``DataFrame`` gives its ``smiles_column`` (matched as in CSV
    files), a ``Series`` its values, in row order; a missing cell (``None``,
    NaN) is kept as a :class:`~graphssl.chem.io.NoInput` so that it becomes a
    reject of its row. pandas is never imported: frames are recognised by
    their ``columns`` and ``iloc``.

    Raises:
        TypeError: naming ``inputs`` for a single molecule, a mapping or a
            non-iterable.
        InputFileError: for a DataFrame without ``smiles_column``, listing its columns.
    """
    if _is_file_input(inputs):
        return read_table(Path(inputs), smiles_column, file_format).inputs
    if isinstance(inputs, str):
        raise TypeError(f"inputs: expected a list of molecules or a file path, got the string {inputs!r} "
                        "(for one molecule use mol_to_graph, or pass a list)")
    if hasattr(inputs, "columns") and hasattr(inputs, "iloc"):
        columns = [str(c) for c in inputs.columns]
        column = inputs.columns[find_column(columns, smiles_column, "inputs: DataFrame")]
        values = inputs[column].tolist()
    elif hasattr(inputs, "iloc") and hasattr(inputs, "tolist"):
        values = inputs.tolist()
    elif isinstance(inputs, dict) or hasattr(inputs, "GetNumAtoms") or not isinstance(inputs, Iterable):
        raise TypeError(f"inputs: expected SMILES strings or RDKit Mols (list, tuple, generator, pandas "
                        f"Series or DataFrame) or a file path, got {type(inputs).__name__}")
    else:
        return list(inputs)
    return [NoInput("no SMILES (missing value)") if _is_missing(v) else v for v in values]


def _is_missing(value: Any) -> bool:
    """``None``, NaN or pandas' ``NA``/``NaT`` (recognised by type name: pandas stays unimported)."""
    return value is None or (isinstance(value, float) and math.isnan(value)) or \
        type(value).__name__ in ("NAType", "NaTType")


def mols_to_graphs(inputs: Iterable[Any] | str | os.PathLike, n_jobs: int = 1, on_error: str = "reject", *,
                   smiles_column: str = "smiles", chunk_size: int | None = None, file_format: str | None = None,
                   features: str = "ogb", **options: Any) -> tuple[list[MolData | None], list[tuple[int, Any, str]]]:
    """Featurize many molecules, in input order, optionally in ``n_jobs`` processes.

    Args:
        inputs: SMILES strings and/or RDKit ``Mol`` objects (a list, tuple,
            generator or pandas ``Series``), a pandas ``DataFrame`` (column
            ``smiles_column``), or a path to a ``.csv``/``.csv.gz`` (column
            ``smiles_column``), ``.smi``/``.txt`` or ``.sdf``/``.sdf.gz`` file
            (see :mod:`graphssl.chem.io`).
        n_jobs: processes featurizing, this one included (default 1; -1 = one per core).
        on_error: ``"reject"`` (default): failed inputs are left out of the
            graph list and reported in ``rejects``; ``"none"``: the graph list
            keeps one entry per input, ``None`` where it failed; ``"raise"``:
            raise :class:`~graphssl.errors.InvalidGraphError` for the first
            failing input (lowest row), naming its row.
        smiles_column: SMILES column of a CSV input (matched case-insensitively
            when no exact match; default ``"smiles"``).
        chunk_size: molecules per work unit (default 512; with ``n_jobs > 1``
            about 32 units per process, at least 64 molecules each).
        file_format: ``"csv"``, ``"smi"`` or ``"sdf"`` for a file input
            (default ``None``: from the suffix, with header detection for text files).
        features, **options: as :func:`mol_to_graph`.

    Returns:
        ``(graphs, rejects)``; each reject is ``(row, input, reason)`` with the
        0-based input index (CSV data row, SDF record); for SDF input the
        record's title stands in for the input.
    """
    opts = FeaturizerOptions.create(features, **options)
    if on_error not in ON_ERROR:
        raise ConfigError(f"on_error must be one of {list(ON_ERROR)}, got {on_error!r}")
    table = read_table(Path(inputs), smiles_column, file_format) if _is_file_input(inputs) else None
    items = table.inputs if table is not None else molecule_inputs(inputs, smiles_column)
    chunks = iter_chunks(items, opts, n_jobs, chunk_size)
    graphs: list[MolData | None] = []
    rejects: list[tuple[int, Any, str]] = []
    where = (lambda row: f"{table.source} {table.items[row]}") if table is not None else (lambda row: f"input row {row}")
    with _gc_paused(), contextlib.closing(chunks):
        _collect(chunks, on_error, graphs, rejects, where)
    return graphs, rejects


def _is_file_input(inputs: Any) -> bool:
    """A path object, or a string naming an existing file or ending in a molecule file suffix (not a SMILES)."""
    if isinstance(inputs, os.PathLike):
        return True
    return isinstance(inputs, str) and (Path(inputs).suffix.lower() in FILE_SUFFIXES or Path(inputs).is_file())


def _collect(chunks: Iterable[GraphChunk], on_error: str, graphs: list, rejects: list, where) -> None:
    for chunk in chunks:
        if chunk.rejects and on_error == "raise":
            row, _, reason = chunk.rejects[0]
            raise InvalidGraphError(f"{where(row)}: {reason}")
        rejects.extend(chunk.rejects)
        if on_error == "none" and chunk.rejects:
            made = iter(to_data_list(chunk))
            failed = {r[0] for r in chunk.rejects}
            start = min(chunk.rows + [r[0] for r in chunk.rejects])
            count = len(chunk.rows) + len(chunk.rejects)
            graphs.extend(None if row in failed else next(made) for row in range(start, start + count))
        else:
            graphs.extend(to_data_list(chunk))
