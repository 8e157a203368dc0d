"""Generate many labelled parts into a folder, in parallel, reproducibly.

Part ``i`` of ``generate(n, out, seed)`` is ``part_<i>.step`` / ``.json``, made by
:func:`~graphssl.cad.generator.part.generate_part` ``(seed, i)``, so the files do
not depend on the number of workers and the same seed gives the same bytes.
"""

from __future__ import annotations

from pathlib import Path

from graphssl.cad.generator.part import GeneratorConfig


def part_name(index: int) -> str:
    return f"part_{index:06d}"


def _make_one(job: tuple) -> str:
    from graphssl.cad.generator.output import write_part
    from graphssl.cad.generator.part import generate_part

    seed, index, out, config = job
    return str(write_part(generate_part(seed, index, config), Path(out), part_name(index)))


def generate(n: int, out: str | Path, *, seed: int = 0, config: GeneratorConfig | None = None,
             num_workers: int | None = 1, progress: bool = True) -> tuple[list[Path], list[tuple[int, str]]]:
    """Write ``n`` parts into ``out`` (created).

    Args:
        n: Number of parts.
        out: Output folder.
        seed: Stream seed (default 0).
        config: :class:`GeneratorConfig` (default settings when ``None``).
        num_workers: Processes (default 1; ``None`` for all cores).
        progress: Show a progress bar (default ``True``).

    Returns:
        ``(written STEP paths, [(index, reason)] for parts that could not be made)``.
    """
    from graphssl.cad.datasets.parallel import run_jobs
    from graphssl.cad.generator.output import write_classes

    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    write_classes(out)
    config = config or GeneratorConfig()
    jobs = [(seed, i, str(out), config) for i in range(n)]
    outcomes = run_jobs(_make_one, jobs, num_workers=num_workers, progress=progress, desc="generate parts")
    written = [Path(payload) for ok, payload in outcomes if ok]
    failed = [(i, payload) for i, (ok, payload) in enumerate(outcomes) if not ok]
    return written, failed
