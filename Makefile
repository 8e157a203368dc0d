# Set-up and everyday commands. `make demo` and `make test` do all set-up on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# The CPU build of torch; installed first so no dependency resolution pulls a CUDA build.
TORCH_SPEC ?= torch==2.13.0
EXTRAS ?= chem,cad,ogb,test
STAMP := $(VENV)/.graphssl-installed

.PHONY: install demo test test-dgl bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -c "import torch" 2>/dev/null || $(BIN)/python -m pip install "$(TORCH_SPEC)"
	$(BIN)/python -m pip install -e ".[$(EXTRAS)]"
	touch $(STAMP)

install: $(STAMP)

# The demo's tensors are tiny, so one thread per process: on a busy machine torch's worker threads
# otherwise spin against each other (the probe took 137 s with two threads and 21 s with one, at load 8).
demo: $(STAMP)
	rm -rf runs/demo
	OMP_NUM_THREADS=1 $(BIN)/graphssl pretrain examples/configs/demo.yaml --out runs/demo
	OMP_NUM_THREADS=1 $(BIN)/python examples/probe_pretrained.py runs/demo/checkpoint.pt

test: $(STAMP)
	$(BIN)/python -m pytest -q
	$(MAKE) test-dgl

# DGL interop against a real DGL 1.1.3 in a side venv that borrows torch from $(VENV).
test-dgl: $(STAMP)
	scripts/test_dgl.sh $(VENV)

# Speed figures recorded in BENCHMARKS.md (each script prints its own; several minutes in all).
bench: $(STAMP)
	$(BIN)/python benchmarks/encoder_throughput.py
	$(BIN)/python benchmarks/pe_speed.py
	$(BIN)/python benchmarks/featurize_speed.py
	$(BIN)/python benchmarks/cad_extract_speed.py

clean:
	rm -rf $(VENV) $(VENV)-dgl .venv-dgl runs build *.egg-info
