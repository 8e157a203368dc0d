"""Checkpoints: written atomically, read safely with ``torch.load(weights_only=True)``, integrity-checked.

A training checkpoint is a dict of tensors and plain values::

    format            "graphssl-checkpoint"
    format_version    2
    digest            "sha256:..." over every other entry, tensors byte by byte
    graphssl_version  package version that wrote it
    config            the full pretraining config (nested dict)
    spec              the dataset's GraphSpec (nested dict)
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

import hashlib
import os
import pickle
import re
import zipfile
from pathlib import Path
from typing import Any, Iterable

import torch

from graphssl.errors import CheckpointError

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
