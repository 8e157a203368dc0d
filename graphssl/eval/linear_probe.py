"""Linear-probe runner: a linear model on frozen embeddings.

The standard evaluation of self-supervised graph encoders (e.g. Veličković et
al., "Deep Graph Infomax", ICLR 2019; Thakoor et al., "Large-Scale
Representation Learning on Graphs via Bootstrapping" (BGRL), ICLR 2022):
embeddings are computed once with the encoder in eval mode, standardised with
training statistics, and a linear model is trained on them full-batch with
AdamW. Weight decay is picked from a grid and the epoch by the validation
metric; the test metric of the selected model is reported.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Sequence

import torch
from torch import Tensor, nn

from graphssl.eval.loading import is_transductive, make_loader, num_rows, split_parts, subset
from graphssl.eval.models import resolve_encoder, rows_of
from graphssl.eval.seeding import generator
from graphssl.eval.splits import Split
from graphssl.eval.tasks import EvalTask


@dataclass
class LinearProbeConfig:
    """Settings of :func:`linear_probe`.

    Args:
        epochs: full-batch AdamW steps (default ``300``).
        lr: learning rate (default ``0.01``).
        weight_decays: AdamW weight decays tried; the best on validation wins
            (default ``(0.0,)``; several need a validation part).
        standardize: z-score features with training-set statistics (default ``True``).
        eval_every: validation interval in steps (default ``10``).
        batch_size: graphs per batch when computing embeddings (default ``256``).
        seed: seeds the linear model's initialisation, and that of an encoder
            built from a config (default ``0``); the caller's RNG state is not touched.
        device: ``"cpu"`` (default) or ``"cuda"``.
    """

    epochs: int = 300
    lr: float = 0.01
    weight_decays: Sequence[float] = field(default_factory=lambda: (0.0,))
    standardize: bool = True
    eval_every: int = 10
    batch_size: int = 256
    seed: int = 0
    device: str = "cpu"

    def __post_init__(self) -> None:
        if self.epochs < 1 or self.eval_every < 1 or self.batch_size < 1 or not len(self.weight_decays):
            raise ValueError("linear_probe: epochs, eval_every, batch_size must be positive and weight_decays non-empty")


@torch.no_grad()
def embed(encoder: nn.Module, graphs: Sequence, task: EvalTask, batch_size: int = 256,
          device: str = "cpu") -> tuple[Tensor, Tensor]:
    """Embeddings and targets of ``graphs`` from ``encoder`` in eval mode.

    The encoder's train/eval mode is restored afterwards.

    Shapes:
        returns features ``[rows, encoder.out_dim]`` and targets as in
        :meth:`EvalTask.targets_of`, rows being graphs, or all nodes of the
        graphs in order for node-level tasks.
    """
    was_training = encoder.training
    encoder.eval()
    try:
        features, targets = [], []
        for batch in make_loader(list(graphs), batch_size):
            batch = batch.to(device)
            features.append(rows_of(encoder(batch), task).float().cpu())
            targets.append(task.targets_of(batch, num_rows(batch, task)).cpu())
    finally:
        encoder.train(was_training)
    return torch.cat(features), torch.cat(targets)


def seeded_linear(in_dim: int, out_dim: int, seed: int) -> nn.Linear:
    """An ``nn.Linear`` with PyTorch's default initialisation drawn from a generator seeded with ``seed``.

    Kaiming-uniform weights (``a = sqrt(5)``) and ``U(-1/sqrt(in_dim), 1/sqrt(in_dim))``
    biases, the same draws ``torch.manual_seed(seed)`` followed by ``nn.Linear`` would make.
    """
    linear = nn.utils.skip_init(nn.Linear, in_dim, out_dim)  # no draws from the global RNG
    draws = generator(seed)
    with torch.no_grad():
        nn.init.kaiming_uniform_(linear.weight, a=math.sqrt(5), generator=draws)
        bound = 1.0 / math.sqrt(in_dim) if in_dim > 0 else 0.0
        linear.bias.uniform_(-bound, bound, generator=draws)
    return linear


def fit_linear_probe(features: dict[str, Tensor], targets: dict[str, Tensor], task: EvalTask,
                     config: LinearProbeConfig | None = None) -> dict:
    """Train the linear model on precomputed features.

    Args:
        features: ``{"train": [n_train, D], "valid": [n_valid, D], "test": [n_test, D]}``;
            ``valid`` and ``test`` may be empty or absent.
        targets: the matching targets (see :meth:`EvalTask.targets_of`).
        task: what to predict.
        config: settings (default :class:`LinearProbeConfig()`).

    Returns:
        ``{"selection": "valid" | "last", "weight_decay", "best_epoch",
        "valid": {metric: value}, "test": {metric: value}, "train": {metric: value}}``.
    """
    cfg = config or LinearProbeConfig()
    device = cfg.device
    x_train = features["train"].float()
    if x_train.shape[0] == 0:
        raise ValueError("linear_probe: the train part is empty")
    mean = x_train.mean(0) if cfg.standardize else torch.zeros(x_train.shape[1])
    std = x_train.std(0, unbiased=False).clamp_min(1e-6) if cfg.standardize else torch.ones(x_train.shape[1])
    x = {name: ((f.float() - mean) / std).to(device) for name, f in features.items() if f.shape[0] > 0}
    y = {name: targets[name].to(device) for name in x}
    has_valid = "valid" in x
    if not has_valid and len(cfg.weight_decays) > 1:
        raise ValueError("linear_probe: choosing among several weight_decays needs a non-empty valid part")

    def evaluate(linear: nn.Module, name: str) -> dict[str, float]:
        if name not in x:
            return {}
        with torch.no_grad():
            return task.evaluate(linear(x[name]).cpu(), y[name].cpu())

    best: dict | None = None
    for weight_decay in cfg.weight_decays:
        linear = seeded_linear(x_train.shape[1], task.num_outputs, cfg.seed).to(device)
        optimizer = torch.optim.AdamW(linear.parameters(), lr=cfg.lr, weight_decay=float(weight_decay))
        run_best_value, run_best = None, None
        for epoch in range(1, cfg.epochs + 1):
            optimizer.zero_grad()
            task.loss(linear(x["train"]), y["train"]).backward()
            optimizer.step()
            if has_valid and (epoch % cfg.eval_every == 0 or epoch == cfg.epochs):
                valid = evaluate(linear, "valid")
                if task.is_better(valid[task.metric], run_best_value):
                    run_best_value = valid[task.metric]
                    run_best = {"selection": "valid", "weight_decay": float(weight_decay), "best_epoch": epoch,
                                "valid": valid, "test": evaluate(linear, "test"), "train": evaluate(linear, "train")}
        if run_best is None:
            # No validation part (or no finite validation metric): the last step counts.
            run_best = {"selection": "last", "weight_decay": float(weight_decay), "best_epoch": cfg.epochs,
                        "valid": evaluate(linear, "valid"), "test": evaluate(linear, "test"), "train": evaluate(linear, "train")}
        if best is None or (run_best["selection"] == "valid" and
                            task.is_better(run_best["valid"][task.metric], best["valid"].get(task.metric))):
            best = run_best
    return best


def linear_probe(encoder, dataset: Sequence, split: Split, task: EvalTask,
                 config: LinearProbeConfig | None = None) -> dict:
    """Embed ``dataset`` once with the frozen ``encoder`` and fit a linear model.

    Args:
        encoder: the encoder to evaluate (left unchanged): a module following the
            encoder protocol, or an encoder config built by name with its
            initialisation seeded by ``config.seed`` (see :mod:`graphssl.eval.models`).
        dataset: graphs carrying ``task.target``.
        split: graph indices, or node indices for a node task on one graph
            (see :mod:`graphssl.eval.loading`).
        task: what to predict.
        config: settings (default :class:`LinearProbeConfig()`).

    Returns:
        the dict of :func:`fit_linear_probe`.

    Example::

        result = linear_probe(encoder, graphs, random_split(len(graphs)), EvalTask("multiclass", 2))
        result["test"]["accuracy"]
    """
    cfg = config or LinearProbeConfig()
    encoder = resolve_encoder(encoder, seed=cfg.seed, device=cfg.device, spec=getattr(dataset, "spec", None))
    if is_transductive(dataset, task):
        parts = split_parts(split, int(dataset[0].num_nodes), "node")
        feats, targs = embed(encoder, [dataset[0]], task, cfg.batch_size, cfg.device)
        features = {name: feats[torch.as_tensor(idx)] for name, idx in parts.items()}
        targets = {name: targs[torch.as_tensor(idx)] for name, idx in parts.items()}
    else:
        parts = split_parts(split, len(dataset), "graph")
        features, targets = {}, {}
        for name, idx in parts.items():
            if idx.size:
                features[name], targets[name] = embed(encoder, subset(dataset, idx), task, cfg.batch_size, cfg.device)
    return fit_linear_probe(features, targets, task, cfg)
