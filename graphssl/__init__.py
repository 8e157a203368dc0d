"""graphssl: self-supervised graph and molecular representation learning.

One PyTorch Geometric message-passing core (:mod:`graphssl.nn`) serves every
model; self-supervised objectives (:mod:`graphssl.objectives`) plug into one
trainer (:mod:`graphssl.train`). Domain packages (``graphssl.pe``,
``graphssl.chem``, ``graphssl.cad``) build on the core and import their heavy
dependencies lazily, so ``import graphssl`` never imports RDKit, OpenCascade
or DGL.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
