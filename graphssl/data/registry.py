"""Datasets and transforms by name, so configs stay strings.

Entries map a name to ``"module:attribute"`` and are imported only when used,
so naming a chemistry or CAD dataset in a config does not make
``import graphssl`` pull in RDKit or OpenCascade.

A config's ``data`` section::

    data:
      name: tu                 # a registered dataset
      params: {root: ../shared/data/tu, name: MUTAG}
      transforms:              # applied to every graph once, before training
        - {name: rwse, params: {k: 16}}
"""

from __future__ import annotations

import difflib
import importlib
import inspect
from typing import Any

from graphssl.errors import ConfigError

DATASETS: dict[str, str] = {
    "synthetic": "graphssl.data.synthetic:SyntheticGraphs",
    "tu": "graphssl.data.tu:GINTUDataset",
    "pyg_saved": "graphssl.data.saved:SavedGraphs",
    "molecule_csv": "graphssl.chem.datasets:MoleculeCSVDataset",
    "mfcad": "graphssl.cad.datasets.mfcad:MFCAD",
    "mfinstseg": "graphssl.cad.datasets.mfinstseg:MFInstSeg",
    "mfcadpp": "graphssl.cad.datasets.mfcadpp:MFCADPP",
    "fusion360_seg": "graphssl.cad.datasets.fusion_seg:Fusion360Seg",
    "cad_generated": "graphssl.cad.datasets.generated:generated_parts",
}

TRANSFORMS: dict[str, str] = {
    "pse": "graphssl.pe.registry:pse_transform",
    "rwse": "graphssl.pe.rwse:RWSE",
    "lap": "graphssl.pe.lap:LapPE",
    "heat": "graphssl.pe.heat:HeatKernelDiag",
    "electrostatic": "graphssl.pe.electrostatic:ElectrostaticPE",
    "spd": "graphssl.pe.spd:SPD",
    "resistance": "graphssl.pe.resistance:EffectiveResistance",
    "degree": "graphssl.pe.structural:Degree",
    "clustering": "graphssl.pe.structural:Clustering",
    "pagerank": "graphssl.pe.structural:PageRank",
    "cycles": "graphssl.pe.cycles:CycleCounts",
    "louvain": "graphssl.pe.louvain:Louvain",
}


def register_dataset(name: str, target: str) -> None:
    """Register ``target`` (``"module:attribute"``, a class or factory) as dataset ``name``."""
    DATASETS[name] = target


def register_transform(name: str, target: str) -> None:
    """Register ``target`` (``"module:attribute"``, a ``BaseTransform`` class) as transform ``name``."""
    TRANSFORMS[name] = target


def _resolve(kind: str, table: dict[str, str], name: str):
    if name not in table:
        close = difflib.get_close_matches(name, table, n=3)
        hint = f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""
        raise ConfigError(f"unknown {kind} {name!r}{hint}; known: {', '.join(sorted(table))}")
    module, attribute = table[name].split(":")
    return getattr(importlib.import_module(module), attribute)


def _call(kind: str, name: str, factory, params: dict[str, Any]):
    signature = inspect.signature(factory)
    accepts_any = any(p.kind is p.VAR_KEYWORD for p in signature.parameters.values())
    if not accepts_any:
        allowed = [p for p in signature.parameters if p != "self"]
        for key in params:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise ConfigError(f"{kind} {name!r} has no parameter {key!r}{hint}; it takes: {', '.join(allowed)}")
    return factory(**params)


def build_dataset(name: str, params: dict[str, Any] | None = None):
    """Instantiate the dataset registered as ``name`` with keyword ``params``."""
    return _call("dataset", name, _resolve("dataset", DATASETS, name), dict(params or {}))


def build_transform(name: str, params: dict[str, Any] | None = None):
    """Instantiate the transform registered as ``name`` with keyword ``params``."""
    return _call("transform", name, _resolve("transform", TRANSFORMS, name), dict(params or {}))
