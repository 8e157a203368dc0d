"""Run an extraction function over many files in worker processes, never losing a good file.

Each job runs in a process pool with a progress bar. A job that raises is
rejected with its one-line reason; the others go on. If a worker dies (an
OpenCascade crash kills the process), the jobs it left unfinished are re-run
one per fresh process, so only the file that really crashes is rejected.
Results keep the order of the jobs.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Callable, Sequence

#: ``(ok, payload)``: payload is the result when ``ok``, else the reason (one line).
Outcome = tuple[bool, Any]


def guarded(fn: Callable[[Any], Any], job: Any) -> Outcome:
    """Run ``fn(job)``, turning any exception into ``(False, one-line reason)``."""
    from graphssl.errors import GraphSSLError

    try:
        return True, fn(job)
    except Exception as exc:  # noqa: BLE001 - every failure becomes a reject reason, never a crash of the run
        text = str(exc).splitlines()[0] if str(exc) else ""
        if isinstance(exc, GraphSSLError) and text:
            return False, text
        return False, f"{type(exc).__name__}: {text}" if text else type(exc).__name__


#: Modules the fork server imports once, so each worker starts warm.
_PRELOAD = ["graphssl.cad.extract", "graphssl.cad.datasets.base", "torch_geometric.data"]


class _PackedData:
    """A PyG ``Data`` with its tensors as numpy arrays, for cheap transfer between processes.

    Pickled tensors go through ``torch.load`` (or torch's shared-memory reductions), which
    cost the parent about 10 ms per graph; numpy arrays pickle as plain buffers.
    """

    def __init__(self, data) -> None:
        import torch

        self.tensors = {k: v.numpy() for k, v in data.items() if isinstance(v, torch.Tensor)}
        self.others = {k: v for k, v in data.items() if not isinstance(v, torch.Tensor)}

    def unpack(self):
        import torch
        from torch_geometric.data import Data

        data = Data(**{k: torch.from_numpy(v) for k, v in self.tensors.items()})
        for key, value in self.others.items():
            data[key] = value
        return data


def _pooled(fn: Callable[[Any], Any], job: Any) -> Outcome:
    """:func:`guarded`, with a ``Data`` result packed as numpy arrays."""
    from torch_geometric.data import Data

    ok, payload = guarded(fn, job)
    return ok, _PackedData(payload) if isinstance(payload, Data) else payload


def _context():
    """A fork server where available (workers fork from a clean, single-threaded process), else spawn.

    Plain ``fork`` from a parent that has run OpenMP or OpenCascade threads can leave
    the children waiting forever on a lock copied in a locked state; this was seen
    after extracting the full MFCAD set in the parent.
    """
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(_PRELOAD)
        return context
    return multiprocessing.get_context("spawn")


def _single_threaded() -> None:
    """Worker initializer: one torch thread per process (the processes are the parallelism)."""
    import torch

    torch.set_num_threads(1)


def run_jobs(fn: Callable[[Any], Any], jobs: Sequence[Any], *, num_workers: int | None = None,
             progress: bool = True, desc: str = "extract") -> list[Outcome]:
    """``[(ok, result or reason)]`` for each job, in job order.

    Args:
        fn: A picklable module-level function of one job.
        jobs: The jobs (picklable).
        num_workers: Processes (default: ``os.cpu_count()``); 0 or 1 runs in this process.
        progress: Show a tqdm progress bar (default ``True``).
        desc: Progress bar label.
    """
    from tqdm.auto import tqdm

    workers = (os.cpu_count() or 1) if num_workers is None else num_workers
    outcomes: list[Outcome | None] = [None] * len(jobs)
    bar = tqdm(total=len(jobs), desc=desc, disable=not progress, unit="file")
    try:
        if workers <= 1 or len(jobs) <= 1:
            for i, job in enumerate(jobs):
                outcomes[i] = guarded(fn, job)
                bar.update()
            return outcomes  # type: ignore[return-value]
        unfinished = _pool_pass(fn, jobs, list(range(len(jobs))), workers, outcomes, bar)
        for i in unfinished:
            if _pool_pass(fn, jobs, [i], 1, outcomes, bar):
                outcomes[i] = (False, "the worker process crashed while reading this file")
                bar.update()
    finally:
        bar.close()
    return outcomes  # type: ignore[return-value]


def _pool_pass(fn, jobs, indices: list[int], workers: int, outcomes: list, bar) -> list[int]:
    """Run ``indices`` in one pool; return those left unfinished because the pool broke."""
    broken: list[int] = []
    with ProcessPoolExecutor(max_workers=min(workers, len(indices)), mp_context=_context(),
                             initializer=_single_threaded) as pool:
        futures = {pool.submit(_pooled, fn, jobs[i]): i for i in indices}
        for future in as_completed(futures):
            i = futures[future]
            try:
                ok, payload = future.result()
                outcomes[i] = (ok, payload.unpack() if isinstance(payload, _PackedData) else payload)
            except BrokenProcessPool:
                broken.append(i)
                continue
            bar.update()
    return sorted(broken)
