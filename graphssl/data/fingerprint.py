"""A content hash of a dataset, stored in checkpoints to tie weights to their data.

The hash covers, per graph in order, every tensor attribute's name, dtype,
shape and bytes and every scalar attribute's value (after transforms), then
the number of graphs. Two datasets with the same fingerprint feed the model
identical tensors. The count comes last so the hash can be computed while
graphs stream past (:class:`GraphDigest`): the disk-backed path computes it
once while writing its cache and stores it, so a cached restart does not
re-read millions of graphs; a dataset with a ``fingerprint`` attribute is
trusted for it.
"""

from __future__ import annotations

import hashlib

import torch


class GraphDigest:
    """The running fingerprint of graphs added in order."""

    def __init__(self) -> None:
        self.digest = hashlib.sha256()
        self.count = 0

    def add(self, data) -> None:
        for key in sorted(data.keys()):
            value = data[key]
            if isinstance(value, torch.Tensor):
                tensor = value.detach().cpu().contiguous()
                self.digest.update(f"{key}:{tensor.dtype}:{tuple(tensor.shape)};".encode())
                self.digest.update(tensor.view(torch.uint8).numpy().tobytes() if tensor.numel() else b"")
            elif isinstance(value, (int, float, str, bool)):
                self.digest.update(f"{key}={value!r};".encode())
        self.digest.update(b"|")
        self.count += 1

    def hexdigest(self) -> str:
        """``sha256:<hex>`` of the graphs so far and their count."""
        final = self.digest.copy()
        final.update(f"graphs={self.count};".encode())
        return "sha256:" + final.hexdigest()


def dataset_fingerprint(dataset) -> str:
    """``sha256:<hex>`` over every graph's tensors, in order (or the dataset's stored ``fingerprint``)."""
    stored = getattr(dataset, "fingerprint", None)
    if isinstance(stored, str):
        return stored
    digest = GraphDigest()
    for index in range(len(dataset)):
        digest.add(dataset[index])
    return digest.hexdigest()
