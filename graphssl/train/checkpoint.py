"""Checkpoints: written atomically, read safely with ``torch.load(weights_only=True)``, integrity-checked.

A training checkpoint is a dict of tensors and plain values::

    format            "graphssl-checkpoint"
    format_version    2
    digest            "sha256:..." over every other entry, tensors byte by byte
    graphssl_version  package version that wrote it
    config            the full pretraining config (nested dict)
    spec, spec_class  the dataset's GraphSpec as a nested dict, and its class ("module:Name")
    data_fingerprint  "sha256:..." of the training graphs
    step, epoch, total_steps, finished, world_size
    budget            {"wall_time_s", "graphs_seen", "hardware"} summed over resumes
    model             state dict of encoder + objectives ("encoder.*", "objectives.*")
    optimizer         AdamW state dict
    scaler            GradScaler state dict (fp16 AMP) or None
    rng               per-process {"cpu", "cuda"?, "generator"} RNG states

An exported encoder (``graphssl export``) uses the same container with
``format: "graphssl-encoder"`` (see :mod:`graphssl.train.export`).

Files are written to a temporary ``.NAME.tmp-PID`` beside the target, flushed
to disk, then renamed over it, so a run killed mid-write leaves the previous
checkpoint intact; :func:`remove_stale_temporaries` clears what such a kill
leaves behind. The stored digest catches flipped bytes inside tensors, which
the zip container itself does not check on read.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import os
import pickle
import re
import zipfile
from pathlib import Path
from typing import Any, Iterable

import torch

from graphssl.config import from_dict
from graphssl.data.spec import GraphSpec
from graphssl.errors import CheckpointError, ConfigError

#: The file a run folder keeps its latest checkpoint in.
CHECKPOINT_NAME = "checkpoint.pt"
FORMAT = "graphssl-checkpoint"
ENCODER_FORMAT = "graphssl-encoder"
FORMAT_VERSION = 2
#: Format versions before the digest was stored; such files load without the integrity check.
UNDIGESTED_VERSIONS = (1,)

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_UNSUPPORTED_GLOBAL = re.compile(r"Unsupported global: GLOBAL ([\w.]+)")


def _feed(digest, value: Any) -> None:
    if isinstance(value, torch.Tensor):
        tensor = value.detach().cpu().contiguous()
        digest.update(f"T{tensor.dtype}{tuple(tensor.shape)};".encode())
        digest.update(memoryview(tensor.reshape(-1).view(torch.uint8).numpy()))
    elif isinstance(value, dict):
        digest.update(f"D{len(value)};".encode())
        for key, item in value.items():
            _feed(digest, key)
            _feed(digest, item)
    elif isinstance(value, (list, tuple)):
        digest.update(f"L{len(value)};".encode())
        for item in value:
            _feed(digest, item)
    else:
        digest.update(f"V{value!r};".encode())


def payload_digest(value: Any) -> str:
    """``sha256:<hex>`` of a nested payload: every tensor's dtype, shape and bytes, every plain value's repr."""
    digest = hashlib.sha256()
    _feed(digest, value)
    return "sha256:" + digest.hexdigest()


def temporary_path(path: Path) -> Path:
    """Where :func:`save_checkpoint` writes before renaming (one name per process)."""
    return path.with_name(f".{path.name}.tmp-{os.getpid()}")


def remove_stale_temporaries(path: str | Path) -> list[Path]:
    """Delete ``.NAME.tmp-*`` files a killed write left beside ``path``; returns what was removed."""
    path = Path(path)
    if not path.parent.is_dir():
        return []
    stale = sorted(path.parent.glob(f".{path.name}.tmp-*"))
    for leftover in stale:
        leftover.unlink(missing_ok=True)
    return stale


def save_checkpoint(path: str | Path, payload: dict[str, Any], format: str = FORMAT) -> Path:
    """Atomically write ``payload`` plus format tags and its digest to ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    full = {"format": format, "format_version": FORMAT_VERSION, **payload}
    full["digest"] = payload_digest(full)
    tmp = temporary_path(path)
    try:
        with open(tmp, "wb") as handle:
            torch.save(full, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return path


def _unreadable(path: Path, exc: Exception) -> CheckpointError:
    text = _ANSI.sub("", str(exc))
    found = _UNSUPPORTED_GLOBAL.search(text)
    if found:
        return CheckpointError(f"{path}: not a graphssl checkpoint; it holds pickled Python objects ({found.group(1)}), "
                               "e.g. graphs saved with torch.save, where a checkpoint holds only tensors and plain values")
    reason = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return CheckpointError(f"{path}: not a readable checkpoint, truncated or corrupt ({reason})")


def load_checkpoint(path: str | Path, map_location: str | torch.device = "cpu",
                    formats: Iterable[str] = (FORMAT,)) -> dict[str, Any]:
    """Read a checkpoint with ``weights_only=True`` and verify its digest.

    Missing, unreadable, corrupt or foreign files raise :class:`CheckpointError`
    naming the file. ``formats`` lists the accepted format tags.
    """
    path = Path(path)
    formats = tuple(formats)
    if not path.is_file():
        raise CheckpointError(f"{path}: checkpoint not found")
    try:
        payload = torch.load(path, map_location=map_location, weights_only=True)
    except (RuntimeError, EOFError, pickle.UnpicklingError, zipfile.BadZipFile, ValueError, OSError) as exc:
        raise _unreadable(path, exc) from None
    if not isinstance(payload, dict) or payload.get("format") not in formats:
        found = payload.get("format") if isinstance(payload, dict) else None
        what = f"format {found!r}" if isinstance(found, str) else "no format tag"
        raise CheckpointError(f"{path}: not a {' or '.join(formats)} file ({what})")
    version = payload.get("format_version", 0)
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise CheckpointError(f"{path}: checkpoint format {version} is newer than this graphssl supports "
                              f"({FORMAT_VERSION}); upgrade graphssl")
    if version not in UNDIGESTED_VERSIONS:
        stored = payload.pop("digest", None)
        if stored is None or payload_digest(payload) != stored:
            raise CheckpointError(f"{path}: corrupt checkpoint, its contents do not match the stored digest")
    return payload


def spec_entries(spec: GraphSpec) -> dict[str, Any]:
    """``{"spec": ..., "spec_class": ...}``: a dataset's layout as checkpoints store it (subclasses keep their class)."""
    cls = type(spec)
    return {"spec": dataclasses.asdict(spec), "spec_class": f"{cls.__module__}:{cls.__qualname__}"}


def spec_from_payload(payload: dict[str, Any], path: str | Path) -> GraphSpec | None:
    """The :class:`GraphSpec` stored by :func:`spec_entries` (``None`` in files written before specs were kept)."""
    if payload.get("spec") is None:
        return None
    module, _, name = str(payload.get("spec_class", "graphssl.data.spec:GraphSpec")).partition(":")
    try:
        cls = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        raise CheckpointError(f"{path}: its data layout class {module}:{name} cannot be imported here") from None
    if not (isinstance(cls, type) and issubclass(cls, GraphSpec)):
        raise CheckpointError(f"{path}: {module}:{name} is not a GraphSpec class")
    try:
        return from_dict(cls, payload["spec"])
    except ConfigError as exc:
        raise CheckpointError(f"{path}: its stored data layout does not load ({exc})") from None
