"""Parallel extraction keeps every good result when a job raises or its worker process dies."""

from __future__ import annotations

import os

import pytest

from graphssl.cad.datasets.parallel import run_jobs


def _work(job):
    if job == "raise":
        raise ValueError("bad input\nsecond line")
    if job == "crash":
        os._exit(3)
    return job * 2


@pytest.mark.parametrize("workers", [1, 2])
def test_exceptions_become_reasons(workers):
    outcomes = run_jobs(_work, [1, "raise", 3], num_workers=workers, progress=False)
    assert outcomes == [(True, 2), (False, "ValueError: bad input"), (True, 6)]


def test_crashed_worker_loses_only_its_file():
    outcomes = run_jobs(_work, [1, 2, "crash", 4, 5], num_workers=2, progress=False)
    assert [o for o in outcomes if o[0]] == [(True, 2), (True, 4), (True, 8), (True, 10)]
    assert outcomes[2][0] is False and "crashed" in outcomes[2][1]
