"""graphssl: self-supervised graph and molecular representation learning.

One PyTorch Geometric message-passing core (:mod:`graphssl.nn`) serves every
model; self-supervised objectives (:mod:`graphssl.objectives`) plug into one
trainer (:mod:`graphssl.train`). Domain packages (``graphssl.pe``,
``graphssl.chem``, ``graphssl.cad``) build on the core and import their heavy
dependencies lazily, so ``import graphssl`` never imports RDKit, OpenCascade
or DGL.

``graphssl.load_pretrained(path_or_name)`` loads a pretrained encoder that
takes raw graphs (see :mod:`graphssl.train.pretrained`); it is imported on
first use, so ``import graphssl`` stays light.
"""

__version__ = "0.1.0"

__all__ = ["__version__", "load_pretrained"]


def __getattr__(name: str):
    if name == "load_pretrained":
        from graphssl.train.pretrained import load_pretrained

        return load_pretrained
    raise AttributeError(f"module 'graphssl' has no attribute {name!r}")
