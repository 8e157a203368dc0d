"""Dataset splits: random, a fixed number of labels per class, k-fold from index files, and (random-)scaffold splits.

The scaffold split is the deterministic one of Hu et al., "Strategies for
Pre-training Graph Neural Networks" (ICLR 2020): molecules are grouped by
scaffold, groups are sorted by size (largest first, ties broken by the
smallest index in the group) and filled greedily into train, then valid, then
test. This module only groups strings; computing Murcko scaffolds with RDKit
lives in :mod:`graphssl.chem`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np

from graphssl.errors import InputFileError


@dataclass(frozen=True)
class Split:
    """Index arrays of one split; every index appears in exactly one part.

    Unpacks in that order: ``train, valid, test = split``.
    """

    train: np.ndarray
    valid: np.ndarray
    test: np.ndarray

    def __iter__(self) -> Iterator[np.ndarray]:
        return iter((self.train, self.valid, self.test))

    def as_dict(self) -> dict[str, list[int]]:
        return {"train": self.train.tolist(), "valid": self.valid.tolist(), "test": self.test.tolist()}


def _check_fractions(fractions: Sequence[float]) -> tuple[float, float, float]:
    if len(fractions) != 3 or any(f < 0 for f in fractions) or abs(sum(fractions) - 1.0) > 1e-6:
        raise ValueError(f"split fractions must be three non-negative numbers summing to 1, got {tuple(fractions)}")
    return float(fractions[0]), float(fractions[1]), float(fractions[2])


def random_split(num_items: int, fractions: Sequence[float] = (0.8, 0.1, 0.1), seed: int = 0) -> Split:
    """Shuffle ``range(num_items)`` with ``seed`` and cut it by ``fractions``."""
    f_train, f_valid, _ = _check_fractions(fractions)
    order = np.random.default_rng(seed).permutation(num_items)
    n_train = int(round(f_train * num_items))
    n_valid = int(round(f_valid * num_items))
    return Split(
        train=np.sort(order[:n_train]),
        valid=np.sort(order[n_train : n_train + n_valid]),
        test=np.sort(order[n_train + n_valid :]),
    )


def per_class_split(labels: Sequence[int], per_class: int, valid_fraction: float = 0.1, seed: int = 0) -> Split:
    """``per_class`` training items of every class; of the rest, ``valid_fraction`` valid and the others test.

    The few-label protocol of the Planetoid benchmarks (20 labelled nodes per
    class; Yang, Cohen and Salakhutdinov, ICML 2016), for any labels. Items
    are drawn with ``seed``.

    Args:
        labels: one class index ``>= 0`` per item.
        per_class: training items per class (every class needs more than that).
        valid_fraction: share of the remaining items that goes to valid (default ``0.1``).
        seed: seeds the draw (default ``0``).
    """
    labels = np.asarray(labels, dtype=np.int64).reshape(-1)
    if per_class < 1:
        raise ValueError(f"per_class must be >= 1, got {per_class}")
    if not 0.0 <= valid_fraction < 1.0:
        raise ValueError(f"valid_fraction must be in [0, 1), got {valid_fraction}")
    if labels.size and labels.min() < 0:
        raise ValueError(f"labels must be class indices >= 0; item {int(np.argmin(labels))} has {int(labels.min())}")
    rng = np.random.default_rng(seed)
    train = []
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        if members.size <= per_class:
            raise ValueError(f"class {int(label)} has {members.size} items; per_class={per_class} leaves none to test")
        train.append(rng.choice(members, per_class, replace=False))
    train = np.sort(np.concatenate(train)) if train else np.zeros(0, dtype=np.int64)
    rest = rng.permutation(np.setdiff1d(np.arange(labels.size), train))
    n_valid = int(round(valid_fraction * rest.size))
    return Split(train, np.sort(rest[:n_valid]), np.sort(rest[n_valid:]))


def _group_by_key(keys: Sequence[str]) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = {}
    for index, key in enumerate(keys):
        groups.setdefault(key, []).append(index)
    return groups


def scaffold_split(scaffolds: Sequence[str], fractions: Sequence[float] = (0.8, 0.1, 0.1)) -> Split:
    """Deterministic scaffold split (Hu et al. 2020).

    Args:
        scaffolds: one scaffold string per molecule (e.g. Murcko SMILES with
            chirality); molecules with equal strings share a group.
        fractions: train/valid/test fractions (default ``(0.8, 0.1, 0.1)``).

    Groups are sorted by size, largest first, ties by first index (larger
    first index first, exactly as the reference implementation); each group
    goes to train while train stays within its cutoff, else to valid while
    train+valid stay within theirs, else to test.
    """
    f_train, f_valid, _ = _check_fractions(fractions)
    # Hu et al. sort (size, first index) in reverse: among equal sizes the group
    # whose first index is larger comes first. Kept exactly so splits match theirs.
    groups = sorted(_group_by_key(scaffolds).values(), key=lambda g: (len(g), g[0]), reverse=True)
    n = len(scaffolds)
    train_cutoff, valid_cutoff = f_train * n, (f_train + f_valid) * n
    train: list[int] = []
    valid: list[int] = []
    test: list[int] = []
    for group in groups:
        if len(train) + len(group) > train_cutoff:
            if len(train) + len(valid) + len(group) > valid_cutoff:
                test.extend(group)
            else:
                valid.extend(group)
        else:
            train.extend(group)
    return Split(np.array(sorted(train), dtype=np.int64), np.array(sorted(valid), dtype=np.int64), np.array(sorted(test), dtype=np.int64))


def random_scaffold_split(scaffolds: Sequence[str], fractions: Sequence[float] = (0.8, 0.1, 0.1), seed: int = 0) -> Split:
    """Scaffold split with groups visited in a seeded random order.

    Whole scaffold groups are shuffled with ``seed`` and assigned greedily:
    a group goes to valid or test while that part is under its quota, else to
    train, as in the random scaffold split of chemprop and Hu et al.
    """
    f_train, f_valid, f_test = _check_fractions(fractions)
    rng = np.random.default_rng(seed)
    groups = list(_group_by_key(scaffolds).values())
    order = rng.permutation(len(groups))
    n = len(scaffolds)
    valid_quota, test_quota = f_valid * n, f_test * n
    train: list[int] = []
    valid: list[int] = []
    test: list[int] = []
    for gi in order:
        group = groups[gi]
        if len(valid) + len(group) <= valid_quota:
            valid.extend(group)
        elif len(test) + len(group) <= test_quota:
            test.extend(group)
        else:
            train.extend(group)
    return Split(np.array(sorted(train), dtype=np.int64), np.array(sorted(valid), dtype=np.int64), np.array(sorted(test), dtype=np.int64))


def _read_index_file(path: Path) -> np.ndarray:
    values = []
    for line_no, line in enumerate(path.read_text().splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        try:
            values.append(int(line))
        except ValueError:
            raise InputFileError(f"{path}:{line_no}: expected one integer index per line, got {line!r}") from None
    return np.array(values, dtype=np.int64)


def kfold_from_files(fold_dir: str | Path, fold: int, num_items: int | None = None,
                     train_pattern: str = "train_idx-{fold}.txt", test_pattern: str = "test_idx-{fold}.txt") -> Split:
    """Read fold ``fold`` (1-based, as in the GIN files) from index files.

    Returns a :class:`Split` with an empty ``valid`` part (the GIN protocol
    reports test accuracy per fold). With ``num_items``, indices are checked to
    be in range and train/test to be disjoint.
    """
    fold_dir = Path(fold_dir)
    train_path, test_path = fold_dir / train_pattern.format(fold=fold), fold_dir / test_pattern.format(fold=fold)
    for path in (train_path, test_path):
        if not path.is_file():
            raise InputFileError(f"{path}: fold index file not found")
    train, test = _read_index_file(train_path), _read_index_file(test_path)
    if np.intersect1d(train, test).size:
        raise InputFileError(f"{fold_dir}: fold {fold} train and test indices overlap")
    if num_items is not None:
        for path, idx in ((train_path, train), (test_path, test)):
            if idx.size and (idx.min() < 0 or idx.max() >= num_items):
                raise InputFileError(f"{path}: index out of range for {num_items} items")
    return Split(np.sort(train), np.array([], dtype=np.int64), np.sort(test))
