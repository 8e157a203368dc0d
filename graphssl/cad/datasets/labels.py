"""Attach per-face labels from the four label formats to an extracted gAAG.

- ``mfcad``: ``<id>.json`` with ``face_truth`` (by face id = ``ADVANCED_FACE``
  name) and ``labels`` (traversal order); the two must agree.
- ``mfinstseg``: AAGNet's ``[[name, {"seg", "inst", "bottom"}]]``, by traversal index.
- ``names``: MFCAD++ style, each face's class index is its ``ADVANCED_FACE`` name.
- ``fusion_seg``: Fusion 360 Gallery ``.seg``, one class index per line, by traversal index.

Every function sets ``data.y`` (int64 ``[F]``) and raises
:class:`~graphssl.errors.InputFileError` naming the file when labels and faces
disagree. ``mfinstseg`` also sets ``data.instance`` (int64 ``[F]``, -1 for faces
in no instance; ids count within the graph), ``data.instance_class`` (int64
``[I]``, the class of each instance) and ``data.bottom`` (int64 ``[F]``, 1 for a
feature's bottom face).
"""

from __future__ import annotations

from pathlib import Path

import torch

from graphssl.cad.labels_io import read_json
from graphssl.errors import InputFileError


def _check_classes(path, values: list[int], num_classes: int | None) -> None:
    for face, value in enumerate(values):
        if not isinstance(value, int) or value < 0 or (num_classes is not None and value >= num_classes):
            raise InputFileError(f"{path}: face {face} has class index {value!r}, outside 0..{(num_classes or 0) - 1}")


def attach_mfcad(data, path: Path, num_classes: int | None = None):
    """MFCAD labels: ``face_truth[int(name)]`` for each face, checked against ``labels``."""
    labels = read_json(path)
    if not isinstance(labels, dict):
        raise InputFileError(f"{path}: expected an MFCAD label object with 'face_truth'")
    truth, in_order = labels.get("face_truth"), labels.get("labels")
    if not isinstance(truth, list):
        raise InputFileError(f"{path}: no 'face_truth' list")
    try:
        ids = [int(name) for name in data.face_names]
    except ValueError:
        raise InputFileError(f"{path}: the STEP face names are not face ids ({data.face_names[:3]}...)") from None
    if sorted(ids) != list(range(len(truth))):
        raise InputFileError(f"{path}: face ids {sorted(ids)[:3]}... do not match {len(truth)} labels")
    y = [truth[i] for i in ids]
    if in_order is not None and in_order != y:
        first = next(i for i, (a, b) in enumerate(zip(in_order, y)) if a != b) if len(in_order) == len(y) else 0
        raise InputFileError(f"{path}: 'labels' disagree with 'face_truth' by face name (first at face {first})")
    _check_classes(path, y, num_classes)
    data.y = torch.tensor(y, dtype=torch.long)
    return data


def attach_mfinstseg(data, path: Path, num_classes: int | None = None):
    """MFInstSeg labels: semantic class, instance id and bottom flag per face."""
    content = read_json(path)
    try:
        _, labels = content[0]
        seg, inst, bottom = labels["seg"], labels["inst"], labels["bottom"]
    except (TypeError, KeyError, IndexError, ValueError):
        raise InputFileError(f"{path}: not an MFInstSeg label file ([[name, {{seg, inst, bottom}}]])") from None
    n = data.num_nodes
    keys = [str(i) for i in range(n)]
    if sorted(seg, key=int) != keys or sorted(bottom, key=int) != keys or len(inst) != n:
        raise InputFileError(f"{path}: labels for {len(seg)} faces, the STEP file has {n}")
    y = [seg[k] for k in keys]
    _check_classes(path, y, num_classes)
    data.y = torch.tensor(y, dtype=torch.long)
    data.bottom = torch.tensor([int(bottom[k]) for k in keys], dtype=torch.long)
    data.instance = instance_ids(inst, source=str(path))
    data.instance_class = instance_classes(data.instance, data.y, source=str(path))
    return data


def instance_classes(instance: torch.Tensor, y: torch.Tensor, *, source: str = "<inst>") -> torch.Tensor:
    """Class of each instance ``[I]``; every face of an instance must have that class."""
    count = int(instance.max()) + 1 if instance.numel() else 0
    out = torch.empty(count, dtype=torch.long)
    for k in range(count):
        classes = y[instance == k].unique()
        if classes.numel() != 1:
            faces = (instance == k).nonzero().flatten().tolist()
            raise InputFileError(f"{source}: instance {k} (faces {faces[:5]}) mixes classes {classes.tolist()}")
        out[k] = classes[0]
    return out


def instance_ids(matrix: list[list[int]], *, source: str = "<inst>") -> torch.Tensor:
    """Instance id per face from AAGNet's 0/1 same-instance matrix (-1: no instance).

    Ids count up in order of each instance's first face. The matrix must be
    a partition: symmetric, with identical rows inside an instance.
    """
    inst = torch.tensor(matrix, dtype=torch.long)
    n = inst.shape[0]
    if inst.shape != (n, n) or not torch.equal(inst, inst.t()):
        raise InputFileError(f"{source}: 'inst' is not a symmetric {n}x{n} matrix")
    ids = torch.full((n,), -1, dtype=torch.long)
    next_id = 0
    for i in range(n):
        if ids[i] >= 0 or not inst[i].any():
            continue
        members = inst[i].nonzero().flatten()
        ids[members] = next_id
        next_id += 1
    member = ids >= 0
    rebuilt = (ids[:, None] == ids[None, :]) & member[:, None] & member[None, :]
    if not torch.equal(rebuilt.long(), inst | torch.diag(member.long())):
        raise InputFileError(f"{source}: 'inst' rows do not form disjoint instances")
    return ids


def attach_names(data, path: Path | None = None, num_classes: int | None = None):
    """MFCAD++ labels: the class index is each face's ``ADVANCED_FACE`` name (``path`` is unused:
    messages name the STEP file, ``data.source_file``)."""
    source = getattr(data, "source_file", None) or path or "<STEP file>"
    y = []
    for face, name in enumerate(data.face_names):
        try:
            y.append(int(name))
        except ValueError:
            raise InputFileError(f"{source}: face {face} is named {name!r}, not a class index "
                                 f"(MFCAD++ names each ADVANCED_FACE by its class)") from None
    _check_classes(source, y, num_classes)
    data.y = torch.tensor(y, dtype=torch.long)
    return data


def attach_fusion_seg(data, path: Path, num_classes: int | None = None):
    """Fusion 360 Gallery labels: one class index per line, faces in traversal order."""
    try:
        lines = Path(path).read_text().split()
    except FileNotFoundError:
        raise InputFileError(f"{path}: label file not found") from None
    try:
        y = [int(v) for v in lines]
    except ValueError:
        raise InputFileError(f"{path}: a line is not an integer class index") from None
    if len(y) != data.num_nodes:
        raise InputFileError(f"{path}: {len(y)} labels for {data.num_nodes} faces")
    _check_classes(path, y, num_classes)
    data.y = torch.tensor(y, dtype=torch.long)
    return data


ATTACH = {"mfcad": attach_mfcad, "mfinstseg": attach_mfinstseg, "names": attach_names,
          "fusion_seg": attach_fusion_seg}
