"""Datasets and transforms by name, so configs stay strings.

Both are :class:`graphssl.registry.Registry` instances, so they behave like
every other registry: entries may be lazy ``"module:attribute"`` strings
(imported only when used, so naming a chemistry or CAD dataset in a config
does not make ``import graphssl`` pull in RDKit or OpenCascade), registering a
name twice raises :class:`~graphssl.errors.ConfigError`, and an unknown name
or parameter gets close-match suggestions.

A config's ``data`` section::

    data:
      name: tu                 # a registered dataset
      params: {root: ../shared/data/tu, name: MUTAG}
      transforms:              # applied to every graph once, before training
        - {name: rwse, params: {k: 16}}
"""

from __future__ import annotations

from typing import Any

from graphssl.registry import Registry

DATASETS: Registry = Registry("dataset")
TRANSFORMS: Registry = Registry("transform")

for _name, _target in {
    "synthetic": "graphssl.data.synthetic:SyntheticGraphs",
    "tu": "graphssl.data.tu:GINTUDataset",
    "pyg_saved": "graphssl.data.saved:SavedGraphs",
    "molecule_csv": "graphssl.chem.datasets:MoleculeCSVDataset",
    "molecule_graphs": "graphssl.chem.storage:FeaturizedMolecules",
    "mfcad": "graphssl.cad.datasets.mfcad:MFCAD",
    "mfinstseg": "graphssl.cad.datasets.mfinstseg:MFInstSeg",
    "mfcadpp": "graphssl.cad.datasets.mfcadpp:MFCADPP",
    "fusion360_seg": "graphssl.cad.datasets.fusion_seg:Fusion360Seg",
    "cad_generated": "graphssl.cad.datasets.generated:generated_parts",
}.items():
    DATASETS.register(_name, _target)

for _name, _target in {
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
    "rrwp": "graphssl.pe.rrwp:RRWP",
}.items():
    TRANSFORMS.register(_name, _target)


def register_dataset(name: str, target: Any = None, *, replace: bool = False):
    """Register ``target`` (a class or factory, or ``"module:attribute"``) as dataset ``name``.

    Without ``target`` this is a class decorator. A name already taken raises
    :class:`~graphssl.errors.ConfigError` unless ``replace=True``.
    """
    return DATASETS.register(name, target, replace=replace)


def register_transform(name: str, target: Any = None, *, replace: bool = False):
    """Register ``target`` (a ``BaseTransform`` class or factory, or ``"module:attribute"``) as transform ``name``.

    Without ``target`` this is a class decorator. A name already taken raises
    :class:`~graphssl.errors.ConfigError` unless ``replace=True``.
    """
    return TRANSFORMS.register(name, target, replace=replace)


def build_dataset(name: str, params: dict[str, Any] | None = None):
    """Instantiate the dataset registered as ``name`` with keyword ``params`` (checked against its signature)."""
    return DATASETS.build(name, params)


def build_transform(name: str, params: dict[str, Any] | None = None):
    """Instantiate the transform registered as ``name`` with keyword ``params`` (checked against its signature)."""
    return TRANSFORMS.build(name, params)
