"""A content hash of a dataset, stored in checkpoints to tie weights to their data.

The hash covers the number of graphs and, per graph in order, every tensor
attribute's name, dtype, shape and bytes (after transforms). Two datasets with
the same fingerprint feed the model identical tensors.
"""

from __future__ import annotations

import hashlib

import torch


def dataset_fingerprint(dataset) -> str:
    """``sha256:<hex>`` over every graph's tensors, in order."""
    digest = hashlib.sha256()
    digest.update(f"graphs={len(dataset)};".encode())
    for index in range(len(dataset)):
        data = dataset[index]
        for key in sorted(data.keys()):
            value = data[key]
            if isinstance(value, torch.Tensor):
                tensor = value.detach().cpu().contiguous()
                digest.update(f"{key}:{tensor.dtype}:{tuple(tensor.shape)};".encode())
                digest.update(tensor.view(torch.uint8).numpy().tobytes() if tensor.numel() else b"")
            elif isinstance(value, (int, float, str, bool)):
                digest.update(f"{key}={value!r};".encode())
        digest.update(b"|")
    return "sha256:" + digest.hexdigest()
