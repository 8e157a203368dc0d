"""Label subsets: sizes, nesting across fractions, fixed per seed, and refusing to overwrite another subset."""

from __future__ import annotations

import pytest

# graphssl.brepmae is imported inside the tests, not at collection: the core's objective tests parametrize
# over every objective registered when they are collected, and brep_mae needs face grids their graphs lack.
from graphssl.errors import ConfigError

IDS = [f"part{i}" for i in range(200)]


def test_sizes_round_and_keep_at_least_one_part():
    from graphssl.brepmae.subsets import subset_size

    assert [subset_size(705, f) for f in (0.01, 0.05, 0.1, 1.0)] == [7, 35, 70, 705]
    assert subset_size(3, 0.01) == 1


def test_subsets_are_nested_prefixes_of_one_seeded_permutation():
    from graphssl.brepmae.subsets import label_subset

    small, large, full = (label_subset(IDS, f, seed=3) for f in (0.01, 0.1, 1.0))
    assert large[:len(small)] == small and full[:len(large)] == large and sorted(full) == sorted(IDS)
    assert label_subset(IDS, 0.1, seed=3) == large and label_subset(IDS, 0.1, seed=4) != large


def test_files_round_trip_and_a_different_subset_is_refused(tmp_path):
    from graphssl.brepmae.subsets import label_subset, read_subset, subset_path, write_subsets

    written = write_subsets(IDS, [0.05, 1.0], [0, 1], tmp_path)
    assert written[(0.05, 1)] == subset_path(tmp_path, 0.05, 1) == tmp_path / "train_5pct_seed1.txt"
    assert read_subset(written[(0.05, 1)]) == label_subset(IDS, 0.05, 1)
    write_subsets(IDS, [0.05], [1], tmp_path)  # the same subset again is fine
    with pytest.raises(ValueError, match="train_5pct_seed1.txt: holds another subset"):
        write_subsets(IDS[:100], [0.05], [1], tmp_path)
    with pytest.raises(ConfigError, match="fraction"):
        label_subset(IDS, 0.0, 0)
