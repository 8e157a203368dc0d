"""Pretraining: config, loop, checkpoints, distributed set-up."""

from graphssl.train.checkpoint import load_checkpoint, save_checkpoint
from graphssl.train.config import PretrainConfig, load_config
from graphssl.train.pretrained import load_encoder
from graphssl.train.trainer import CHECKPOINT_NAME, Pretrainer, prepare_data, pretrain

__all__ = ["CHECKPOINT_NAME", "PretrainConfig", "Pretrainer", "load_checkpoint", "load_config", "load_encoder",
           "prepare_data", "pretrain", "save_checkpoint"]
