"""Linear probe of a pretrained encoder against the same architecture with random weights, with few labels.

Loads the run with ``graphssl.load_pretrained``, rebuilds the run's own
dataset (the demo's synthetic graphs, whose ``y`` is the generator family)
and applies the transforms the encoder was trained with. For every seed it
draws one split, ``--per-class`` labelled graphs of each class for training,
10% of the rest for validation and the others for testing, and fits the same
linear probe (``graphssl.eval.fit_linear_probe``, seeded) on the frozen
embeddings of

- the pretrained encoder, and
- a fresh encoder built by name from the same config
  (``graphssl.eval.resolve_encoder``), its initialisation drawn from the seed.

It prints mean ± std over the seeds and the per-seed difference.

    python examples/probe_pretrained.py runs/demo --seeds 5 --per-class 5
"""

from __future__ import annotations

import argparse

import numpy as np
import torch

import graphssl
from graphssl.data.registry import build_dataset
from graphssl.eval import (EvalTask, LinearProbeConfig, SeedResults, embed, fit_linear_probe, flatten_metrics,
                           markdown_table, per_class_split, resolve_encoder)
from graphssl.nn import encoder_config_to_dict

METRIC = "test/accuracy"


def prepared_graphs(model) -> list:
    """The run's first dataset, untransformed, then passed through the model's training transforms."""
    data = model.card["config"]["data"]
    section = data[0] if isinstance(data, list) else data
    graphs = []
    for graph in build_dataset(section["name"], section.get("params", {})):
        graph = graph.clone()
        for transform in model.transforms:
            graph = transform(graph)
        graphs.append(graph)
    return graphs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("checkpoint", help="run folder, checkpoint or exported model")
    parser.add_argument("--seeds", type=int, default=5, help="splits and random initialisations (default: 5)")
    parser.add_argument("--per-class", type=int, default=5, help="labelled training graphs per class (default: 5)")
    args = parser.parse_args()

    model = graphssl.load_pretrained(args.checkpoint)
    graphs = prepared_graphs(model)
    labels = np.array([int(g.y) for g in graphs])
    num_classes = int(labels.max()) + 1
    task = EvalTask("multiclass", num_outputs=num_classes)

    pretrained = SeedResults("pretrained encoder")
    random_init = SeedResults("same encoder, random weights")
    pretrained_features = embed(model.encoder, graphs, task)
    random_config = encoder_config_to_dict(model.encoder.config)
    for seed in range(args.seeds):
        split = per_class_split(labels, args.per_class, valid_fraction=0.1, seed=seed)
        random_features = embed(resolve_encoder(random_config, seed=seed).eval(), graphs, task)
        parts = {name: torch.as_tensor(index) for name, index in zip(("train", "valid", "test"), split)}
        for row, (features, targets) in ((pretrained, pretrained_features), (random_init, random_features)):
            result = fit_linear_probe({name: features[i] for name, i in parts.items()},
                                      {name: targets[i] for name, i in parts.items()}, task,
                                      LinearProbeConfig(seed=seed))
            row.seeds.append(seed)
            row.runs.append(flatten_metrics(result))
    split = per_class_split(labels, args.per_class, valid_fraction=0.1, seed=0)
    print(f"linear probe, {num_classes}-class graph classification on {len(graphs)} graphs: {len(split.train)} "
          f"labelled for training ({args.per_class} per class), {len(split.valid)} valid, {len(split.test)} test; "
          f"mean ± std over {args.seeds} seeds")
    print(markdown_table([pretrained, random_init], metrics=[METRIC, "valid/accuracy"]))
    gain = np.array(pretrained.values(METRIC)) - np.array(random_init.values(METRIC))
    print(f"pretrained minus random, same split and probe per seed: {gain.mean():+.4f} ± {gain.std():.4f} "
          f"(pretrained higher on {int((gain > 0).sum())} of {gain.size} seeds)")


if __name__ == "__main__":
    main()
