"""The pretraining loop behind ``graphssl pretrain``.

One loop for every objective: AdamW with warmup + cosine schedule, gradient
clipping, AMP on CUDA, a tqdm bar, a JSONL metrics log and atomic
checkpoints. A run writes into its output folder::

    config.yaml      the resolved config (feature layout filled in)
    metrics.jsonl    one JSON object per logged step
    checkpoint.pt    the latest checkpoint (see graphssl.train.checkpoint)
    rejects.csv      items the dataset could not use, with reasons (only when there are some)

The model is built by name (``build_pretrain_model`` -> ``graphssl.nn.build_encoder``)
and called as ``model(batch, generator)``: every random draw of the objectives
comes from the run's own :class:`torch.Generator` (seeded ``train.seed + rank``).

``resume=True`` continues from ``checkpoint.pt``: model, optimizer, step and
RNG states are restored and the batch order is recomputed, so on CPU a killed
and resumed run ends with the same weights as an uninterrupted one (see
:mod:`graphssl.train.resume` for what resume refuses).

Under DDP, ``find_unused_parameters`` is set from one probe pass on the first
batch: on only when some trainable parameter really gets no gradient.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from contextlib import nullcontext
import sys
from dataclasses import replace
from pathlib import Path

import torch
import torch.distributed as dist
import yaml
from torch.nn.parallel import DistributedDataParallel
from torch_geometric.data import Batch
from torch_geometric.loader import DataLoader
from tqdm.auto import tqdm

import graphssl
from graphssl.config import to_dict
from graphssl.data.fingerprint import dataset_fingerprint
from graphssl.data.mixture import MixtureBatchOrder, MixtureDataset
from graphssl.data.prepare import prepare_data
from graphssl.data.rejects import rejects_of, report_rejects
from graphssl.data.spec import GraphSpec
from graphssl.errors import CheckpointError, ConfigError, GraphSSLError
from graphssl.train.budget import TrainingBudget, hardware
from graphssl.train.checkpoint import (CHECKPOINT_NAME, load_checkpoint, remove_stale_temporaries, save_checkpoint,
                                       spec_entries)
from graphssl.train.config import PretrainConfig
from graphssl.train.distributed import (DistributedContext, any_rank, init_distributed, parameters_without_grad,
                                        shutdown_distributed)
from graphssl.train.model import PretrainModel, build_pretrain_model
from graphssl.train.resume import check_resumable, gather_rng, set_rng_state, warn_world_size_change
from graphssl.train.sampling import ShardedBatchOrder, learning_rate


def with_spec(config: PretrainConfig, spec: GraphSpec) -> PretrainConfig:
    """``config`` with the encoder's feature layout filled from ``spec`` (encoders without one keep theirs)."""
    fill = getattr(config.encoder, "with_spec", None)
    return replace(config, encoder=fill(spec)) if callable(fill) else config


def batch_order(data, batch_size: int, seed: int, ctx: DistributedContext):
    """This process's resumable batch order: weighted draws for a mixture, a sharded shuffle otherwise."""
    if isinstance(data, MixtureDataset):
        return MixtureBatchOrder(data.sizes, data.weights, batch_size, seed, ctx.rank, ctx.world_size)
    return ShardedBatchOrder(len(data), batch_size, seed, ctx.rank, ctx.world_size)


class Pretrainer:
    """Runs one pretraining job (see the module docstring).

    Args:
        config: the pretraining config.
        out_dir: the run folder.
        resume: continue the run in ``out_dir`` (default ``False``).
        progress: show a progress bar (default ``True``).
        stop_after: end this invocation after that many steps, resumable (default ``None``).
        allow_world_size_change: resume on a different number of processes,
            inexactly (default ``False``: refused).
    """

    def __init__(self, config: PretrainConfig, out_dir: str | Path, *, resume: bool = False, progress: bool = True,
                 stop_after: int | None = None, allow_world_size_change: bool = False) -> None:
        self.config, self.out_dir, self.resume, self.progress = config, Path(out_dir), resume, progress
        self.stop_after, self.allow_world_size_change = stop_after, allow_world_size_change
        self.model: PretrainModel | None = None
        self.find_unused_parameters: bool | None = None

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

    def _prepare(self, ctx: DistributedContext):
        """The training graphs, with rejected items reported once into the run folder."""
        data = prepare_data(self.config.data, rank=ctx.rank, world_size=ctx.world_size)
        if ctx.is_main:
            rejects = rejects_of(data)
            if rejects:
                self.out_dir.mkdir(parents=True, exist_ok=True)
                names = "+".join(entry.name for entry in self.config.datasets)
                report_rejects(rejects, total=len(data) + len(rejects), what=names, out_dir=self.out_dir)
        return data

    def _run(self, ctx: DistributedContext) -> Path:
        config, loop = self.config, self.config.train
        checkpoint_path = self.out_dir / CHECKPOINT_NAME
        if ctx.is_main and checkpoint_path.exists() and not self.resume:
            raise ConfigError(f"{self.out_dir} already holds a run; pass --resume to continue it or choose another --out")
        if self.resume and not checkpoint_path.exists():
            raise CheckpointError(f"{checkpoint_path}: nothing to resume from")
        if ctx.is_main:
            remove_stale_temporaries(checkpoint_path)

        torch.manual_seed(loop.seed + ctx.rank)
        generator = torch.Generator(device=ctx.device).manual_seed(loop.seed + ctx.rank)
        data = self._prepare(ctx)
        fingerprint = dataset_fingerprint(data)
        resolved = with_spec(config, data.spec)
        resolved_dict = to_dict(resolved)
        model = build_pretrain_model(resolved, data.spec).to(ctx.device)
        self.model = model
        order = batch_order(data, loop.batch_size, loop.seed, ctx)
        total_steps = loop.steps if loop.steps is not None else loop.epochs * order.batches_per_epoch
        optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=config.optimizer.lr,
                                      betas=tuple(config.optimizer.betas), weight_decay=config.optimizer.weight_decay)
        autocast, scaler = self._amp(ctx.device)

        step, budget = 0, TrainingBudget()
        if self.resume:
            step, total_steps, budget = self._restore(checkpoint_path, ctx, model, optimizer, scaler, generator,
                                                      fingerprint, resolved_dict)
        budget.hardware = hardware(ctx.device, ctx.world_size)
        stop_at = total_steps if self.stop_after is None else min(total_steps, step + self.stop_after)
        if ctx.is_main:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            (self.out_dir / "config.yaml").write_text(yaml.safe_dump(resolved_dict, sort_keys=False))
            self._trim_metrics(step)

        trained = self._wrap(model, ctx, data, order, step) if ctx.enabled else model
        payload_base = {"graphssl_version": graphssl.__version__, "config": resolved_dict, **spec_entries(data.spec),
                        "data_fingerprint": fingerprint, "total_steps": total_steps, "world_size": ctx.world_size}
        bar = tqdm(total=total_steps, initial=step, disable=not (self.progress and ctx.is_main), desc="pretrain",
                   dynamic_ncols=True)
        window: dict[str, list[float]] = defaultdict(list)
        window_start, window_graphs = time.perf_counter(), 0
        invocation_start, wall_before = time.perf_counter(), budget.wall_time_s
        model.train()
        while step < stop_at:
            epoch, offset = divmod(step, order.batches_per_epoch)
            # The loader's own generator keeps it from drawing on the global RNG, which resume restores.
            loader = DataLoader(data, batch_sampler=order.epoch(epoch)[offset:], num_workers=loop.num_workers,
                                generator=torch.Generator().manual_seed(loop.seed + epoch))
            for batch in loader:
                lr = learning_rate(step, total_steps, config.optimizer.lr, config.optimizer.warmup_steps, config.optimizer.min_lr)
                out = self._step(trained, batch.to(ctx.device), generator, optimizer, scaler, autocast, lr, step)
                step += 1
                model.objectives.after_step(model.encoder, step, total_steps)

                for key, value in out.items():
                    if isinstance(value, torch.Tensor) and value.dim() == 0:
                        window[key].append(float(value.detach()))
                window_graphs += batch.num_graphs
                # Shards are padded to equal length, so every process sees as many graphs per step.
                budget.graphs_seen += batch.num_graphs * ctx.world_size
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
                    budget.wall_time_s = wall_before + time.perf_counter() - invocation_start
                    budget.epochs = step / order.batches_per_epoch
                    self._save(checkpoint_path, ctx, model, optimizer, scaler, generator,
                               {**payload_base, "budget": budget.to_dict()}, step, epoch, total_steps)
                if step >= stop_at:
                    break
        bar.close()
        if ctx.enabled:
            dist.barrier()
        return checkpoint_path

    def _wrap(self, model, ctx, data, order, step) -> DistributedDataParallel:
        """DDP around ``model``, finding unused parameters only when a probe pass shows some (on any process)."""
        epoch, offset = divmod(step, order.batches_per_epoch)
        first = Batch.from_data_list([data[i] for i in order.epoch(epoch)[offset]]).to(ctx.device)
        unused = parameters_without_grad(model, first, ctx.device)
        self.find_unused_parameters = any_rank(bool(unused), ctx)
        if unused:
            print(f"graphssl: rank {ctx.rank}: {len(unused)} parameter(s) get no gradient (e.g. {unused[0]}); "
                  "DDP runs with find_unused_parameters=True", file=sys.stderr)
        return DistributedDataParallel(model, find_unused_parameters=self.find_unused_parameters)

    def _step(self, trained, batch, generator, optimizer, scaler, autocast, lr: float, step: int) -> dict:
        """One optimizer step at learning rate ``lr``; returns the objectives' outputs."""
        for group in optimizer.param_groups:
            group["lr"] = lr
        with autocast:
            out = trained(batch, generator)
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

    def _save(self, path, ctx, model, optimizer, scaler, generator, base, step, epoch, total_steps) -> None:
        rng = gather_rng(ctx, generator)
        if not ctx.is_main:
            return
        save_checkpoint(path, {**base, "step": step, "epoch": epoch, "finished": step >= total_steps,
                               "model": model.state_dict(), "optimizer": optimizer.state_dict(),
                               "scaler": scaler.state_dict() if scaler is not None else None, "rng": rng})

    def _restore(self, path, ctx, model, optimizer, scaler, generator, fingerprint, config_dict):
        """Load the checkpoint into the run; returns ``(step, total_steps, budget)``."""
        payload = load_checkpoint(path, map_location=ctx.device)
        changed = check_resumable(payload, path, fingerprint=fingerprint, config=config_dict, world_size=ctx.world_size,
                                  allow_world_size_change=self.allow_world_size_change)
        model.load_state_dict(payload["model"])
        optimizer.load_state_dict(payload["optimizer"])
        if scaler is not None and payload.get("scaler") is not None:
            scaler.load_state_dict(payload["scaler"])
        step, total_steps = int(payload["step"]), int(payload["total_steps"])
        if changed:
            if ctx.is_main:
                warn_world_size_change(path, int(payload["world_size"]), ctx.world_size, total_steps)
            seed = self.config.train.seed + ctx.rank + step
            torch.manual_seed(seed)
            generator.manual_seed(seed)
        else:
            set_rng_state(payload["rng"][ctx.rank], ctx.device, generator)
        return step, total_steps, TrainingBudget.from_dict(payload.get("budget"))

    def _trim_metrics(self, step: int) -> None:
        """Drop log lines past the resumed step so the log reads as one run."""
        path = self.out_dir / "metrics.jsonl"
        if not path.exists():
            return
        kept = [line for line in path.read_text().splitlines() if line.strip() and json.loads(line)["step"] <= step]
        path.write_text("".join(line + "\n" for line in kept))


def pretrain(config: PretrainConfig, out_dir: str | Path, *, resume: bool = False, progress: bool = True,
             stop_after: int | None = None, allow_world_size_change: bool = False) -> Path:
    """Run pretraining; returns the path of the checkpoint.

    ``stop_after`` ends this invocation after that many steps with a
    checkpoint, leaving the run resumable (for time-limited or preemptible
    jobs). ``allow_world_size_change`` lets a run resume on a different number
    of processes, no longer exactly (see :mod:`graphssl.train.resume`).
    """
    return Pretrainer(config, out_dir, resume=resume, progress=progress, stop_after=stop_after,
                      allow_world_size_change=allow_world_size_change).run()
