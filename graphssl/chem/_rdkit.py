"""RDKit access for :mod:`graphssl.chem`: lazy import and parsing with RDKit's reasons.

RDKit is imported only when a function here runs, so ``import graphssl.chem``
stays free of it. Parsing never silences RDKit's logger: each call captures
RDKit's error log for its own duration (``rdBase.CaptureErrorLog``) and quotes
the captured reason in the :class:`~graphssl.errors.InvalidGraphError` it
raises. Where that capture is unavailable (older RDKit releases) or yields
nothing, the reason is rebuilt from ``Chem.DetectChemistryProblems``.

SDF records are parsed under :class:`RecordLog`, which also catches what RDKit
writes to its *warning* log (where the mol-file parser reports why a record is
unreadable), wherever RDKit's logs go at the time: the C++ stream (file
descriptor 2), Python's ``sys.stderr`` (``LogToPythonStderr``/``WrapLogs``) or
the ``rdkit`` Python logger (``LogToPythonLogger``). RDKit's own settings are
never touched, and the messages of records that parse are passed on unchanged.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import re
import sys
import tempfile
from types import ModuleType
from typing import Any

from graphssl._optional import require
from graphssl.errors import InvalidGraphError

_TIMESTAMP = re.compile(r"^\[\d\d:\d\d:\d\d\]\s?")
# Stereo marks or hydrogen atoms ([H], [2H], [H+]; not [Hg], [nH]): only then do
# MolFromSmiles's stereo perception and hydrogen removal have anything to do.
_NEEDS_FULL_PARSE = re.compile(r"[@/\\]|\[\d*H(?![a-z])")
_SHORT_PARSE_PROBES = ("CC(=O)Oc1ccccc1C(=O)O", "O=[N+]([O-])c1ccc2[nH]ccc2c1", "CC=CC(C)=O.[Na+].[Cl-]",
                       "C1CC2CC1C2N", "[CH3]C(=O)[O]", "c1ccc2c(c1)-c1ccccc1-2", "O=S(=O)(N)c1cccs1")
_POSITION = re.compile(r"check for mistakes around position (\d+)")


_CHEM: ModuleType | None = None
_CAPTURE: Any = None
_SHORT_PARSE_OK: bool | None = None


def chem() -> ModuleType:
    """``rdkit.Chem``, or :class:`~graphssl.errors.MissingDependencyError` naming the ``chem`` extra."""
    global _CHEM
    if _CHEM is None:
        _CHEM = require("rdkit.Chem", extra="chem")
    return _CHEM


class _NoCapture(contextlib.AbstractContextManager):
    messages = ""

    def __exit__(self, *exc: Any) -> None:
        return None


def capture_errors() -> Any:
    """Context manager collecting RDKit's error log while it is open (its ``messages``, a str)."""
    global _CAPTURE
    if _CAPTURE is None:
        _CAPTURE = getattr(require("rdkit.rdBase", extra="chem"), "CaptureErrorLog", _NoCapture)
    return _CAPTURE()


def summarize_log(messages: str) -> str:
    """One line from RDKit's captured error log: the first message, plus the position hint."""
    lines = [_TIMESTAMP.sub("", line).strip() for line in messages.splitlines()]
    lines = [line for line in lines if line and line.strip("~^ ") and not line.startswith("****")]
    if not lines:
        return ""
    reason = lines[0].rstrip(":")
    position = next((m.group(1) for m in map(_POSITION.search, lines) if m), None)
    if position is not None and "position" not in reason:
        reason += f" (around position {position})"
    return reason


def _problems_reason(mol: Any) -> str:
    problems = chem().DetectChemistryProblems(mol)
    return "; ".join(p.Message() for p in problems)


def short_repr(value: Any, limit: int = 80) -> str:
    """``repr`` of an input, cut to ``limit`` characters for error messages."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _parse_and_sanitize(Chem: ModuleType, smiles: str) -> Any:
    mol = Chem.MolFromSmiles(smiles, sanitize=False)
    if mol is not None:
        try:
            Chem.SanitizeMol(mol)
        except (ValueError, RuntimeError):
            return None
    return mol


def _short_parse_ok() -> bool:
    """Whether parse + sanitize equals ``MolFromSmiles`` byte for byte on probes (checked once)."""
    global _SHORT_PARSE_OK
    if _SHORT_PARSE_OK is None:
        Chem = chem()
        _SHORT_PARSE_OK = all(Chem.MolFromSmiles(s).ToBinary() == _parse_and_sanitize(Chem, s).ToBinary()
                              for s in _SHORT_PARSE_PROBES)
    return _SHORT_PARSE_OK


def parse_smiles(smiles: str) -> Any:
    """Parse and sanitize ``smiles`` exactly like ``Chem.MolFromSmiles``; never an empty molecule.

    SMILES without stereo marks or hydrogen atoms skip ``MolFromSmiles``'s
    stereo perception and hydrogen removal, which have nothing to do there
    (about a third of the parse time); the result is byte-identical, as
    checked once per process on probe molecules and in the tests.

    Raises:
        InvalidGraphError: quoting the SMILES and RDKit's reason, for syntax
            errors, chemistry problems (valence, kekulization), empty input and
            non-strings.
    """
    if not isinstance(smiles, str):
        raise InvalidGraphError(f"expected a SMILES string or RDKit Mol, got {type(smiles).__name__}")
    if not smiles.strip():
        raise InvalidGraphError(f"invalid SMILES {smiles!r}: empty string")
    Chem = chem()
    with capture_errors() as captured:
        if _short_parse_ok() and not _NEEDS_FULL_PARSE.search(smiles):
            mol = _parse_and_sanitize(Chem, smiles)
        else:
            mol = Chem.MolFromSmiles(smiles)
    if mol is None:
        reason = summarize_log(captured.messages)
        if not reason:
            with capture_errors():
                raw = Chem.MolFromSmiles(smiles, sanitize=False)
            reason = "SMILES syntax error" if raw is None else _problems_reason(raw) or "RDKit gave no reason"
        raise InvalidGraphError(f"invalid SMILES {short_repr(smiles)}: {reason}")
    if mol.GetNumAtoms() == 0:
        raise InvalidGraphError(f"invalid SMILES {short_repr(smiles)}: no atoms")
    return mol


class _ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


_CAPTURE_FILE: tuple[int, int] | None = None


def _capture_file() -> int:
    """This process's scratch file for RDKit's C++ log (made once per process: forked workers get their own)."""
    global _CAPTURE_FILE
    if _CAPTURE_FILE is None or _CAPTURE_FILE[0] != os.getpid():
        handle = tempfile.TemporaryFile()
        _CAPTURE_FILE = (os.getpid(), os.dup(handle.fileno()))
        handle.close()
    return _CAPTURE_FILE[1]


class RecordLog(contextlib.AbstractContextManager):
    """Collect everything RDKit logs while open, from every place its logs can go (see module docstring).

    ``messages`` holds the text after exit. :meth:`replay` sends it on to
    where it was headed, for callers that only wanted it on failure. The
    capture is process-wide for its duration (one record's parse, about
    50 us), so what another thread writes to stderr in that window is held
    with it.
    """

    def __enter__(self) -> "RecordLog":
        sys.stderr.flush()
        self._fd_file = _capture_file()
        os.ftruncate(self._fd_file, 0)
        os.lseek(self._fd_file, 0, os.SEEK_SET)
        try:
            self._saved_fd: int | None = os.dup(2)
        except OSError:  # no stderr descriptor (a daemon): nothing to capture there
            self._saved_fd = None
        else:
            os.dup2(self._fd_file, 2)
        self._saved_stderr, sys.stderr = sys.stderr, io.StringIO()
        self._logger = logging.getLogger("rdkit")
        self._saved_handlers, self._saved_propagate = self._logger.handlers[:], self._logger.propagate
        self._handler = _ListHandler()
        self._logger.handlers, self._logger.propagate = [self._handler], False
        return self

    def __exit__(self, *exc: Any) -> None:
        python_text = sys.stderr.getvalue()
        sys.stderr = self._saved_stderr
        if self._saved_fd is not None:
            os.dup2(self._saved_fd, 2)
            os.close(self._saved_fd)
        self._logger.handlers, self._logger.propagate = self._saved_handlers, self._saved_propagate
        size = os.fstat(self._fd_file).st_size
        self._fd_text = os.pread(self._fd_file, size, 0).decode("utf-8", "replace") if size else ""
        self._python_text = python_text
        self.messages = "\n".join(part for part in (self._fd_text, python_text,
                                                    *(r.getMessage() for r in self._handler.records)) if part)
        return None

    def replay(self) -> None:
        """Send the collected messages where they would have gone without the capture."""
        if self._fd_text:
            os.write(2, self._fd_text.encode())
        if self._python_text:
            sys.stderr.write(self._python_text)
        for record in self._handler.records:
            self._logger.handle(record)


def parse_molblock(block: str, name: str) -> Any:
    """Parse one SDF record (sanitized, hydrogens removed, as ``SDMolSupplier`` does).

    RDKit's messages about the record (from its error and warning logs) become
    the reason of the error when it cannot be read; those of a record that
    parses are passed on as usual.

    Args:
        block: the record text up to (not including) ``$$$$``.
        name: how the record is named in errors (e.g. ``"file.sdf record 3"``).
    """
    Chem = chem()
    with RecordLog() as logged, capture_errors() as captured:
        mol = Chem.MolFromMolBlock(block, sanitize=True, removeHs=True)
    if mol is None:
        reason = summarize_log(captured.messages) or summarize_log(logged.messages) or "RDKit gave no reason"
        raise InvalidGraphError(f"invalid molecule in {name}: {reason}")
    logged.replay()
    if mol.GetNumAtoms() == 0:
        raise InvalidGraphError(f"invalid molecule in {name}: no atoms")
    return mol


def _ring_info_ready(mol: Any) -> bool:
    with capture_errors():
        try:
            mol.GetRingInfo().NumRings()
        except RuntimeError:
            return False
    return True


def ready_mol(mol: Any) -> Any:
    """A sanitized molecule to featurize: ``mol`` itself when already sanitized, else a sanitized copy.

    The caller's molecule is never modified.
    """
    Chem = chem()
    if mol.GetNumAtoms() == 0:
        raise InvalidGraphError("invalid molecule: no atoms")
    if not mol.NeedsUpdatePropertyCache() and _ring_info_ready(mol):
        return mol
    copy = Chem.Mol(mol)
    with capture_errors() as captured:
        try:
            Chem.SanitizeMol(copy)
        except (ValueError, RuntimeError) as exc:
            reason = summarize_log(captured.messages) or str(exc).splitlines()[0]
            smiles = Chem.MolToSmiles(mol) if mol.GetNumAtoms() < 200 else f"<{mol.GetNumAtoms()} atoms>"
            raise InvalidGraphError(f"invalid molecule {short_repr(smiles)}: {reason}") from None
    return copy
