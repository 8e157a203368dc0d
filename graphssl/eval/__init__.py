"""Evaluation shared by every system: splits, metrics, runners, multi-seed tables."""

from graphssl.eval.splits import Split, kfold_from_files, random_scaffold_split, random_split, scaffold_split

__all__ = ["Split", "kfold_from_files", "random_scaffold_split", "random_split", "scaffold_split"]
