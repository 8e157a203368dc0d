"""The pretraining loop behind ``graphssl pretrain``.

One loop for every objective: AdamW with warmup + cosine schedule, gradient
clipping, AMP on CUDA, a tqdm bar, a JSONL metrics log and atomic
checkpoints. A run writes into its output folder::

    config.yaml      the resolved config (feature layout filled in)
    metrics.jsonl    one JSON object per logged step
    checkpoint.pt    the latest checkpoint (see graphssl.train.checkpoint)

``resume=True`` continues from ``checkpoint.pt``: model, optimizer, step and
RNG states are restored and the batch order is recomputed, so on CPU a killed
and resumed run ends with the same weights as an uninterrupted one.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from contextlib import nullcontext
from dataclasses import replace
from pathlib import Path

import torch
import torch.distributed as dist
import yaml
from torch.nn.parallel import DistributedDataParallel
from torch_geometric.loader import DataLoader
from tqdm.auto import tqdm

import graphssl
from graphssl.config import to_dict
from graphssl.data.fingerprint import dataset_fingerprint
from graphssl.data.registry import build_dataset, build_transform
from graphssl.data.spec import GraphSpec, infer_spec
from graphssl.errors import CheckpointError, ConfigError, GraphSSLError
from graphssl.train.checkpoint import load_checkpoint, save_checkpoint
from graphssl.train.config import DataConfig, PretrainConfig
from graphssl.train.distributed import DistributedContext, init_distributed, shutdown_distributed
from graphssl.train.model import PretrainModel, build_pretrain_model
from graphssl.train.sampling import ShardedBatchOrder, learning_rate

CHECKPOINT_NAME = "checkpoint.pt"


class GraphList(torch.utils.data.Dataset):
    """Graphs held in memory after transforms, with the dataset's feature layout."""

    def __init__(self, graphs: list, spec: GraphSpec) -> None:
        self.graphs, self.spec = graphs, spec

    def __len__(self) -> int:
        return len(self.graphs)

    def __getitem__(self, index: int):
        return self.graphs[index]


# Graphs per call of a batched transform: large enough to amortise, small enough for memory.
TRANSFORM_CHUNK = 4096


def _apply_batched(transform, graphs: list) -> None:
    """Run a transform with a batched ``compute(graphs) -> {name: [N_total, ...]}`` chunk by chunk,
    splitting its node-level outputs back onto the graphs."""
    for start in range(0, len(graphs), TRANSFORM_CHUNK):
        chunk = graphs[start : start + TRANSFORM_CHUNK]
        sizes = [g.num_nodes for g in chunk]
        for name, value in transform.compute(chunk).items():
            if value.shape[0] != sum(sizes):
                raise ConfigError(f"data.transforms: {transform!r} output {name!r} is not one row per node; "
                                  "only per-node outputs can be attached to training graphs")
            for graph, part in zip(chunk, torch.split(value, sizes)):
                graph[name] = part


def prepare_data(config: DataConfig) -> GraphList:
    """Build the configured dataset and apply its transforms once to every graph.

    Transforms with a batched ``compute`` (the PSE kinds) run over chunks of
    graphs at once; others run graph by graph.
    """
    dataset = build_dataset(config.name, config.params)
    transforms = [build_transform(t.name, t.params) for t in config.transforms]
    graphs = [dataset[index] for index in range(len(dataset))]
    for transform in transforms:
        if callable(getattr(transform, "compute", None)):
            graphs = [graph.clone() for graph in graphs]
            _apply_batched(transform, graphs)
        else:
            graphs = [transform(graph) for graph in graphs]
    spec = getattr(dataset, "spec", None) or infer_spec(graphs)
    return GraphList(graphs, spec)


def _rng_state(device: torch.device) -> dict:
    state = {"cpu": torch.get_rng_state()}
    if device.type == "cuda":
        state["cuda"] = torch.cuda.get_rng_state(device)
    return state


def _set_rng_state(state: dict, device: torch.device) -> None:
    torch.set_rng_state(state["cpu"])
    if device.type == "cuda" and "cuda" in state:
        torch.cuda.set_rng_state(state["cuda"], device)


def _gather_rng(ctx: DistributedContext) -> list[dict]:
    state = _rng_state(ctx.device)
    if not ctx.enabled:
        return [state]
    states: list = [None] * ctx.world_size
    dist.all_gather_object(states, {k: v.cpu() for k, v in state.items()})
    return states


def _config_changes(saved: dict, current: dict, prefix: str = "") -> list[str]:
    changes = []
    for key in sorted(set(saved) | set(current)):
        a, b = saved.get(key), current.get(key)
        if isinstance(a, dict) and isinstance(b, dict):
            changes += _config_changes(a, b, f"{prefix}{key}.")
        elif a != b:
            changes.append(f"{prefix}{key}: {a!r} -> {b!r}")
    return changes


class Pretrainer:
    """Runs one pretraining job (see the module docstring)."""

    def __init__(self, config: PretrainConfig, out_dir: str | Path, *, resume: bool = False, progress: bool = True,
                 stop_after: int | None = None) -> None:
        self.config, self.out_dir, self.resume, self.progress = config, Path(out_dir), resume, progress
        self.stop_after = stop_after
        self.model: PretrainModel | None = None

    def run(self) -> Path:
        ctx = init_distributed(self.config.train.device)
        try:
            return self._run(ctx)
        finally:
            shutdown_distributed()

    def _amp(self, device: torch.device):
        if device.type != "cuda" or not self.config.train.amp:
            return nullcontext(), None
        dtype = torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
        scaler = torch.amp.GradScaler("cuda") if dtype == torch.float16 else None
        return torch.autocast("cuda", dtype=dtype), scaler

    def _run(self, ctx: DistributedContext) -> Path:
        config, loop = self.config, self.config.train
        checkpoint_path = self.out_dir / CHECKPOINT_NAME
        if ctx.is_main and checkpoint_path.exists() and not self.resume:
            raise ConfigError(f"{self.out_dir} already holds a run; pass --resume to continue it or choose another --out")
        if self.resume and not checkpoint_path.exists():
            raise CheckpointError(f"{checkpoint_path}: nothing to resume from")

        torch.manual_seed(loop.seed + ctx.rank)
        data = prepare_data(config.data)
        fingerprint = dataset_fingerprint(data)
        resolved = replace(config, encoder=config.encoder.with_spec(data.spec))
        model = build_pretrain_model(resolved, data.spec).to(ctx.device)
        self.model = model
        order = ShardedBatchOrder(len(data), loop.batch_size, loop.seed, ctx.rank, ctx.world_size)
        total_steps = loop.steps if loop.steps is not None else loop.epochs * order.batches_per_epoch
        optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=config.optimizer.lr,
                                      betas=tuple(config.optimizer.betas), weight_decay=config.optimizer.weight_decay)
        autocast, scaler = self._amp(ctx.device)

        step = 0
        if self.resume:
            step = self._restore(checkpoint_path, ctx, model, optimizer, scaler, fingerprint, to_dict(resolved), total_steps)
        stop_at = total_steps if self.stop_after is None else min(total_steps, step + self.stop_after)
        if ctx.is_main:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            (self.out_dir / "config.yaml").write_text(yaml.safe_dump(to_dict(resolved), sort_keys=False))
            self._trim_metrics(step)

        trained = DistributedDataParallel(model, find_unused_parameters=True) if ctx.enabled else model
        payload_base = {"graphssl_version": graphssl.__version__, "config": to_dict(resolved),
                        "data_fingerprint": fingerprint, "total_steps": total_steps, "world_size": ctx.world_size}
        bar = tqdm(total=total_steps, initial=step, disable=not (self.progress and ctx.is_main), desc="pretrain", dynamic_ncols=True)
        window: dict[str, list[float]] = defaultdict(list)
        window_start, window_graphs = time.perf_counter(), 0
        model.train()
        while step < stop_at:
            epoch, offset = divmod(step, order.batches_per_epoch)
            # The loader's own generator keeps it from drawing on the global RNG, which resume restores.
            loader = DataLoader(data, batch_sampler=order.epoch(epoch)[offset:], num_workers=loop.num_workers,
                                generator=torch.Generator().manual_seed(loop.seed + epoch))
            for batch in loader:
                lr = learning_rate(step, total_steps, config.optimizer.lr, config.optimizer.warmup_steps, config.optimizer.min_lr)
                out = self._step(trained, batch.to(ctx.device), optimizer, scaler, autocast, lr, step)
                step += 1
                model.objectives.after_step(model.encoder, step, total_steps)

                for key, value in out.items():
                    if isinstance(value, torch.Tensor) and value.dim() == 0:
                        window[key].append(float(value.detach()))
                window_graphs += batch.num_graphs
                bar.update(1)
                if step % loop.log_every == 0 or step == total_steps:
                    elapsed = time.perf_counter() - window_start
                    record = {"step": step, "epoch": epoch, "lr": lr, **{k: sum(v) / len(v) for k, v in window.items()},
                              "graphs_per_s": window_graphs * ctx.world_size / max(elapsed, 1e-9)}
                    bar.set_postfix(loss=f"{record['loss']:.4f}")
                    if ctx.is_main:
                        with open(self.out_dir / "metrics.jsonl", "a") as handle:
                            handle.write(json.dumps(record) + "\n")
                    window.clear()
                    window_start, window_graphs = time.perf_counter(), 0
                if step % loop.checkpoint_every == 0 or step == stop_at:
                    self._save(checkpoint_path, ctx, model, optimizer, scaler, payload_base, step, epoch, total_steps)
                if step >= stop_at:
                    break
        bar.close()
        if ctx.enabled:
            dist.barrier()
        return checkpoint_path

    def _step(self, trained, batch, optimizer, scaler, autocast, lr: float, step: int) -> dict:
        """One optimizer step at learning rate ``lr``; returns the objectives' outputs."""
        for group in optimizer.param_groups:
            group["lr"] = lr
        with autocast:
            out = trained(batch)
        loss = out["loss"]
        if not bool(torch.isfinite(loss)):
            raise GraphSSLError(f"step {step + 1}: loss is {float(loss)}; lower optimizer.lr or check the data")
        optimizer.zero_grad(set_to_none=True)
        if scaler is not None:
            scaler.scale(loss).backward()
            scaler.unscale_(optimizer)
        else:
            loss.backward()
        if self.config.optimizer.grad_clip > 0:
            torch.nn.utils.clip_grad_norm_(optimizer.param_groups[0]["params"], self.config.optimizer.grad_clip)
        if scaler is not None:
            scaler.step(optimizer)
            scaler.update()
        else:
            optimizer.step()
        return out

    def _save(self, path, ctx, model, optimizer, scaler, base, step, epoch, total_steps) -> None:
        rng = _gather_rng(ctx)
        if not ctx.is_main:
            return
        save_checkpoint(path, {**base, "step": step, "epoch": epoch, "finished": step >= total_steps,
                               "model": model.state_dict(), "optimizer": optimizer.state_dict(),
                               "scaler": scaler.state_dict() if scaler is not None else None, "rng": rng})

    def _restore(self, path, ctx, model, optimizer, scaler, fingerprint, config_dict, total_steps) -> int:
        payload = load_checkpoint(path, map_location=ctx.device)
        if payload["data_fingerprint"] != fingerprint:
            raise CheckpointError(f"{path}: the data changed since this checkpoint ({payload['data_fingerprint'][:19]}... vs {fingerprint[:19]}...)")
        changes = _config_changes(payload["config"], config_dict)
        if changes:
            raise CheckpointError(f"{path}: the config changed since this checkpoint: {'; '.join(changes[:3])}")
        if payload["step"] >= total_steps:
            raise CheckpointError(f"{path}: this run already finished ({payload['step']} of {total_steps} steps)")
        model.load_state_dict(payload["model"])
        optimizer.load_state_dict(payload["optimizer"])
        if scaler is not None and payload.get("scaler") is not None:
            scaler.load_state_dict(payload["scaler"])
        states = payload["rng"]
        if len(states) == ctx.world_size:
            _set_rng_state(states[ctx.rank], ctx.device)
        else:
            torch.manual_seed(self.config.train.seed + ctx.rank + payload["step"])
        return int(payload["step"])

    def _trim_metrics(self, step: int) -> None:
        """Drop log lines past the resumed step so the log reads as one run."""
        path = self.out_dir / "metrics.jsonl"
        if not path.exists():
            return
        kept = [line for line in path.read_text().splitlines() if line.strip() and json.loads(line)["step"] <= step]
        path.write_text("".join(line + "\n" for line in kept))


def pretrain(config: PretrainConfig, out_dir: str | Path, *, resume: bool = False, progress: bool = True,
             stop_after: int | None = None) -> Path:
    """Run pretraining; returns the path of the checkpoint.

    ``stop_after`` ends this invocation after that many steps with a
    checkpoint, leaving the run resumable (for time-limited or preemptible jobs).
    """
    return Pretrainer(config, out_dir, resume=resume, progress=progress, stop_after=stop_after).run()
