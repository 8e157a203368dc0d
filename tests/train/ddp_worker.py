"""Run under torchrun: pretrain, then save this rank's final weights as rank<r>.pt."""

import os
import sys

import torch

from graphssl.train import Pretrainer, load_config

config_path, out = sys.argv[1], sys.argv[2]
trainer = Pretrainer(load_config(config_path), out, progress=False)
trainer.run()
torch.save(trainer.model.state_dict(), os.path.join(out, f"rank{os.environ['RANK']}.pt"))
