"""Reading regression targets from a batch, with padding masks and per-graph validity.

Targets are attributes the data carries (computed by the PSE engine of
Chen et al., "Towards A Universal Graph Structural Encoder", WWW 2026, or
stored by a dataset). Two optional companions say which entries count:

- ``NAME_mask``: bool, same shape as ``NAME``, False on padding (LapPE
  columns past a small graph's eigenvectors);
- ``NAME_valid``: bool, one entry per graph (``[1]`` per ``Data``, ``[B]``
  after batching), False for a graph that lacks the target, e.g. a PSE that
  could not be computed for it. That graph's rows (its nodes, itself, or its
  pairs) are skipped, and the run goes on.

A batch where nothing counts gives a loss of zero that still depends on the
prediction (:func:`masked_loss`), so backward works and nothing is NaN.
"""

from __future__ import annotations

from typing import Callable

from torch import Tensor

from graphssl.errors import InvalidGraphError


def graph_validity(batch, name: str, num_graphs: int) -> Tensor | None:
    """``NAME_valid`` as bool ``[num_graphs]``, or ``None`` when the batch has none."""
    valid = getattr(batch, f"{name}_valid", None)
    if valid is None:
        return None
    valid = valid.view(-1).bool()
    if valid.numel() != num_graphs:
        raise InvalidGraphError(f"{name}_valid has {valid.numel()} entries for {num_graphs} graphs; store one bool per graph")
    return valid


def read_target(batch, name: str, rows: int, width: int, row_graph: Tensor, num_graphs: int) -> tuple[Tensor, Tensor | None]:
    """Target ``NAME`` as float ``[rows, width]`` and the bool mask of entries that count (``None``: all).

    Args:
        batch: the batch.
        name: the attribute name.
        rows: expected number of rows (nodes, graphs, pairs).
        width: expected columns.
        row_graph: graph index of every row, ``[rows]``, to apply ``NAME_valid``.
        num_graphs: number of graphs in the batch.
    """
    value = getattr(batch, name, None)
    if value is None:
        raise InvalidGraphError(f"batch has no target {name!r}; add it with a transform or remove it from the objective")
    value = value.reshape(value.shape[0], -1)
    if value.shape != (rows, width):
        raise InvalidGraphError(f"target {name!r} has shape {tuple(value.shape)}, expected [{rows}, {width}]")
    mask = getattr(batch, f"{name}_mask", None)
    mask = None if mask is None else mask.reshape(rows, width).bool()
    valid = graph_validity(batch, name, num_graphs)
    if valid is not None:
        rows_valid = valid[row_graph].unsqueeze(1).expand(rows, width)
        mask = rows_valid if mask is None else mask & rows_valid
    return value.float(), mask


def zero_loss(prediction: Tensor) -> Tensor:
    """A zero that depends on ``prediction``: backward works and no NaN appears when nothing counts."""
    return prediction.sum() * 0.0


def masked_loss(loss_fn: Callable[[Tensor, Tensor], Tensor], prediction: Tensor, target: Tensor, mask: Tensor | None) -> Tensor:
    """``loss_fn`` over the entries where ``mask`` is True; a zero with a gradient path when none is."""
    if mask is None:
        return loss_fn(prediction, target)
    if not bool(mask.any()):
        return zero_loss(prediction)
    return loss_fn(prediction[mask], target[mask])
