"""Evaluation shared by every system: splits, metrics, runners, multi-seed tables."""

from graphssl.eval.finetune import FinetuneConfig, PredictionModel, finetune, make_head
from graphssl.eval.linear_probe import LinearProbeConfig, embed, fit_linear_probe, linear_probe
from graphssl.eval.metrics import (IoUResult, MultiTaskROCAUC, accuracy, binary_roc_auc, confusion_matrix, mae,
                                   mean_iou, multitask_roc_auc, rmse)
from graphssl.eval.multiseed import SeedResults, flatten_metrics, json_table, markdown_table, run_seeds, write_table
from graphssl.eval.models import resolve_encoder
from graphssl.eval.splits import (Split, kfold_from_files, per_class_split, random_scaffold_split, random_split,
                                  scaffold_split)
from graphssl.eval.tasks import EvalTask

__all__ = [
    "EvalTask", "FinetuneConfig", "IoUResult", "LinearProbeConfig", "MultiTaskROCAUC", "PredictionModel", "SeedResults",
    "Split", "accuracy", "binary_roc_auc", "confusion_matrix", "embed", "finetune", "fit_linear_probe",
    "flatten_metrics", "json_table", "kfold_from_files", "linear_probe", "mae", "make_head", "markdown_table",
    "mean_iou", "multitask_roc_auc", "per_class_split", "random_scaffold_split", "random_split", "resolve_encoder",
    "rmse", "run_seeds", "scaffold_split", "write_table",
]
