"""``graphssl checkpoints``: the checkpoints shipped inside the package, with their cards."""

from __future__ import annotations

import argparse


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("checkpoints", help="list the checkpoints shipped inside the package",
                                   description="List the checkpoints shipped inside the package, with their model "
                                               "cards: name, size, description, data and training budget. Load one "
                                               "with graphssl.load_pretrained(NAME).")
    parser.set_defaults(func=run)
    return parser


def card_lines(name: str, size_mb: float, card: dict) -> list[str]:
    """The listing of one shipped checkpoint: a header line, then data and budget."""
    data = card.get("data", {})
    budget = card.get("budget", {})
    hardware = budget.get("hardware", {})
    machine = hardware.get("gpu") or hardware.get("cpu") or "unknown hardware"
    lines = [f"{name}  {size_mb:.2f} MB  {card.get('description', '')}".rstrip()]
    lines.append(f"    data:   {', '.join(str(d) for d in data.get('datasets', [])) or 'unknown'}"
                 f" ({data.get('fingerprint', 'no fingerprint')})")
    lines.append(f"    budget: {budget.get('steps', '?')} steps, {budget.get('epochs', 0):.2f} epochs, "
                 f"{budget.get('graphs_seen', '?')} graphs, {budget.get('wall_time_s', 0):.0f} s on {machine}")
    return lines


def run(args: argparse.Namespace) -> int:
    import graphssl.checkpoints as shipped

    checkpoints = shipped.shipped_checkpoints()
    if not checkpoints:
        print(f"no checkpoints shipped in this version (looked in {shipped.DIRECTORY})")
        return 0
    for checkpoint in checkpoints:
        print("\n".join(card_lines(checkpoint.name, checkpoint.size_mb, checkpoint.card)))
    return 0
