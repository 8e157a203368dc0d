"""Pretraining: config, loop, checkpoints, export, loading, distributed set-up."""

from graphssl.train.checkpoint import CHECKPOINT_NAME, load_checkpoint, save_checkpoint
from graphssl.train.config import PretrainConfig, config_from_dict, load_config
from graphssl.train.export import export_encoder
from graphssl.train.pretrained import PretrainedEncoder, load_encoder, load_pretrained
from graphssl.data.prepare import prepare_data
from graphssl.train.trainer import Pretrainer, pretrain

__all__ = ["CHECKPOINT_NAME", "PretrainConfig", "PretrainedEncoder", "Pretrainer", "config_from_dict", "export_encoder",
           "load_checkpoint", "load_config", "load_encoder", "load_pretrained", "prepare_data", "pretrain",
           "save_checkpoint"]
