"""Molecules: OGB-compatible featurization, a fragment hierarchy, scaffolds and datasets.

Needs the ``chem`` extra (RDKit); importing this package does not import
RDKit, which loads on the first call that needs it.

Public API:

- :func:`mol_to_graph`, :func:`mols_to_graphs` (:mod:`.featurize`);
- :func:`feature_dims`, :func:`feature_names` (:mod:`.features`);
- :class:`MolData` (:mod:`.data`), :data:`FRAGMENT_FEATURE_DIMS` (:mod:`.fragments`);
- :func:`draw_fragments` (:mod:`.draw`);
- :func:`murcko_scaffolds`, :func:`scaffold_split_smiles`,
  :func:`random_scaffold_split_smiles` (:mod:`.scaffolds`);
- :class:`~graphssl.chem.datasets.MoleculeCSVDataset` (:mod:`.datasets`);
- :func:`molecule_spec` (:mod:`.spec`): the ``GraphSpec`` of featurized molecules;
- :class:`MoleculeFeaturizer`: pretrained embeddings with scikit-learn conventions, served by the
  GraSPNet system (:mod:`graphssl.graspnet.featurizer`) and only imported when first used.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "mol_to_graph": "featurize",
    "mols_to_graphs": "featurize",
    "FeaturizerOptions": "featurize",
    "feature_dims": "features",
    "feature_names": "features",
    "MolData": "data",
    "FRAGMENT_FEATURE_DIMS": "fragments",
    "FRAGMENT_TYPES": "fragments",
    "draw_fragments": "draw",
    "murcko_scaffolds": "scaffolds",
    "scaffold_split_smiles": "scaffolds",
    "random_scaffold_split_smiles": "scaffolds",
    "MoleculeCSVDataset": "datasets",
    "molecule_spec": "spec",
    # The one name served by a system: resolved on first access, so the data layer never imports it.
    "MoleculeFeaturizer": "graphssl.graspnet.featurizer",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        module = _EXPORTS[name]
        return getattr(importlib.import_module(module if "." in module else f"{__name__}.{module}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(list(globals()) + __all__)
