"""One way for every dataset and batch job to report the items it could not use.

A dataset that skips items (unreadable SMILES rows, STEP files that fail,
graphs a transform cannot handle) keeps them in a ``rejects`` attribute: a
list of :class:`Reject` ``(source, item, reason)``. Nothing is dropped
silently: :func:`report_rejects` prints one count line on stderr and writes
every reject, with its reason, to ``rejects.csv`` in the run folder.

Example::

    rejects = [Reject("mols.csv", "row 3", "SMILES 'C1CC' could not be parsed: unclosed ring")]
    report_rejects(rejects, total=10, what="molecule_csv", out_dir="runs/x")
    # stderr: graphssl: molecule_csv: 1 of 10 items rejected; reasons in runs/x/rejects.csv
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Iterable, NamedTuple, TextIO

REJECTS_FILE = "rejects.csv"
#: Reasons quoted on stderr before "see the rejects file".
REJECTS_SHOWN = 3


class Reject(NamedTuple):
    """One item a dataset or batch job could not use.

    Args:
        source: the file (or dataset) it came from.
        item: where in the source: ``"row 12"``, ``"record 3"``, a model id, a graph index.
        reason: why, in one line.
    """

    source: str
    item: str
    reason: str


def rejects_of(dataset) -> list[Reject]:
    """The dataset's ``rejects`` as :class:`Reject` rows (empty when it has none)."""
    found = getattr(dataset, "rejects", None) or []
    return [r if isinstance(r, Reject) else Reject(*map(str, r)) for r in found]


def write_rejects(rejects: Iterable[Reject], path: str | Path) -> Path:
    """Write ``source,item,reason`` rows (with a header) to ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(Reject._fields)
        writer.writerows(rejects)
    return path


def report_rejects(rejects: Iterable[Reject], *, total: int, what: str, out_dir: str | Path | None = None,
                   stream: TextIO | None = None) -> Path | None:
    """Print ``graphssl: WHAT: K of TOTAL items rejected`` and write ``rejects.csv`` under ``out_dir``.

    Returns the rejects file, or ``None`` when nothing was rejected (nothing is
    printed then). Without ``out_dir`` the first reasons are printed instead.
    """
    rejects = list(rejects)
    if not rejects:
        return None
    stream = stream if stream is not None else sys.stderr
    line = f"graphssl: {what}: {len(rejects)} of {total} items rejected"
    path = None
    if out_dir is not None:
        path = write_rejects(rejects, Path(out_dir) / REJECTS_FILE)
        line += f"; reasons in {path}"
    else:
        shown = "; ".join(f"{r.source} {r.item}: {r.reason}" for r in rejects[:REJECTS_SHOWN])
        more = f" (and {len(rejects) - REJECTS_SHOWN} more)" if len(rejects) > REJECTS_SHOWN else ""
        line += f": {shown}{more}"
    print(line, file=stream)
    return path
