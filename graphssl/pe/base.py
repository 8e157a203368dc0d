"""Base class of every PSE kind: a PyG transform and a batched function in one.

An encoding instance is a :class:`~torch_geometric.transforms.BaseTransform`:
``RWSE(k=20)(data)`` adds ``data.rwse`` to one graph, and applied to a
:class:`~torch_geometric.data.Batch` it computes all graphs in one batched
pass. ``RWSE(k=20).compute(batch)`` is the functional form: it returns the
output tensors keyed by attribute name, rows in the batch's node order.

``repr`` lists every parameter that changes the output, and
:meth:`PSETransform.cache_key` hashes that ``repr``, so a processed dataset
cached under one setting is never reused for another.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import Any, ClassVar, Sequence

from torch import Tensor
from torch_geometric.transforms import BaseTransform

from graphssl.errors import ConfigError
from graphssl.pe.graphs import DirectedPolicy, GraphSet, check_policy
from graphssl.pe.spectral import SpectralConsumer, spectral_pass


def as_graphset(graphs, directed: DirectedPolicy = "raise") -> GraphSet:
    """A :class:`GraphSet` from a GraphSet, a PyG ``Data``/``Batch``, or a list of ``Data``."""
    if isinstance(graphs, GraphSet):
        if graphs.directed != directed:
            raise ConfigError(
                f"GraphSet was built with directed={graphs.directed!r} but the encoding uses directed={directed!r}"
            )
        return graphs
    if isinstance(graphs, (list, tuple)):
        return GraphSet.from_data_list(graphs, directed=directed)
    return GraphSet.from_data(graphs, directed=directed)


class PSETransform(BaseTransform):
    """One kind of positional/structural encoding.

    Args:
        attr_name: prefix of the output attributes (default: the kind, e.g. ``"rwse"``);
            extra outputs append a suffix (``"lap_mask"``, ``"lap_eigvals"``).
        directed: ``"raise"`` (default) rejects a graph whose adjacency is not symmetric;
            ``"symmetrize"`` uses ``max(A, A^T)``.
    """

    #: Short name used on the command line and as the default attribute name.
    kind: ClassVar[str] = ""
    #: True when the kind needs the Laplacian eigendecomposition; AddPSE then computes it once
    #: and also feeds it to every other kind that offers a :meth:`consumer`.
    spectral: ClassVar[bool] = False

    def __init__(self, *, attr_name: str | None = None, directed: DirectedPolicy = "raise") -> None:
        self.attr_name = attr_name or self.kind
        self.directed = check_policy(directed)

    def params(self) -> dict[str, Any]:
        """Every constructor argument that changes the output, in signature order."""
        return {"attr_name": self.attr_name, "directed": self.directed}

    def __repr__(self) -> str:
        args = ", ".join(f"{key}={value!r}" for key, value in self.params().items())
        return f"{type(self).__name__}({args})"

    def cache_key(self) -> str:
        """Hex digest of ``repr(self)`` and the package version."""
        from graphssl.data.cache import cache_key

        return cache_key(transform=repr(self))

    def output_names(self) -> list[str]:
        """Names of the tensors :meth:`compute` returns."""
        return [self.attr_name + suffix for suffix in self.suffixes()]

    def suffixes(self) -> list[str]:
        return [""]

    def compute(self, graphs) -> dict[str, Tensor]:
        """Batched form: outputs for every node of ``graphs`` (a Data, Batch, list or GraphSet)."""
        return self.named(self._compute(as_graphset(graphs, self.directed)))

    def named(self, outputs: dict[str, Tensor]) -> dict[str, Tensor]:
        """Outputs keyed by suffix to outputs keyed by attribute name."""
        return {self.attr_name + suffix: value for suffix, value in outputs.items()}

    def consumer(self, graphs: GraphSet) -> SpectralConsumer | None:
        """A consumer of the shared eigendecomposition, for kinds that can use one."""
        return None

    @abstractmethod
    def _compute(self, graphs: GraphSet) -> dict[str, Tensor]:
        """Outputs keyed by suffix (``""`` for the main one)."""

    def forward(self, data):
        for key, value in self.compute(data).items():
            data[key] = value
        return data


class AddPSE(BaseTransform):
    """Several encodings computed on one shared pass (one eigendecomposition for all).

    Args:
        encodings: the encodings; all must use the same ``directed`` policy.

    Example:
        >>> transform = AddPSE([RWSE(k=20), LapPE(k=8)])
        >>> batch = transform(batch)  # batch.rwse [N, 20], batch.lap [N, 8], ...
    """

    def __init__(self, encodings: Sequence[PSETransform]) -> None:
        self.encodings = list(encodings)
        policies = {e.directed for e in self.encodings}
        if len(policies) > 1:
            raise ConfigError(f"AddPSE encodings disagree on directed: {sorted(policies)}")
        self.directed = policies.pop() if policies else "raise"
        names = [name for e in self.encodings for name in e.output_names()]
        duplicated = sorted({n for n in names if names.count(n) > 1})
        if duplicated:
            raise ConfigError(f"AddPSE encodings write the same attribute(s) {duplicated}; set attr_name")

    def __repr__(self) -> str:
        return f"AddPSE([{', '.join(repr(e) for e in self.encodings)}])"

    def cache_key(self) -> str:
        from graphssl.data.cache import cache_key

        return cache_key(transform=repr(self))

    def compute(self, graphs) -> dict[str, Tensor]:
        graphs = as_graphset(graphs, self.directed)
        out: dict[str, Tensor] = {}
        pending = list(self.encodings)
        if any(e.spectral for e in pending):
            consumers = {id(e): e.consumer(graphs) for e in pending}
            shared = [e for e in pending if consumers[id(e)] is not None]
            spectral_pass(graphs, [consumers[id(e)] for e in shared])
            for encoding in shared:
                out.update(encoding.named(consumers[id(encoding)].finish()))
            pending = [e for e in pending if consumers[id(e)] is None]
        for encoding in pending:
            out.update(encoding.compute(graphs))
        return {name: out[name] for e in self.encodings for name in e.output_names()}

    def forward(self, data):
        for key, value in self.compute(data).items():
            data[key] = value
        return data
