"""Encodings by name, and ``"rwse:20,lap:8"`` specifications as used by the CLI and the ``pse`` transform.

:data:`KINDS` is a :class:`~graphssl.registry.Registry`: a duplicate name
raises, an unknown one gets close-match suggestions. A package adds its own
kind with :func:`register_kind`::

    @register_kind("mykind", size_param="k")
    class MyPE(PSETransform): ...

A specification is a comma-separated list of ``kind`` or ``kind:N`` items;
``N`` sets the kind's size parameter (:data:`SIZE_PARAMS`).
"""

from __future__ import annotations

from typing import Any, NamedTuple

from graphssl.errors import ConfigError
from graphssl.pe.base import AddPSE, PSETransform
from graphssl.pe.cycles import MIN_LENGTH, CycleCounts
from graphssl.pe.electrostatic import ElectrostaticPE
from graphssl.pe.graphs import DirectedPolicy
from graphssl.pe.heat import HeatKernelDiag
from graphssl.pe.lap import LapPE
from graphssl.pe.louvain import Louvain
from graphssl.pe.resistance import EffectiveResistance
from graphssl.pe.rrwp import RRWP
from graphssl.pe.rwse import RWSE
from graphssl.pe.spd import SPD
from graphssl.pe.structural import Clustering, Degree, PageRank
from graphssl.registry import Registry

KINDS: Registry[type[PSETransform]] = Registry("PSE kind", hint="`graphssl pe --help` lists them")


class SizeParam(NamedTuple):
    """The constructor argument that ``kind:N`` sets, and its smallest value."""

    name: str
    minimum: int = 1


#: ``kind`` -> the argument ``kind:N`` sets.
SIZE_PARAMS: dict[str, SizeParam] = {}


def register_kind(name: str, size_param: str | None = None, size_minimum: int = 1):
    """Class decorator adding a :class:`PSETransform` subclass as ``name`` (``size_param``: what ``name:N`` sets)."""

    def add(cls: type[PSETransform]) -> type[PSETransform]:
        KINDS.register(name, cls)
        if size_param is not None:
            SIZE_PARAMS[name] = SizeParam(size_param, size_minimum)
        return cls

    return add


register_kind("rwse", "k")(RWSE)
register_kind("lap", "k")(LapPE)
register_kind("heat", "k")(HeatKernelDiag)
register_kind("electrostatic")(ElectrostaticPE)
register_kind("spd", "max_dist")(SPD)
register_kind("resistance")(EffectiveResistance)
register_kind("rrwp", "k")(RRWP)
register_kind("degree")(Degree)
register_kind("clustering")(Clustering)
register_kind("pagerank")(PageRank)
register_kind("cycles", "max_length", size_minimum=MIN_LENGTH)(CycleCounts)
register_kind("louvain")(Louvain)

#: The kinds graphssl.pe itself provides (plugins may register more in :data:`KINDS`).
BUILTIN_KINDS: tuple[str, ...] = tuple(KINDS.names())


def resolve(kind: str, directed: DirectedPolicy = "raise", **kwargs: Any) -> PSETransform:
    """The encoding called ``kind`` (e.g. ``"rwse"``), built with ``kwargs``."""
    return KINDS.build(kind, {"directed": directed, **kwargs})


def parse_spec(spec: str) -> list[tuple[str, dict[str, int]]]:
    """``"rwse:20,spd"`` as ``[("rwse", {"k": 20}), ("spd", {})]``, every name and size checked.

    Errors quote the item as written, so they read the same from Python and the command line.
    """
    items: list[tuple[str, dict[str, int]]] = []
    for item in (part.strip() for part in str(spec).split(",")):
        if not item:
            continue
        kind, colon, size = item.partition(":")
        KINDS.get(kind)
        if any(kind == seen for seen, _ in items):
            raise ConfigError(f"PSE kind {kind!r} is listed twice in {spec!r}")
        if not colon:
            items.append((kind, {}))
            continue
        if kind not in SIZE_PARAMS:
            raise ConfigError(f"PSE kind {kind!r} takes no size (got {item!r})")
        param = SIZE_PARAMS[kind]
        try:
            value = int(size)
        except ValueError:
            value = None
        if value is None or value < param.minimum:
            raise ConfigError(f"{item!r}: the size of {kind} must be an integer >= {param.minimum}, got {size!r}")
        items.append((kind, {param.name: value}))
    if not items:
        raise ConfigError(f"no PSE kinds in {spec!r}")
    return items


def parse_kinds(spec: str, directed: DirectedPolicy = "raise", **extra: dict[str, Any]) -> list[PSETransform]:
    """Parse ``"rwse:20,lap:8,heat:8,spd,cycles"`` into encodings.

    Args:
        spec: comma-separated ``kind`` or ``kind:N`` items (see :func:`parse_spec`).
        directed: policy for every encoding (default ``"raise"``).
        extra: per-kind keyword arguments, e.g. ``spd={"pairs": True}``.
    """
    return [resolve(kind, directed, **{**extra.get(kind, {}), **size}) for kind, size in parse_spec(spec)]


def pse_transform(kinds: str, directed: DirectedPolicy = "raise") -> AddPSE:
    """One :class:`~graphssl.pe.base.AddPSE` transform from a ``"rwse:20,lap:8"`` specification.

    Registered as the dataset transform ``pse`` (``data.transforms: [{name: pse, params: {kinds: ...}}]``).
    """
    return AddPSE(parse_kinds(kinds, directed))
