"""Run a function over work items in ``n_jobs`` processes, yielding results in input order.

With ``fork`` (Linux), the calling process and ``n_jobs - 1`` forked workers
each take the next item index from a shared counter whenever they are free:
workers already hold the items, so only results travel, the load balances to
the last item, and the caller consumes results between its own items. Without
``fork``, a ``spawn`` pool works and the caller only collects.
"""

from __future__ import annotations

import multiprocessing
from queue import Empty
from typing import Any, Callable, Iterator, Sequence


def run_ordered(items: Sequence[Any], work: Callable[[Any], Any], n_jobs: int) -> Iterator[Any]:
    """``work(item)`` for every item, in order, using ``n_jobs`` processes (this one included with fork)."""
    if "fork" in multiprocessing.get_all_start_methods():
        return _run_forked(list(items), work, n_jobs)
    return _run_spawned(list(items), work, n_jobs)


def _run_forked(items: list, work: Callable[[Any], Any], n_jobs: int) -> Iterator[Any]:
    """This process and ``n_jobs - 1`` forked workers each take the next item index when free."""
    context = multiprocessing.get_context("fork")
    counter = context.Value("q", 0)
    results = context.Queue()

    def take() -> int:
        with counter.get_lock():
            index = counter.value
            counter.value += 1
        return index

    def worker() -> None:
        try:
            while (index := take()) < len(items):
                results.put((index, work(items[index])))
        except BaseException as exc:  # reported to the caller, which raises it
            results.put((-1, f"{type(exc).__name__}: {exc}"))

    processes = [context.Process(target=worker, daemon=True) for _ in range(n_jobs - 1)]
    for process in processes:
        process.start()
    done: dict[int, Any] = {}
    try:
        for wanted in range(len(items)):
            while wanted not in done:
                # Take in finished results first, so the caller's use of them overlaps the workers.
                if _receive(results, done, processes, wait=False) or wanted in done:
                    continue
                if counter.value < len(items) and (index := take()) < len(items):
                    done[index] = work(items[index])
                else:
                    _receive(results, done, processes, wait=True)
            yield done.pop(wanted)
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
            process.join()


def _receive(results: Any, done: dict[int, Any], processes: list, wait: bool) -> bool:
    """Move one finished result from the workers into ``done``; ``False`` if none came."""
    try:
        index, result = results.get(timeout=1.0) if wait else results.get_nowait()
    except Empty:
        dead = [p.exitcode for p in processes if p.exitcode not in (None, 0)]
        if dead:
            raise RuntimeError(f"worker process died (exit code {dead[0]})") from None
        return False
    if index < 0:
        raise RuntimeError(f"worker process failed: {result}")
    done[index] = result
    return True


def _run_spawned(items: list, work: Callable[[Any], Any], n_jobs: int) -> Iterator[Any]:
    # Without fork, items travel to a pool of workers and this process collects.
    with multiprocessing.get_context("spawn").Pool(n_jobs) as pool:
        yield from pool.imap(work, items)
