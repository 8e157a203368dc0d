"""What the objectives of one training step share: the batch, the encoders, the generator and cached passes.

:class:`~graphssl.objectives.base.WeightedObjectives` builds one
:class:`StepContext` per step and hands it to every objective, so work that
several objectives need is done once:

- ``clean()``: the online encoder on the unmasked, unaugmented batch (e.g.
  ``structure``, ``pairs``);
- ``target_clean()``: the shared EMA target on the unmasked batch (the target
  side of JEPA-style objectives), without gradients;
- ``view(name, strength, draw)`` with ``online_view``/``target_view``: an
  augmented view (:func:`graphssl.objectives.augment.augment`) and its passes,
  cached by augmentation, strength and draw number, so two objectives asking
  for the first ``drop_edges`` view at strength 0.2 of a step (e.g.
  ``graphcl`` and ``bgrl``) see and encode the same view.

Masked passes (``masked(node_mask)``) are not cached: each masking objective
draws its own mask from ``generator``, the only source of randomness an
objective may use (BGRL: Thakoor et al., ICLR 2022; JEPA: Assran et al., CVPR 2023).
"""

from __future__ import annotations

from typing import Any

import torch
from torch import Tensor, nn

from graphssl.errors import ConfigError, InvalidGraphError
from graphssl.nn.encoder import batch_vector_of, num_graphs_of
from graphssl.objectives.augment import augment
from graphssl.objectives.masking import group_membership, sample_group_mask, sample_node_mask


class StepContext:
    """Per-step shared state of the objectives.

    Args:
        batch: the PyG ``Batch`` of this step.
        encoder: the online encoder (encoder protocol: ``encoder(batch, node_mask=None)``
            returning an output with ``.node`` and ``.graph``; an encoder with
            groups of nodes, e.g. fragments, also takes ``group_masks``, a dict
            from a group name to a bool mask over those groups).
        generator: the ``torch.Generator`` every random draw of this step uses,
            on the batch's device.
        target: the shared :class:`~graphssl.objectives.ema.EMATarget`, or
            ``None`` when no objective needs one (default ``None``).
    """

    def __init__(self, batch, encoder: nn.Module, generator: torch.Generator, target: nn.Module | None = None) -> None:
        if not isinstance(generator, torch.Generator):
            raise TypeError(f"StepContext needs a torch.Generator, got {type(generator).__name__}")
        self.batch, self.encoder, self.generator, self.target = batch, encoder, generator, target
        self._cache: dict[Any, Any] = {}

    @property
    def batch_vector(self) -> Tensor:
        """Graph index of every node, ``[N]``."""
        return batch_vector_of(self.batch)

    @property
    def num_graphs(self) -> int:
        return num_graphs_of(self.batch)

    def _cached(self, key, compute):
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def _target(self) -> nn.Module:
        if self.target is None:
            raise ConfigError("this objective needs the shared EMA target; combine objectives with "
                              "WeightedObjectives(items, encoder=encoder) so it builds one")
        return self.target

    def clean(self):
        """The online encoder's output on the unmasked batch (one pass per step)."""
        return self._cached("clean", lambda: self.encoder(self.batch))

    def target_clean(self):
        """The EMA target's output on the unmasked batch, without gradients (one pass per step)."""
        target = self._target()
        return self._cached("target_clean", lambda: _no_grad(target, self.batch, None))

    def draw_node_mask(self, ratio: float, groups: str | None = None) -> Tensor:
        """A per-graph node mask from ``generator``: ``ratio`` of each graph's nodes, or of its groups.

        ``groups`` names a batch attribute holding either a membership map
        ``[2, M]`` (row 0 a node, row 1 its group, e.g. ``atom2frag``) or a
        per-node group id ``[N]`` (e.g. a face instance id, ``-1`` for none);
        whole groups are then masked (:func:`~graphssl.objectives.masking.sample_group_mask`).
        """
        if groups is None:
            return sample_node_mask(self.batch_vector, self.num_graphs, ratio, self.generator)
        value = getattr(self.batch, groups, None)
        if value is None:
            raise InvalidGraphError(f"batch has no group attribute {groups!r} to mask by")
        if value.dim() == 1:
            membership, num_groups = group_membership(value, self.batch_vector)
        else:
            membership, num_groups = value, None
        return sample_group_mask(membership, self.batch_vector, self.num_graphs, ratio, self.generator, num_groups)[1]

    def masked(self, node_mask: Tensor, group_masks: dict[str, Tensor] | None = None):
        """The online encoder's output with ``node_mask`` nodes replaced by the mask token.

        ``group_masks`` (e.g. ``{"fragment": bool [F]}``) is passed on to an
        encoder with groups, which hides those groups' own inputs; without it
        the encoder is called with ``node_mask`` alone, as every encoder accepts.
        """
        if group_masks is None:
            return self.encoder(self.batch, node_mask=node_mask)
        return self.encoder(self.batch, node_mask=node_mask, group_masks=group_masks)

    def view(self, name: str, strength: float, draw: int = 0, spec=None):
        """View number ``draw`` of augmentation ``name`` at ``strength`` this step, drawn once and shared.

        ``spec`` (the dataset's :class:`~graphssl.data.GraphSpec`) tells node
        removal which attributes are per node (default: the level rule of
        :func:`graphssl.data.levels.attribute_level`).
        """
        return self._cached(("view", name, strength, draw),
                            lambda: augment(name, self.batch, strength, self.generator, spec))

    def online_view(self, name: str, strength: float, draw: int = 0, spec=None):
        """The online encoder on :meth:`view` (its ``node_mask``, if any, replaced by the mask token)."""
        view = self.view(name, strength, draw, spec)
        return self._cached(("online", name, strength, draw),
                            lambda: self.encoder(view, node_mask=getattr(view, "node_mask", None)))

    def target_view(self, name: str, strength: float, draw: int = 0, spec=None):
        """The EMA target on :meth:`view`, without gradients."""
        target, view = self._target(), self.view(name, strength, draw, spec)
        return self._cached(("target", name, strength, draw),
                            lambda: _no_grad(target, view, getattr(view, "node_mask", None)))


def _no_grad(module: nn.Module, batch, node_mask):
    with torch.no_grad():
        return module(batch, node_mask=node_mask)


def draw_numbers(names: list[str]) -> list[int]:
    """For a list of chosen augmentation names, how many times each was chosen before it.

    ``["drop_edges", "drop_edges", "mask_features"]`` gives ``[0, 1, 0]``: the
    two drop-edge views are independent draws, and each is shared with any
    other objective's view of the same augmentation and draw number.
    """
    seen: dict[str, int] = {}
    numbers = []
    for name in names:
        numbers.append(seen.get(name, 0))
        seen[name] = numbers[-1] + 1
    return numbers
