"""run_ordered: order, load sharing with the caller, failures in workers."""

from __future__ import annotations

import os
import time

import pytest

from graphssl.chem.parallel import run_ordered

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")


def _slow_square(item: int) -> tuple[int, int]:
    time.sleep(0.002)
    return item * item, os.getpid()


def test_results_in_order_and_work_shared_with_caller():
    results = list(run_ordered(range(60), _slow_square, 2))
    assert [r[0] for r in results] == [i * i for i in range(60)]
    workers = {pid for _, pid in results}
    assert os.getpid() in workers and len(workers) == 2


def test_failure_in_a_worker_is_raised():
    parent = os.getpid()

    def fail_in_worker(item: int) -> int:
        if os.getpid() != parent:
            raise ValueError(f"bad item {item}")
        time.sleep(0.01)
        return item

    with pytest.raises(RuntimeError, match="worker process failed: ValueError: bad item"):
        list(run_ordered(range(40), fail_in_worker, 2))


def test_dead_worker_is_reported_not_waited_for():
    parent = os.getpid()

    def die_in_worker(item: int) -> int:
        if os.getpid() != parent:
            os._exit(3)
        time.sleep(0.01)
        return item

    with pytest.raises(RuntimeError, match="exit code 3"):
        list(run_ordered(range(400), die_in_worker, 2))
