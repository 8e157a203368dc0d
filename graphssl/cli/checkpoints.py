"""``graphssl checkpoints``: the checkpoints shipped inside the package (encoders and segmenters), with their cards."""

from __future__ import annotations

import argparse


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("checkpoints", help="list the checkpoints shipped inside the package",
                                   description="List the checkpoints shipped inside the package, with their model "
                                               "cards: name, size, description, what the file is (encoder or "
                                               "per-face segmenter, with its classes), its data and training, and "
                                               "the start of its sha256. Load an encoder with "
                                               "graphssl.load_pretrained(NAME), a segmenter with "
                                               "graphssl cad predict --model NAME.")
    parser.set_defaults(func=run)
    return parser


def _digest(card: dict) -> str:
    return f"sha256 {str(card.get('sha256', ''))[:12] or 'missing'}"


def encoder_lines(card: dict) -> list[str]:
    """Data, budget and model lines of an encoder card."""
    data = card.get("data", {})
    budget = card.get("budget", {})
    hardware = budget.get("hardware", {})
    machine = hardware.get("gpu") or hardware.get("cpu") or "unknown hardware"
    encoder = card.get("encoder", {})
    return [f"    data:   {', '.join(str(d) for d in data.get('datasets', [])) or 'unknown'}"
            f" ({data.get('fingerprint', 'no fingerprint')})",
            f"    budget: {budget.get('steps', '?')} steps, {budget.get('epochs', 0):.2f} epochs, "
            f"{budget.get('graphs_seen', '?')} graphs, {budget.get('wall_time_s', 0):.0f} s on {machine}",
            f"    model:  encoder {encoder.get('name', '?')}, out_dim {encoder.get('out_dim', '?')}, "
            f"{encoder.get('parameters', '?')} parameters; {_digest(card)}"]


def segmenter_lines(card: dict) -> list[str]:
    """Model, input and training lines of a segmenter card (:mod:`graphssl.brepmae.segmenter`)."""
    classes = [str(c) for c in card.get("classes", [])]
    extraction = card.get("input", {}).get("extraction", {})
    training = card.get("training", {})
    test = training.get("test", {})
    scores = ", ".join(f"{key} {value:.4f}" for key, value in test.items() if isinstance(value, (int, float)))
    fraction = training.get("fraction")
    labels = f"{100 * fraction:g}% of labels" if isinstance(fraction, (int, float)) else "labels unknown"
    return [f"    model:  segmenter, {card.get('task', 'per-face classification')}, {len(classes)} classes "
            f"({', '.join(classes)}), {card.get('parameters', '?')} parameters; {_digest(card)}",
            f"    input:  face grid {extraction.get('face_grid_size', '?')}, edge grid "
            f"{extraction.get('edge_grid_size', '?')}, unit box {extraction.get('scale_to_unit_box', '?')}",
            f"    data:   {training.get('data', 'unknown')}, {labels}, {training.get('variant', '?')} encoder, "
            f"seed {training.get('seed', '?')}, {training.get('epochs', '?')} epochs"
            + (f"; test {scores}" if scores else "")]


def card_lines(name: str, size_mb: float, card: dict) -> list[str]:
    """The listing of one shipped checkpoint: a header line (name, size, description), then what it is."""
    from graphssl.checkpoints import SEGMENTER, card_kind

    header = f"{name}  {size_mb:.2f} MB  {card.get('description', '')}".rstrip()
    return [header, *(segmenter_lines(card) if card_kind(card) == SEGMENTER else encoder_lines(card))]


def run(args: argparse.Namespace) -> int:
    import graphssl.checkpoints as shipped

    checkpoints = shipped.shipped_checkpoints()
    if not checkpoints:
        print(f"no checkpoints shipped in this version (looked in {shipped.DIRECTORY})")
        return 0
    for checkpoint in checkpoints:
        print("\n".join(card_lines(checkpoint.name, checkpoint.size_mb, checkpoint.card)))
    return 0
