"""The built-in CAD dataset: parts from the labelled machining-feature generator.

Needs no download: :func:`~graphssl.cad.generator.run.ensure_parts` generates the
parts once into the graphssl cache, and they are read as an MFInstSeg-format
dataset (per-face class, instance and bottom labels).
"""

from __future__ import annotations

from graphssl.cad.datasets.mfinstseg import MFInstSeg
from graphssl.errors import ConfigError


def generated_parts(num_parts: int = 200, seed: int = 0, split: str = "train", options: dict | None = None,
                    num_workers: int | None = None, progress: bool = True) -> MFInstSeg:
    """``num_parts`` generated parts (seeded), as the ``split`` of an 80/10/10 split.

    Args:
        num_parts: how many parts the part set holds (default ``200``).
        seed: generator seed (default ``0``).
        split: ``"train"``, ``"val"``, ``"test"`` or ``"all"`` (default ``"train"``).
        options: STEP extraction options (see :class:`~graphssl.cad.ExtractOptions`).
        num_workers: processes for generation and extraction (default: all cores).
        progress: show progress bars (default ``True``).
    """
    from graphssl.cad.generator.run import ensure_parts

    if isinstance(num_parts, bool) or not isinstance(num_parts, int) or num_parts < 1:
        raise ConfigError(f"num_parts: must be a positive integer, got {num_parts!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ConfigError(f"seed: must be a non-negative integer, got {seed!r}")
    root = ensure_parts(num_parts, seed=seed, num_workers=num_workers, progress=progress)
    return MFInstSeg(root, split=split, options=options, num_workers=num_workers, progress=progress)
