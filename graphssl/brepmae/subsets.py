"""Fixed, seeded label fractions of a training split, written to files so every run reads the same parts.

For seed ``s`` the training part ids are permuted once with
``numpy.random.default_rng(s)``; fraction ``p`` keeps the first
``max(1, round(p * n))`` of that order, so for one seed the 1% subset lies in
the 5% subset, which lies in the 10% one. Label-efficiency tables (BRepMAE,
Yao et al., arXiv 2602.22701) compare methods on exactly these files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from graphssl.config import check_range


def subset_size(num_parts: int, fraction: float) -> int:
    """Parts kept at ``fraction`` of ``num_parts``: ``max(1, round(fraction * num_parts))``."""
    return max(1, int(round(fraction * num_parts)))


def label_subset(part_ids: Sequence[str], fraction: float, seed: int) -> list[str]:
    """The ids of the ``fraction`` subset for ``seed`` (in permutation order)."""
    check_range("fraction", fraction, low=0.0, high=1.0, low_inclusive=False)
    order = np.random.default_rng(int(seed)).permutation(len(part_ids))
    return [part_ids[i] for i in order[:subset_size(len(part_ids), fraction)]]


def subset_path(directory: str | Path, fraction: float, seed: int) -> Path:
    """``DIR/train_<percent>pct_seed<seed>.txt`` (percent without trailing zeros: ``1``, ``2.5``, ``100``)."""
    return Path(directory) / f"train_{100 * fraction:g}pct_seed{seed}.txt"


def write_subsets(part_ids: Sequence[str], fractions: Sequence[float], seeds: Sequence[int],
                  directory: str | Path) -> dict[tuple[float, int], Path]:
    """Write one id file per (fraction, seed); an existing file with other ids raises (subsets are fixed)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = {}
    for seed in seeds:
        for fraction in fractions:
            path = subset_path(directory, fraction, seed)
            ids = label_subset(part_ids, fraction, seed)
            if path.is_file() and read_subset(path) != ids:
                raise ValueError(f"{path}: holds another subset than fraction {fraction} of these {len(part_ids)} "
                                 "parts with this seed; subsets are fixed, use a new folder")
            path.write_text("".join(f"{i}\n" for i in ids))
            written[(fraction, seed)] = path
    return written


def read_subset(path: str | Path) -> list[str]:
    """The ids of a subset file, one a line."""
    return [line.strip() for line in Path(path).read_text().splitlines() if line.strip()]
