"""Node and edge input modules, registered by name in :data:`~graphssl.nn.INPUTS`, and the slots that combine them.

Built-in: ``categorical`` (one embedding table per integer column, summed),
``continuous`` (linear map or MLP of float columns), ``constant`` (one learned
vector: graphs without features, and ``structure_only``) and ``pse``
(positional/structural encodings through :class:`~graphssl.nn.PSEEncoder`).

A plugin input is any module registered with :func:`~graphssl.nn.register_input`,
built as ``factory(spec, level, dim, **params)`` (``spec`` the dataset's
:class:`~graphssl.data.GraphSpec`, ``level`` ``"node"`` or ``"edge"``, ``dim`` its
output width) and called ``module(batch, node_mask=None) -> [N or E, dim]``.
Edge inputs receive the node mask as well: the built-in ones ignore it, and a
module whose edge features describe the end nodes (e.g. a face normal stored on
a B-rep edge) uses it to hide what a masked node would reveal.
A class attribute ``structural = True`` says it reads no dataset features, so
``structure_only`` encoders may use it and it is expected to ignore ``node_mask``.
"""

from graphssl.nn.inputs.features import CategoricalInput, ConstantInput, ContinuousInput
from graphssl.nn.inputs.pse import PSEInput
from graphssl.nn.inputs.slot import InputSlot, build_input_slot, default_inputs, slot_inputs

__all__ = ["CategoricalInput", "ConstantInput", "ContinuousInput", "InputSlot", "PSEInput", "build_input_slot",
           "default_inputs", "slot_inputs"]
