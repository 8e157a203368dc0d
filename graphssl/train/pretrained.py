"""Loading a pretrained encoder: from a run folder, a training checkpoint, an exported file or a shipped name.

- :func:`load_encoder` returns the bare encoder (``encoder(batch) ->
  EncoderOutput``), built by name from the registry with the config and
  feature layout it was trained with; its inputs must already carry what the
  training transforms added (e.g. ``rwse``).
- :func:`load_pretrained` returns a :class:`PretrainedEncoder` that takes raw
  graphs and applies those transforms itself.

Example::

    import graphssl
    model = graphssl.load_pretrained("runs/demo")           # or "model.pt", or a shipped name
    out = model(list_of_data)                               # EncoderOutput: out.node, out.graph
    model.card["budget"]["graphs_seen"]
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any, Sequence

import torch
from torch import nn
from torch_geometric.data import Batch, Data

from graphssl.data.prepare import apply_transforms
from graphssl.data.spec import GraphSpec
from graphssl.errors import CheckpointError, ConfigError
from graphssl.train.checkpoint import CHECKPOINT_NAME, ENCODER_FORMAT, FORMAT, load_checkpoint, spec_from_payload
from graphssl.train.config import config_from_dict
from graphssl.train.export import model_card, split_state


def checkpoint_file(source: str | Path) -> Path:
    """The file behind ``source``: a run folder's ``checkpoint.pt``, a file, or a shipped checkpoint's name."""
    from graphssl.checkpoints import shipped_checkpoint_path, shipped_names

    path = Path(source)
    if path.is_dir():
        if not (path / CHECKPOINT_NAME).is_file():
            raise CheckpointError(f"{path}: not a run folder (no {CHECKPOINT_NAME} in it)")
        return path / CHECKPOINT_NAME
    if path.exists() or len(path.parts) != 1 or path.suffix:
        return path
    if str(source) in shipped_names():
        return shipped_checkpoint_path(str(source), kind="encoder")
    known = ", ".join(shipped_names()) or "none"
    raise CheckpointError(f"{source}: no such file or run folder, and no shipped checkpoint of that name (shipped: {known})")


def build_saved_encoder(payload: dict[str, Any], state: dict[str, torch.Tensor], path: Path) -> nn.Module:
    """The encoder a payload's config names, with ``state`` loaded strictly, in eval mode."""
    from graphssl.nn.registry import build_encoder

    try:
        config = config_from_dict(payload["config"])
        encoder = build_encoder(config.encoder, spec_from_payload(payload, path))
    except KeyError as exc:
        raise CheckpointError(f"{path}: checkpoint has no {exc.args[0]!r} entry") from None
    except ConfigError as exc:
        raise CheckpointError(f"{path}: its config does not build here ({exc})") from None
    missing, unexpected = encoder.load_state_dict(state, strict=False)
    if missing or unexpected:
        raise CheckpointError(f"{path}: encoder weights do not match its config "
                              f"(missing {list(missing)[:3]}, unexpected {list(unexpected)[:3]})")
    return encoder.eval()


def _load(source: str | Path, map_location) -> tuple[Path, dict[str, Any], dict[str, torch.Tensor]]:
    path = checkpoint_file(source)
    payload = load_checkpoint(path, map_location=map_location, formats=(FORMAT, ENCODER_FORMAT))
    if payload["format"] == ENCODER_FORMAT:
        return path, payload, payload["encoder"]
    return path, payload, split_state(payload["model"])[0]


def load_encoder(source: str | Path, map_location: str | torch.device = "cpu") -> nn.Module:
    """The encoder stored in a run folder, checkpoint, exported file or shipped checkpoint, in eval mode.

    Its config's ``imports:`` are imported first, so a plugin's encoder loads
    by name. Bad or foreign files raise :class:`CheckpointError` naming the file.
    """
    path, payload, state = _load(source, map_location)
    return build_saved_encoder(payload, state, path)


class PretrainedEncoder(nn.Module):
    """A pretrained encoder that takes raw graphs: the training transforms, then the encoder.

    Args:
        encoder: the encoder (``encoder(batch, node_mask=None) -> EncoderOutput``).
        transforms: the transforms the encoder was trained with, applied in
            order to copies of the input graphs as training data preparation
            applies them (:func:`graphssl.data.prepare.apply_transforms`).
        card: the model card (see :mod:`graphssl.train.export`).
        spec: the training data's :class:`GraphSpec`, telling transforms'
            outputs their level (default ``None``: inferred from row counts).

    Shapes:
        - input: a :class:`~torch_geometric.data.Data`, a list of them, or a
          :class:`~torch_geometric.data.Batch` of ``B`` graphs with ``N`` nodes.
        - output: ``EncoderOutput`` with ``node`` [N, out_dim], ``graph`` [B, out_dim].
    """

    def __init__(self, encoder: nn.Module, transforms: Sequence, card: dict[str, Any], spec: GraphSpec | None = None) -> None:
        super().__init__()
        self.encoder = encoder
        self.transforms = list(transforms)
        self.card = card
        self.spec = spec

    @property
    def out_dim(self) -> int:
        return int(self.encoder.out_dim)

    def prepare(self, graphs: Data | Batch | Sequence[Data]) -> Batch:
        """Copies of ``graphs`` with the transforms applied, batched (inputs are left untouched)."""
        if isinstance(graphs, Batch):
            graphs = graphs.to_data_list()
        elif isinstance(graphs, Data):
            graphs = [graphs]
        # The same code path as training data preparation: shallow copies, batched transforms attached by level.
        prepared, _ = apply_transforms([copy.copy(graph) for graph in graphs], self.transforms, self.spec)
        return Batch.from_data_list(prepared)

    def forward(self, graphs: Data | Batch | Sequence[Data], node_mask: torch.Tensor | None = None):
        device = next(self.encoder.parameters()).device
        return self.encoder(self.prepare(graphs).to(device), node_mask=node_mask)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(transforms={self.transforms!r}, encoder={self.encoder!r})"


def _transforms(config, path: Path, source: int | None) -> list:
    from graphssl.data.registry import build_transform

    sections = config.datasets
    chosen = [[(t.name, t.params) for t in section.transforms] for section in sections]
    if source is None:
        if any(entry != chosen[0] for entry in chosen[1:]):
            raise CheckpointError(f"{path}: trained on a mixture whose datasets use different transforms; "
                                  f"pass source_dataset=K (0..{len(sections) - 1}) to pick whose to apply")
        source = 0
    if not 0 <= source < len(sections):
        raise CheckpointError(f"{path}: source_dataset={source} but the run had {len(sections)} dataset(s)")
    return [build_transform(name, params) for name, params in chosen[source]]


def load_pretrained(source: str | Path, map_location: str | torch.device = "cpu",
                    source_dataset: int | None = None) -> PretrainedEncoder:
    """A ready model that takes raw graphs, from a run folder, checkpoint, exported file or shipped name.

    Args:
        source: where the weights are (see :func:`checkpoint_file`).
        map_location: device to load onto (default ``"cpu"``).
        source_dataset: for a run on a mixture whose datasets had different
            transforms, which dataset's transforms to apply (default ``None``).
    """
    path, payload, state = _load(source, map_location)
    encoder = build_saved_encoder(payload, state, path)
    card = payload.get("card") or model_card(payload, state, name=path.stem, out_dim=getattr(encoder, "out_dim", None))
    transforms = _transforms(config_from_dict(payload["config"]), path, source_dataset)
    return PretrainedEncoder(encoder, transforms, card, spec_from_payload(payload, path)).eval()
