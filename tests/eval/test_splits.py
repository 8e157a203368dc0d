"""Splits: k-fold files of the GIN TU datasets, scaffold and random splits."""

from __future__ import annotations

import numpy as np
import pytest

from graphssl.errors import InputFileError
from graphssl.eval import Split, kfold_from_files, random_scaffold_split, random_split, scaffold_split
from tests.conftest import shared_data

TU_DATASETS = ["MUTAG", "PTC", "NCI1", "PROTEINS", "IMDBBINARY", "IMDBMULTI"]


def assert_partition(split: Split, n: int) -> None:
    parts = [split.train, split.valid, split.test]
    joined = np.concatenate(parts)
    assert np.array_equal(np.sort(joined), np.arange(n)), "parts must cover every index exactly once"
    for part in parts:
        assert np.array_equal(part, np.sort(part))


@pytest.mark.parametrize("name", TU_DATASETS)
def test_kfold_reads_gin_fold_files(name):
    root = shared_data("tu", name)
    num_graphs = int((root / f"{name}.txt").read_text().split("\n", 1)[0])
    tests = []
    for fold in range(1, 11):
        split = kfold_from_files(root / "10fold_idx", fold, num_items=num_graphs)
        assert split.valid.size == 0
        assert_partition(split, num_graphs)
        assert split.test.size == num_graphs // 10
        tests.append(split.test)
    assert np.unique(np.concatenate(tests)).size == 10 * (num_graphs // 10), "test folds must not overlap"


def test_kfold_matches_file_contents():
    root = shared_data("tu", "MUTAG", "10fold_idx")
    split = kfold_from_files(root, 3)
    expected = sorted(int(line) for line in (root / "test_idx-3.txt").read_text().split())
    assert split.test.tolist() == expected


def write_fold(tmp_path, train: str, test: str, fold: int = 1):
    (tmp_path / f"train_idx-{fold}.txt").write_text(train)
    (tmp_path / f"test_idx-{fold}.txt").write_text(test)


@pytest.mark.parametrize("train,test,num_items,message", [
    ("0\n1\nx\n", "2\n", None, r"train_idx-1.txt:3: expected one integer"),
    ("0\n1\n", "1\n2\n", None, "overlap"),
    ("0\n1\n", "5\n", 4, "out of range for 4 items"),
])
def test_kfold_rejects_bad_files(tmp_path, train, test, num_items, message):
    write_fold(tmp_path, train, test)
    with pytest.raises(InputFileError, match=message):
        kfold_from_files(tmp_path, 1, num_items=num_items)


def test_kfold_missing_file(tmp_path):
    with pytest.raises(InputFileError, match="train_idx-2.txt: fold index file not found"):
        kfold_from_files(tmp_path, 2)


@pytest.mark.parametrize("n,fractions", [(0, (0.8, 0.1, 0.1)), (1, (0.8, 0.1, 0.1)), (97, (0.8, 0.1, 0.1)), (50, (0.5, 0.5, 0.0))])
def test_random_split_partitions_deterministically(n, fractions):
    split = random_split(n, fractions, seed=3)
    assert_partition(split, n)
    assert split.train.size == round(fractions[0] * n) and split.valid.size == round(fractions[1] * n)
    again = random_split(n, fractions, seed=3)
    assert split.as_dict() == again.as_dict()
    if n > 10:
        assert random_split(n, fractions, seed=4).as_dict() != split.as_dict()


@pytest.mark.parametrize("fractions", [(0.8, 0.1), (0.8, 0.3, -0.1), (0.5, 0.2, 0.2)])
def test_bad_fractions(fractions):
    with pytest.raises(ValueError, match="fractions"):
        random_split(10, fractions)


def test_scaffold_split_hand_computed():
    scaffolds = ["a", "b", "a", "c", "b", "a", "d", "e", "c", "f"]
    # groups by (size, first index) descending: a(3) c(2, first 3) b(2, first 1) f e d
    split = scaffold_split(scaffolds, (0.6, 0.2, 0.2))
    assert split.as_dict() == {"train": [0, 2, 3, 5, 8, 9], "valid": [1, 4], "test": [6, 7]}


def random_scaffolds(n: int, seed: int) -> list[str]:
    rng = np.random.default_rng(seed)
    # Zipf-like group sizes, as real scaffolds: a few big groups, many singletons.
    return [f"s{min(int(rng.zipf(1.6)), 40)}" for _ in range(n)]


@pytest.mark.parametrize("seed", range(3))
def test_scaffold_splits_keep_groups_whole(seed):
    scaffolds = random_scaffolds(300, seed)
    for split in (scaffold_split(scaffolds), random_scaffold_split(scaffolds, seed=seed)):
        assert_partition(split, len(scaffolds))
        part_of = {}
        for name, idx in split.as_dict().items():
            for i in idx:
                assert part_of.setdefault(scaffolds[i], name) == name, "a scaffold group was split"
    deterministic = scaffold_split(scaffolds)
    assert deterministic.as_dict() == scaffold_split(list(scaffolds)).as_dict()
    # The largest group always lands in train.
    largest = max(set(scaffolds), key=scaffolds.count)
    assert all(scaffolds[i] != largest for i in np.concatenate([deterministic.valid, deterministic.test]))


def test_random_scaffold_split_depends_on_seed_only():
    scaffolds = [f"g{i // 3}" for i in range(90)]
    first = random_scaffold_split(scaffolds, seed=1)
    assert first.as_dict() == random_scaffold_split(scaffolds, seed=1).as_dict()
    assert first.as_dict() != random_scaffold_split(scaffolds, seed=2).as_dict()
    assert first.valid.size <= 9 and first.test.size <= 9


def test_split_unpacks_train_valid_test():
    split = random_split(10, (0.6, 0.2, 0.2), seed=1)
    train, valid, test = split
    assert train is split.train and valid is split.valid and test is split.test
    assert sorted(np.concatenate(list(split)).tolist()) == list(range(10))


def test_per_class_split_takes_k_of_each_class():
    from graphssl.eval import per_class_split

    labels = np.array([0, 1, 2] * 10 + [2, 2])
    split = per_class_split(labels, per_class=3, valid_fraction=0.25, seed=4)
    assert np.bincount(labels[split.train]).tolist() == [3, 3, 3]
    assert split.valid.size == 6 and split.test.size == 32 - 9 - 6
    assert sorted(np.concatenate(list(split)).tolist()) == list(range(32))
    again = per_class_split(labels, per_class=3, valid_fraction=0.25, seed=4)
    assert all(np.array_equal(a, b) for a, b in zip(split, again))
    assert not np.array_equal(per_class_split(labels, 3, 0.25, seed=5).train, split.train)


@pytest.mark.parametrize("labels, per_class, message", [
    ([0, 0, 1], 1, "class 1 has 1 items; per_class=1 leaves none to test"),
    ([0, -1, 1, 1], 1, "item 1 has -1"),
    ([0, 0], 0, "per_class must be >= 1"),
])
def test_per_class_split_refuses(labels, per_class, message):
    from graphssl.eval import per_class_split

    with pytest.raises(ValueError, match=message):
        per_class_split(labels, per_class)
