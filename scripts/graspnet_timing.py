"""Projected wall time of the GraSPNet MoleculeNet harness from short timed probes (run with OMP_NUM_THREADS=1).

GraSPNet: Wu et al., arXiv 2602.20344; the protocol timed is the one of
``graphssl finetune moleculenet`` (:mod:`graphssl.graspnet.harness`, Hu et al.
ICLR 2020 fine-tuning). Per task it times, on the real files: the
featurization (once per run, cached afterwards), ``--batches`` fine-tuning
steps of 32 molecules (forward, masked loss, backward, AdamW) and one
evaluation pass over valid + test, giving the seconds of one epoch; the
frozen-embedding featurization of the linear probe; and, with ``--fits``,
ECFP4, the probe fits and the forests. Prints one JSON line per task.

Example::

    OMP_NUM_THREADS=1 python scripts/graspnet_timing.py --checkpoint runs/graspnet-smoke2/graspnet_moses.pt --tasks bbbp,esol
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time

import numpy as np
import torch


def time_epoch(model, data, batches: int, seed: int = 0) -> dict:
    """Seconds per training batch (mean over ``batches``) and of one valid + test evaluation; the projected epoch."""
    from graphssl.eval.finetune import PredictionModel, _predict
    from graphssl.eval.loading import make_loader, subset
    from graphssl.nn import build_encoder

    encoder = build_encoder(dataclasses.replace(model.encoder.config, dropout=0.5))
    encoder.load_state_dict(model.encoder.state_dict())
    task = data.eval_task()
    net = PredictionModel(encoder, task)
    optimizer = torch.optim.AdamW(net.parameters(), lr=1e-3)
    train = subset(data.graphs, data.split.train)
    loader = iter(make_loader(train, 32, shuffle=True, seed=seed))
    net.train()
    next_batch = next(loader)  # the first step pays one-off allocations; it is not counted
    optimizer.zero_grad()
    task.loss(net(next_batch), task.targets_of(next_batch, next_batch.num_graphs)).backward()
    optimizer.step()
    start, done = time.perf_counter(), 0
    for batch in loader:
        optimizer.zero_grad()
        task.loss(net(batch), task.targets_of(batch, batch.num_graphs)).backward()
        optimizer.step()
        done += 1
        if done == batches:
            break
    per_batch = (time.perf_counter() - start) / max(done, 1)
    start = time.perf_counter()
    for part in (data.split.valid, data.split.test):
        _predict(net, make_loader(subset(data.graphs, part), 64), task, "cpu")  # the harness evaluates in 64s
    evaluate = time.perf_counter() - start
    train_batches = -(-len(train) // 32)
    return {"train_batches": train_batches, "s_per_batch": round(per_batch, 4), "s_eval_valid_test": round(evaluate, 3),
            "s_per_epoch": round(train_batches * per_batch + evaluate, 2)}


def main(argv: list[str] | None = None) -> int:
    import graphssl.graspnet  # noqa: F401
    from graphssl.graspnet.featurizer import MoleculeFeaturizer, checkpoint_featurization
    from graphssl.graspnet.moleculenet import TASKS, ecfp4, fit_forest, fit_probe, load_task
    from graphssl.train.pretrained import load_pretrained

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", required=True)
    parser.add_argument("--tasks", default=",".join(TASKS))
    parser.add_argument("--root", default="../shared/data/moleculenet")
    parser.add_argument("--batches", type=int, default=8, help="timed training batches per task (default: 8)")
    parser.add_argument("--fits", action="store_true", help="also time ECFP4, the probe fits and one forest")
    args = parser.parse_args(argv)
    model = load_pretrained(args.checkpoint)
    features, fragments = checkpoint_featurization(model, args.checkpoint)
    for task in args.tasks.split(","):
        start = time.perf_counter()
        data = load_task(task, args.root, features=features, fragments=fragments or None)
        out = {"task": task, "molecules": len(data.graphs), "s_load": round(time.perf_counter() - start, 2)}
        out.update(time_epoch(model, data, args.batches))
        sample = data.graphs[:512]
        start = time.perf_counter()
        embedded = MoleculeFeaturizer(args.checkpoint, pooling="both").transform_graphs(sample)
        out["s_probe_embed_all"] = round((time.perf_counter() - start) * len(data.graphs) / len(sample), 2)
        if args.fits:
            start = time.perf_counter()
            fingerprints = ecfp4(data.smiles)
            out["s_ecfp4"] = round(time.perf_counter() - start, 2)
            start = time.perf_counter()
            fit_probe(fingerprints, data.labels, data.split, data.kind)
            out["s_ecfp4_linear"] = round(time.perf_counter() - start, 2)
            start = time.perf_counter()
            fit_forest(fingerprints, data.labels, data.split, data.kind, seed=0)
            out["s_ecfp4_rf_per_seed"] = round(time.perf_counter() - start, 2)
            features_probe = np.repeat(embedded, -(-len(data.graphs) // len(sample)), axis=0)[:len(data.graphs)]
            start = time.perf_counter()
            fit_probe(features_probe, data.labels, data.split, data.kind)
            out["s_probe_fit"] = round(time.perf_counter() - start, 2)
        print(json.dumps(out), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
