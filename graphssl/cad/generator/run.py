"""Generate many labelled parts into a folder, in parallel, reproducibly.

Part ``i`` of ``generate(n, out, seed)`` is ``part_<i>.step`` / ``.json``, made by
:func:`~graphssl.cad.generator.part.generate_part` ``(seed, i)``, so the files do
not depend on the number of workers and the same seed gives the same bytes.

:func:`ensure_parts` is the no-download default data set: ``n`` parts generated
once into the graphssl cache, with ``train/val/test.txt`` lists, ready for
:class:`~graphssl.cad.datasets.MFInstSeg` or :class:`~graphssl.cad.datasets.MFCADPP`.
"""

from __future__ import annotations

from pathlib import Path

from graphssl.cad.generator.part import GeneratorConfig
from graphssl.errors import ConfigError


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

    if not isinstance(n, int) or n < 0:
        raise ConfigError(f"n: must be a non-negative integer, got {n!r}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    write_classes(out)
    config = config or GeneratorConfig()
    jobs = [(seed, i, str(out), config) for i in range(n)]
    outcomes = run_jobs(_make_one, jobs, num_workers=num_workers, progress=progress, desc="generate parts")
    written = [Path(payload) for ok, payload in outcomes if ok]
    failed = [(i, payload) for i, (ok, payload) in enumerate(outcomes) if not ok]
    return written, failed


#: Fractions of :func:`ensure_parts` parts in train and val (the rest is test), by part index.
SPLIT_FRACTIONS = (0.8, 0.1)


def ensure_parts(n: int, *, seed: int = 0, config: GeneratorConfig | None = None, num_workers: int | None = 1,
                 progress: bool = True) -> Path:
    """A folder of ``n`` generated parts in the graphssl cache, made on first use.

    The folder is keyed by ``(n, seed, config)`` and holds the parts, ``classes.json`` and
    ``train.txt``/``val.txt``/``test.txt`` (the first 80% of indices, the next 10%, the rest).

    Example:
        >>> from graphssl.cad.datasets import MFInstSeg          # doctest: +SKIP
        >>> train = MFInstSeg(ensure_parts(500), split="train")  # doctest: +SKIP
    """
    from graphssl.cad.generator.part import GeneratorError
    from graphssl.data.cache import cache_dir, cache_key

    config = config or GeneratorConfig()
    out = cache_dir("cad", "generated", cache_key(n=n, seed=seed, config=repr(config)))
    done = out / "complete"
    if done.exists():
        return out
    written, failed = generate(n, out, seed=seed, config=config, num_workers=num_workers, progress=progress)
    if failed:
        index, reason = failed[0]
        raise GeneratorError(f"{len(failed)} of {n} parts failed (part {index}: {reason})")
    names = [part_name(i) for i in range(n)]
    first, second = int(SPLIT_FRACTIONS[0] * n), int(sum(SPLIT_FRACTIONS) * n)
    for split, chosen in (("train", names[:first]), ("val", names[first:second]), ("test", names[second:])):
        (out / f"{split}.txt").write_text("\n".join(chosen) + "\n")
    done.write_text(f"{len(written)} parts\n")
    return out
