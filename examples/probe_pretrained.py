"""Linear probe of a pretrained checkpoint against the same encoder with random weights.

Reads the checkpoint's own data config (e.g. the demo's synthetic graphs,
whose ``y`` is the generator family), embeds the graphs with the frozen
encoder, and fits a linear classifier on a seeded 80/10/10 split; repeated
over seeds, reported as mean ± std.

    python examples/probe_pretrained.py runs/demo/checkpoint.pt --seeds 3
"""

from __future__ import annotations

import argparse

import torch

from graphssl.config import from_dict
from graphssl.eval import EvalTask, LinearProbeConfig, linear_probe, markdown_table, random_split, run_seeds
from graphssl.nn import GraphEncoder
from graphssl.train import load_checkpoint, load_encoder
from graphssl.train.config import DataConfig
from graphssl.train.trainer import prepare_data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("checkpoint")
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()

    pretrained = load_encoder(args.checkpoint)
    torch.manual_seed(0)
    random_init = GraphEncoder(pretrained.config).eval()
    # The checkpoint's own data section, transforms included (an encoder reading PSE needs them).
    graphs = prepare_data(from_dict(DataConfig, load_checkpoint(args.checkpoint)["config"]["data"]))
    num_classes = int(max(int(g.y) for g in graphs)) + 1
    task = EvalTask("multiclass", num_outputs=num_classes)

    def probe(encoder):
        return lambda seed: linear_probe(encoder, graphs, random_split(len(graphs), (0.8, 0.1, 0.1), seed=seed), task,
                                         LinearProbeConfig(seed=seed))

    rows = [run_seeds(probe(pretrained), range(args.seeds), name="pretrained encoder"),
            run_seeds(probe(random_init), range(args.seeds), name="same encoder, random weights")]
    print(f"linear probe, {num_classes}-class graph classification on {len(graphs)} graphs ({args.seeds} seeds):")
    print(markdown_table(rows, metrics=["test/accuracy", "valid/accuracy"]))


if __name__ == "__main__":
    main()
