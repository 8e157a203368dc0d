"""Run under torchrun: pretrain, then save this rank's final weights as rank<r>.pt and its DDP setting."""

import json
import os
import sys

import torch

from graphssl.train import Pretrainer, load_config

config_path, out = sys.argv[1], sys.argv[2]
trainer = Pretrainer(load_config(config_path), out, progress=False)
trainer.run()
rank = os.environ["RANK"]
torch.save(trainer.model.state_dict(), os.path.join(out, f"rank{rank}.pt"))
with open(os.path.join(out, f"rank{rank}.json"), "w") as handle:
    json.dump({"find_unused_parameters": trainer.find_unused_parameters}, handle)
