"""Encodings by name, and ``"rwse:20,lap:8"`` specifications as used by the CLI.

A specification is a comma-separated list of ``kind`` or ``kind:N`` items;
``N`` sets the kind's size parameter (see :data:`SIZE_PARAMS`).
"""

from __future__ import annotations

from typing import Any

from graphssl.errors import ConfigError
from graphssl.pe.base import AddPSE, PSETransform
from graphssl.pe.cycles import CycleCounts
from graphssl.pe.electrostatic import ElectrostaticPE
from graphssl.pe.graphs import DirectedPolicy
from graphssl.pe.heat import HeatKernelDiag
from graphssl.pe.lap import LapPE
from graphssl.pe.louvain import Louvain
from graphssl.pe.resistance import EffectiveResistance
from graphssl.pe.rwse import RWSE
from graphssl.pe.spd import SPD
from graphssl.pe.structural import Clustering, Degree, PageRank

KINDS: dict[str, type[PSETransform]] = {
    cls.kind: cls
    for cls in (
        RWSE,
        LapPE,
        HeatKernelDiag,
        ElectrostaticPE,
        SPD,
        EffectiveResistance,
        Degree,
        Clustering,
        PageRank,
        CycleCounts,
        Louvain,
    )
}

#: The constructor argument that ``kind:N`` sets.
SIZE_PARAMS = {"rwse": "k", "lap": "k", "heat": "k", "spd": "max_dist", "cycles": "max_length"}


def resolve(kind: str, directed: DirectedPolicy = "raise", **kwargs: Any) -> PSETransform:
    """The encoding called ``kind`` (e.g. ``"rwse"``), built with ``kwargs``."""
    if kind not in KINDS:
        raise ConfigError(f"unknown PSE kind {kind!r}; known kinds: {', '.join(KINDS)}")
    return KINDS[kind](directed=directed, **kwargs)


def parse_kinds(spec: str, directed: DirectedPolicy = "raise", **extra: dict[str, Any]) -> list[PSETransform]:
    """Parse ``"rwse:20,lap:8,heat:8,spd,cycles"`` into encodings.

    Args:
        spec: comma-separated ``kind`` or ``kind:N`` items.
        directed: policy for every encoding.
        extra: per-kind keyword arguments, e.g. ``spd={"pairs": True}``.
    """
    encodings = []
    for item in (part.strip() for part in spec.split(",")):
        if not item:
            continue
        kind, _, size = item.partition(":")
        kwargs = dict(extra.get(kind, {}))
        if size:
            if kind not in SIZE_PARAMS:
                raise ConfigError(f"PSE kind {kind!r} takes no size (got {item!r})")
            try:
                kwargs[SIZE_PARAMS[kind]] = int(size)
            except ValueError:
                raise ConfigError(f"PSE kind {item!r}: size must be an integer") from None
        encodings.append(resolve(kind, directed, **kwargs))
    if not encodings:
        raise ConfigError(f"no PSE kinds in {spec!r}")
    return encodings


def pse_transform(kinds: str, directed: DirectedPolicy = "raise") -> AddPSE:
    """One :class:`~graphssl.pe.base.AddPSE` transform from a ``"rwse:20,lap:8"`` specification.

    Registered as the dataset transform ``pse`` (``data.transforms: [{name: pse, params: {kinds: ...}}]``).
    """
    return AddPSE(parse_kinds(kinds, directed))
