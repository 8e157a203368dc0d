"""Fine-tuning runner: encoder plus prediction head, trained end to end or on a frozen encoder.

The protocol is the one of Hu et al., "Strategies for Pre-training Graph
Neural Networks" (ICLR 2020): a pre-trained encoder gets a linear (or MLP)
head, both are trained with AdamW, the epoch with the best validation metric
is selected and its test metric reported. With an empty validation split
(the 10-fold protocol of Xu et al., "How Powerful are Graph Neural
Networks?", ICLR 2019) the last epoch is reported, and ``test_every_epoch``
records the whole test curve so the best mean epoch over folds can be taken.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Sequence

import torch
from torch import Tensor, nn

from graphssl.eval.loading import is_transductive, make_loader, num_rows, split_parts, subset
from graphssl.eval.models import resolve_encoder, rows_of
from graphssl.eval.seeding import STREAM_STRIDE, seeded_rng
from graphssl.eval.splits import Split
from graphssl.eval.tasks import EvalTask


@dataclass
class FinetuneConfig:
    """Settings of :func:`finetune`.

    Args:
        epochs: training epochs (default ``100``).
        batch_size: graphs per training batch (default ``32``).
        eval_batch_size: graphs per evaluation batch (default ``256``).
        lr: learning rate of the head (default ``1e-3``).
        encoder_lr: learning rate of the encoder (default ``None``: same as ``lr``).
        weight_decay: AdamW weight decay (default ``0.0``).
        head_hidden: hidden width of a 2-layer MLP head; ``0`` gives a linear head (default ``0``).
        head_dropout: dropout before the head's last layer (default ``0.0``).
        freeze_encoder: keep the encoder fixed, in eval mode (default ``False``).
        grad_clip: clip the gradient norm to this value (default ``None``: no clipping).
        eval_every: evaluate on the validation split every this many epochs (default ``1``).
        test_every_epoch: also record test metrics of every epoch in the history (default ``False``).
        seed: seeds head initialisation, dropout, shuffling and an encoder built
            from a config (default ``0``); the caller's RNG state is not touched.
        device: ``"cpu"`` (default) or ``"cuda"``.
    """

    epochs: int = 100
    batch_size: int = 32
    eval_batch_size: int = 256
    lr: float = 1e-3
    encoder_lr: float | None = None
    weight_decay: float = 0.0
    head_hidden: int = 0
    head_dropout: float = 0.0
    freeze_encoder: bool = False
    grad_clip: float | None = None
    eval_every: int = 1
    test_every_epoch: bool = False
    seed: int = 0
    device: str = "cpu"

    def __post_init__(self) -> None:
        if self.epochs < 1 or self.batch_size < 1 or self.eval_batch_size < 1 or self.eval_every < 1:
            raise ValueError("finetune: epochs, batch sizes and eval_every must be positive")


def make_head(in_dim: int, out_dim: int, hidden: int = 0, dropout: float = 0.0) -> nn.Module:
    """A linear head, or Linear-ReLU-Dropout-Linear when ``hidden > 0``."""
    if hidden <= 0:
        return nn.Sequential(nn.Dropout(dropout), nn.Linear(in_dim, out_dim))
    return nn.Sequential(nn.Linear(in_dim, hidden), nn.ReLU(), nn.Dropout(dropout), nn.Linear(hidden, out_dim))


class PredictionModel(nn.Module):
    """An encoder followed by a head on its node or graph embeddings.

    Args:
        encoder: any module following the encoder protocol: ``encoder(batch)``
            returns an ``EncoderOutput`` (or ``(node [N, D], graph [B, D])``)
            and the module has an integer ``out_dim``.
        task: the :class:`EvalTask` (its level picks node or graph embeddings).
        head_hidden: hidden width of an MLP head, ``0`` for linear (default ``0``).
        head_dropout: dropout before the last head layer (default ``0.0``).
        freeze_encoder: no gradients into the encoder, which stays in eval mode (default ``False``).

    Shapes:
        returns ``[rows, task.num_outputs]`` (rows = nodes or graphs of the batch).
    """

    def __init__(self, encoder: nn.Module, task: EvalTask, head_hidden: int = 0, head_dropout: float = 0.0,
                 freeze_encoder: bool = False) -> None:
        super().__init__()
        self.encoder = encoder
        self.task = task
        self.freeze_encoder = freeze_encoder
        self.head = make_head(encoder.out_dim, task.num_outputs, head_hidden, head_dropout)
        if freeze_encoder:
            for parameter in self.encoder.parameters():
                parameter.requires_grad_(False)

    def train(self, mode: bool = True) -> "PredictionModel":
        super().train(mode)
        if self.freeze_encoder:
            self.encoder.eval()
        return self

    def forward(self, batch) -> Tensor:
        with torch.set_grad_enabled(torch.is_grad_enabled() and not self.freeze_encoder):
            rows = rows_of(self.encoder(batch), self.task)
        return self.head(rows)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(encoder={type(self.encoder).__name__}, task={self.task}, head={self.head}, freeze_encoder={self.freeze_encoder})"


@torch.no_grad()
def _predict(model: PredictionModel, loader, task: EvalTask, device: str) -> tuple[Tensor, Tensor]:
    model.eval()
    preds, targets = [], []
    for batch in loader:
        batch = batch.to(device)
        preds.append(model(batch).cpu())
        targets.append(task.targets_of(batch, num_rows(batch, task)).cpu())
    return torch.cat(preds), torch.cat(targets)


def finetune(encoder, dataset: Sequence, split: Split, task: EvalTask,
             config: FinetuneConfig | None = None, return_model: bool = False) -> dict:
    """Fine-tune a copy of ``encoder`` with a new head and report the selected epoch.

    Everything random (head initialisation, dropout, shuffling) is drawn from
    ``config.seed``: the same call gives the same result twice and leaves
    torch's global RNG state as it found it.

    Args:
        encoder: the (pre-trained) encoder, deep-copied and never modified: a
            module following the encoder protocol, or an encoder config built
            by name with its initialisation seeded by ``config.seed`` (see
            :mod:`graphssl.eval.models`).
        dataset: graphs (list or PyG dataset) carrying ``task.target``.
        split: graph indices, or node indices for a node task on one graph
            (see :mod:`graphssl.eval.loading`). An empty ``valid`` part selects
            the last epoch.
        task: what to predict.
        config: training settings (default :class:`FinetuneConfig()`).
        return_model: also return the selected model under ``"model"`` (default ``False``).

    Returns:
        ``{"selection": "valid" | "last", "best_epoch": int, "valid": {metric: value},
        "test": {metric: value}, "history": [{"epoch", "loss", "valid"?, "test"?}, ...]}``
        (``"valid"`` is empty when the split has no validation part).
    """
    cfg = config or FinetuneConfig()
    encoder = resolve_encoder(encoder, seed=cfg.seed, device=cfg.device, spec=getattr(dataset, "spec", None))
    with seeded_rng(cfg.seed, cfg.device):
        return _finetune(encoder, dataset, split, task, cfg, return_model)


def _finetune(encoder: nn.Module, dataset: Sequence, split: Split, task: EvalTask, cfg: FinetuneConfig,
              return_model: bool) -> dict:
    device = cfg.device
    transductive = is_transductive(dataset, task)
    size = int(dataset[0].num_nodes) if transductive else len(dataset)
    parts = split_parts(split, size, "node" if transductive else "graph")
    model = PredictionModel(copy.deepcopy(encoder), task, cfg.head_hidden, cfg.head_dropout, cfg.freeze_encoder).to(device)
    groups = [{"params": list(model.head.parameters()), "lr": cfg.lr}]
    if not cfg.freeze_encoder:
        groups.append({"params": list(model.encoder.parameters()), "lr": cfg.lr if cfg.encoder_lr is None else cfg.encoder_lr})
    optimizer = torch.optim.AdamW(groups, lr=cfg.lr, weight_decay=cfg.weight_decay)

    def _step(loss: Tensor) -> None:
        loss.backward()
        if cfg.grad_clip is not None:
            nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip)
        optimizer.step()

    if transductive:
        graph = dataset[0].to(device)
        node_idx = {name: torch.as_tensor(idx, device=device) for name, idx in parts.items()}

        def train_epoch(epoch: int) -> float:
            model.train()
            optimizer.zero_grad()
            loss = task.loss(model(graph)[node_idx["train"]], task.targets_of(graph, graph.num_nodes)[node_idx["train"]])
            _step(loss)
            return loss.item()

        def evaluate(name: str) -> dict[str, float]:
            if node_idx[name].numel() == 0:
                return {}
            with torch.no_grad():
                model.eval()
                pred, target = model(graph), task.targets_of(graph, graph.num_nodes)
            return task.evaluate(pred[node_idx[name]].cpu(), target[node_idx[name]].cpu())
    else:
        train_graphs = subset(dataset, parts["train"])
        eval_loaders = {name: make_loader(subset(dataset, idx), cfg.eval_batch_size) for name, idx in parts.items()}

        def train_epoch(epoch: int) -> float:
            model.train()
            total, count = 0.0, 0
            for batch in make_loader(train_graphs, cfg.batch_size, shuffle=True, seed=cfg.seed * STREAM_STRIDE + epoch):
                batch = batch.to(device)
                rows = num_rows(batch, task)
                optimizer.zero_grad()
                loss = task.loss(model(batch), task.targets_of(batch, rows))
                _step(loss)
                total, count = total + loss.item() * rows, count + rows
            return total / max(count, 1)

        def evaluate(name: str) -> dict[str, float]:
            if parts[name].size == 0:
                return {}
            return task.evaluate(*_predict(model, eval_loaders[name], task, device))

    has_valid = parts["valid"].size > 0
    best_value: float | None = None
    best_epoch, best_valid, best_test, best_state = cfg.epochs, {}, {}, None
    history = []
    for epoch in range(1, cfg.epochs + 1):
        record: dict = {"epoch": epoch, "loss": train_epoch(epoch)}
        test_metrics = evaluate("test") if cfg.test_every_epoch else None
        if has_valid and (epoch % cfg.eval_every == 0 or epoch == cfg.epochs):
            record["valid"] = evaluate("valid")
            if task.is_better(record["valid"].get(task.metric, float("nan")), best_value):
                best_value, best_epoch, best_valid = record["valid"][task.metric], epoch, record["valid"]
                best_test = test_metrics if test_metrics is not None else evaluate("test")
                best_state = copy.deepcopy(model.state_dict()) if return_model else None
        if test_metrics is not None:
            record["test"] = test_metrics
        history.append(record)

    selection = "valid" if best_value is not None else "last"
    if selection == "last":
        # No validation part (or no finite validation metric): report the last epoch.
        best_epoch = cfg.epochs
        best_valid = history[-1].get("valid", {})
        best_test = history[-1]["test"] if cfg.test_every_epoch else evaluate("test")
    result = {"selection": selection, "best_epoch": best_epoch, "valid": best_valid, "test": best_test, "history": history}
    if return_model:
        if best_state is not None:
            model.load_state_dict(best_state)
        result["model"] = model.eval()
    return result
